#!/bin/sh
# HTTP edge cases, over raw sockets (docs/security.md "HTTP edge cases"):
# a body framed two ways (two Content-Length headers, Content-Length with
# Transfer-Encoding, two Transfer-Encoding headers) gets 400 and the
# connection closed before any of the body is read, so that nothing after
# it is taken as a pipelined request; a transfer coding other than chunked
# gets 501 at once; a query string of too many arguments 431 and a URI with
# a query that is too long 414, at once, without a token; a Content-Length
# that is not a number gets libmicrohttpd's own 400 at once and a log line;
# and after more clients than --max-connections give up, the next request
# is served at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
[ -n "$skip_all" ] || [ -x "$PY" ] || skip_all="$PY is missing"
if [ -n "$skip_all" ]; then
	test_skip "t525-collector-http-edges: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/edges.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
TOKEN=$(collector org add Rand --db "$DB")

# raw.py PORT REQUEST [SECONDS]: sends REQUEST (Python escapes: \r\n, and
# {TOKEN} for the agent token, {N*TEXT} for N copies of TEXT) on a new
# connection and reads until the server closes it or SECONDS (default 20)
# pass. The answer goes to ./answer; stdout says "closed after S" or
# "open after S", and how many status lines the answer holds.
cat >raw.py <<'EOF'
import codecs, re, socket, sys, time
port, req = int(sys.argv[1]), sys.argv[2]
secs = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
req = req.replace("{TOKEN}", open("token").read().strip())
req = re.sub(r"\{(\d+)\*([^}]*)\}", lambda m: m.group(2) * int(m.group(1)), req)
data = codecs.decode(req, "unicode_escape").encode("latin-1")
s = socket.create_connection(("127.0.0.1", port), timeout=secs)
t0 = time.monotonic()
try:
    s.sendall(data)
except OSError:
    pass
out, state = b"", "closed"
s.settimeout(0.2)
while True:
    try:
        b = s.recv(65536)
    except socket.timeout:
        if time.monotonic() - t0 < secs:
            continue
        state = "open"
        break
    except OSError:
        break
    if not b:
        break
    out += b
open("answer", "wb").write(out)
n = len(re.findall(rb"(^|\r\n)HTTP/1\.[01] \d{3} ", out))
print("%s after %.1f, %d status lines" % (state, time.monotonic() - t0, n))
EOF
echo "$TOKEN" >token

# status: the first status code in ./answer; body: what follows the first
# blank line (the answer's body, for a single answer)
status() {
	head -n 1 answer | cut -d" " -f2
}
body() {
	sed -e "1,/^\r$/d" answer
}

# fast RESULT: the server closed the connection within 3 seconds.
fast() {
	echo "$1"
	case $1 in "closed after "[0-2].*) ;; *) echo "not closed at once" >&2; return 1 ;; esac
}

srv_start srv "$DB" --conn-timeout 30

POST='POST /api/v1/inventory HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n'

test_expect_success 'two different Content-Length headers: 400, closed, no pipelined request' '
	before=$(grep -c "GET /healthz" srv/log || :) &&
	r=$($PY raw.py "$PORT" "${POST}Content-Length: 5\r\nContent-Length: 40\r\n\r\nhelloGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") &&
	fast "$r" && echo "$r" | grep -q ", 1 status lines" &&
	test "$(status)" = 400 &&
	body | jq -e ".error == \"more than one Content-Length header\"" &&
	grep -qi "^Connection: close" answer &&
	test "$(grep -c "GET /healthz" srv/log || :)" = "$before" &&
	grep -q "POST /api/v1/inventory 400 .* in=0 " srv/log
'

test_expect_success 'two equal Content-Length headers: 400 too' '
	r=$($PY raw.py "$PORT" "${POST}Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}") &&
	fast "$r" && test "$(status)" = 400
'

test_expect_success 'Content-Length with Transfer-Encoding: 400, nothing read' '
	r=$($PY raw.py "$PORT" "${POST}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n") &&
	fast "$r" && test "$(status)" = 400 &&
	body | jq -e ".error | test(\"both Content-Length and Transfer-Encoding\")"
'

test_expect_success 'two Transfer-Encoding headers: 400' '
	r=$($PY raw.py "$PORT" "${POST}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") &&
	fast "$r" && test "$(status)" = 400 &&
	body | jq -e ".error | test(\"more than one Transfer-Encoding\")"
'

test_expect_success 'Transfer-Encoding xchunked, or gzip, chunked: 501 at once' '
	r=$($PY raw.py "$PORT" "${POST}Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") &&
	fast "$r" && test "$(status)" = 501 &&
	body | jq -e ".error | test(\"transfer coding .xchunked. is not supported\")" &&
	r=$($PY raw.py "$PORT" "${POST}Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") &&
	fast "$r" && test "$(status)" = 501 &&
	r=$($PY raw.py "$PORT" "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n") &&
	fast "$r" && test "$(status)" = 501
'

test_expect_success 'a chunked report is still stored' '
	craft c.json &&
	test "$(post "$URL" "$TOKEN" c.json -H "Transfer-Encoding: chunked")" = 200 &&
	rid=$(jq -r .content.fleetcensus.report_id c.json) &&
	test "$(sql "$DB" "SELECT count(*) FROM reports WHERE report_id = '\''$rid'\''")" = 1
'

test_expect_success '500 query arguments, no token: 431 at once, with a log line' '
	r=$($PY raw.py "$PORT" "GET /api/v1/machines?{500*a=b&}z=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") &&
	fast "$r" && test "$(status)" = 431 &&
	body | jq -e ".error | test(\"at most 128 arguments\")" &&
	grep -q "GET /api/v1/machines 431 " srv/log &&
	r=$($PY raw.py "$PORT" "GET /healthz?{128*a=b&}z=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") &&
	fast "$r" && test "$(status)" = 431 &&
	r=$($PY raw.py "$PORT" "GET /healthz?{127*a=b&}z=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") &&
	fast "$r" && test "$(status)" = 200
'

test_expect_success 'a URI with a query longer than 16 KiB: 414 at once; without a query: served' '
	r=$($PY raw.py "$PORT" "GET /healthz?a={20000*b}&c=d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") &&
	fast "$r" && test "$(status)" = 414 &&
	body | jq -e ".error | test(\"at most 16384 bytes\")" &&
	r=$($PY raw.py "$PORT" "GET /{20000*b} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") &&
	fast "$r" && test "$(status)" = 404
'

test_expect_success 'Content-Length -1: 400 at once, closed, and a log line (libmicrohttpd)' '
	r=$($PY raw.py "$PORT" "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") &&
	fast "$r" && test "$(status)" = 400 &&
	grep -q " /healthz 0 .*(closed: error)" srv/log
'

test_expect_success 'the server still serves and stores' '
	craft last.json &&
	test "$(post "$URL" "$TOKEN" last.json)" = 200 &&
	test "$(get "$URL" "" /healthz)" = 200
'

srv_finish srv
test_expect_success 'SIGTERM: exit 0, no sanitizer report' '
	srv_clean srv
'

# giveup.py PORT N TRIALS: TRIALS times, opens N connections that each send
# part of a request, closes them all after 2 seconds, and times how long
# until GET /healthz is answered 200 (at most 15 s); prints the seconds of
# each trial.
cat >giveup.py <<'EOF'
import socket, sys, time
port, n, trials = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for t in range(trials):
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.send(b"POST /api/v1/inventory HTTP/1.1\r\nHost: x\r\nX-Slow: a")
        socks.append(s)
    time.sleep(2)
    for s in socks:
        s.close()
    t0 = time.monotonic()
    while time.monotonic() - t0 < 15:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=1)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            if s.recv(100).startswith(b"HTTP/1.1 200 "):
                break
        except OSError:
            pass
        time.sleep(0.1)
    print("%.1f" % (time.monotonic() - t0), flush=True)
EOF

test_expect_success '20 clients give up at --max-connections 8: served at once, 5 times' '
	srv_start ex "$DB" --max-connections 8 --threads 4 --conn-timeout 30 &&
	$PY giveup.py "$PORT" 20 5 >giveup.out &&
	cat giveup.out &&
	test "$(wc -l <giveup.out)" = 5 &&
	! grep -qv "^[0-2]\." giveup.out &&
	srv_stop ex
'

test_done
