#!/bin/sh
# Runs the libFuzzer targets built by mk/fuzz.mk (docs/testing.md).
#
#   run.sh probe CC                  exit 0 when CC can build a libFuzzer
#                                    target with ASan+UBSan
#   run.sh check SECONDS TARGET...   the short run of make check: each target
#                                    for SECONDS on a scratch corpus (seeds and
#                                    regression inputs replayed first); one TAP
#                                    line per target; "passed failed skipped"
#                                    appended to $FUZZ_RESULTS; exits 0
#                                    with FUZZ_COUNTED=1 (make check, where
#                                    tests/summary.sh gives the verdict)
#   run.sh fuzz SECONDS TARGET...    make fuzz: each target for SECONDS,
#                                    growing build/fuzz/corpus/<target>
#   run.sh skip CC TARGET...         clang is missing: one skipped TAP line per
#                                    target, counted as skipped
#
# A crash, leak, sanitizer report or timeout (-timeout=5 s per input) fails
# the target; the output names the reproducer (build/fuzz/artifacts/<target>/),
# and the whole log is kept in build/fuzz/logs/<target>.log.
set -u
mode=${1:-}
FUZZ_DIR=${FUZZ_DIR:-build/fuzz}
FUZZ_RESULTS=${FUZZ_RESULTS:-$FUZZ_DIR/results}
REGRESS=tests/fixtures/fuzz
OPTS="-timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=2048 -detect_leaks=1 -print_final_stats=1"

probe() {
	command -v "$1" >/dev/null 2>&1 || return 1
	pd=$(mktemp -d) || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$pd/p.c"
	"$1" -fsanitize=fuzzer,address,undefined -o "$pd/p" "$pd/p.c" >/dev/null 2>&1
	pr=$?
	rm -rf "$pd"
	return $pr
}

# The symbolizer of Debian's llvm-14 when the unversioned one is missing.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null 2>&1 &&
	[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
	ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
	export ASAN_SYMBOLIZER_PATH
fi
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export UBSAN_OPTIONS

# run_one TARGET SECONDS CORPUS: runs the target, sets execs, rate, status
# and artifact.
run_one() {
	t=$1 secs=$2 corpus=$3
	bin=$FUZZ_DIR/fuzz_$t
	log=$FUZZ_DIR/logs/$t.log
	art=$FUZZ_DIR/artifacts/$t/
	mkdir -p "$FUZZ_DIR/logs" "$art" "$corpus"
	dirs=$corpus
	for d in "$FUZZ_DIR/seeds/$t" "$REGRESS/$t"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	# shellcheck disable=SC2086 # OPTS and dirs are word lists
	"$bin" $OPTS -max_total_time="$secs" -artifact_prefix="$art" $dirs >"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=0
	[ -n "$rate" ] || rate=0
}

# Prints the interesting part of a failed run's log.
explain() {
	grep -E 'ERROR|SUMMARY|fuzz: |fuzz_http: |Test unit written|#[0-9]+ 0x|runtime error|==[0-9]+==' \
		"$log" | head -n 40 | sed 's/^/    /'
	echo "    reproducer: ${artifact:-none written} (replay: $bin ${artifact:-FILE})"
	echo "    full log: $log"
}

case $mode in
probe)
	probe "${2:-clang}"
	exit $?
	;;
skip)
	cc=$2
	shift 2
	n=0
	for t in "$@"; do
		n=$((n + 1))
		echo "ok $n - fuzz $t # SKIP no libFuzzer: '$cc' missing or cannot link -fsanitize=fuzzer (install clang-14 libclang-rt-14-dev)"
	done
	echo "fuzz: skipped $n targets: no working clang/libFuzzer ('$cc')" >&2
	echo "0 0 $n" >>"$FUZZ_RESULTS"
	exit 0
	;;
check | fuzz)
	secs=$2
	shift 2
	;;
*)
	echo "usage: run.sh probe CC | check SECONDS TARGET... | fuzz SECONDS TARGET... | skip CC TARGET..." >&2
	exit 64
	;;
esac

n=0 pass=0 fail=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fc-fuzz-corpus.XXXXXX") || exit 1
for t in "$@"; do
	n=$((n + 1))
	if [ ! -x "$FUZZ_DIR/fuzz_$t" ]; then
		echo "not ok $n - fuzz $t: $FUZZ_DIR/fuzz_$t is not built"
		fail=$((fail + 1))
		continue
	fi
	if [ "$mode" = check ]; then
		run_one "$t" "$secs" "$scratch/$t"
	else
		run_one "$t" "$secs" "$FUZZ_DIR/corpus/$t"
	fi
	if [ "$status" = 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - fuzz $t ($execs execs, $rate/s)"
	else
		fail=$((fail + 1))
		echo "not ok $n - fuzz $t ($execs execs, $rate/s, exit status $status)"
		explain
	fi
done
rm -rf "$scratch"
if [ "$mode" = check ]; then
	echo "$pass $fail 0" >>"$FUZZ_RESULTS"
	echo "fuzz: $pass passed, $fail failed ($secs s per target; logs in $FUZZ_DIR/logs)"
	# make check: the counts decide, and tests/summary.sh prints the verdict
	[ "${FUZZ_COUNTED:-0}" = 1 ] && exit 0
else
	echo "fuzz: $pass targets without a finding, $fail with one ($secs s each;" \
		"corpora in $FUZZ_DIR/corpus, findings in $FUZZ_DIR/artifacts)"
fi
[ "$fail" = 0 ]
