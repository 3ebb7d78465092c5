#!/bin/sh
# t620-wine-send.sh - the x64 Windows agent under wine sends to the real
# collector on loopback over HTTPS (wine uses the Linux network stack): a
# test CA made here, `fleetcensus-collector serve --tls-cert`, the agent
# with --server https://127.0.0.1:PORT --token-file --cacert. The prefix
# looks like Windows 11 Pro 23H2 (ProductName "Windows 10 Pro"); the stored
# machine must be classified Windows 11 / Pro / 23H2 with the fixture's
# programs. Without the CA the agent refuses the server (75, spooled).
. "$(dirname "$0")/lib.sh"
cross_plain_only
. "$(dirname "$0")/lib-collector.sh"
. "$TOP/tests/e2e/lib-wine.sh"

why=$(collector_prereqs openssl)
[ -n "$why" ] || why=$(wine_prereqs)
[ -n "$why" ] || EXE64=$(win_exe x64) || why=$EXE64
if [ -n "$why" ]; then
	test_skip "t620-wine-send: $why"
	test_done
	exit $?
fi

DB=$TEST_DIR/wine.db
TLS=$TEST_DIR/tls
PFX=$TEST_DIR/pfx
FIX=win11-pro-23h2
ORG='Gemeente Wijnegem'

# wsend STATE [agent options...]: one run of the x64 agent in the prefix,
# sending to $URL with the organisation's token file.
wsend() {
	ws_state=$1
	shift
	wine_run "$PFX" x64 "$EXE64" 120 --config NUL --server "$URL" \
		--token-file "$(wine_path "$TEST_DIR/agent.token")" \
		--state-dir "$(wine_path "$TEST_DIR/$ws_state")" --timeout 20 "$@"
}

spooled() {
	test -s "$TEST_DIR/$1/spool/report.json.gz"
}

{
	cat "$WIN_FIXTURES/$FIX.reg"
	printf '\n[HKEY_CURRENT_USER\\Software\\Wine]\n"Version"="win10"\n'
} >"$TEST_DIR/setup.reg"

test_expect_success 'a prefix like Windows 11 Pro 23H2, with software.reg' '
	wine_base "$PFX" &&
	wine_import "$PFX" "$WIN_FIXTURES/software.reg" setup.reg &&
	reg_check "$PFX" setup.reg >setup.query
'
[ ! -f "$TEST_DIR/setup.query" ] || wine_note "$TEST_DIR/setup.query"

# The certificate names 127.0.0.1 as an IP address (as t310's) and also as
# a DNS name; mbedTLS 2.28 alone matches the host only against DNS names,
# and the agent adds the iPAddress check (agent/certsan.c): the IP-only
# certificate, and one for another address, are tried at the end.
if ! make_test_ca "$TLS" IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost 'fleetcensus wine test CA' ||
	! make_test_ca "$TEST_DIR/tls-ip" IP:127.0.0.1,DNS:localhost 'fleetcensus wine test CA' ||
	! make_test_ca "$TEST_DIR/tls-other" IP:127.0.0.2,DNS:localhost 'fleetcensus wine test CA'; then
	test_skip 't620-wine-send: openssl cannot make a test CA'
	test_done
	exit $?
fi
collector org add "$ORG" --db "$DB" >"$TEST_DIR/agent.token"
srv_start https "$DB" --tls-cert "$TLS/cert.pem" --tls-key "$TLS/key.pem" || :

test_expect_success 'HTTPS with the test CA: the agent delivers (0), nothing spooled' '
	case $URL in https://127.0.0.1:*) ;; *) echo "no HTTPS server: $URL"; exit 1 ;; esac &&
	wsend st --cacert "$(wine_path "$TLS/ca.pem")" 2>send.err ||
		{ cat send.err; exit 1; }
	cat send.err &&
	! spooled st &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 1 &&
	grep -q "POST /api/v1/inventory 200 org=\"$ORG\"" https/log
'

test_expect_success 'the stored machine: Windows 11 / Pro / 23H2, 10.0.22631, build 22631.2861' '
	collector report machines --db "$DB" --format json >m.json &&
	jq -c ".[0] | del(.machine, .last_seen)" m.json &&
	test "$(jq length m.json)" = 1 &&
	test "$(jq -r ".[0].org" m.json)" = "$ORG" &&
	test "$(jq -r ".[0].os_family" m.json)" = windows &&
	test "$(jq -r ".[0].os_product" m.json)" = "Windows 11" &&
	test "$(jq -r ".[0].os_edition" m.json)" = Pro &&
	test "$(jq -r ".[0].os_release" m.json)" = 23H2 &&
	test "$(jq -r ".[0].os_version" m.json)" = 10.0.22631 &&
	test "$(jq -r ".[0].os_build" m.json)" = 22631.2861 &&
	test "$(jq -r ".[0].arch" m.json)" = x86_64
'

test_expect_success 'the stored software is the fixture'"'"'s products (no updates)' '
	grep -v "^#" "$WIN_FIXTURES/software.expected" |
		awk -F "\t" "\$3 != \"update\" { print \$1 \"\t\" \$2 }" | LC_ALL=C sort >want &&
	sql "$DB" "SELECT i.name || char(9) || i.version FROM software_items i
		JOIN machines m ON m.software_list_id = i.list_id" | LC_ALL=C sort >got &&
	diff -u want got
'

test_expect_success 'without --cacert the agent refuses the server: 75, spooled, nothing stored' '
	expect_status 75 wsend st-untrusted 2>untrusted.err &&
	cat untrusted.err &&
	spooled st-untrusted &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 1
'

test_expect_success 'the next run with the CA delivers the spooled report (0, spool empty)' '
	wsend st-untrusted --cacert "$(wine_path "$TLS/ca.pem")" 2>next.err ||
		{ cat next.err; exit 1; }
	! spooled st-untrusted &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" -ge 2
'

srv_finish https
test_expect_success 'the HTTPS server stopped cleanly (exit 0, no sanitizer report)' '
	srv_clean https
'

# A certificate for the address as most tools make it (and t310 does):
# subjectAltName IP:127.0.0.1, no DNS name "127.0.0.1". curl and browsers
# accept it for https://127.0.0.1, and so does the agent (its verify
# callback in agent/send.c clears mbedTLS's name mismatch for it).
srv_start https-ip "$DB" --tls-cert "$TEST_DIR/tls-ip/cert.pem" \
	--tls-key "$TEST_DIR/tls-ip/key.pem" || :
test_expect_success 'an IP-address certificate (subjectAltName IP:127.0.0.1 only): delivered' '
	test "$(get "$URL" "" /healthz --cacert "$TEST_DIR/tls-ip/ca.pem")" = 200 &&
	n=$(sql "$DB" "SELECT count(*) FROM reports") &&
	wsend st-ip --cacert "$(wine_path "$TEST_DIR/tls-ip/ca.pem")" 2>ip.err ||
		{ cat ip.err; exit 1; }
	! spooled st-ip &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = $((n + 1))
'
srv_finish https-ip

# ... but only for the address it names: IP:127.0.0.2 is still refused.
srv_start https-other "$DB" --tls-cert "$TEST_DIR/tls-other/cert.pem" \
	--tls-key "$TEST_DIR/tls-other/key.pem" || :
test_expect_success 'a certificate for another address (IP:127.0.0.2): refused, 75, spooled' '
	case $URL in https://127.0.0.1:*) ;; *) echo "no HTTPS server: $URL"; exit 1 ;; esac &&
	n=$(sql "$DB" "SELECT count(*) FROM reports") &&
	expect_status 75 wsend st-other --cacert "$(wine_path "$TEST_DIR/tls-other/ca.pem")" \
		2>other.err &&
	cat other.err &&
	spooled st-other &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = "$n"
'
srv_finish https-other
wine_stop "$PFX"

test_done
