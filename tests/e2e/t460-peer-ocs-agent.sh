#!/bin/sh
# Debian's real ocsinventory-agent (2.10) delivers to a collector with only
# its server URL and credentials set (docs/peer-agents.md): the machine is
# stored once, classified as this machine's Debian release, with the
# package count of dpkg-query -W; a second run updates the same machine;
# over HTTP and over HTTPS with the test CA. The agent's state goes into the
# test's directory (--basevardir); its Debian config file asks for local
# mode, which --local=0 turns off.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
[ -n "$skip_all" ] || command -v ocsinventory-agent >/dev/null 2>&1 ||
	skip_all="ocsinventory-agent is not installed (packaging/install-deps.sh)"
[ -n "$skip_all" ] || [ "$(id -u)" = 0 ] || skip_all="ocsinventory-agent needs root"
[ -n "$skip_all" ] || [ -r /etc/debian_version ] || skip_all="not a Debian system"
if [ -n "$skip_all" ]; then
	test_skip "t460-peer-ocs-agent: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/ocs.db
collector org add Alkmaar --db "$DB" >agent.token
collector org add Bergen --db "$DB" >b.token
TOKEN=$(cat agent.token)
PW=$(printf %s "$TOKEN" | base64 -w0) # the agent base64-decodes --password
RELEASE=$(. /etc/os-release && echo "$VERSION_ID")
PKGS=$(dpkg-query -W | wc -l)
make_test_ca tls
srv_start srv "$DB" || :

# ocs URL [options]: one run of the agent against URL/ocsinventory.
ocs() {
	o_url=$1
	shift
	timeout 300 ocsinventory-agent --local=0 --server "$o_url/ocsinventory" --user any \
		--password "$PW" --realm fleetcensus --basevardir "$TEST_DIR/ocsvar" "$@" \
		>>ocs.log 2>&1
}

test_expect_success "ocsinventory-agent delivers over HTTP: one machine, this Debian release" '
	ocs "$URL" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 1 &&
	test "$(sql "$DB" "SELECT os_product FROM machines")" = "Debian $RELEASE" &&
	test "$(sql "$DB" "SELECT o.name FROM machines m JOIN organisations o ON o.id = m.org_id")" = Alkmaar &&
	test "$(sql "$DB" "SELECT l.count FROM machines m JOIN software_lists l ON l.id = m.software_list_id")" = "$PKGS" &&
	grep -q "POST /ocsinventory 200" srv/log &&
	collector report machines --db "$DB" --format json |
		jq -e ".[0].agent | test(\"^OCS-NG_unified_unix_agent 2[.][0-9.]+\$\")"
'

test_expect_success "a second run updates the same machine" '
	first=$(sql "$DB" "SELECT public_id FROM machines") &&
	ocs "$URL" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 1 &&
	test "$(sql "$DB" "SELECT public_id FROM machines")" = "$first" &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 2
'

test_expect_success "without credentials the agent is refused (401, Basic realm fleetcensus), nothing stored" '
	timeout 300 ocsinventory-agent --local=0 --server "$URL/ocsinventory" \
		--basevardir "$TEST_DIR/ocsvar" >>ocs.log 2>&1 || :
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 2 &&
	grep -q "POST /ocsinventory 401" srv/log
'
srv_finish srv

# The agent keeps its deviceid per server URL, so over HTTPS it is a new
# device: it goes to another organisation (Bergen's token) and is counted there.
test_expect_success "ocsinventory-agent delivers over HTTPS with the test CA" '
	srv_start https "$DB" --tls-cert tls/cert.pem --tls-key tls/key.pem &&
	PW=$(printf %s "$(cat b.token)" | base64 -w0) &&
	ocs "$URL" --ca "$TEST_DIR/tls/ca.pem" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines m JOIN organisations o ON o.id = m.org_id WHERE o.name = '"'Bergen'"'")" = 1 &&
	test "$(sql "$DB" "SELECT count(*) FROM machines m JOIN organisations o ON o.id = m.org_id WHERE o.name = '"'Alkmaar'"'")" = 1 &&
	srv_stop https
'

test_expect_success "the collector exited cleanly" 'srv_clean srv'
test_done
