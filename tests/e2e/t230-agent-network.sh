#!/bin/sh
# The agent against a hostile or broken network (t200 covers a server that
# never answers, closes, or refuses): a server that answers one byte a
# second, resets the connection in the middle of the body, answers bytes
# that are not HTTP, or presents a certificate for another name or from
# another CA. Each run ends within --timeout (plus a margin for the run
# itself), exits 75 ("not delivered now", docs/protocol.md) with a message
# saying what went wrong, and leaves the report in the spool.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-httpd.sh"
ROOT=$FIXTURES/roots/debian12
TOKEN=e2e-Network_7d1a
TLS=$TEST_DIR/tls
TIMEOUT=3

# timed_send STATE URL [options]: one agent run with --timeout $TIMEOUT,
# stderr in ./err; fails unless it exits 75 within $TIMEOUT + 3 seconds.
timed_send() {
	ts_state=$1 ts_url=$2
	shift 2
	ts_t0=$(date +%s)
	expect_status 75 agent --root "$ROOT" --server "$ts_url" --token "$TOKEN" \
		--state-dir "$ts_state" --timeout $TIMEOUT "$@" 2>err
	ts_took=$(($(date +%s) - ts_t0))
	echo "agent took ${ts_took}s: $(cat err)"
	[ $ts_took -le $((TIMEOUT + 3)) ] || { echo "took longer than --timeout $TIMEOUT" >&2; return 1; }
	grep -q "kept for the next run" err
	! grep -q "$TOKEN" err
}

spooled() {
	test -s "$1/spool/report.json.gz" && gzip -t "$1/spool/report.json.gz"
}

skip_all=""
if [ ! -x "$PY" ]; then
	skip_all="$PY is missing"
elif [ ! -d "$ROOT" ]; then
	skip_all="fixture root $ROOT is missing"
fi
if [ -n "$skip_all" ]; then
	test_skip "t230-agent-network: $skip_all"
	test_done
	exit $?
fi

test_expect_success 'an answer one byte a second: 75 within --timeout, spooled' '
	httpd_start slow slow &&
	timed_send st-slow "$URL" &&
	grep -qi "timed out\|timeout" err &&
	test "$(req_count slow)" = 1 &&
	spooled st-slow &&
	httpd_stop slow
'

test_expect_success 'a reset in the middle of the body: 75, spooled' '
	httpd_start reset reset &&
	timed_send st-reset "$URL" &&
	grep -qi "reset\|recv failure\|send failure\|empty reply" err &&
	spooled st-reset &&
	httpd_stop reset
'

test_expect_success 'an answer that is not HTTP: 75, spooled' '
	httpd_start garbage garbage &&
	timed_send st-garbage "$URL" &&
	grep -qi "weird server reply\|unsupported\|invalid\|malformed\|HTTP" err &&
	test "$(req_count garbage)" = 1 &&
	spooled st-garbage &&
	httpd_stop garbage
'

test_expect_success 'a spooled report is delivered by the next run once the server is well' '
	httpd_start ok ok &&
	agent --root "$ROOT" --server "$URL" --token "$TOKEN" --state-dir st-garbage \
		--timeout $TIMEOUT &&
	test "$(req_count ok)" = 1 &&
	! test -e st-garbage/spool/report.json.gz &&
	httpd_stop ok
'

if command -v openssl >/dev/null 2>&1 && tls_ca "$TLS/good" "fleetcensus test CA good" &&
	tls_ca "$TLS/other" "fleetcensus test CA other" &&
	tls_cert "$TLS/good" "$TLS/right" IP:127.0.0.1,DNS:localhost right &&
	tls_cert "$TLS/good" "$TLS/wrongname" DNS:collector.other.example wrongname &&
	tls_cert "$TLS/other" "$TLS/foreign" IP:127.0.0.1,DNS:localhost foreign; then
	test_expect_success 'HTTPS, the certificate of the right CA and name: delivered' '
		httpd_start tls-ok ok "$TLS/right/cert.pem" "$TLS/right/key.pem" &&
		agent --root "$ROOT" --server "$URL" --token "$TOKEN" --state-dir st-tls \
			--timeout $TIMEOUT --cacert "$TLS/good/ca.pem" &&
		test "$(req_count tls-ok)" = 1 &&
		httpd_stop tls-ok
	'
	test_expect_success 'HTTPS, a certificate for another name: 75, nothing sent, spooled' '
		httpd_start tls-name ok "$TLS/wrongname/cert.pem" "$TLS/wrongname/key.pem" &&
		timed_send st-name "$URL" --cacert "$TLS/good/ca.pem" &&
		grep -qi "subject name\|does not match\|certificate" err &&
		test "$(req_count tls-name)" = 0 &&
		spooled st-name &&
		httpd_stop tls-name
	'
	test_expect_success 'HTTPS, a certificate from another CA: 75, nothing sent, spooled' '
		httpd_start tls-ca ok "$TLS/foreign/cert.pem" "$TLS/foreign/key.pem" &&
		timed_send st-ca "$URL" --cacert "$TLS/good/ca.pem" &&
		grep -qi "certificate\|issuer" err &&
		test "$(req_count tls-ca)" = 0 &&
		spooled st-ca &&
		httpd_stop tls-ca
	'
	test_expect_success 'HTTPS to a server that only speaks HTTP: 75, spooled' '
		httpd_start plain ok &&
		timed_send st-plain "https://127.0.0.1:$(cat plain/port)" \
			--cacert "$TLS/good/ca.pem" &&
		test "$(req_count plain)" = 0 &&
		spooled st-plain &&
		httpd_stop plain
	'
else
	test_skip 'HTTPS cases: openssl cannot make the test certificates'
fi

test_done
