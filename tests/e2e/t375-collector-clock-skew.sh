#!/bin/sh
# Clock skew (issue 6): a report whose collected_at is far in the future or
# the past is stored with the server's receive time (last_seen), and a
# machine's reports are ordered by min(collected_at, received_at +
# --clock-skew), so a clock set ahead cannot pin the machine's newest report.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t375-collector-clock-skew: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/skew.db
DB0=$TEST_DIR/skew0.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
TOKEN=$(collector org add "Gemeente Utrecht" --db "$DB")
TOKEN0=$(collector org add "Gemeente Utrecht" --db "$DB0")
srv_start srv "$DB" || :
URL1=$URL
srv_start srv0 "$DB0" --clock-skew 0 || :
URL0=$URL

now() {
	date -u +%s
}
iso() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}
col() { # DB HW COLUMN
	sql "$1" "SELECT $3 FROM machines WHERE hw_uuid = '$2'"
}

# rep OUT HW HOST COLLECTED_AT
rep() {
	craft "$1" ".content.hardware.uuid = \"$2\" | .content.hardware.name = \"$3\" |
		.content.fleetcensus.collected_at = \"$4\""
}

HWF=4c4c4544-0000-4000-8000-000000000375
HWP=4c4c4544-0000-4000-8000-000000000376

test_expect_success 'a report from ten years ahead is stored with the time it arrived' '
	t=$(now) && rep f.json $HWF ahead "$(iso $((t + 3650 * 86400)))" &&
	test "$(post "$URL1" "$TOKEN" f.json)" = 200 &&
	seen=$(col "$DB" $HWF last_seen) &&
	test "$seen" -ge "$t" && test "$seen" -le "$(( $(now) + 1 ))" &&
	test "$(col "$DB" $HWF collected_at)" = "$(iso $((t + 3650 * 86400)))" &&
	test "$(( $(col "$DB" $HWF order_ts) - seen ))" = 3600
'

test_expect_success 'it is counted by its arrival: in the window of today'"'"'s reports' '
	collector report counts --db "$DB" --by os_product --format csv >c.csv &&
	tr -d "\r" <c.csv | grep -q ",1$"
'

test_expect_success 'within the tolerance a correct report after it is older (documented)' '
	rep g.json $HWF fixed "$(iso "$(now)")" &&
	test "$(post "$URL1" "$TOKEN" g.json)" = 200 &&
	test "$(col "$DB" $HWF hostname)" = ahead &&
	test "$(sql "$DB" "SELECT stale FROM reports ORDER BY id DESC LIMIT 1")" = 1
'

test_expect_success 'past the tolerance the correct report is the newest (--clock-skew 0)' '
	t=$(now) && rep f0.json $HWF ahead "$(iso $((t + 3650 * 86400)))" &&
	test "$(post "$URL0" "$TOKEN0" f0.json)" = 200 &&
	test "$(col "$DB0" $HWF order_ts)" = "$(col "$DB0" $HWF last_seen)" &&
	sleep 1.1 &&
	rep g0.json $HWF fixed "$(iso "$(now)")" &&
	test "$(post "$URL0" "$TOKEN0" g0.json)" = 200 &&
	test "$(col "$DB0" $HWF hostname)" = fixed &&
	test "$(col "$DB0" $HWF collected_at)" = "$(jq -r .content.fleetcensus.collected_at g0.json)"
'

test_expect_success 'a report from a clock in 1999 is stored, seen now, and older than any later one' '
	t=$(now) && rep p.json $HWP past "1999-12-31T23:59:59Z" &&
	test "$(post "$URL1" "$TOKEN" p.json)" = 200 &&
	test "$(col "$DB" $HWP last_seen)" -ge "$t" &&
	test "$(col "$DB" $HWP order_ts)" = 946684799 &&
	rep q.json $HWP now "$(iso "$t")" &&
	test "$(post "$URL1" "$TOKEN" q.json)" = 200 &&
	test "$(col "$DB" $HWP hostname)" = now &&
	rep p2.json $HWP past2 "1999-12-31T23:59:59Z" &&
	test "$(post "$URL1" "$TOKEN" p2.json)" = 200 &&
	test "$(col "$DB" $HWP hostname)" = now
'

srv_finish srv
srv_finish srv0
test_expect_success 'the servers stopped cleanly' 'srv_clean srv && srv_clean srv0'
test_done
