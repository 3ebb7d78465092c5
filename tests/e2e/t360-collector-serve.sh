#!/bin/sh
# The server itself: routes and methods, /healthz, /metrics, the CSV
# export, stopping on SIGTERM/SIGINT (requests in flight finish, exit 0, the
# database clean), and the ways serve refuses to start.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t360-collector-serve: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/serve.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
ORG='Quote "Q" \ back'
TOKEN=$(collector org add "$ORG" --db "$DB")
READER=$(collector token add --org "$ORG" --role reader --db "$DB")
ADMIN=$(collector token add --role admin --db "$DB")
srv_start srv "$DB" || :

test_expect_success 'GET /healthz: 200 {"status":"ok"}' '
	test "$(get "$URL" "" /healthz)" = 200 &&
	test "$(jq -c . answer)" = "{\"status\":\"ok\"}" &&
	grep -qi "^Content-Type: application/json" headers
'

test_expect_success 'an unknown path: 404 with a JSON error' '
	test "$(get "$URL" "" /nowhere)" = 404 && error_says "no such path" &&
	test "$(get "$URL" "" /api/v1/inventory/)" = 404
'

test_expect_success 'a wrong method: 405 with Allow' '
	test "$(get "$URL" "$TOKEN" /api/v1/inventory)" = 405 && error_says "method" &&
	grep -qi "^Allow: POST" headers &&
	test "$(get "$URL" "" /healthz -X POST -d x)" = 405 &&
	grep -qi "^Allow: GET, HEAD" headers &&
	test "$(get "$URL" "$READER" /api/v1/machines -X DELETE)" = 405
'

test_expect_success 'POST a report: 200 {"status":"ok","machine":ID,"next_report_seconds":N}' '
	craft r.json ".content.hardware.name = \"pc,\\\"x\\\"\"" &&
	test "$(post "$URL" "$TOKEN" r.json)" = 200 &&
	jq -e "(keys == [\"machine\", \"next_report_seconds\", \"status\"]) and
		.status == \"ok\" and (.machine | test(\"^[0-9a-f-]{36}$\")) and
		.next_report_seconds == 86400" answer >/dev/null
'

test_expect_success 'GET /metrics: Prometheus text with counters, histogram, machines per org' '
	test "$(get "$URL" "" /metrics)" = 200 &&
	grep -qi "^Content-Type: text/plain; version=0.0.4" headers &&
	grep -Eq "^fleetcensus_requests_total\{status=\"200\"\} [1-9]" answer &&
	grep -Eq "^fleetcensus_requests_total\{status=\"404\"\} [1-9]" answer &&
	grep -Eq "^fleetcensus_reports_stored_total 1$" answer &&
	grep -Eq "^fleetcensus_bytes_received_total [1-9][0-9]*$" answer &&
	for le in 0.001 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 +Inf; do
		grep -q "^fleetcensus_ingest_seconds_bucket{le=\"$le\"} [01]$" answer || exit 1
	done &&
	grep -q "^fleetcensus_ingest_seconds_bucket{le=\"+Inf\"} 1$" answer &&
	grep -Eq "^fleetcensus_ingest_seconds_sum [0-9.]+$" answer &&
	grep -q "^fleetcensus_ingest_seconds_count 1$" answer &&
	grep -q "^# TYPE fleetcensus_ingest_seconds histogram$" answer &&
	! grep -q "^fleetcensus_machines" answer &&
	test "$(get "$URL" "$ADMIN" /metrics)" = 200 &&
	grep -qF "fleetcensus_machines{org=\"Quote \\\"Q\\\" \\\\ back\"} 1" answer
'

test_expect_success 'GET /api/v1/machines?format=csv: header, RFC 4180 quoting, os fields' '
	test "$(get "$URL" "$READER" "/api/v1/machines?format=csv")" = 200 &&
	grep -qi "^Content-Type: text/csv" headers &&
	tr -d "\r" <answer >csv &&
	test "$(wc -l <csv)" = 2 &&
	head -n 1 csv | grep -qx "org,machine,hostname,last_seen,collected_at,os_id,os_version_id,os_pretty_name,software_count" &&
	sed -n 2p csv | grep -Eq "^\"Quote \"\"Q\"\" \\\\ back\",[0-9a-f-]{36},\"pc,\"\"x\"\"\",20[0-9-]+T[0-9:]+Z,20[0-9-]+T[0-9:]+Z,debian,12,Debian GNU/Linux 12 \(bookworm\),[0-9]+$" &&
	test "$(get "$URL" "$READER" "/api/v1/machines?format=json")" = 200 &&
	test "$(jq length answer)" = 1 &&
	test "$(get "$URL" "$READER" "/api/v1/machines?format=xml")" = 400 && error_says format
'

test_expect_success 'SIGTERM: a request in flight finishes (200), exit 0, database clean' '
	srv_start slow "$DB" &&
	craft big.json ".content.softwares += [range(0; 600) | {name: \"pad-\\(.)\", version: \"1.0-\\(.)\", from: \"deb\"}]" &&
	test "$(wc -c <big.json)" -gt 30000 &&
	rid=$(jq -r .content.fleetcensus.report_id big.json)
	post "$URL" "$TOKEN" big.json --limit-rate 20k >slow.status &
	client=$!
	sleep 0.5
	srv_stop slow TERM &&
	wait $client &&
	test "$(cat slow.status)" = 200 &&
	grep -q "SIGTERM: stopping, requests in flight: 1" slow/log &&
	grep -q "stopped$" slow/log &&
	test "$(sql "$DB" "SELECT count(*) FROM reports WHERE report_id = '\''$rid'\''")" = 1 &&
	test "$(sql "$DB" "PRAGMA integrity_check")" = ok
'

test_expect_success 'SIGINT: exit 0' '
	srv_start int "$DB" &&
	srv_stop int INT &&
	grep -q "SIGINT: stopping" int/log
'

srv_finish srv
test_expect_success 'SIGTERM on the shared server: exit 0, no WAL left, integrity ok' '
	srv_clean srv &&
	grep -q "stopped$" srv/log &&
	! test -s "$DB-wal" &&
	test "$(sql "$DB" "PRAGMA integrity_check")" = ok
'

test_expect_success 'the port in use: 69; a bad listen address: 64' '
	srv_start first "$DB" &&
	expect_status 69 collector serve --db "$DB" --listen "127.0.0.1:$PORT" 2>err &&
	grep -q "cannot listen on .*in use" err &&
	srv_stop first &&
	expect_status 64 collector serve --db "$DB" --listen "127.0.0.1:99999" &&
	expect_status 64 collector serve --db "$DB" --listen "::1:8080" &&
	expect_status 64 collector serve --db "$DB" --listen "localhost:8080"
'

test_expect_success 'TLS certificate or key missing, not PEM, or refused by GnuTLS: 78' '
	printf -- "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n" >fake.pem &&
	expect_status 78 collector serve --db "$DB" --listen 127.0.0.1:0 \
		--tls-cert fake.pem --tls-key fake.pem 2>err &&
	grep -q "cannot serve HTTPS" err &&
	echo "not a certificate" >bad.pem &&
	expect_status 78 collector serve --db "$DB" --listen 127.0.0.1:0 \
		--tls-cert bad.pem --tls-key bad.pem 2>err &&
	grep -q "PEM" err &&
	expect_status 78 collector serve --db "$DB" --listen 127.0.0.1:0 \
		--tls-cert nosuch.pem --tls-key nosuch.pem 2>err &&
	grep -q "nosuch.pem" err
'

test_expect_success 'a port file that cannot be written: 73' '
	expect_status 73 collector serve --db "$DB" --listen 127.0.0.1:0 \
		--port-file /nonexistent/dir/port 2>err &&
	grep -q "/nonexistent/dir/port" err
'

if [ -s /proc/net/if_inet6 ]; then
	test_expect_success 'IPv6: --listen [::1]:0 serves on ::1' '
		srv_start v6 "$DB" --listen "[::1]:0" &&
		test "$(get "$URL" "" /healthz -g)" = 200 &&
		srv_stop v6
	'
else
	test_skip 'IPv6: --listen [::1]:0 (no IPv6 on this host)'
fi

test_done
