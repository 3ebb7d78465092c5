#!/bin/sh
# import --source ldap (issue 16, docs/imports.md) against a real directory
# server: a Samba AD domain controller (Debian's samba), provisioned by the
# test in its temporary directory and run in its own network and mount
# namespaces (loopback only, dc1.test.lan in a private /etc/hosts), so the
# ports of the machine are never touched. LDAPS with Samba's own CA,
# StartTLS, paging (more than one page of 500), the classification of the
# AD attributes, evidence and coverage; a bad password or a loose password
# file stores nothing. Skips (saying why) without samba or namespaces.
# About 10 s, so it runs in the ASan pass too.

# Re-run inside new network and mount namespaces first.
if [ -z "${FC_T455_NS:-}" ]; then
	if command -v unshare >/dev/null 2>&1 && command -v samba >/dev/null 2>&1 &&
		unshare -n -m true 2>/dev/null; then
		FC_T455_NS=1 exec unshare -n -m sh "$0" "$@"
	fi
	FC_T455_NS=none
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs samba samba-tool ldbadd ldbmodify ip)
[ -n "$skip_all" ] || [ "$FC_T455_NS" = 1 ] ||
	skip_all="no network namespace (unshare -n -m) here"
[ -n "$skip_all" ] || [ -e /usr/share/samba/setup/provision.ldif ] ||
	skip_all="samba-ad-provision is not installed"
if [ -n "$skip_all" ]; then
	test_skip "t455-ldap-samba: $skip_all"
	test_done
	exit $?
fi

T=$TEST_DIR/dc
DB=$TEST_DIR/ldap.db
BASE=DC=test,DC=lan
URL=ldaps://dc1.test.lan
CA=$T/private/tls/ca.pem
PW=$TEST_DIR/pw
ip link set lo up
printf '127.0.0.1 localhost\n127.0.0.1 dc1.test.lan dc1\n' >"$TEST_DIR/hosts"
mount --bind "$TEST_DIR/hosts" /etc/hosts
mknod "$TEST_DIR/null" c 1 3

# FILETIME of Unix time $1.
filetime() {
	echo $((($1 + 11644473600) * 10000000))
}
NOW_FT=$(filetime "$(date +%s)")
OLD_FT=$(filetime "$(date -d 2020-01-06 +%s)")

# The computers, written into the database before the DC starts.
computers() {
	cat <<-EOF
	dn: CN=PC-W10,CN=Computers,$BASE
	objectClass: computer
	sAMAccountName: PC-W10\$
	userAccountControl: 4096
	dNSHostName: pc-w10.test.lan
	operatingSystem: Windows 10 Enterprise
	operatingSystemVersion: 10.0 (19045)
	lastLogonTimestamp: $NOW_FT

	dn: CN=PC-XP01,CN=Computers,$BASE
	objectClass: computer
	sAMAccountName: PC-XP01\$
	userAccountControl: 4096
	dNSHostName: pc-xp01.test.lan
	operatingSystem: Windows XP Professional
	operatingSystemVersion: 5.1 (2600)
	operatingSystemServicePack: Service Pack 3
	lastLogonTimestamp: $NOW_FT

	dn: CN=PC-STALE,CN=Computers,$BASE
	objectClass: computer
	sAMAccountName: PC-STALE\$
	userAccountControl: 4096
	operatingSystem: Windows 7 Professional
	operatingSystemVersion: 6.1 (7601)
	operatingSystemServicePack: Service Pack 1
	lastLogonTimestamp: $OLD_FT

	EOF
	# 520 more in their own OU: more than one page of 500
	i=0
	while [ $i -lt 520 ]; do
		printf 'dn: CN=BULK-%04d,OU=Bulk,%s\nobjectClass: computer\n' $i "$BASE"
		printf 'sAMAccountName: BULK-%04d$\nuserAccountControl: 4096\n' $i
		printf 'operatingSystem: Windows 11 Pro\noperatingSystemVersion: 10.0 (22631)\n'
		printf 'lastLogonTimestamp: %s\n\n' "$NOW_FT"
		i=$((i + 1))
	done
}

dc_up() {
	samba-tool domain provision --realm=TEST.LAN --domain=TEST --server-role=dc \
		--use-rfc2307 --dns-backend=NONE --adminpass='Test-Pass-123' \
		--host-name=dc1 --targetdir="$T" >"$TEST_DIR/provision.log" 2>&1 || return 1
	sed -i '/^\[global\]/a\
	interfaces = lo\
	bind interfaces only = yes' "$T/etc/smb.conf"
	printf 'dn: OU=Bulk,%s\nobjectClass: organizationalUnit\n\n' "$BASE" >"$TEST_DIR/c.ldif"
	computers >>"$TEST_DIR/c.ldif"
	ldbadd -H "$T/private/sam.ldb" "$TEST_DIR/c.ldif" >"$TEST_DIR/ldbadd.log" 2>&1 || return 1
	# a disabled account as samba-tool makes it (userAccountControl 4098)
	samba-tool computer create PC-OFF -s "$T/etc/smb.conf" >>"$TEST_DIR/ldbadd.log" 2>&1 ||
		return 1
	samba -s "$T/etc/smb.conf" -i -M single --maximum-runtime=300 \
		<"$TEST_DIR/null" >"$TEST_DIR/samba.log" 2>&1 &
	echo $! >"$TEST_DIR/samba.pid"
	n=0
	while [ $n -lt 100 ]; do
		[ -s "$CA" ] && ss -ltn 2>/dev/null | grep -q ':636 ' && return 0
		sleep 0.2
		n=$((n + 1))
	done
	return 1
}
test_cleanup_cmds='[ -s "$TEST_DIR/samba.pid" ] && kill "$(cat "$TEST_DIR/samba.pid")" 2>/dev/null'
if ! dc_up; then
	test_skip "t455-ldap-samba: the Samba DC did not start (see its logs)"
	tail -n 5 "$TEST_DIR/provision.log" "$TEST_DIR/ldbadd.log" "$TEST_DIR/samba.log" | sed 's/^/# /'
	test_done
	exit $?
fi
printf 'Test-Pass-123\n' >"$PW"
chmod 600 "$PW"
LDAP="--source ldap --ldap-url $URL --ldap-bind-dn Administrator@TEST.LAN --ldap-base $BASE"

rows() {
	sql "$DB" "SELECT m.hostname, m.evidence, m.os_product, m.os_edition, m.os_release,
		m.os_service_pack FROM machines m WHERE m.hostname NOT LIKE 'bulk-%'
		ORDER BY 1, 2, 3, 4, 5" | tr '|' ' '
}
nsight() {
	sql "$DB" "SELECT count(*) FROM sightings"
}

test_expect_success 'a bad password: the server and its error named, nothing stored (78)' '
	collector org add lab --db "$DB" >/dev/null &&
	printf "wrong\n" >bad && chmod 600 bad &&
	expect_status 78 collector import --db "$DB" --org lab $LDAP --ldap-ca "$CA" \
		--ldap-password-file bad 2>err &&
	grep -q "ldaps://dc1.test.lan: bind as .Administrator@TEST.LAN. failed: Invalid credentials" err &&
	test "$(nsight)" = 0
'

test_expect_success 'a password file others can read is refused before connecting' '
	cp "$PW" loose && chmod 640 loose &&
	expect_status 78 collector import --db "$DB" --org lab $LDAP --ldap-ca "$CA" \
		--ldap-password-file loose 2>err &&
	grep -q "loose: readable or writable by others than its owner (mode 640; chmod 600 it)" err &&
	test "$(nsight)" = 0
'

test_expect_success 'the certificate is verified: without Samba'"'"'s CA the import fails (69)' '
	expect_status 69 collector import --db "$DB" --org lab $LDAP --ldap-password-file "$PW" \
		2>err &&
	grep -q "ldaps://dc1.test.lan: bind as .* failed: Can.t contact LDAP server (no answer, or TLS failed: is the server.s certificate for this host name and signed by a CA of --ldap-ca?)" err &&
	test "$(nsight)" = 0
'

test_expect_success 'ldap:// without --ldap-starttls is refused (no password in clear)' '
	expect_status 64 collector import --db "$DB" --org lab --source ldap \
		--ldap-url ldap://dc1.test.lan --ldap-bind-dn Administrator@TEST.LAN \
		--ldap-base "$BASE" --ldap-password-file "$PW" 2>err &&
	grep -q "ldap://dc1.test.lan: ldaps://HOST\[:PORT\], or ldap://HOST\[:PORT\] with --ldap-starttls" err
'

test_expect_success 'no server on the port (69); a base DN not there (64); nothing stored' '
	expect_status 69 collector import --db "$DB" --org lab --source ldap \
		--ldap-url ldaps://dc1.test.lan:1636 --ldap-ca "$CA" \
		--ldap-bind-dn Administrator@TEST.LAN --ldap-base "$BASE" \
		--ldap-password-file "$PW" 2>err &&
	grep -q "ldaps://dc1.test.lan:1636: bind as .* failed: Can.t contact LDAP server" err &&
	expect_status 64 collector import --db "$DB" --org lab --source ldap --ldap-url "$URL" \
		--ldap-ca "$CA" --ldap-bind-dn Administrator@TEST.LAN --ldap-base DC=nowhere,DC=lan \
		--ldap-password-file "$PW" 2>err &&
	grep -q "ldaps://dc1.test.lan: search of .DC=nowhere,DC=lan. for (objectCategory=computer) failed: No such object" err &&
	test "$(nsight)" = 0
'

test_expect_success 'LDAPS: every computer, over two pages, as directory sightings' '
	collector import --db "$DB" --org lab $LDAP --ldap-ca "$CA" --ldap-password-file "$PW" \
		>out &&
	grep -q "^ldap: 525 rows, 522 counted, 0 matched to agent machines, 0 ambiguous, 0 removed" out &&
	rows >got &&
	cat >want <<-\EOW &&
	pc-w10 directory Windows 10 Enterprise 22H2 
	pc-xp01 directory Windows XP Professional  Service Pack 3
	EOW
	diff want got &&
	test "$(sql "$DB" "SELECT count(*) FROM machines WHERE hostname LIKE '"'bulk-%'"'")" = 520 &&
	test "$(sql "$DB" "SELECT count(DISTINCT skey) FROM sightings")" = 525
'

test_expect_success 'objectGUID is stored in its .NET string form' '
	sql "$DB" "SELECT skey FROM sightings" >keys &&
	test "$(grep -c -E "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" keys)" = 525
'

test_expect_success 'the same snapshot again changes nothing' '
	sql "$DB" "SELECT public_id, hostname, os_product FROM machines ORDER BY 1" >before &&
	collector import --db "$DB" --org lab $LDAP --ldap-ca "$CA" --ldap-password-file "$PW" \
		>out &&
	grep -q "^ldap: 525 rows, 522 counted" out &&
	sql "$DB" "SELECT public_id, hostname, os_product FROM machines ORDER BY 1" >after &&
	diff before after && test "$(nsight)" = 525
'

test_expect_success 'StartTLS on ldap:// and a filter (enabled computers only)' '
	collector org add lab2 --db "$DB" >/dev/null &&
	collector import --db "$DB" --org lab2 --source ldap --ldap-url ldap://dc1.test.lan \
		--ldap-starttls --ldap-ca "$CA" --ldap-bind-dn Administrator@TEST.LAN \
		--ldap-base "CN=Computers,$BASE" --ldap-password-file "$PW" \
		--ldap-filter "(&(objectCategory=computer)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))" \
		>out &&
	grep -q "^ldap: 3 rows, 2 counted" out
'

test_expect_success 'report coverage: the directory machines of the organisation' '
	collector report coverage --db "$DB" --org lab --format csv >got &&
	grep -q "^lab,522,0,0,522,0,522,0," got
'

test_done
