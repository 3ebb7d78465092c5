#!/bin/sh
# Debian's real fusioninventory-agent (2.6) delivers to /front/inventory.php
# with only its server URL and credentials set: one machine, this Debian
# release, the package count of dpkg-query -W; a second run updates it;
# over HTTP and over HTTPS with the test CA.
# Its state directory is fixed (/var/lib/fusioninventory-agent): it is saved
# before and put back after. An empty --conf-file keeps /etc out of it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
[ -n "$skip_all" ] || command -v fusioninventory-agent >/dev/null 2>&1 ||
	skip_all="fusioninventory-agent is not installed (packaging/install-deps.sh)"
[ -n "$skip_all" ] || [ "$(id -u)" = 0 ] || skip_all="fusioninventory-agent needs root"
[ -n "$skip_all" ] || [ -r /etc/debian_version ] || skip_all="not a Debian system"
if [ -n "$skip_all" ]; then
	test_skip "t465-peer-fusion-agent: $skip_all"
	test_done
	exit $?
fi
VAR=/var/lib/fusioninventory-agent
mkdir -p saved "$VAR" && cp -a "$VAR/." saved/
restore_var() {
	rm -rf "${VAR:?}"/* && cp -a "$TEST_DIR/saved/." "$VAR/"
}
test_cleanup_cmds="restore_var; $test_cleanup_cmds"
DB=$TEST_DIR/fusion.db
collector org add Alkmaar --db "$DB" >agent.token
TOKEN=$(cat agent.token)
RELEASE=$(. /etc/os-release && echo "$VERSION_ID")
PKGS=$(dpkg-query -W | wc -l)
: >empty.cfg
srv_start srv "$DB" || :

# fusion PASSWORD [options]: one run of the agent against URL/front/inventory.php.
fusion() {
	f_pw=$1
	shift
	timeout 300 fusioninventory-agent --conf-file="$TEST_DIR/empty.cfg" --no-httpd \
		--tasks=inventory --server "$URL/front/inventory.php" --user any --password "$f_pw" \
		"$@" >>fusion.log 2>&1
}

test_expect_success "fusioninventory-agent delivers: one machine, this Debian release" '
	fusion "$TOKEN" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 1 &&
	test "$(sql "$DB" "SELECT os_product FROM machines")" = "Debian $RELEASE" &&
	test "$(sql "$DB" "SELECT l.count FROM machines m JOIN software_lists l ON l.id = m.software_list_id")" = "$PKGS" &&
	collector report machines --db "$DB" --format json | jq -e ".[0].agent | startswith(\"FusionInventory-Agent 2.6\")"
'

test_expect_success "a second run updates the same machine" '
	first=$(sql "$DB" "SELECT public_id FROM machines") &&
	fusion "$TOKEN" &&
	test "$(sql "$DB" "SELECT public_id FROM machines")" = "$first" &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 2
'

test_expect_success "a wrong password is refused (401), nothing stored" '
	fusion 0000000000000000000000000000000000000000000000000000000000000000 || :
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 2 &&
	grep -q "POST /front/inventory.php 401" srv/log
'
srv_finish srv

# The agent keeps one deviceid for all its servers: over HTTPS it is the
# same machine again.
test_expect_success "fusioninventory-agent delivers over HTTPS with the test CA: the same machine" '
	make_test_ca tls &&
	srv_start https "$DB" --tls-cert tls/cert.pem --tls-key tls/key.pem &&
	fusion "$TOKEN" --ca-cert-file "$TEST_DIR/tls/ca.pem" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 1 &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 3 &&
	srv_stop https
'
test_expect_success "the collector exited cleanly" 'srv_clean srv'
test_done
