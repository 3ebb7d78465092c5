#!/bin/sh
# t250-agent-messages.sh - what the agent says (issue 14): one line on
# stdout where a person waits for an answer (a send, --output DIR/, a
# relay), nothing at all with --quiet, errors that name the option, the
# value and what is wanted; a state directory that cannot keep the agent id
# is an error (73) with --output too; the old default state directory's
# agent id is taken over.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

test_expect_success 'bad option values: the option, the value and what is wanted' '
	expect_status 64 agent --output x --timeout 0 2>err &&
	grep -Fx "fleetcensus-agent: error: --timeout must be 1 to 3600 seconds, not '"'0'"'" err &&
	expect_status 64 agent --output x --splay abc 2>err &&
	grep -Fx "fleetcensus-agent: error: --splay must be 0 to 86400 seconds, not '"'abc'"'" err &&
	expect_status 64 agent --output "" 2>err &&
	grep -Fx "fleetcensus-agent: error: --output needs a value" err &&
	! grep -q "^fleetcensus-agent: error: --[a-z-]*'"'"'" err
'

test_expect_success 'a file in the settings: the line and the setting in quotes' '
	printf "timeout = 0\n" >t.conf &&
	expect_status 78 "$AGENT_BIN" --config t.conf --output x 2>err &&
	grep -F "line 1: '"'timeout'"' must be 1 to 3600 seconds, not '"'0'"'" err
'

test_expect_success '--output DIR/ says the file name; --quiet says nothing' '
	mkdir usb &&
	agent --root "$ROOT" --state-dir st --output usb/ >out 2>err &&
	test ! -s err && test "$(wc -l <out)" = 1 &&
	f=$(sed -n "s/^report written to '"'"'\(.*\)'"'"'\$/\1/p" out) &&
	test -n "$f" && test -s "$f" && test "$(ls usb | wc -l)" = 1 &&
	agent --root "$ROOT" --state-dir st --output usb/ --quiet >out 2>err &&
	test ! -s out && test ! -s err && test "$(ls usb | wc -l)" = 2
'

test_expect_success '--output FILE and --output - add nothing to the report' '
	agent --root "$ROOT" --state-dir st --output r.json >out 2>err &&
	test ! -s out && test ! -s err && test -s r.json &&
	agent --root "$ROOT" --state-dir st --output - >out 2>err &&
	test ! -s err && jq -e .deviceid out >/dev/null
'

test_expect_success 'a state directory that cannot keep the agent id: 73 with --output too' '
	echo "not a directory" >afile &&
	expect_status 73 agent --root "$ROOT" --state-dir afile/st --output r2.json >out 2>err &&
	grep -F "state directory '"'afile/st'"'" err && grep -F -- "--state-dir" err &&
	test ! -e r2.json && test ! -s out &&
	mkdir empty && expect_status 73 agent --root "$ROOT" --state-dir afile/st \
		--output empty/ 2>/dev/null &&
	test -z "$(ls empty)"
'

why=$(collector_prereqs)
if [ -z "$why" ]; then
	DB=$TEST_DIR/c.db
	srv_start "$TEST_DIR/srv" "$DB"
	TOKEN=$(collector org add "Gemeente Utrecht" --db "$DB")

	test_expect_success 'a send says where it went, full then short; --quiet says nothing' '
		agent --root "$ROOT" --state-dir s1 --server "$URL" --token "$TOKEN" >out 2>err &&
		test ! -s err && test "$(wc -l <out)" = 1 &&
		grep -E "^sent the full report to $URL: delivered \(HTTP 200\)" out &&
		agent --root "$ROOT" --state-dir s1 --server "$URL" --token "$TOKEN" >out 2>err &&
		test ! -s err &&
		grep -E "^sent the short report to $URL: delivered \(HTTP 200\)" out &&
		agent --root "$ROOT" --state-dir s1 --server "$URL" --token "$TOKEN" \
			--quiet >out 2>err &&
		test ! -s out && test ! -s err
	'

	test_expect_success 'relay: one summary line; --quiet says nothing' '
		mkdir r1 &&
		agent --root "$ROOT" --state-dir s2 --output r1/ --quiet &&
		agent --state-dir s3 --server "$URL" --token "$TOKEN" --relay r1 >out 2>err &&
		test ! -s err &&
		grep -Fx "relay r1: sent 1, rejected 0, kept 0, superseded 0, skipped 0" out &&
		agent --root "$ROOT" --state-dir s2 --output r1/ --quiet &&
		agent --state-dir s3 --server "$URL" --token "$TOKEN" --relay r1 --quiet \
			>out 2>err &&
		test ! -s out && test ! -s err && test -z "$(ls r1)"
	'

	test_expect_success 'not delivered: the error, nothing on stdout' '
		expect_status 75 agent --root "$ROOT" --state-dir s4 --timeout 2 \
			--server http://127.0.0.1:9 --token "$TOKEN" >out 2>err &&
		test ! -s out && grep -q "not delivered, kept for the next run" err
	'
else
	test_skip "t250: sends: $why"
fi

# The old default state directory (/var/lib/fleetcensus, now the
# collector's) is tried in a mount namespace whose /var/lib is a scratch
# overlay, so that the host's /var/lib is never written.
test_expect_success 'the agent id of /var/lib/fleetcensus is taken over, with its time' '
	[ "$(id -u)" = 0 ] || skip_test "needs root (a mount namespace)"
	unshare -m true 2>/dev/null || skip_test "unshare -m is not allowed here"
	cat >ns.sh <<-EOF
	set -e
	mount -t tmpfs fc-t250 "$TEST_DIR/ns"
	mkdir "$TEST_DIR/ns/up" "$TEST_DIR/ns/work"
	mount -t overlay overlay -o lowerdir=/var/lib,upperdir=$TEST_DIR/ns/up,workdir=$TEST_DIR/ns/work /var/lib
	grep -q " /var/lib overlay " /proc/self/mounts
	rm -rf /var/lib/fleetcensus /var/lib/fleetcensus-agent
	mkdir -p /var/lib/fleetcensus
	echo 0b5e4c8a-3f55-4d0e-9d1c-2a7f1e6b9c30 >/var/lib/fleetcensus/agent-id
	touch -d "2020-03-04 05:06:07 UTC" /var/lib/fleetcensus/agent-id
	chmod 0555 /var/lib/fleetcensus
	"$AGENT_BIN" --config "$TEST_DIR/.empty.conf" --root "$ROOT" --output "$TEST_DIR/m.json"
	cat /var/lib/fleetcensus-agent/agent-id >"$TEST_DIR/new-id"
	stat -c %Y /var/lib/fleetcensus-agent/agent-id >"$TEST_DIR/new-time"
	stat -c %a /var/lib/fleetcensus-agent >"$TEST_DIR/new-mode"
	test -f /var/lib/fleetcensus/agent-id
	EOF
	mkdir ns && unshare -m sh ns.sh &&
	test "$(cat new-id)" = 0b5e4c8a-3f55-4d0e-9d1c-2a7f1e6b9c30 &&
	test "$(cat new-time)" = "$(date -u -d "2020-03-04 05:06:07" +%s)" &&
	test "$(cat new-mode)" = 700 &&
	test "$(jqr .content.fleetcensus.agent_id m.json)" = 0b5e4c8a-3f55-4d0e-9d1c-2a7f1e6b9c30 &&
	jqr .deviceid m.json | grep -q -- "-2020-03-04-05-06-07\$" &&
	test ! -e /var/lib/fleetcensus-agent/agent-id.tmp
'

test_done
