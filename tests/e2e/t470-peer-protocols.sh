#!/bin/sh
# The peer agents' protocols on the wire, with curl (docs/peer-agents.md):
# OCS PROLOG and INVENTORY in zlib and plain XML with the answers each
# agent family reads; the GLPI agent's CONTACT and INVENTORY replayed from
# tests/fixtures/glpi-agent (see SOURCES.md: written from the protocol, not
# recorded); basic authentication (401 with the realm, wrong token, reader
# token, another organisation's token); and every bad-input class answered
# with a clear error and nothing stored: bad zlib, bad XML, entity
# expansion, an external entity naming a local file, oversize. User names
# in a peer inventory never reach the database.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
[ -n "$skip_all" ] || command -v python3 >/dev/null 2>&1 || skip_all="python3 is missing"
if [ -n "$skip_all" ]; then
	test_skip "t470-peer-protocols: $skip_all"
	test_done
	exit $?
fi
GLPI=$FIXTURES/glpi-agent
DB=$TEST_DIR/peer.db
collector org add Alkmaar --db "$DB" >a.token
collector org add Bergen --db "$DB" >b.token
collector token add --org Alkmaar --role reader --db "$DB" >reader.token
A=$(cat a.token) B=$(cat b.token) READER=$(cat reader.token)
srv_start srv "$DB" --max-body 200000 || :

# zlib FILE: FILE compressed as these agents do (zlib, default level) on stdout.
zlib() {
	python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(open(sys.argv[1], "rb").read()))' "$1"
}
# unzlib FILE: the zlib stream FILE inflated on stdout.
unzlib() {
	python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1], "rb").read()))' "$1"
}
# peer PATH CREDS FILE CTYPE [curl options...]: POSTs FILE to URL/PATH with
# basic credentials CREDS ("" for none); prints the status; ./answer, ./headers.
peer() {
	pp_path=$1 pp_creds=$2 pp_file=$3 pp_type=$4
	shift 4
	if [ -n "$pp_creds" ]; then
		set -- -u "$pp_creds" "$@"
	fi
	curl -sS --max-time 60 -o answer -D headers -w '%{http_code}' \
		-H "Content-Type: $pp_type" --data-binary @"$pp_file" "$@" "$URL$pp_path"
}
reports() {
	sql "$DB" "SELECT count(*) FROM reports"
}
# xml_error ERE: ./answer (inflated when zlib) is an XML <ERROR> matching ERE.
xml_error() {
	if [ "$(head -c 2 answer | od -An -tx1 | tr -d " ")" = 789c ]; then
		unzlib answer >answer.txt
	else
		cp answer answer.txt
	fi
	grep -q "<ERROR>" answer.txt && grep -Eq -- "$1" answer.txt ||
		{ echo "answer '$(head -c 300 answer.txt)' does not say '$1'" >&2; return 1; }
}

cat >prolog.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<REQUEST>
  <DEVICEID>ws-17-2024-01-31-12-00-00</DEVICEID>
  <QUERY>PROLOG</QUERY>
</REQUEST>
XML
cat >inventory.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<REQUEST>
  <CONTENT>
    <HARDWARE><NAME>ws-17</NAME><UUID>33E737A8-F827-11DF-9297-47C0A301005A</UUID>
      <LASTLOGGEDUSER>pvandenberg</LASTLOGGEDUSER><MEMORY>8000</MEMORY></HARDWARE>
    <BIOS><SSN>CZC0479792</SSN><BDATE>08/24/2010</BDATE></BIOS>
    <OPERATINGSYSTEM><FULL_NAME>Microsoft Windows 10 Pro</FULL_NAME>
      <KERNEL_VERSION>10.0.19045</KERNEL_VERSION><VERSION>22H2</VERSION><ARCH>64-bit</ARCH>
    </OPERATINGSYSTEM>
    <USERS><LOGIN>pvandenberg</LOGIN></USERS>
    <LOCAL_USERS><LOGIN>beheer-kees</LOGIN></LOCAL_USERS>
    <ENVS><KEY>USERNAME</KEY><VAL>pvandenberg</VAL></ENVS>
    <SOFTWARES><NAME>7-Zip</NAME><VERSION>19.00</VERSION></SOFTWARES>
    <VERSIONCLIENT>FusionInventory-Agent_v2.6</VERSIONCLIENT>
  </CONTENT>
  <DEVICEID>ws-17-2024-01-31-12-00-00</DEVICEID>
  <QUERY>INVENTORY</QUERY>
</REQUEST>
XML
zlib prolog.xml >prolog.z
zlib inventory.xml >inventory.z

test_expect_success "no credentials: 401 with WWW-Authenticate Basic realm=fleetcensus" '
	test "$(peer /ocsinventory "" prolog.z application/x-compress)" = 401 &&
	grep -qi "^WWW-Authenticate: Basic realm=\"fleetcensus\"" headers &&
	test "$(peer /front/inventory.php "" prolog.z application/x-compress-zlib)" = 401 &&
	grep -qi "^WWW-Authenticate: Basic realm=\"fleetcensus\"" headers
'

test_expect_success "a wrong token is 401, a reader token 403, a Bearer header 401" '
	test "$(peer /ocsinventory "any:0000" prolog.xml application/xml)" = 401 &&
	xml_error "unknown or revoked token" &&
	test "$(peer /ocsinventory "any:$READER" prolog.xml application/xml)" = 403 &&
	xml_error "reader token" &&
	test "$(peer /ocsinventory "" prolog.xml application/xml -H "Authorization: Bearer $A")" = 401
'

test_expect_success "OCS PROLOG (zlib, x-compress): zlib answer, x-compressed, PROLOG_FREQ and SEND" '
	test "$(peer /ocsinventory "any:$A" prolog.z application/x-compress)" = 200 &&
	grep -qi "^Content-Type: application/x-compressed" headers &&
	unzlib answer >reply.xml &&
	grep -q "<RESPONSE>SEND</RESPONSE>" reply.xml &&
	grep -q "<PROLOG_FREQ>24</PROLOG_FREQ>" reply.xml
'

test_expect_success "FusionInventory PROLOG (x-compress-zlib): the 78 9C zlib header it looks for" '
	test "$(peer /front/inventory.php "any:$A" prolog.z application/x-compress-zlib)" = 200 &&
	grep -qi "^Content-Type: application/x-compress-zlib" headers &&
	test "$(head -c 2 answer | od -An -tx1 | tr -d " ")" = 789c
'

test_expect_success "INVENTORY (zlib) stored in the token organisation; NO_ACCOUNT_UPDATE" '
	test "$(peer /ocsinventory "any:$A" inventory.z application/x-compress)" = 200 &&
	unzlib answer | grep -q "<RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE>" &&
	test "$(sql "$DB" "SELECT o.name || \" \" || m.os_product || \" \" || m.os_release
		FROM machines m JOIN organisations o ON o.id = m.org_id")" = "Alkmaar Windows 10 22H2"
'

test_expect_success "plain XML, again: the same machine; another organisation token: its own machine" '
	test "$(peer /front/inventory.php "any:$A" inventory.xml application/xml)" = 200 &&
	grep -q "NO_ACCOUNT_UPDATE" answer &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 1 &&
	test "$(peer /ocsinventory "other-user:$B" inventory.z application/x-compress)" = 200 &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 2 &&
	test "$(sql "$DB" "SELECT count(DISTINCT org_id) FROM machines")" = 2
'

test_expect_success "a GLPI agent PROLOG (GLPI-Agent-ID): the JSON answer that moves it to JSON" '
	test "$(peer /front/inventory.php "any:$A" prolog.z application/x-compress-zlib \
		-H "GLPI-Agent-ID: 3a609a2e-947f-4e6a-9af9-32c024ac3944")" = 200 &&
	unzlib answer | jq -e ".status == \"ok\" and .expiration == 24"
'

test_expect_success "GLPI CONTACT (replayed): ok, an expiration, inventory the one task" '
	zlib "$GLPI/contact.json" >contact.z &&
	test "$(peer /front/inventory.php "any:$A" contact.z application/x-compress-zlib \
		-H "GLPI-Agent-ID: 3a609a2e-947f-4e6a-9af9-32c024ac3944")" = 200 &&
	grep -qi "^Content-Type: application/x-compress-zlib" headers &&
	unzlib answer >contact-answer.json &&
	jq -e ".status == \"ok\" and .expiration == 24 and .tasks.inventory.server == \"glpi\"
		and (.disabled | sort) == [\"collect\", \"deploy\"]" contact-answer.json
'

test_expect_success "GLPI INVENTORY (replayed): stored, Windows 11 23H2, ok with an expiration" '
	zlib "$GLPI/inventory.json" >inventory-glpi.z &&
	test "$(peer /front/inventory.php "any:$A" inventory-glpi.z application/x-compress-zlib \
		-H "GLPI-Agent-ID: 3a609a2e-947f-4e6a-9af9-32c024ac3944")" = 200 &&
	unzlib answer | jq -e ".status == \"ok\" and .expiration == 24" &&
	test "$(sql "$DB" "SELECT os_product || \" \" || os_release FROM machines WHERE hostname = \"pc01\"")" = "Windows 11 23H2" &&
	test "$(sql "$DB" "SELECT l.count FROM machines m JOIN software_lists l ON l.id = m.software_list_id WHERE hostname = \"pc01\"")" = 3
'

test_expect_success "a plain GLPI inventory on /api/v1/inventory (Bearer) and on /ocsinventory" '
	test "$(post "$URL" "$B" "$GLPI/inventory.json")" = 200 &&
	test "$(peer /ocsinventory "any:$B" "$GLPI/inventory.json" application/json)" = 200 &&
	jq -e ".RESPONSE == \"SEND\"" answer &&
	test "$(sql "$DB" "SELECT count(*) FROM machines WHERE hostname = \"pc01\"")" = 2
'

test_expect_success "no user name, IP address or process of a peer inventory is in the database" '
	sqlite3 "$DB" .dump >dump.sql &&
	test -s dump.sql &&
	! grep -Eq "pvandenberg|beheer-kees|jdoe|admin-marie|10\.0\.12\.34|secret\.exe|corp\.example" dump.sql &&
	! grep -aEq "pvandenberg|beheer-kees|jdoe|admin-marie" "$DB"
'

test_expect_success "bad zlib: 400, nothing stored" '
	n=$(reports) &&
	{ head -c 2 inventory.z; printf "garbage garbage garbage"; } >bad.z &&
	test "$(peer /ocsinventory "any:$A" bad.z application/x-compress)" = 400 &&
	xml_error "zlib" &&
	test "$(reports)" = "$n"
'

test_expect_success "bad XML: 400 naming the line, nothing stored" '
	n=$(reports) &&
	head -n 8 inventory.xml >cut.xml &&
	test "$(peer /ocsinventory "any:$A" cut.xml application/xml)" = 400 &&
	xml_error "XML not well formed at line" &&
	test "$(reports)" = "$n"
'

test_expect_success "entity expansion (billion laughs) and an external entity: refused, nothing read" '
	n=$(reports) &&
	cat >laughs.xml <<-XML &&
	<?xml version="1.0"?>
	<!DOCTYPE REQUEST [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
	<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
	<REQUEST><QUERY>INVENTORY</QUERY><DEVICEID>&d;</DEVICEID><CONTENT/></REQUEST>
	XML
	test "$(peer /ocsinventory "any:$A" laughs.xml application/xml)" = 400 &&
	xml_error "entity declarations are refused" &&
	echo "TOP-SECRET-LINE" >secret.txt &&
	cat >xxe.xml <<-XML &&
	<?xml version="1.0"?>
	<!DOCTYPE REQUEST [<!ENTITY x SYSTEM "file://$TEST_DIR/secret.txt">]>
	<REQUEST><QUERY>INVENTORY</QUERY><DEVICEID>&x;</DEVICEID><CONTENT/></REQUEST>
	XML
	test "$(peer /ocsinventory "any:$A" xxe.xml application/xml)" = 400 &&
	xml_error "entity declarations are refused" &&
	! grep -q TOP-SECRET answer &&
	test "$(reports)" = "$n"
'

test_expect_success "oversize: 413 (Content-Length and a zlib bomb), nothing stored" '
	n=$(reports) &&
	head -c 300000 /dev/zero | tr "\0" " " >big.xml &&
	test "$(peer /ocsinventory "any:$A" big.xml application/xml)" = 413 &&
	python3 -c "import sys, zlib; sys.stdout.buffer.write(zlib.compress(b\"<\" + b\" \" * 100000000))" >bomb.z &&
	test "$(peer /ocsinventory "any:$A" bomb.z application/x-compress)" = 413 &&
	xml_error "decompressed body is larger" &&
	test "$(reports)" = "$n"
'

test_expect_success "GET on the peer paths: 405; a JSON error for a JSON request" '
	test "$(get "$URL" "" /ocsinventory)" = 405 &&
	echo "{\"action\":\"inventory\",\"content\":5}" >bad.json &&
	test "$(peer /front/inventory.php "any:$A" bad.json application/json)" = 400 &&
	jq -e ".status == \"error\" and (.message | test(\"content\"))" answer
'
srv_finish srv
test_expect_success "the collector exited cleanly" 'srv_clean srv'

# Back-pressure: a collector whose writer queue holds one report, and a
# burst of 60 GLPI inventories of 3,000 packages each (as t385 does for
# ours): every answer is 200 or the GLPI protocol's busy answer, 503 with
# Retry-After and {"status":"error","message":"busy server","expiration":"30m"}.
test_expect_success "a full queue: GLPI agents get the busy answer (503, busy server, 30m)" '
	srv_start busy "$DB" --queue 1 --max-connections 256 &&
	jq -c ".content.softwares as \$s | .content.softwares = [range(0; 3000) as \$i |
		\$s[\$i % (\$s | length)] | .name = \"\(.name)-\(\$i)\"]" "$GLPI/inventory.json" >big.json &&
	cat >burst.sh <<-\EOF &&
	i=$1 url=$2 tok=$3
	jq -c --arg hw "$(printf "4c4c4544-0000-4000-8000-%012d" "$i")" ".content.hardware.uuid = \$hw" \
		big.json >"g$i.json"
	curl -sS --max-time 120 -o "ga$i" -D "gh$i" -w "%{http_code}\n" -u "any:$tok" \
		-H "Content-Type: application/json" -H "GLPI-Agent-ID: 3a609a2e-947f-4e6a-9af9-32c024ac3944" \
		--data-binary @"g$i.json" "$url/front/inventory.php" >"gs$i"
	EOF
	seq 1 60 | xargs -P 60 -I{} sh burst.sh {} "$URL" "$A" &&
	srv_stop busy &&
	cat gs* | sort | uniq -c &&
	! cat gs* | grep -v -E "^(200|503)$" &&
	busy=$(grep -l "^503$" gs* | wc -l) &&
	echo "# busy answers: $busy" &&
	test "$busy" -gt 0 &&
	for f in $(grep -l "^503$" gs*); do
		n=${f#gs} &&
		jq -e ".status == \"error\" and .message == \"busy server\" and .expiration == \"30m\"" "ga$n" >/dev/null &&
		grep -qi "^Retry-After:" "gh$n" || return 1
	done
'
test_done
