#!/bin/sh
# t440-campaigns.sh - joint tender campaigns on the command line (issue 18,
# docs/campaigns.md): signing freezes an organisation's rows while an
# unsigned one's follow its machines; withdraw and re-sign; the deadline and
# close make the table final; a manager acts for its own organisation only,
# a reader not at all; the cost forecast and fees computed by hand (three
# organisations, two ESU years, one joining late); the audit log; XLSX read
# back with openpyxl equals the CSV; malformed schedules name file, line and
# column and store nothing; --split win11 over hand-written inventories
# with the readiness facts (as t430 makes them): a line per verdict, sign
# freezes per verdict, --min-cell per line, replace priced only for the
# replace machines (by hand). Time is set with FC_TEST_NOW (test-only,
# read by campaign.c).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs)
if [ -n "$why" ]; then
	test_skip "campaigns: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
TPL=$TEST_DIR/tpl.json
export FLEETCENSUS_DB="$DB"
W10='{"major":10,"minor":0,"build":19045,"ubr":3803,"product_type":1,"suite_mask":256,
 "product_name":"Windows 10 Pro","edition_id":"Professional","display_version":"22H2",
 "release_id":"2009","native_arch":"AMD64","current_version":"6.3",
 "installation_type":"Client"}'
W7='{"major":6,"minor":1,"build":7601,"product_type":1,"suite_mask":256,
 "product_name":"Windows 7 Professional","edition_id":"Professional",
 "csd_version":"Service Pack 1","native_arch":"AMD64","current_version":"6.1"}'

# machine ORG N [w7]: a Windows 10 (or 7) machine with its own hardware UUID.
machine() {
	m_os=$W10
	[ "${3:-}" != w7 ] || m_os=$W7
	windows_machine "$1" "$2" "$m_os"
}

# at DATE CMD...: runs the collector with "now" at DATE.
at() {
	at_d=$1
	shift
	FC_TEST_NOW=$at_d "$COLLECTOR_BIN" "$@"
}

# rows: the show table as CSV without CRs.
rows() {
	collector campaign show esu10 --format csv "$@" | tr -d '\r'
}

make_template "$TPL"
for o in north south west; do collector org add "$o" >/dev/null; done
collector org set north --population 12000 --kind municipality
collector org set south --population 45000 --kind municipality
collector org set west --population 8000 --kind "water board" --attr region=west
machine north 1 && machine north 2
machine south 11 && machine south 12
machine west 21 && machine west 22 w7
collector token add --org north --role manager >"$TEST_DIR/north.mgr"
collector token add --org north --role reader >"$TEST_DIR/north.rdr"
printf 'product,edition,year,price,currency\nWindows 10,*,1,61,USD\nWindows 10,*,2,122,USD\nWindows 10,Pro*,replace,800,EUR\n' \
	>"$TEST_DIR/prices.csv"
printf 'size_band,population_min,population_max,fee,currency\n<30000,0,29999,5000,EUR\n>=30000,30000,,15000,EUR\n' \
	>"$TEST_DIR/fees.csv"

test_expect_success 'create: --split other than win11 is refused (64), nothing stored' '
	set +e; at 2026-01-05 campaign create esu10 --products "Windows 10" --split esu_eligible \
		--as-of 2026-06-01 --deadline 2026-12-31 2>err; st=$?; set -e &&
	test $st = 64 && grep -q "split: want win11, not .esu_eligible." err &&
	test "$(sql "$DB" "SELECT count(*) FROM campaigns")" = 0
'

test_expect_success 'create: a malformed schedule names file, line, column; nothing stored' '
	printf "product,edition,year,price,currency\nWindows 10,*,1,61,USD\nWindows 10,*,4,x1,USD\n" >bad.csv &&
	set +e; at 2026-01-05 campaign create esu10 --products "Windows 10" --as-of 2026-06-01 \
		--deadline 2026-12-31 --prices bad.csv 2>err; st=$?; set -e &&
	test $st = 64 && grep -q "bad.csv:3:4: want a price" err &&
	printf "size_band,population_min,population_max,fee,currency\nsmall,0,10,5000,euro\n" >badfee.csv &&
	set +e; at 2026-01-05 campaign create esu10 --products "Windows 10" --as-of 2026-06-01 \
		--deadline 2026-12-31 --fees badfee.csv 2>err; st=$?; set -e &&
	test $st = 64 && grep -q "badfee.csv:2:5: want a currency" err &&
	test "$(sql "$DB" "SELECT count(*) FROM campaigns")" = 0 &&
	test "$(sql "$DB" "SELECT count(*) FROM campaign_log WHERE campaign != '"''"'")" = 0
'

test_expect_success 'create, and join and sign as the admin' '
	at 2026-01-05 campaign create esu10 --products "Windows 10" --as-of 2026-06-01 \
		--deadline 2026-12-31 --prices prices.csv --fees fees.csv &&
	at 2026-01-10 campaign join esu10 --org north &&
	at 2026-01-10 campaign join esu10 --org west &&
	rows >got &&
	cat >want <<-EOF &&
	org,state,signed_at,os_product,os_edition,os_release,arch,support_status,machines
	north,joined,,Windows 10,Pro,22H2,x86_64,esu,2
	west,joined,,Windows 10,Pro,22H2,x86_64,esu,1
	ALL,,,Windows 10,Pro,22H2,x86_64,esu,3
	EOF
	diff -u want got
'

test_expect_success 'a manager acts for its own organisation only; a reader not at all' '
	set +e; at 2026-01-11 campaign join esu10 --org south --token-file north.mgr 2>err; st=$?; set -e &&
	test $st = 77 && grep -q "own organisation only" err &&
	set +e; at 2026-01-11 campaign sign esu10 --org north --token-file north.rdr 2>err; st=$?; set -e &&
	test $st = 77 && grep -q "reader token cannot" err &&
	at 2026-01-12 campaign sign esu10 --org north --token-file north.mgr &&
	test "$(sql "$DB" "SELECT signed_by FROM campaign_members m JOIN organisations o
		ON o.id = m.org_id WHERE o.name = '"'north'"'")" = "token:$(collector token list |
		awk '"'"'$2 == "manager" { print $1 }'"'"')"
'

test_expect_success 'signed rows are frozen; unsigned rows follow the machines' '
	machine north 3 && machine west 23 &&
	rows >got &&
	cat >want <<-EOF &&
	org,state,signed_at,os_product,os_edition,os_release,arch,support_status,machines
	north,signed,2026-01-12T00:00:00Z,Windows 10,Pro,22H2,x86_64,esu,2
	west,joined,,Windows 10,Pro,22H2,x86_64,esu,2
	ALL,,,Windows 10,Pro,22H2,x86_64,esu,4
	EOF
	diff -u want got
'

test_expect_success 'a reader or manager sees its own rows only, no ALL' '
	rows --token-file north.rdr >got &&
	test "$(sed 1d got)" = "north,signed,2026-01-12T00:00:00Z,Windows 10,Pro,22H2,x86_64,esu,2"
'

test_expect_success 'withdraw leaves the table; join and sign again' '
	at 2026-01-13 campaign withdraw esu10 --org west &&
	! rows | grep -q "^west" &&
	set +e; at 2026-01-13 campaign sign esu10 --org west 2>err; st=$?; set -e &&
	test $st = 65 && grep -q "join it first" err &&
	at 2026-01-14 campaign join esu10 --org west &&
	at 2026-01-14 campaign sign esu10 --org west &&
	at 2026-01-15 campaign sign esu10 --org west &&
	rows | grep -q "^west,signed,2026-01-15T00:00:00Z,Windows 10,Pro,22H2,x86_64,esu,2"
'

test_expect_success 'south joins late (ESU year 2) and signs' '
	at 2026-11-10 campaign join esu10 --org south &&
	at 2026-11-11 campaign sign esu10 --org south
'

test_expect_success 'the deadline makes the table final (65)' '
	set +e; at 2027-01-01 campaign withdraw esu10 --org south 2>err; st=$?; set -e &&
	test $st = 65 && grep -q "deadline 2026-12-31 has passed" err &&
	at 2026-12-31T23:59:59Z campaign sign esu10 --org south
'

test_expect_success 'cost: ESU cumulative for the late joiner, fees by size band' '
	collector campaign cost esu10 --format csv | tr -d "\r" >got &&
	cat >want <<-EOF &&
	org,year,year_start,currency,machines,esu,replace,fee,total
	north,1,2025-10-15,EUR,0,0.00,1600.00,5000.00,5000.00
	north,1,2025-10-15,USD,2,122.00,0.00,0.00,122.00
	north,2,2026-10-15,USD,2,244.00,0.00,0.00,244.00
	south,2,2026-10-15,EUR,0,0.00,1600.00,15000.00,15000.00
	south,2,2026-10-15,USD,2,366.00,0.00,0.00,366.00
	west,1,2025-10-15,EUR,0,0.00,1600.00,5000.00,5000.00
	west,1,2025-10-15,USD,2,122.00,0.00,0.00,122.00
	west,2,2026-10-15,USD,2,244.00,0.00,0.00,244.00
	ALL,1,2025-10-15,EUR,0,0.00,3200.00,10000.00,10000.00
	ALL,1,2025-10-15,USD,4,244.00,0.00,0.00,244.00
	ALL,2,2026-10-15,EUR,0,0.00,1600.00,15000.00,15000.00
	ALL,2,2026-10-15,USD,6,854.00,0.00,0.00,854.00
	EOF
	diff -u want got
'

test_expect_success 'close: final; changes refused' '
	at 2026-06-01 campaign close esu10 &&
	set +e; at 2026-06-02 campaign join esu10 --org north 2>err; st=$?; set -e &&
	test $st = 65 && grep -q "is final: it was closed" err &&
	collector campaign list --format csv | tr -d "\r" | grep -q "^esu10,closed,2026-06-01,2026-12-31,Windows 10,3,3,2026-06-01T00:00:00Z$"
'

test_expect_success 'the audit log holds every change, in order; it is append-only' '
	collector campaign log esu10 --format csv | tr -d "\r" | cut -d, -f3-5 >got &&
	cat >want <<-EOF &&
	who,action,org
	cli:$(id -un),create,
	cli:$(id -un),join,north
	cli:$(id -un),join,west
	token:$(collector token list | awk '"'"'$2 == "manager" { print $1 }'"'"'),sign,north
	cli:$(id -un),withdraw,west
	cli:$(id -un),join,west
	cli:$(id -un),sign,west
	cli:$(id -un),sign,west
	cli:$(id -un),join,south
	cli:$(id -un),sign,south
	cli:$(id -un),sign,south
	cli:$(id -un),close,
	EOF
	diff -u want got &&
	collector campaign log esu10 --format json | jq -e ".[7].old | test(\"state=signed signed_at=2026-01-14T00:00:00Z .* machines=2\")" &&
	! sqlite3 "$DB" "DELETE FROM campaign_log" 2>/dev/null &&
	! sqlite3 "$DB" "UPDATE campaign_log SET who = '"'x'"'" 2>/dev/null
'

test_expect_success 'xlsx read back with openpyxl equals the CSV cell for cell' '
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import openpyxl" 2>/dev/null ||
		skip_test "python3-openpyxl is not installed" &&
	for what in show cost; do
		collector campaign $what esu10 --format csv >$what.csv &&
		collector campaign $what esu10 --format xlsx --output $what.xlsx &&
		/usr/bin/python3 - $what.csv $what.xlsx <<-PY || return 1
		import csv, sys, openpyxl
		rows = list(csv.reader(open(sys.argv[1], newline="")))
		ws = openpyxl.load_workbook(sys.argv[2]).active
		got = list(ws.iter_rows(values_only=True))
		assert len(got) == len(rows), (len(got), len(rows))
		for r, (g, w) in enumerate(zip(got, rows)):
		    assert len(g) == len(w), (r, g, w)
		    for v, t in zip(g, w):
		        if isinstance(v, (int, float)) and not isinstance(v, bool):
		            assert r > 0 and float(t) == v, (r, v, t)
		        else:
		            assert ("" if v is None else v) == t, (r, v, t)
		assert ws.freeze_panes == "A2", ws.freeze_panes
		PY
	done
'

test_expect_success 'report counts --by size_band: the bands of a fee schedule' '
	collector report counts --by size_band,org --fees fees.csv --format csv |
		tr -d "\r" >got &&
	cat >want <<-EOF &&
	size_band,org,machines
	<30000,north,3
	<30000,west,3
	>=30000,south,2
	EOF
	diff -u want got &&
	set +e; collector report counts --by size_band 2>err; st=$?; set -e &&
	test $st = 64 && grep -q "needs --fees" err
'

test_expect_success 'usage errors (64): unknown action, option that does not apply, names' '
	for args in "frob esu10" "show esu10 --products x" "list x" "join esu10" \
		"create a/b --products x --as-of 2026-01-01 --deadline 2026-01-01" \
		"create x --products x --as-of 2026-01-01 --deadline 2026-13-01" \
		"create x --products x,,y --as-of 2026-01-01 --deadline 2026-01-01"; do
		set +e; collector campaign $args 2>err; st=$?; set -e
		test $st = 64 || { echo "campaign $args: exit $st"; cat err; return 1; }
	done &&
	set +e; collector org set north --population -3 2>err; st=$?; set -e &&
	test $st = 64 && grep -q "want a whole number" err
'

test_expect_success 'xlsx needs --output; --format checked' '
	set +e; collector campaign show esu10 --format xlsx 2>err; st=$?; set -e &&
	test $st = 64 && grep -q "needs --output" err &&
	set +e; collector campaign show esu10 --format ods 2>err; st=$?; set -e &&
	test $st = 64
'

test_expect_success 'no such campaign, organisation (65); only admins create (77)' '
	set +e; collector campaign show nope 2>err; st=$?; set -e &&
	test $st = 65 && grep -q "no campaign" err &&
	set +e; at 2026-01-01 campaign create x --products "Windows 10" --as-of 2026-06-01 \
		--deadline 2026-12-31 --token-file north.mgr 2>err; st=$?; set -e &&
	test $st = 77
'

# ---- --split win11, in a database of its own ----
DB=$TEST_DIR/w11.db
export FLEETCENSUS_DB="$DB"
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# A Windows 10 Pro 22H2 (the readiness facts: lib-collector.sh's ready_inv).
WPRO='{"major":10,"minor":0,"build":19045,"ubr":5131,"product_type":1,
 "edition_id":"Professional","display_version":"22H2","native_arch":"AMD64"}'
C=.content
# An AMD Zen 1 (family 23 model 1): not on the Windows 11 list, replace.
ZEN1="$C.cpus[0].manufacturer = \"AuthenticAMD\" | $C.cpus[0].familynumber = \"23\" |
	$C.cpus[0].model = \"1\""
# Booted in legacy BIOS mode: firmware.
BIOSBOOT="$C.fleetcensus.hw.firmware = \"bios\" | $C.fleetcensus.hw.secure_boot_capable = false |
	$C.bios.secure_boot = \"unsupported\""

# rmachine ORG N HOST [JQ-FILTER]: imports a hand-written Windows 10 Pro
# inventory of machine N (ready_inv: a machine ready for Windows 11, changed by the
# filter).
rmachine() {
	ready_inv "r$2.json" "$2" "$3" "$WPRO" "${4:-.}" &&
	collector import --org "$1" "r$2.json" >/dev/null
}

# split NAME: campaign NAME's show table as CSV without CRs.
split_rows() {
	collector campaign show "$1" --format csv | tr -d '\r'
}

test_expect_success 'split: machines with their verdicts' '
	collector org add north >/dev/null && collector org add west >/dev/null &&
	rmachine north 1 n-ready && rmachine north 2 n-zen1 "$ZEN1" &&
	rmachine north 3 n-zen1b "$ZEN1" &&
	rmachine west 4 w-ready && rmachine west 5 w-zen1 "$ZEN1" &&
	sql "$DB" "SELECT o.name, m.hostname, m.win11 FROM machines m JOIN organisations o
		ON o.id = m.org_id ORDER BY m.hostname" >got &&
	cat >want <<-EOF &&
	north|n-ready|ready
	north|n-zen1|replace
	north|n-zen1b|replace
	west|w-ready|ready
	west|w-zen1|replace
	EOF
	diff -u want got
'

test_expect_success 'split: create --split win11; a line per verdict; sign freezes per verdict' '
	at 2026-01-05 campaign create w11 --products "Windows 10" --split win11 \
		--as-of 2026-06-01 --deadline 2026-12-31 --prices prices.csv &&
	test "$(sql "$DB" "SELECT split FROM campaigns WHERE name = '"'w11'"'")" = win11 &&
	collector campaign log w11 --format csv | tr -d "\r" | grep -q "create,,,.* split=win11$" &&
	at 2026-01-10 campaign join w11 --org north &&
	at 2026-01-10 campaign join w11 --org west &&
	at 2026-01-12 campaign sign w11 --org north &&
	test "$(sql "$DB" "SELECT split, machines FROM campaign_rows ORDER BY split")" = \
		"$(printf "ready|1\nreplace|2")" &&
	rmachine north 6 n-zen1c "$ZEN1" &&
	rmachine west 7 w-bios "$BIOSBOOT" &&
	split_rows w11 >got &&
	cat >want <<-EOF &&
	org,state,signed_at,os_product,os_edition,os_release,arch,win11,support_status,machines
	west,joined,,Windows 10,Pro,22H2,x86_64,firmware,esu,1
	ALL,,,Windows 10,Pro,22H2,x86_64,firmware,esu,1
	north,signed,2026-01-12T00:00:00Z,Windows 10,Pro,22H2,x86_64,ready,esu,1
	west,joined,,Windows 10,Pro,22H2,x86_64,ready,esu,1
	ALL,,,Windows 10,Pro,22H2,x86_64,ready,esu,2
	north,signed,2026-01-12T00:00:00Z,Windows 10,Pro,22H2,x86_64,replace,esu,2
	west,joined,,Windows 10,Pro,22H2,x86_64,replace,esu,1
	ALL,,,Windows 10,Pro,22H2,x86_64,replace,esu,3
	EOF
	diff -u want got &&
	collector campaign show w11 --format json |
		jq -e "length == 8 and (map(.win11) | unique) == [\"firmware\", \"ready\", \"replace\"]"
'

test_expect_success 'split: the same lines as report tender --split win11 (live rows)' '
	collector report tender --split win11 --as-of 2026-06-01 --format csv | tr -d "\r" |
		awk -F, "\$1 == \"west\" { print \$6 \",\" \$9 }" >got &&
	split_rows w11 | awk -F, "\$1 == \"west\" { print \$8 \",\" \$10 }" >want &&
	diff -u want got && test "$(wc -l <got)" = 3
'

# The cost, by hand: ESU year 1 USD 61, year 2 USD 122, both joined in
# year 1; replace EUR 800 for the replace machines only.
#   north (signed: 1 ready, 2 replace): y1 3 x 61 = 183, replace 2 x 800;
#         y2 3 x 122 = 366
#   west (live: 1 firmware, 1 ready, 1 replace): y1 3 x 61 = 183, replace
#         1 x 800; y2 3 x 122 = 366
test_expect_success 'split: cost charges replace only for replace machines' '
	collector campaign cost w11 --format csv | tr -d "\r" >got &&
	cat >want <<-EOF &&
	org,year,year_start,currency,machines,esu,replace,fee,total
	north,1,2025-10-15,EUR,0,0.00,1600.00,0.00,0.00
	north,1,2025-10-15,USD,3,183.00,0.00,0.00,183.00
	north,2,2026-10-15,USD,3,366.00,0.00,0.00,366.00
	west,1,2025-10-15,EUR,0,0.00,800.00,0.00,0.00
	west,1,2025-10-15,USD,3,183.00,0.00,0.00,183.00
	west,2,2026-10-15,USD,3,366.00,0.00,0.00,366.00
	ALL,1,2025-10-15,EUR,0,0.00,2400.00,0.00,0.00
	ALL,1,2025-10-15,USD,6,366.00,0.00,0.00,366.00
	ALL,2,2026-10-15,USD,6,732.00,0.00,0.00,732.00
	EOF
	diff -u want got
'

test_expect_success 'split: --min-cell per (product, edition, release, arch, win11) line' '
	at 2026-01-05 campaign create w11k --products "Windows 10" --split win11 \
		--as-of 2026-06-01 --deadline 2026-12-31 --min-cell 2 &&
	at 2026-01-10 campaign join w11k --org north &&
	at 2026-01-10 campaign join w11k --org west &&
	split_rows w11k | cut -d, -f1,8,10 >got &&
	cat >want <<-EOF &&
	org,win11,machines
	west,firmware,<2
	ALL,firmware,<2
	north,ready,<2
	west,ready,<2
	ALL,ready,>=2
	north,replace,3
	west,replace,<2
	ALL,replace,>=2
	EOF
	diff -u want got
'

test_expect_success 'split: xlsx read back equals the CSV, with the win11 column' '
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import openpyxl" 2>/dev/null ||
		skip_test "python3-openpyxl is not installed" &&
	collector campaign show w11 --format csv >w11.csv &&
	collector campaign show w11 --format xlsx --output w11.xlsx &&
	/usr/bin/python3 - w11.csv w11.xlsx <<-PY
	import csv, sys, openpyxl
	rows = list(csv.reader(open(sys.argv[1], newline="")))
	got = [["" if v is None else str(v) for v in r]
	       for r in openpyxl.load_workbook(sys.argv[2]).active.iter_rows(values_only=True)]
	assert got == rows, (got, rows)
	assert rows[0][7] == "win11", rows[0]
	PY
'

test_done
