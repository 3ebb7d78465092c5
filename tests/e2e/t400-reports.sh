#!/bin/sh
# t400-reports.sh - the reports over a fixture fleet of three organisations
# imported from crafted reports: the tender table (expected output written
# by hand, in all three formats), --min-cell, the window and stale
# machines, counts, machines, software, reclassify after a catalogue
# override, --output, and the errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs)
if [ -n "$why" ]; then
	test_skip "reports: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
TPL=$TEST_DIR/tpl.json
AS_OF=2026-06-01
# last_seen of the stale machine: 60 days before AS_OF (2026-04-02T00:00:00Z)
STALE_TS=1775088000

XP='{"major":5,"minor":1,"build":2600,"product_type":1,"suite_mask":256,
 "product_name":"Microsoft Windows XP","csd_version":"Service Pack 3",
 "native_arch":"x86","current_version":"5.1"}'
W7='{"major":6,"minor":1,"build":7601,"product_type":1,"suite_mask":256,
 "product_name":"Windows 7 Professional","edition_id":"Professional",
 "csd_version":"Service Pack 1","native_arch":"AMD64","current_version":"6.1",
 "installation_type":"Client"}'
W10='{"major":10,"minor":0,"build":19045,"ubr":3803,"product_type":1,"suite_mask":256,
 "product_name":"Windows 10 Pro","edition_id":"Professional","display_version":"22H2",
 "release_id":"2009","native_arch":"AMD64","current_version":"6.3",
 "installation_type":"Client"}'
OFFICE='[{"name":"Microsoft Office Professional Edition 2003","version":"11.0.8173.0",
 "arch":"x86","publisher":"Microsoft Corporation","from":"registry"}]'

# machine ORG N HOST KIND: crafts and imports machine N (its own hardware
# UUID and agent id) of kind xp, w7, w10, w7office, debian or centos6.
machine() {
	m_org=$1 m_n=$2 m_host=$3 m_kind=$4
	m_hw=$(printf '00000000-0000-4000-8000-%012d' "$m_n")
	m_ag=$(printf '11111111-0000-4000-8000-%012d' "$m_n")
	m_base=".content.hardware.uuid = \"$m_hw\" | .content.hardware.name = \"$m_host\" |
		.content.fleetcensus.agent_id = \"$m_ag\" | del(.content.fleetcensus.machine_id)"
	case $m_kind in
	xp) m_f="del(.content.fleetcensus.os_release) | .content.fleetcensus.windows = $XP" ;;
	w7) m_f="del(.content.fleetcensus.os_release) | .content.fleetcensus.windows = $W7" ;;
	w7office) m_f="del(.content.fleetcensus.os_release) |
		.content.fleetcensus.windows = $W7 | .content.softwares = $OFFICE" ;;
	w10) m_f="del(.content.fleetcensus.os_release) | .content.fleetcensus.windows = $W10" ;;
	centos6) m_f='del(.content.fleetcensus.os_release) | .content.fleetcensus.release_files =
		{"/etc/redhat-release": "CentOS release 6.10 (Final)",
		 "/etc/centos-release": "CentOS release 6.10 (Final)"} |
		.content.operatingsystem = {"name": "CentOS", "arch": "x86_64"}' ;;
	*) m_f=. ;;
	esac
	craft "m$m_n.json" "$m_base | $m_f"
	collector import --db "$DB" --org "$m_org" "m$m_n.json" >/dev/null
}

test_expect_success 'set up a fleet of three organisations' '
	make_template "$TPL" &&
	collector org add north --db "$DB" >/dev/null &&
	collector org add south --db "$DB" >/dev/null &&
	collector org add west --db "$DB" >/dev/null &&
	machine north 1 n-xp1 xp && machine north 2 n-xp2 xp &&
	machine north 3 n-w7a w7office && machine north 4 n-w10a w10 &&
	machine north 5 n-w10b w10 && machine north 6 n-w10c w10 &&
	machine north 7 n-deb debian &&
	machine south 11 s-xp1 xp && machine south 12 s-w7a w7 && machine south 13 s-w7b w7 &&
	machine south 14 s-w7c w7office && machine south 15 s-w7d w7 &&
	machine south 16 s-centos centos6 &&
	machine west 21 w-w7a w7 && machine west 22 w-w7b w7 && machine west 23 w-xp-old xp &&
	sqlite3 "$DB" "UPDATE machines SET last_seen = $STALE_TS WHERE hostname = '"'"'w-xp-old'"'"'" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 16
'

test_expect_success 'machines are classified at ingest' '
	sql "$DB" "SELECT hostname, os_product, os_edition, arch FROM machines
		ORDER BY hostname" >got &&
	cat >want <<-\EOT &&
	n-deb|Debian 12||x86_64
	n-w10a|Windows 10|Pro|x86_64
	n-w10b|Windows 10|Pro|x86_64
	n-w10c|Windows 10|Pro|x86_64
	n-w7a|Windows 7|Professional|x86_64
	n-xp1|Windows XP|Professional|x86
	n-xp2|Windows XP|Professional|x86
	s-centos|CentOS 6||x86_64
	s-w7a|Windows 7|Professional|x86_64
	s-w7b|Windows 7|Professional|x86_64
	s-w7c|Windows 7|Professional|x86_64
	s-w7d|Windows 7|Professional|x86_64
	s-xp1|Windows XP|Professional|x86
	w-w7a|Windows 7|Professional|x86_64
	w-w7b|Windows 7|Professional|x86_64
	w-xp-old|Windows XP|Professional|x86
	EOT
	diff -u want got
'

# The tender at 2026-06-01 from data/lifecycle.csv, worked out by hand:
# XP ended 2014-04-08 (eol), 7 ended 2020-01-14 with ESU to 2023-01-10
# (eol), 10 22H2 ended 2025-10-14 with ESU to 2028-10-10 (esu), CentOS 6
# ended 2020-11-30 (eol); Debian 12 is supported until 2026-07-11, then
# extended (Debian LTS, free: nothing to buy) until 2028-06-30, and w-xp-old
# is stale: neither is listed.
test_expect_success 'tender, table' '
	collector report tender --db "$DB" --as-of $AS_OF >got &&
	cat >want <<-\EOT &&
	org    os_product  os_edition    os_release  arch    support_status  support_end  machines
	south  CentOS 6                              x86_64  eol             2020-11-30          1
	ALL    CentOS 6                              x86_64  eol             2020-11-30          1
	north  Windows 10  Pro           22H2        x86_64  esu             2028-10-10          3
	ALL    Windows 10  Pro           22H2        x86_64  esu             2028-10-10          3
	north  Windows 7   Professional              x86_64  eol             2023-01-10          1
	south  Windows 7   Professional              x86_64  eol             2023-01-10          4
	west   Windows 7   Professional              x86_64  eol             2023-01-10          2
	ALL    Windows 7   Professional              x86_64  eol             2023-01-10          7
	north  Windows XP  Professional              x86     eol             2014-04-08          2
	south  Windows XP  Professional              x86     eol             2014-04-08          1
	ALL    Windows XP  Professional              x86     eol             2014-04-08          3
	EOT
	diff -u want got
'

test_expect_success 'tender, csv' '
	collector report tender --db "$DB" --as-of $AS_OF --format csv >got &&
	printf "%s\r\n" \
	  "org,os_product,os_edition,os_release,arch,support_status,support_end,machines" \
	  "south,CentOS 6,,,x86_64,eol,2020-11-30,1" \
	  "ALL,CentOS 6,,,x86_64,eol,2020-11-30,1" \
	  "north,Windows 10,Pro,22H2,x86_64,esu,2028-10-10,3" \
	  "ALL,Windows 10,Pro,22H2,x86_64,esu,2028-10-10,3" \
	  "north,Windows 7,Professional,,x86_64,eol,2023-01-10,1" \
	  "south,Windows 7,Professional,,x86_64,eol,2023-01-10,4" \
	  "west,Windows 7,Professional,,x86_64,eol,2023-01-10,2" \
	  "ALL,Windows 7,Professional,,x86_64,eol,2023-01-10,7" \
	  "north,Windows XP,Professional,,x86,eol,2014-04-08,2" \
	  "south,Windows XP,Professional,,x86,eol,2014-04-08,1" \
	  "ALL,Windows XP,Professional,,x86,eol,2014-04-08,3" >want &&
	cmp want got
'

test_expect_success 'tender, json' '
	collector report tender --db "$DB" --as-of $AS_OF --format json >got &&
	cat >want <<-\EOT &&
	[
	{"org":"south","os_product":"CentOS 6","os_edition":"","os_release":"","arch":"x86_64","support_status":"eol","support_end":"2020-11-30","machines":1},
	{"org":"ALL","os_product":"CentOS 6","os_edition":"","os_release":"","arch":"x86_64","support_status":"eol","support_end":"2020-11-30","machines":1},
	{"org":"north","os_product":"Windows 10","os_edition":"Pro","os_release":"22H2","arch":"x86_64","support_status":"esu","support_end":"2028-10-10","machines":3},
	{"org":"ALL","os_product":"Windows 10","os_edition":"Pro","os_release":"22H2","arch":"x86_64","support_status":"esu","support_end":"2028-10-10","machines":3},
	{"org":"north","os_product":"Windows 7","os_edition":"Professional","os_release":"","arch":"x86_64","support_status":"eol","support_end":"2023-01-10","machines":1},
	{"org":"south","os_product":"Windows 7","os_edition":"Professional","os_release":"","arch":"x86_64","support_status":"eol","support_end":"2023-01-10","machines":4},
	{"org":"west","os_product":"Windows 7","os_edition":"Professional","os_release":"","arch":"x86_64","support_status":"eol","support_end":"2023-01-10","machines":2},
	{"org":"ALL","os_product":"Windows 7","os_edition":"Professional","os_release":"","arch":"x86_64","support_status":"eol","support_end":"2023-01-10","machines":7},
	{"org":"north","os_product":"Windows XP","os_edition":"Professional","os_release":"","arch":"x86","support_status":"eol","support_end":"2014-04-08","machines":2},
	{"org":"south","os_product":"Windows XP","os_edition":"Professional","os_release":"","arch":"x86","support_status":"eol","support_end":"2014-04-08","machines":1},
	{"org":"ALL","os_product":"Windows XP","os_edition":"Professional","os_release":"","arch":"x86","support_status":"eol","support_end":"2014-04-08","machines":3}
	]
	EOT
	diff -u want got &&
	jq -e "length == 11 and (map(.machines | type) | unique) == [\"number\"]" got >/dev/null
'

test_expect_success 'tender --min-cell: small cells hidden, totals honest' '
	collector report tender --db "$DB" --as-of $AS_OF --format csv --min-cell 3 >got &&
	printf "%s\r\n" \
	  "org,os_product,os_edition,os_release,arch,support_status,support_end,machines" \
	  "south,CentOS 6,,,x86_64,eol,2020-11-30,<3" \
	  "ALL,CentOS 6,,,x86_64,eol,2020-11-30,<3" \
	  "north,Windows 10,Pro,22H2,x86_64,esu,2028-10-10,3" \
	  "ALL,Windows 10,Pro,22H2,x86_64,esu,2028-10-10,3" \
	  "north,Windows 7,Professional,,x86_64,eol,2023-01-10,<3" \
	  "south,Windows 7,Professional,,x86_64,eol,2023-01-10,4" \
	  "west,Windows 7,Professional,,x86_64,eol,2023-01-10,<3" \
	  "ALL,Windows 7,Professional,,x86_64,eol,2023-01-10,>=3" \
	  "north,Windows XP,Professional,,x86,eol,2014-04-08,<3" \
	  "south,Windows XP,Professional,,x86,eol,2014-04-08,<3" \
	  "ALL,Windows XP,Professional,,x86,eol,2014-04-08,>=3" >want &&
	cmp want got
'

test_expect_success 'tender --min-cell: a total that would reveal the one hidden cell' '
	collector report tender --db "$DB" --as-of $AS_OF --format csv --min-cell 4 \
		--org north --org south >got &&
	printf "%s\r\n" \
	  "org,os_product,os_edition,os_release,arch,support_status,support_end,machines" \
	  "south,CentOS 6,,,x86_64,eol,2020-11-30,<4" \
	  "ALL,CentOS 6,,,x86_64,eol,2020-11-30,<4" \
	  "north,Windows 10,Pro,22H2,x86_64,esu,2028-10-10,<4" \
	  "ALL,Windows 10,Pro,22H2,x86_64,esu,2028-10-10,<4" \
	  "north,Windows 7,Professional,,x86_64,eol,2023-01-10,<4" \
	  "south,Windows 7,Professional,,x86_64,eol,2023-01-10,4" \
	  "ALL,Windows 7,Professional,,x86_64,eol,2023-01-10,>=4" \
	  "north,Windows XP,Professional,,x86,eol,2014-04-08,<4" \
	  "south,Windows XP,Professional,,x86,eol,2014-04-08,<4" \
	  "ALL,Windows XP,Professional,,x86,eol,2014-04-08,<4" >want &&
	cmp want got &&
	collector report tender --db "$DB" --as-of $AS_OF --format json --min-cell 4 \
		--org north --org south >got.json &&
	jq -e ".[6].machines == \">=4\" and .[5].machines == 4" got.json >/dev/null
'

test_expect_success 'tender --horizon-months takes in what ends within it' '
	collector report tender --db "$DB" --as-of $AS_OF --horizon-months 25 --format csv \
		--org north >got &&
	grep "^north,Debian 12,,,x86_64,eol,2028-06-30,1" got &&
	grep "^ALL,Debian 12," got &&
	collector report tender --db "$DB" --as-of $AS_OF --format csv --org north >got0 &&
	! grep Debian got0
'

test_expect_success 'Debian LTS is free: extended, not esu, and not in the tender' '
	collector report tender --db "$DB" --as-of $AS_OF --horizon-months 3 --format csv \
		--org north >got &&
	grep "^north,Windows 10,Pro,22H2,x86_64,esu,2028-10-10,3" got &&
	! grep Debian got &&
	collector report tender --db "$DB" --as-of 2026-12-04 --window 365 --format csv \
		--org north >got &&
	grep "^north,Windows 10,Pro,22H2,x86_64,esu,2028-10-10,3" got &&
	! grep Debian got &&
	collector report machines --db "$DB" --as-of 2026-12-04 --window 365 --format csv \
		--org north >got &&
	grep ",n-deb,.*,Debian 12,.*,extended,2028-06-30" got
'

test_expect_success 'the window: stale machines are left out and listed by stale' '
	collector report stale --db "$DB" --as-of $AS_OF --format csv >got &&
	test "$(wc -l <got)" = 2 &&
	grep "^west,[0-9a-f-]*,w-xp-old,2026-04-02T00:00:00Z,Windows XP" got &&
	collector report tender --db "$DB" --as-of $AS_OF --window 90 --format csv >wide &&
	grep "^west,Windows XP,Professional,,x86,eol,2014-04-08,1" wide &&
	grep "^ALL,Windows XP,Professional,,x86,eol,2014-04-08,4" wide
'

test_expect_success 'counts --by' '
	collector report counts --db "$DB" --as-of $AS_OF --by support_status,os_product \
		--format csv >got &&
	printf "%s\r\n" "support_status,os_product,machines" \
		"eol,CentOS 6,1" "eol,Windows 7,7" "eol,Windows XP,3" "esu,Windows 10,3" \
		"supported,Debian 12,1" >want &&
	cmp want got &&
	collector report counts --db "$DB" --as-of $AS_OF --by org --format json >got.json &&
	jq -c . got.json >got &&
	echo "[{\"org\":\"north\",\"machines\":7},{\"org\":\"south\",\"machines\":6},{\"org\":\"west\",\"machines\":2}]" >want &&
	diff -u want got &&
	expect_status 64 collector report counts --db "$DB" --by "org;DROP TABLE machines" &&
	expect_status 64 collector report counts --db "$DB" --by org,org &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 16
'

test_expect_success 'machines: one row per current machine' '
	collector report machines --db "$DB" --as-of $AS_OF --format json --org south >got &&
	jq -e "length == 6 and all(.[]; .org == \"south\")" got >/dev/null &&
	jq -e ".[] | select(.hostname == \"s-xp1\") | .os_service_pack == \"Service Pack 3\" and
		.support_status == \"eol\" and .os_version == \"5.1.2600\"" got >/dev/null &&
	jq -r ".[0] | keys_unsorted | join(\",\")" got | head -n 1 >cols &&
	echo "org,machine,hostname,last_seen,os_family,os_id,os_product,os_edition,os_version,os_build,os_release,os_service_pack,arch,support_status,support_end,evidence,agent" >want &&
	diff -u want cols
'

test_expect_success 'software: machines per organisation with matching software' '
	collector report software --db "$DB" --as-of $AS_OF --name "microsoft office*2003*" \
		--format csv >got &&
	printf "%s\r\n" "org,software,version,machines,support_status,support_end" \
		"north,Microsoft Office Professional Edition 2003,11.0.8173.0,1,eol,2014-04-08" \
		"south,Microsoft Office Professional Edition 2003,11.0.8173.0,1,eol,2014-04-08" >want &&
	cmp want got
'

test_expect_success 'reclassify after a catalogue override changes the report' '
	printf "%s\n" "kind,product,edition,mainstream_end,extended_end,esu_end,source" \
		"os,Windows 7,*,2015-01-13,2020-01-14,2027-01-12,we bought a fourth ESU year" >esu.csv &&
	collector report tender --db "$DB" --as-of $AS_OF --format csv --lifecycle esu.csv >got &&
	grep "^ALL,Windows 7,Professional,,x86_64,esu,2027-01-12,7" got &&
	sqlite3 "$DB" "UPDATE machines SET os_product = '"'"'Windows Vista'"'"'
		WHERE hostname = '"'"'s-w7a'"'"'" &&
	collector reclassify --db "$DB" >out &&
	echo "1 machines changed" | diff -u - out &&
	collector reclassify --db "$DB" >out &&
	echo "0 machines changed" | diff -u - out &&
	collector report tender --db "$DB" --as-of $AS_OF --format csv --lifecycle esu.csv >got &&
	grep "^ALL,Windows 7,Professional,,x86_64,esu,2027-01-12,7" got
'

test_expect_success '--output writes the file atomically and prints nothing' '
	mkdir -p outdir &&
	collector report tender --db "$DB" --as-of $AS_OF --format csv --output outdir/t.csv >stdout 2>stderr &&
	test ! -s stdout && test ! -s stderr &&
	collector report tender --db "$DB" --as-of $AS_OF --format csv >want &&
	cmp want outdir/t.csv &&
	test "$(ls outdir)" = t.csv
'

test_expect_success 'errors: usage, no such organisation, no database' '
	expect_status 64 collector report nonsense --db "$DB" 2>err &&
	grep -q "unknown report kind" err &&
	expect_status 64 collector report tender --db "$DB" --as-of 2026-02-30 &&
	expect_status 64 collector report tender --db "$DB" --format xml &&
	expect_status 64 collector report software --db "$DB" &&
	expect_status 65 collector report tender --db "$DB" --org nowhere &&
	expect_status 66 collector report tender --db "$TEST_DIR/none.db" &&
	expect_status 66 collector report tender --db "$DB" --lifecycle "$TEST_DIR/none.csv" &&
	mkdir -p ro && chmod 555 ro &&
	expect_status 73 collector report tender --db "$DB" --output ro/t.csv 2>/dev/null ||
		test "$(id -u)" = 0
'

test_expect_success 'snapshots and trend' '
	collector snapshot --db "$DB" &&
	test "$(sql "$DB" "SELECT count(DISTINCT date) FROM snapshots")" = 1 &&
	today=$(date -u +%Y-%m-%d) &&
	collector report trend --db "$DB" --product "Windows 7" --format csv >got &&
	test "$(head -n 1 got)" = "$(printf "date,org,machines\r")" &&
	grep -c "^$today," got
'

test_done
