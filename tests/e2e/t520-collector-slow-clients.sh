#!/bin/sh
# Slow clients: 200 connections that send one byte a second (slowloris) do
# not keep other agents from being served: a normal report sent meanwhile
# is stored, well within a generous bound (a liveness check, not a
# performance one). A connection that goes silent is closed after
# --conn-timeout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
[ -n "$skip_all" ] || [ -x "$PY" ] || skip_all="$PY is missing"
if [ -n "$skip_all" ]; then
	test_skip "t520-collector-slow-clients: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/slow.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
TOKEN=$(collector org add Traag --db "$DB")

# slowloris.py PORT N SECONDS: N connections, each sending a POST's header
# one byte a second for SECONDS; writes "connected K" once all are open and
# at the end "alive K" (connections the server had not closed).
cat >slowloris.py <<'EOF'
import socket, sys, time
port, n, secs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
head = (b"POST /api/v1/inventory HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nX-Slow: " + b"a" * 4096)
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    socks.append(s)
print("connected %d" % len(socks), flush=True)
end = time.monotonic() + secs
i = 0
while time.monotonic() < end and socks:
    for s in list(socks):
        try:
            s.send(head[i:i + 1])
        except OSError:
            socks.remove(s)
    i += 1
    time.sleep(1)
print("alive %d" % len(socks), flush=True)
EOF

test_expect_success '200 one-byte-a-second connections: a normal report is stored meanwhile' '
	srv_start srv "$DB" &&
	{ $PY slowloris.py "$PORT" 200 25 >slow.out 2>&1 & } &&
	sl=$! && echo $sl >>"$PIDS" &&
	n=0 && while ! grep -q connected slow.out && [ $n -lt 100 ]; do
		n=$((n + 1)); sleep 0.1
	done &&
	cat slow.out &&
	grep -q "connected 200" slow.out &&
	sleep 2 &&
	craft normal.json &&
	t0=$(date +%s) &&
	st=$(post "$URL" "$TOKEN" normal.json --max-time 20) &&
	t1=$(date +%s) &&
	echo "normal report: HTTP $st after $((t1 - t0))s" &&
	test "$st" = 200 &&
	rid=$(jq -r .content.fleetcensus.report_id normal.json) &&
	test "$(sql "$DB" "SELECT count(*) FROM reports WHERE report_id = '\''$rid'\''")" = 1 &&
	test "$(get "$URL" "" /healthz --max-time 20)" = 200 &&
	kill $sl && wait $sl || :
	srv_stop srv
'

test_expect_success 'a connection that goes silent is closed after --conn-timeout' '
	srv_start srv2 "$DB" --conn-timeout 2 &&
	$PY -c "
import socket, sys, time
s = socket.create_connection((\"127.0.0.1\", int(sys.argv[1])), timeout=15)
s.send(b\"POST /api/v1/inventory HTTP/1.1\\r\\nHost: x\\r\\n\")
t0 = time.monotonic()
data = s.recv(100)
print(\"closed after %.1fs: %r\" % (time.monotonic() - t0, data[:40]))
sys.exit(0 if time.monotonic() - t0 < 10 else 1)
" "$PORT" &&
	srv_stop srv2
'

test_expect_success 'no sanitizer report in any server log' '
	! grep -E "Sanitizer|runtime error" ./*/log
'

test_done
