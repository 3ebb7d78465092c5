#!/bin/sh
# Durability: 20 senders post reports concurrently, the server is killed
# with SIGKILL in the middle, and after a restart every report that got a
# 200 is in the database, which passes PRAGMA integrity_check.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
[ -n "$skip_all" ] || [ -x "$PY" ] || skip_all="$PY is missing"
if [ -n "$skip_all" ]; then
	test_skip "t350-collector-durability: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/durable.db
TPL=$TEST_DIR/template.json
SENDERS=20
PER_SENDER=40
make_template "$TPL"
TOKEN=$(collector org add Durable --db "$DB")
ADMIN=$(collector token add --role admin --db "$DB")

# Sender i's reports: one machine (its own hardware UUID), PER_SENDER
# reports with new report_ids and rising collected_at, in
# reports/i/NNN-REPORT_ID.json.
$PY - "$TPL" "$SENDERS" "$PER_SENDER" <<'EOF'
import datetime, json, os, sys, uuid
tpl = json.load(open(sys.argv[1]))
t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
for i in range(int(sys.argv[2])):
    hw, mid, aid = str(uuid.uuid4()), uuid.uuid4().hex, str(uuid.uuid4())
    for k in range(int(sys.argv[3])):
        r = json.loads(json.dumps(tpl))
        c = r["content"]
        c["hardware"]["uuid"] = hw
        c["hardware"]["name"] = "durable-%02d" % i
        fc = c["fleetcensus"]
        rid = str(uuid.uuid4())
        fc.update(report_id=rid, machine_id=mid, agent_id=aid,
                  collected_at=(t0 + datetime.timedelta(seconds=k)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        path = "reports/%d/%03d-%s.json" % (i, k, rid)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(r, f)
EOF

# sender I URL: posts reports/I/* in order, logging "report_id status" to
# sent/I; stops at the first request without an answer (the server is gone).
sender() {
	for f in reports/$1/*.json; do
		rid=${f##*/???-}
		rid=${rid%.json}
		st=$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' \
			-H "Authorization: Bearer $TOKEN" -H 'Content-Encoding: identity' \
			--data-binary @"$f" "$2/api/v1/inventory" || :)
		echo "$rid $st" >>"sent/$1"
		[ "$st" != 000 ] || break
	done
}

acked() {
	cat sent/* 2>/dev/null | awk '$2 == 200' | wc -l | tr -d ' '
}

test_expect_success "$SENDERS concurrent senders, SIGKILL mid-way: every 200 is stored" '
	srv_start srv "$DB" &&
	mkdir -p sent &&
	i=0 && pids= &&
	while [ $i -lt $SENDERS ]; do
		sender $i "$URL" &
		pids="$pids $!"
		i=$((i + 1))
	done &&
	n=0 &&
	while [ "$(acked)" -lt 150 ] && [ $n -lt 600 ]; do
		n=$((n + 1))
		sleep 0.02
	done &&
	srv_kill9 srv &&
	for p in $pids; do wait $p || :; done &&
	total=$(cat sent/* | wc -l) && ok=$(acked) &&
	echo "$ok of $total requests got 200 before the kill" &&
	test "$ok" -ge 150 &&
	test "$total" -lt $((SENDERS * PER_SENDER)) &&
	test "$(sql "$DB" "PRAGMA integrity_check")" = ok &&
	awk "\$2 == 200 { print \$1 }" sent/* >acked.txt &&
	{
		echo "CREATE TEMP TABLE acked (rid TEXT PRIMARY KEY);"
		sed "s/.*/INSERT INTO acked VALUES ('\''&'\'');/" acked.txt
		echo "SELECT count(*) FROM acked WHERE rid NOT IN (SELECT report_id FROM reports);"
	} >check.sql &&
	missing=$(sqlite3 -batch "$DB" <check.sql) &&
	echo "acknowledged but missing: $missing" &&
	test "$missing" = 0
'

test_expect_success 'after a restart the server serves, keeps counting each machine once' '
	srv_start srv2 "$DB" &&
	test "$(get "$URL" "" /healthz)" = 200 &&
	senders_acked=$(for f in sent/*; do awk "\$2 == 200" "$f" | head -n 1; done | wc -l) &&
	test "$(machines "$URL" "$ADMIN" | jq length)" = "$senders_acked" &&
	for i in 0 1 2; do
		f=$(ls reports/$i/*.json | tail -n 1) &&
		test "$(post "$URL" "$TOKEN" "$f")" = 200 || exit 1
	done &&
	test "$(machines "$URL" "$ADMIN" | jq "[.[] | select(.hostname == \"durable-00\")] | length")" = 1 &&
	srv_stop srv2 &&
	test "$(sql "$DB" "PRAGMA integrity_check")" = ok
'

test_done
