#!/bin/sh
# --relay DIR: reports written with --output DIR/ on machines without a
# network path (a share, a USB stick) are sent from a machine that has one:
# the newest report per machine, delivered files removed, older ones of a
# delivered machine removed as superseded, refused and invalid files moved
# to DIR/rejected/ with the reason, the rest kept on a temporary failure.
# Against httpd.py (per-host answers) and against the real collector.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-httpd.sh"
ROOT=$FIXTURES/roots/debian12
X=.content.fleetcensus

skip_all=$(httpd_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t220-relay: $skip_all"
	test_done
	exit $?
fi

# mkhost NAME MACHINE-ID: a copy of the fixture root as another machine,
# host NAME (its own machine-id, DMI UUID and serial).
mkhost() {
	cp -R "$ROOT" "$TEST_DIR/root-$1" &&
	echo "$1" >"$TEST_DIR/root-$1/etc/hostname" &&
	echo "$2" >"$TEST_DIR/root-$1/etc/machine-id" &&
	echo "$2" | sed "s/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)/\1-\2-\3-\4-/" \
		>"$TEST_DIR/root-$1/sys/class/dmi/id/product_uuid" &&
	echo "SN-$1" >"$TEST_DIR/root-$1/sys/class/dmi/id/product_serial"
}
mkhost alpha 11111111111111111111111111111111
mkhost beta 22222222222222222222222222222222
mkhost refuse-1 33333333333333333333333333333333
mkhost fail-1 44444444444444444444444444444444

# report HOST DIR: one report of HOST written into DIR with --output DIR/.
report() {
	agent --root "$TEST_DIR/root-$1" --state-dir "$TEST_DIR/st-$1" --output "$2/"
}

# older FILE OUT: a copy of the report in FILE collected a day earlier,
# with another report_id.
older() {
	jq -c --arg rid "$(cat /proc/sys/kernel/random/uuid)" \
		"$X.report_id = \$rid | $X.collected_at = ($X.collected_at | fromdateiso8601 - 86400 | todateiso8601)" \
		"$1" >"$2"
}

relay() {
	r_dir=$1
	shift
	agent --server "$URL" --token "$TOKEN" --state-dir "$TEST_DIR/st-relay" --timeout 10 \
		--relay "$r_dir" "$@"
}

# sent_ids DIR: the report_ids the server in DIR received, sorted.
sent_ids() {
	$PY -c 'import json, sys
print("\n".join(sorted(json.loads(l)["report_id"] or "" for l in open(sys.argv[1]))))' "$1/log"
}

test_expect_success 'relay: newest per machine sent, older removed, refused and garbage rejected' '
	mkdir d1 &&
	report alpha d1 && report beta d1 && report refuse-1 d1 &&
	a=$(ls d1/fleetcensus-alpha-*.json) &&
	older "$a" d1/alpha-old.json &&
	b=$(ls d1/fleetcensus-beta-*.json) &&
	gzip "$b" &&
	echo "{not json" >d1/garbage.json &&
	echo "a note" >d1/notes.txt &&
	{ jqr $X.report_id "$a"; gzip -dc "$b.gz" | jq -r $X.report_id;
	  jqr $X.report_id d1/fleetcensus-refuse-1-*.json; } | sort >want &&
	httpd_start s1 byhost &&
	expect_status 69 relay d1 >out 2>err &&
	cat out err &&
	grep -q "sent 2, rejected 2, kept 0, superseded 1, skipped 1" out &&
	test "$(req_count s1)" = 3 &&
	sent_ids s1 >got &&
	diff -u want got &&
	test "$(req_field s1 1 decode_error)" = None &&
	test "$(ls d1)" = "$(printf "notes.txt\nrejected")" &&
	ls d1/rejected >rej &&
	grep -qx garbage.json rej && grep -qx garbage.json.reason rej &&
	grep -q "not a report: not JSON" d1/rejected/garbage.json.reason &&
	grep -q "softwares\[3\]\.name: missing" d1/rejected/fleetcensus-refuse-1-*.json.reason &&
	grep -q "skipped .*notes.txt" err
'

test_expect_success 'relay: a 500 stops the run: 75, the file kept for the next run' '
	mkdir d2 &&
	report fail-1 d2 &&
	httpd_start s2 byhost &&
	expect_status 75 relay d2 >out 2>err &&
	grep -q "sent 0, rejected 0, kept 1" out &&
	test "$(ls d2 | wc -l)" = 1 &&
	grep -q "kept for the next run" err
'

test_expect_success 'relay: collector unreachable: 75, every file kept' '
	mkdir d3 &&
	report alpha d3 && report beta d3 &&
	URL=http://127.0.0.1:9 &&
	expect_status 75 relay d3 >out 2>/dev/null &&
	grep -q "sent 0, rejected 0, kept 2" out &&
	test "$(ls d3 | wc -l)" = 2
'

test_expect_success 'relay: an empty directory is done (0); a missing one is 66' '
	mkdir d4 &&
	httpd_start s4 ok &&
	relay d4 >out &&
	grep -q "sent 0, rejected 0, kept 0" out &&
	expect_status 66 relay nodir >/dev/null 2>err &&
	grep -q nodir err
'

test_expect_success 'relay: another run holds the lock: 75, nothing sent' '
	mkdir -p d5 st-relay &&
	report alpha d5 &&
	httpd_start s5 ok &&
	flock st-relay/lock sh -c "
		'"$AGENT_BIN"' --config /dev/null --server $URL --token $TOKEN \
			--state-dir st-relay --relay d5; echo \$? >lockst" &&
	test "$(cat lockst)" = 75 &&
	test "$(req_count s5)" = 0 &&
	test "$(ls d5 | wc -l)" = 1
'

test_expect_success 'relay: --relay with --output, or without --server, is a usage error' '
	expect_status 64 agent --relay d4 --output x.json &&
	expect_status 64 agent --relay d4
'

# The real collector: the same directory, counted once per machine.
if [ -x "$BUILD_DIR/fleetcensus-collector" ] && command -v sqlite3 >/dev/null 2>&1; then
	. "$(dirname "$0")/lib-collector.sh"
	DB=$TEST_DIR/relay.db
	collector org add "Gemeente Utrecht" --db "$DB" >agent.token
	test_expect_success 'relay to the real collector: one machine per root, the bad ones rejected' '
		srv_start srv "$DB" &&
		mkdir d6 &&
		report alpha d6 && report beta d6 && report refuse-1 d6 &&
		older "$(ls d6/fleetcensus-alpha-*.json)" d6/alpha-old.json &&
		jq -c "$X.report_id = \"$(cat /proc/sys/kernel/random/uuid)\" |
			$X.machine_id = \"55555555555545558555555555555555\" |
			.content.softwares[0].name = 5" \
			"$(ls d6/fleetcensus-beta-*.json)" >d6/broken.json &&
		echo garbage | gzip >d6/junk.json.gz &&
		set +e
		agent --server "$URL" --token "$(cat agent.token)" --state-dir st-real --timeout 10 \
			--relay d6 >out 2>err
		st=$?
		set -e
		cat out err &&
		echo "exit $st; machines $(sql "$DB" "SELECT count(*) FROM machines");" \
			"reports $(sql "$DB" "SELECT count(*) FROM reports")" &&
		test $st = 69 &&
		grep -q "sent 3, rejected 2, kept 0, superseded 1, skipped 0" out &&
		test "$(sql "$DB" "SELECT count(*) FROM machines")" = 3 &&
		test "$(sql "$DB" "SELECT count(*) FROM reports")" = 3 &&
		test "$(ls d6)" = rejected &&
		grep -q "not JSON" d6/rejected/junk.json.gz.reason &&
		grep -q "content.softwares\[0\].name: not a string" d6/rejected/broken.json.reason &&
		srv_stop srv
	'
else
	test_skip 'relay to the real collector (collector not built or sqlite3 missing)'
fi

test_done
