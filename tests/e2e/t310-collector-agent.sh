#!/bin/sh
# The real agent against the real collector, over HTTP and HTTPS (a test CA
# made here): the machine appears once, a second run updates it, and a
# report the agent could not deliver while the collector was down is
# delivered by the next run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t310-collector-agent: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/agent.db
TLS=$TEST_DIR/tls
collector org add "Gemeente Utrecht" --db "$DB" >agent.token
collector token add --role admin --db "$DB" >admin.token
AGENT_TOKEN=$(cat agent.token)
ADMIN=$(cat admin.token)

# send STATE URL [agent options...]: one agent run with the org's token.
send() {
	sd_state=$1 sd_url=$2
	shift 2
	agent --root "$ROOT" --server "$sd_url" --token "$AGENT_TOKEN" --state-dir "$sd_state" \
		--timeout 10 "$@"
}

spooled() {
	test -s "$1/spool/report.json.gz"
}

srv_start http "$DB" || :

test_expect_success 'HTTP: the agent delivers (0); the machine appears once' '
	send st "$URL" &&
	! spooled st &&
	machines "$URL" "$ADMIN" >m1.json &&
	test "$(jq length m1.json)" = 1 &&
	test "$(jq -r ".[0].hostname" m1.json)" = ws-0042 &&
	test "$(jq -r ".[0].org" m1.json)" = "Gemeente Utrecht" &&
	test "$(jq -r ".[0].os.fleetcensus.os_release.ID" m1.json)" = debian &&
	test "$(jq -r ".[0].software_count" m1.json)" -gt 0 &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 1 &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 1 &&
	grep -q "POST /api/v1/inventory 200 org=\"Gemeente Utrecht\"" http/log
'

test_expect_success 'HTTP: a second run updates the machine (still one, newer times)' '
	sleep 1 &&
	send st "$URL" &&
	machines "$URL" "$ADMIN" >m2.json &&
	test "$(jq length m2.json)" = 1 &&
	test "$(jq -r ".[0].machine" m2.json)" = "$(jq -r ".[0].machine" m1.json)" &&
	test "$(jq -r ".[0].collected_at" m2.json)" \> "$(jq -r ".[0].collected_at" m1.json)" &&
	test "$(jq -r ".[0].last_seen" m2.json)" \> "$(jq -r ".[0].last_seen" m1.json)" &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 2
'

test_expect_success 'the token never appears in the server log' '
	! grep -qF "$AGENT_TOKEN" http/log &&
	! grep -qF "$ADMIN" http/log
'

test_expect_success 'collector down: the agent exits 75 and spools; the next run delivers' '
	port=$PORT &&
	srv_stop http &&
	expect_status 75 send st-down "http://127.0.0.1:$port" 2>err &&
	spooled st-down &&
	srv_start http-again "$DB" --listen "127.0.0.1:$port" &&
	send st-down "$URL" &&
	! spooled st-down &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 3 &&
	test "$(machines "$URL" "$ADMIN" | jq length)" = 1 &&
	srv_stop http-again
'

if command -v openssl >/dev/null 2>&1 && make_test_ca "$TLS"; then
	srv_start https "$DB" --tls-cert "$TLS/cert.pem" --tls-key "$TLS/key.pem" || :
	test_expect_success 'HTTPS (test CA, agent --cacert): delivered, still one machine' '
		case $URL in https://*) ;; *) exit 1 ;; esac &&
		send st-tls "$URL" --cacert "$TLS/ca.pem" &&
		! spooled st-tls &&
		test "$(sql "$DB" "SELECT count(*) FROM reports")" = 4 &&
		machines "$URL" "$ADMIN" "" --cacert "$TLS/ca.pem" >m3.json &&
		test "$(jq length m3.json)" = 1 &&
		test "$(jq -r ".[0].machine" m3.json)" = "$(jq -r ".[0].machine" m1.json)"
	'
	test_expect_success 'HTTPS: a second run updates the machine' '
		sleep 1 &&
		send st-tls "$URL" --cacert "$TLS/ca.pem" &&
		machines "$URL" "$ADMIN" "" --cacert "$TLS/ca.pem" >m4.json &&
		test "$(jq length m4.json)" = 1 &&
		test "$(jq -r ".[0].collected_at" m4.json)" \> "$(jq -r ".[0].collected_at" m3.json)"
	'
	test_expect_success 'HTTPS: an agent without the CA refuses the server (75, spooled)' '
		expect_status 75 send st-untrusted "$URL" 2>err &&
		spooled st-untrusted &&
		test "$(sql "$DB" "SELECT count(*) FROM reports")" = 5
	'
	test_expect_success 'HTTPS only: plain HTTP to the TLS port gets no HTTP answer' '
		plain=$(echo "$URL" | sed "s/^https:/http:/") &&
		st=$(curl -s --max-time 5 -o /dev/null -w "%{http_code}" "$plain/healthz" || :) &&
		test "$st" = 000 &&
		test "$(get "$URL" "" /healthz --cacert "$TLS/ca.pem")" = 200
	'
	srv_finish https
	test_expect_success 'the HTTPS server stopped cleanly on SIGTERM: exit 0, no sanitizer report' '
		srv_clean https
	'
else
	test_skip 'HTTPS (openssl cannot make a test CA)'
fi

test_done
