#!/bin/sh
# The inputs the fuzzers found crashing (tests/fixtures/fuzz/<target>/),
# replayed through each fuzz target built with this build's compiler and
# flags ($FC_BUILD/fuzz-replay/replay_<target>, mk/fuzz.mk): every one must
# pass the target's checks, so that no crash comes back unseen, with or
# without clang. Under FC_VALGRIND=1 the replays run under valgrind.
. "$(dirname "$0")/lib.sh"
REPLAY=$BUILD_DIR/fuzz-replay

replay() {
	if [ "${FC_VALGRIND:-0}" = 1 ]; then
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect "$@"
	else
		"$@"
	fi
}

found=0
for dir in "$FIXTURES"/fuzz/*/; do
	[ -d "$dir" ] || continue
	t=$(basename "$dir")
	found=1
	test_expect_success "fuzz regression inputs of $t replay cleanly" '
		test -x "$REPLAY/replay_$t" || skip_test "$REPLAY/replay_$t is not built" &&
		replay "$REPLAY/replay_$t" "$dir"* >out 2>err || { cat err; false; } &&
		test "$(grep -c "^replayed " out)" = "$(ls "$dir" | wc -l)"
	'
done
[ "$found" = 1 ] || test_skip "no fuzz regression inputs in $FIXTURES/fuzz"
test_done
