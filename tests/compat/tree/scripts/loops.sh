# Loops and tests without any external command.
total=0
for n in 1 2 3 4 5 6 7 8 9 10; do
    if [ $((n % 2)) -eq 0 ]; then
        total=$((total + n))
    fi
done
echo "even sum $total"
i=0
while :; do
    i=$((i + 1))
    [ "$i" -ge 4 ] && break
done
echo "broke at $i"
until [ "$i" -eq 0 ]; do
    printf '%s ' "$i"
    i=$((i - 1))
done
echo
while read -r word count; do
    echo "$count=$word"
done <data/pairs.txt
