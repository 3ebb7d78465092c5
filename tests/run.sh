#!/bin/sh
# Runs every unit test binary and every end-to-end test of one build and
# appends "passed failed skipped" to BUILD/results. Each test prints TAP
# (cmocka with CMOCKA_MESSAGE_OUTPUT=TAP, e2e tests through lib.sh).
set -u
BUILD=${1:-build}
results="$BUILD/results"
log="$BUILD/test-log"
: >"$log"
pass=0 fail=0 skip=0

tally() { # name, file holding its TAP output, exit status
	# cmocka 1.1 prints a skipped test as "not ok N # SKIP", lib.sh as "ok N # SKIP"
	p=$(grep '^ok ' "$2" | grep -vc '# SKIP' | tr -d ' ')
	s=$(grep -Ec '^(not )?ok .*# SKIP' "$2" | tr -d ' ')
	f=$(grep '^not ok ' "$2" | grep -vc '# SKIP' | tr -d ' ')
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		f=1 # crashed or exited non-zero without saying which test failed
		echo "not ok - $1 exited with status $3" >>"$2"
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	printf '%-44s %4d passed %3d failed %3d skipped\n' "$1" "$p" "$f" "$s"
	if [ "$f" != 0 ]; then
		grep -v '^ok ' "$2" | grep -v '# SKIP' | sed 's/^/    /' | head -n 60
	fi
	{ echo "== $1"; cat "$2"; } >>"$log"
}

out=$(mktemp)
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$out" 2>&1
	tally "unit/${t##*/}" "$out" $?
done
for t in tests/e2e/t[0-9]*.sh; do
	FC_BUILD="$BUILD" sh "$t" >"$out" 2>&1
	tally "e2e/${t##*/}" "$out" $?
done
rm -f "$out"
echo "$pass $fail $skip" >>"$results"
echo "$BUILD: $pass passed, $fail failed, $skip skipped (full log: $log)"
