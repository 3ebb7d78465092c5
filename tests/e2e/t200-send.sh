#!/bin/sh
# Sending to a collector: delivery, refusal, retry through the spool, the run
# lock and TLS, against tests/e2e/httpd.py on loopback.
#
# NOTE: written against the agent's CLI contract before the CLI was finished:
#   agent --root DIR --server URL --token TOKEN|--token-file FILE
#         --state-dir DIR --timeout N [--cacert FILE]
#   exit 0 delivered (spool empty); 69 refused for good (4xx other than 408
#   and 429; spool empty; the server's error is printed); 75 not delivered
#   (network error, 5xx, 429, timeout, or the lock is held): the report stays
#   in STATE/spool/report.json.gz; the next run's fresh report supersedes it
#   (docs/architecture.md says why) and is delivered in its place.
# Every case is skipped while the fixture root, /usr/bin/python3 or jq (the
# spooled report is read with jqr) is missing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-httpd.sh"
ROOT=$FIXTURES/roots/debian12
TLS=$TEST_DIR/tls

# req_header DIR N NAME: header NAME (any case) of the N-th request.
req_header() {
	$PY -c 'import json, sys
e = json.loads(open(sys.argv[1]).read().splitlines()[int(sys.argv[2]) - 1])
h = {k.lower(): v for k, v in e["headers"].items()}
print(h.get(sys.argv[3].lower(), ""))' "$1/log" "$2" "$3"
}

# True when FILE is a JSON report with a non-empty deviceid.
has_deviceid() {
	$PY -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if isinstance(d.get("deviceid"), str) and d["deviceid"] else 1)' "$1"
}

# A loopback port nothing listens on.
free_port() {
	$PY -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# hold_lock FILE: holds an flock on FILE until release_lock (or the end of
# this file), as a concurrent agent run would. The background process is the
# lock holder itself: it locks its fd 9 with flock, then becomes sleep.
hold_lock() {
	rm -f "$TEST_DIR/.lock-held"
	sh -c 'exec 9>>"$1" && flock -n 9 && echo held >"$2" && exec sleep 30' \
		sh "$1" "$TEST_DIR/.lock-held" </dev/null >/dev/null 2>&1 &
	LOCK_PID=$!
	echo $LOCK_PID >>"$PIDS"
	hl_i=0
	while [ ! -s "$TEST_DIR/.lock-held" ]; do
		hl_i=$((hl_i + 1))
		[ $hl_i -le 100 ] || { echo "flock did not take '$1'" >&2; return 1; }
		sleep 0.1
	done
}

release_lock() {
	kill "$LOCK_PID" 2>/dev/null || :
	wait "$LOCK_PID" 2>/dev/null || :
	forget_pid "$LOCK_PID"
}

# send STATE URL [agent options...]: one agent run against URL.
send() {
	sd_state=$1 sd_url=$2
	shift 2
	agent --root "$ROOT" --server "$sd_url" --token "$TOKEN" --state-dir "$sd_state" \
		--timeout 10 "$@"
}

spooled() {
	test -s "$1/spool/report.json.gz"
}

make_cert() {
	mkdir -p "$TLS" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
		-keyout "$TLS/key.pem" -out "$TLS/cert.pem" >/dev/null 2>&1
}

skip_all=$(httpd_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t200-send: $skip_all"
	test_done
	exit $?
fi

test_expect_success 'delivered: one gzip POST with the bearer token; spool empty' '
	httpd_start ok ok &&
	send st-ok "$URL" --verbose 2>err &&
	test "$(req_count ok)" = 1 &&
	test "$(req_field ok 1 path)" = /api/v1/inventory &&
	test "$(req_field ok 1 method)" = POST &&
	test "$(req_header ok 1 Content-Encoding)" = gzip &&
	test "$(req_header ok 1 Content-Type)" = application/json &&
	test "$(req_header ok 1 Authorization)" = "Bearer $TOKEN" &&
	req_header ok 1 User-Agent | grep -q "^fleetcensus-agent/" &&
	test "$(req_field ok 1 decode_error)" = None &&
	has_deviceid ok/req-1.json &&
	! spooled st-ok &&
	! grep -q "$TOKEN" err &&
	httpd_stop ok
'

if have_shared; then
	test_expect_success 'the delivered report is valid against the schema' '
		httpd_start valid ok &&
		send st-valid "$URL" &&
		validate_report valid/req-1.json &&
		httpd_stop valid
	'
else
	test_skip 'the delivered report is valid against the schema (no shared schema)'
fi

test_expect_success 'a trailing slash in the server URL is not doubled' '
	httpd_start slash ok &&
	send st-slash "$URL/" &&
	test "$(req_field slash 1 path)" = /api/v1/inventory &&
	httpd_stop slash
'

test_expect_success '--token-file reads the token' '
	echo "$TOKEN" >token &&
	chmod 600 token &&
	httpd_start tokfile ok &&
	agent --root "$ROOT" --server "$URL" --token-file token --state-dir st-tokfile \
		--timeout 10 &&
	test "$(req_header tokfile 1 Authorization)" = "Bearer $TOKEN" &&
	httpd_stop tokfile
'

test_expect_success '400: refused for good (69), the server error shown, spool empty' '
	httpd_start e400 e400 &&
	expect_status 69 send st-400 "$URL" 2>err &&
	grep -q "softwares\[3\]\.name: missing" err &&
	test "$(req_count e400)" = 1 &&
	! spooled st-400 &&
	httpd_stop e400
'

test_expect_success '500: not delivered (75) and spooled; the next run delivers a newer report' '
	httpd_start e500 e500 &&
	expect_status 75 send st-retry "$URL" 2>err &&
	grep -q "kept for the next run" err &&
	spooled st-retry &&
	test "$(stat -c %a st-retry/spool/report.json.gz)" = 600 &&
	gzip -dc st-retry/spool/report.json.gz >spooled.json &&
	has_deviceid spooled.json &&
	httpd_stop e500 &&
	httpd_start later ok &&
	send st-retry "$URL" &&
	test "$(req_count later)" = 1 &&
	test "$(jqr .content.fleetcensus.agent_id later/req-1.json)" = \
	     "$(jqr .content.fleetcensus.agent_id spooled.json)" &&
	test "$(jqr .content.fleetcensus.report_id later/req-1.json)" != \
	     "$(jqr .content.fleetcensus.report_id spooled.json)" &&
	! test "$(jqr .content.fleetcensus.collected_at later/req-1.json)" \< \
	       "$(jqr .content.fleetcensus.collected_at spooled.json)" &&
	! spooled st-retry &&
	httpd_stop later
'

test_expect_success '429 with Retry-After: 1: sent again 3 times after waiting, then 75, spooled' '
	httpd_start e429 e429 &&
	expect_status 75 send st-429 "$URL" -v 2>err &&
	test "$(req_count e429)" = 4 &&
	spooled st-429 &&
	test "$(grep -c "sending again in" err)" = 3 &&
	$PY -c "import json, sys
t = [json.loads(l)[\"time\"] for l in open(sys.argv[1])]
gaps = [b - a for a, b in zip(t, t[1:])]
print(gaps)
# Retry-After 1 plus a jitter of at most 0.5 s, and never less than 1 s
sys.exit(0 if all(0.95 <= g <= 3 for g in gaps) else 1)" e429/log &&
	httpd_stop e429
'

test_expect_success '503 with Retry-After once, then 200: delivered (0) in the same run' '
	httpd_start busy1 busy1 &&
	send st-busy "$URL" &&
	test "$(req_count busy1)" = 2 &&
	test "$(req_field busy1 1 status)" = 503 &&
	test "$(req_field busy1 2 status)" = 200 &&
	! spooled st-busy &&
	httpd_stop busy1
'

test_expect_success '500 (no Retry-After): not sent again in the same run' '
	httpd_start e500b e500 &&
	expect_status 75 send st-500b "$URL" &&
	test "$(req_count e500b)" = 1 &&
	httpd_stop e500b
'

test_expect_success 'a server that never answers: 75 after --timeout 2, within 5s' '
	httpd_start hang hang &&
	start=$(date +%s) &&
	expect_status 75 agent --root "$ROOT" --server "$URL" --token "$TOKEN" \
		--state-dir st-hang --timeout 2 2>err &&
	end=$(date +%s) &&
	echo "took $((end - start))s" &&
	test $((end - start)) -le 5 &&
	spooled st-hang &&
	httpd_stop hang
'

test_expect_success 'a server that closes without answering: 75, spooled' '
	httpd_start close close &&
	expect_status 75 send st-close "$URL" 2>err &&
	spooled st-close &&
	httpd_stop close
'

test_expect_success 'connection refused: 75, spooled' '
	expect_status 75 send st-refused "http://127.0.0.1:$(free_port)" 2>err &&
	spooled st-refused
'

test_expect_success 'another run holds the lock: 75 with a message about the lock' '
	httpd_start locked ok &&
	mkdir -p st-lock &&
	hold_lock st-lock/lock &&
	expect_status 75 send st-lock "$URL" 2>err &&
	grep -qi lock err &&
	test "$(req_count locked)" = 0 &&
	release_lock &&
	send st-lock "$URL" &&
	test "$(req_count locked)" = 1 &&
	httpd_stop locked
'

test_expect_success 'a report over 1 MiB compressed is sent from the spool file, whole' '
	mkdir -p big/etc big/var/lib/dpkg &&
	cp "$ROOT/etc/os-release" big/etc/ &&
	$PY -c "import os, sys
with open(sys.argv[1], \"w\") as f:
    for i in range(16000):
        f.write(\"Package: p%d\nStatus: install ok installed\nVersion: %s\nArchitecture: amd64\nMaintainer: %s\n\n\" % (i, os.urandom(32).hex(), os.urandom(32).hex()))
" big/var/lib/dpkg/status &&
	httpd_start large ok &&
	agent --root big --server "$URL" --token "$TOKEN" --state-dir st-large --timeout 30 &&
	test "$(req_count large)" = 1 &&
	test "$(req_field large 1 raw_size)" -gt 1048576 &&
	test "$(req_field large 1 decode_error)" = None &&
	test "$(jqr ".content.softwares | length" large/req-1.json)" = 16000 &&
	httpd_stop large
'

test_expect_success 'libcurl is loaded when sending, and not by a run that writes a file' '
	LD_DEBUG=files "$AGENT_BIN" --config /dev/null --root "$ROOT" --state-dir st-ld \
		--output out.json 2>ld-output &&
	grep -q "file=libcjson" ld-output &&
	! grep -q "file=libcurl" ld-output &&
	httpd_start ld ok &&
	LD_DEBUG=files "$AGENT_BIN" --config /dev/null --root "$ROOT" --server "$URL" \
		--token "$TOKEN" --state-dir st-ld 2>ld-send &&
	grep -q "file=libcurl.so.4" ld-send &&
	test "$(req_count ld)" = 1 &&
	httpd_stop ld
'

if command -v openssl >/dev/null 2>&1 && make_cert; then
	test_expect_success 'HTTPS with --cacert: delivered' '
		httpd_start tls ok "$TLS/cert.pem" "$TLS/key.pem" &&
		case $URL in https://*) ;; *) exit 1 ;; esac &&
		send st-tls "$URL" --cacert "$TLS/cert.pem" &&
		test "$(req_count tls)" = 1 &&
		test "$(req_header tls 1 Authorization)" = "Bearer $TOKEN" &&
		! spooled st-tls &&
		httpd_stop tls
	'
	test_expect_success 'HTTPS, self-signed, no --cacert: 75 with a certificate message' '
		httpd_start tls-untrusted ok "$TLS/cert.pem" "$TLS/key.pem" &&
		expect_status 75 send st-untrusted "$URL" 2>err &&
		grep -qi certificate err &&
		test "$(req_count tls-untrusted)" = 0 &&
		spooled st-untrusted &&
		httpd_stop tls-untrusted
	'
else
	test_skip 'HTTPS with --cacert (openssl cannot make a certificate)'
	test_skip 'HTTPS without --cacert (openssl cannot make a certificate)'
fi

test_done
