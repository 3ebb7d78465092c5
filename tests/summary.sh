#!/bin/sh
# Adds up the results files of every build tested and prints the one closing
# line "N passed, N failed". Exits non-zero on any failure or missing run.
set -u
pass=0 fail=0 skip=0
for f in "$@"; do
	if [ ! -s "$f" ]; then
		echo "missing test results: $f" >&2
		fail=$((fail + 1))
		continue
	fi
	while read -r p x s; do
		pass=$((pass + p)) fail=$((fail + x)) skip=$((skip + s))
	done <"$f"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
