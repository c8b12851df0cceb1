# A word-frequency pipeline and command substitutions feeding each other.
sort data/words.txt | uniq -c | sort -k1,1nr -k2 | head -n 3
lines=$(wc -l <data/words.txt)
echo "lines: $lines"
echo "first: $(head -n 1 data/words.txt | tr a-z A-Z)"
grep -c a data/words.txt | while read -r n; do echo "with a: $n"; done
