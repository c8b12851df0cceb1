# bash arrays, associative arrays, arithmetic and string operations (builtins only).
fruits=(pear apple banana)
fruits+=(kiwi)
echo "${#fruits[@]} ${fruits[1]} ${fruits[*]: -2}"
declare -A age=([alice]=30 [bob]=25)
age[carol]=41
echo "${age[alice]} ${age[carol]} ${#age[@]}"
sum=0
for ((i = 0; i < 10; i++)); do ((sum += i * i)); done
echo "sum $sum"
s="Hello, World"
echo "${s,,} ${s^^} ${s/World/bash} ${s:7} ${#s}"
mapfile -t lines <data/numbers.txt
echo "${#lines[@]} lines, last ${lines[-1]}"
printf -v padded '%05d' 42
echo "$padded"
[[ "abc123" =~ ^([a-z]+)([0-9]+)$ ]] && echo "${BASH_REMATCH[1]}-${BASH_REMATCH[2]}"
