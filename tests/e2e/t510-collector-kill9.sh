#!/bin/sh
# kill -9 under load, 20 times in a row: six concurrent senders post
# distinct reports (machines of three organisations, new ones and newer
# reports of known ones) while the collector is killed with SIGKILL at a
# random moment. After every restart: each report that got a 200 is in the
# database, PRAGMA integrity_check is ok, and the counts report (report
# counts --by org,os_product --format csv) equals a recount from the
# machines table.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
[ -n "$skip_all" ] || [ -x "$PY" ] || skip_all="$PY is missing"
if [ -n "$skip_all" ]; then
	test_skip "t510-collector-kill9: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/kill9.db
TPL=$TEST_DIR/template.json
ROUNDS=${FC_KILL9_ROUNDS:-20}
make_template "$TPL"
for o in Assen Breda Delft; do
	printf '%s\t%s\n' "$o" "$(collector org add "$o" --db "$DB")" >>orgs.tsv
done

# The load: SENDERS threads, each posting until the server is gone; every
# report_id answered 200 is appended (and flushed) to acked.txt.
cat >load.py <<'EOF'
import datetime, http.client, json, random, sys, threading, uuid
port, rnd, senders = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tpl = json.load(open("template.json"))
orgs = [l.rstrip("\n").split("\t") for l in open("orgs.tsv")]
out = open("acked.txt", "a")
lock = threading.Lock()
t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)

def sender(s):
    rng = random.Random("%d-%d" % (rnd, s))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = 0
    while True:
        n += 1
        org = orgs[(s + n) % len(orgs)]
        m = rng.randrange(40)  # machine m of this organisation: known or new
        r = json.loads(json.dumps(tpl))
        c = r["content"]
        c["hardware"]["uuid"] = str(uuid.uuid5(uuid.NAMESPACE_DNS, "%s-%d" % (org[0], m)))
        c["hardware"]["name"] = "%s-%02d" % (org[0].lower(), m)
        rid = str(uuid.uuid4())
        c["fleetcensus"].update(report_id=rid, machine_id="", agent_id=str(uuid.uuid4()),
                                collected_at=(t0 + datetime.timedelta(
                                    seconds=rnd * 100000 + s * 1000 + n))
                                .strftime("%Y-%m-%dT%H:%M:%SZ"))
        try:
            conn.request("POST", "/api/v1/inventory", body=json.dumps(r).encode(),
                         headers={"Authorization": "Bearer " + org[1],
                                  "Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            return
        if resp.status == 200:
            with lock:
                out.write(rid + "\n")
                out.flush()
        elif resp.status != 503:
            with lock:
                out.write("UNEXPECTED %d\n" % resp.status)
                out.flush()

ts = [threading.Thread(target=sender, args=(s,)) for s in range(senders)]
for t in ts:
    t.start()
for t in ts:
    t.join()
EOF

# check_db: the three promises, on the database the running server has.
check_db() {
	! grep UNEXPECTED acked.txt || return 1
	{
		echo "CREATE TEMP TABLE acked (rid TEXT PRIMARY KEY);"
		sort -u acked.txt | sed "s/.*/INSERT INTO acked VALUES ('&');/"
		echo "SELECT count(*) FROM acked WHERE rid NOT IN (SELECT report_id FROM reports);"
	} >check.sql
	cd_missing=$(sqlite3 -batch "$DB" <check.sql)
	[ "$cd_missing" = 0 ] || { echo "$cd_missing acknowledged reports are missing" >&2; return 1; }
	cd_ic=$(sql "$DB" "PRAGMA integrity_check")
	[ "$cd_ic" = ok ] || { echo "integrity_check: $cd_ic" >&2; return 1; }
	collector report counts --by org,os_product --format csv --db "$DB" | tr -d '\r' |
		tail -n +2 | sort >counts.report
	sql "$DB" "SELECT o.name || ',' || m.os_product || ',' || count(*) FROM machines m
		JOIN organisations o ON o.id = m.org_id GROUP BY o.name, m.os_product" |
		sort >counts.sql
	diff -u counts.sql counts.report
}

test_expect_success "SIGKILL under load, $ROUNDS times: every 200 stored, integrity, counts" '
	: >acked.txt &&
	r=0 &&
	while [ $r -lt $ROUNDS ]; do
		r=$((r + 1)) &&
		srv_start srv$r "$DB" &&
		check_db &&
		before=$(wc -l <acked.txt) &&
		{ $PY load.py "$PORT" $r 6 & } &&
		lp=$! &&
		sleep "$(awk -v s=$r "BEGIN { srand(s); printf \"%.2f\", 0.3 + rand() * 1.2 }")" &&
		srv_kill9 srv$r &&
		wait $lp &&
		echo "round $r: $(($(wc -l <acked.txt) - before)) reports acknowledged before the kill" ||
		exit 1
	done &&
	srv_start final "$DB" &&
	check_db &&
	srv_stop final &&
	test -s counts.sql &&
	cat counts.report &&
	echo "$(sort -u acked.txt | wc -l) acknowledged in all; machines: $(sql "$DB" \
		"SELECT count(*) FROM machines")" &&
	test "$(sort -u acked.txt | wc -l)" -gt $((ROUNDS * 10))
'

test_expect_success 'no sanitizer report in any server log' '
	! grep -E "Sanitizer|runtime error" ./*/log
'

test_done
