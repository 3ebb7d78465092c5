#!/bin/sh
# t430-readiness.sh - Windows 11 readiness and ESU (docs/readiness.md) end
# to end: hand-written inventories with the readiness facts of
# docs/protocol.md (no agent involved) POSTed to a real collector, then
# report readiness, counts --by win11/esu_eligible/bios_year and tender
# --split win11 (with --min-cell) in table, csv and json, over the CLI and
# HTTP (the same bytes; a reader sees its own organisation); a fact of the
# wrong type refused; reclassify changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs)
if [ -n "$why" ]; then
	test_skip "readiness: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
AS_OF=2026-06-01
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
Q="--as-of $AS_OF --window 36500"
HQ="as_of=$AS_OF&window=36500"

# A Windows 10 of edition EDITION (EditionID), build BUILD, release REL.
win10() {
	printf '{"major":10,"minor":0,"build":%s,"ubr":5131,"product_type":1,"edition_id":"%s",
	 "display_version":"%s","native_arch":"AMD64"}' "$2" "$1" "$3"
}
PRO=$(win10 Professional 19045 22H2)
ENT=$(win10 Enterprise 19045 22H2)
EDU=$(win10 Education 19045 22H2)
HOME_=$(win10 Core 19045 22H2)
PRO21=$(win10 Professional 19044 21H2)
LTSC=$(win10 EnterpriseS 19044 21H2)

# machine TOKEN N HOST WINDOWS [JQ-FILTER]: POSTs it; fails unless 200.
machine() {
	m_tok=$1
	shift
	ready_inv "m$1.json" "$@"
	m_st=$(post "$URL" "$m_tok" "m$1.json")
	[ "$m_st" = 200 ] || { echo "POST $2: $m_st $(cat answer)" >&2; return 1; }
}

C=.content
srv_start "$TEST_DIR/srv" "$DB"
NORTH=$(collector org add north --db "$DB")
SOUTH=$(collector org add south --db "$DB")
READER=$(collector token add --org north --role reader --db "$DB")
ADMIN=$(collector token add --role admin --db "$DB")

test_expect_success 'inventories with the readiness facts are stored' '
	machine "$NORTH" 1 ready-8500 "$PRO" &&
	machine "$NORTH" 2 kbl-u "$PRO" "$C.cpus[0].model = \"142\" | $C.cpus[0].stepping = 9 |
		$C.fleetcensus.hw.cpu_platform_flags = 128 | $C.bios.bdate = \"2017-02-01\"" &&
	machine "$NORTH" 3 amber-y "$ENT" "$C.cpus[0].model = \"142\" | $C.cpus[0].stepping = 9 |
		$C.fleetcensus.hw.cpu_platform_flags = 16 | $C.hardware.chassis_type = \"10\"" &&
	machine "$NORTH" 4 zen1 "$PRO" "$C.cpus[0].manufacturer = \"AuthenticAMD\" |
		$C.cpus[0].familynumber = \"23\" | $C.cpus[0].model = \"1\"" &&
	machine "$NORTH" 5 raven "$EDU" "$C.cpus[0].manufacturer = \"AuthenticAMD\" |
		$C.cpus[0].familynumber = \"23\" | $C.cpus[0].model = \"17\"" &&
	machine "$NORTH" 6 zen2 "$HOME_" "$C.cpus[0].manufacturer = \"AuthenticAMD\" |
		$C.cpus[0].familynumber = \"23\" | $C.cpus[0].model = \"113\"" &&
	machine "$NORTH" 7 core2 "$PRO21" "$C.cpus[0].model = \"23\" |
		$C.cpus[0].name = \"Intel(R) Core(TM)2 Duo CPU E8400 @ 3.00GHz\" |
		$C.fleetcensus.hw.cpu_sse42 = false | $C.fleetcensus.hw.cpu_popcnt = false |
		$C.bios.bdate = \"2009-01-01\"" &&
	machine "$SOUTH" 8 biosboot "$PRO" "$C.fleetcensus.hw.firmware = \"bios\" |
		$C.fleetcensus.hw.secure_boot_capable = false | $C.bios.secure_boot = \"unsupported\" |
		$C.fleetcensus.hw.esu_licensed_year = 1" &&
	machine "$SOUTH" 9 tpm12 "$LTSC" "$C.fleetcensus.hw.tpm_version = \"1.2\"" &&
	machine "$SOUTH" 10 notpm "$PRO" "$C.fleetcensus.hw.tpm_present = false |
		del($C.fleetcensus.hw.tpm_version) |
		$C.fleetcensus.hw_unknown = {\"tpm_version\": \"no TPM\"}" &&
	machine "$SOUTH" 11 small "$PRO" "$C.fleetcensus.hw.memory_installed_mib = 2048 |
		$C.hardware.memory = 1987" &&
	machine "$SOUTH" 12 oldagent "$PRO" "del($C.fleetcensus.hw) | del($C.cpus) | del($C.bios)" &&
	machine "$SOUTH" 13 debian "{}" "del($C.fleetcensus.windows) |
		$C.fleetcensus.os_release = {ID: \"debian\", VERSION_ID: \"12\"} |
		$C.operatingsystem = {name: \"Debian GNU/Linux\", arch: \"x86_64\"}" &&
	machine "$SOUTH" 14 appraised "$PRO" "$C.fleetcensus.hw.appraiser =
		{GE24H2: {UpgEx: \"Red\", RedReason: \"CpuFms\"}}" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 14
'

test_expect_success 'a fact of the wrong type is refused, the field named' '
	ready_inv bad.json 99 bad "$PRO" "$C.fleetcensus.hw.tpm_present = \"yes\"" &&
	test "$(post "$URL" "$NORTH" bad.json)" = 400 &&
	error_says "content.fleetcensus.hw.tpm_present: not a boolean" &&
	ready_inv bad.json 99 bad "$PRO" "$C.cpus[0].stepping = \"9\"" &&
	test "$(post "$URL" "$NORTH" bad.json)" = 400 &&
	error_says "content.cpus\\[0\\].stepping: not a whole number" &&
	ready_inv bad.json 99 bad "$PRO" "$C.fleetcensus.hw_unknown = {tpm_present: 1}" &&
	test "$(post "$URL" "$NORTH" bad.json)" = 400 &&
	error_says "hw_unknown.tpm_present: not a string" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 14
'

cat >want.verdicts <<'EOF'
north amber-y ready  yes 
north core2 replace CpuFms;Sse42Popcnt no 
north kbl-u replace CpuFms yes 
north raven replace CpuFms yes 
north ready-8500 ready  yes 
north zen1 replace CpuFms yes 
north zen2 ready  no 
south appraised ready Appraiser:GE24H2=Red/CpuFms yes 
south biosboot firmware UefiSecureBoot yes 1
south debian ready  n/a 
south notpm firmware Tpm yes 
south oldagent unknown CpuFms?;CPU?;Sse42Popcnt?;Tpm?;UefiSecureBoot?;SystemDriveSize? yes 
south small parts Memory yes 
south tpm12 replace Tpm no 
EOF

test_expect_success 'report readiness: each machine its verdicts (json)' '
	collector report readiness --db "$DB" $Q --format json >r.json &&
	jq -r ".[] | [.org, .hostname, .win11, .win11_reasons, .esu_eligible,
		.esu_licensed] | join(\" \")" r.json >got.verdicts &&
	diff -u want.verdicts got.verdicts &&
	jq -e "map(select(.hostname == \"kbl-u\"))[0] | .os_product == \"Windows 10\" and
		.os_edition == \"Pro\" and .os_release == \"22H2\" and
		.cpu == \"Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz\" and .chassis == \"Desktop\" and
		.bios_date == \"2017-02-01\"" r.json >/dev/null &&
	jq -e "map(select(.hostname == \"tpm12\"))[0].os_edition == \"Enterprise LTSC 2021\"" \
		r.json >/dev/null &&
	jq -e "map(select(.hostname == \"amber-y\"))[0].chassis == \"Notebook\"" r.json >/dev/null &&
	jq -e "map(select(.hostname == \"oldagent\"))[0] | .cpu == \"\" and .bios_date == \"\"" \
		r.json >/dev/null &&
	test "$(jq -r ".[] | keys_unsorted | join(\",\")" r.json | sort -u)" = \
		"org,machine,hostname,os_product,os_edition,os_release,win11,win11_reasons,esu_eligible,esu_licensed,cpu,chassis,bios_date"
'

test_expect_success 'report readiness: csv and table' '
	collector report readiness --db "$DB" $Q --format csv >r.csv &&
	head -1 r.csv | grep -q "^org,machine,hostname,os_product,os_edition,os_release,win11,win11_reasons,esu_eligible,esu_licensed,cpu,chassis,bios_date" &&
	test "$(wc -l <r.csv)" = 15 &&
	grep -q "^south,[^,]*,biosboot,Windows 10,Pro,22H2,firmware,UefiSecureBoot,yes,1,Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz,Desktop,2018-05-04" r.csv &&
	collector report readiness --db "$DB" $Q >r.txt &&
	head -1 r.txt | grep -q "^org  *machine  *hostname  *os_product .*win11  *win11_reasons  *esu_eligible  *esu_licensed  *cpu  *chassis  *bios_date$" &&
	grep -q "^north .* core2 .* replace  *CpuFms;Sse42Popcnt  *no " r.txt
'

test_expect_success 'report readiness over HTTP: the same bytes, org scoping' '
	for f in table csv json; do
		collector report readiness --db "$DB" $Q --format $f >want.$f &&
		test "$(get "$URL" "$ADMIN" "/api/v1/reports/readiness?$HQ&format=$f")" = 200 &&
		cmp want.$f answer || return 1
	done &&
	test "$(get "$URL" "$READER" "/api/v1/reports/readiness?$HQ&org=south")" = 200 &&
	jq -e "length == 7 and all(.[]; .org == \"north\")" answer >/dev/null &&
	collector report readiness --db "$DB" $Q --org north --format json >want.north &&
	cmp want.north answer
'

test_expect_success 'counts --by win11, esu_eligible, bios_year' '
	collector report counts --db "$DB" $Q --by win11 --format csv >c.csv &&
	printf "win11,machines\r\nfirmware,2\r\nparts,1\r\nready,5\r\nreplace,5\r\nunknown,1\r\n" >want.c &&
	cmp want.c c.csv &&
	collector report counts --db "$DB" $Q --by org,esu_eligible --format csv >c.csv &&
	printf "org,esu_eligible,machines\r\nnorth,no,2\r\nnorth,yes,5\r\nsouth,n/a,1\r\nsouth,no,1\r\nsouth,yes,5\r\n" >want.c &&
	cmp want.c c.csv &&
	collector report counts --db "$DB" $Q --by bios_year,win11 --format json >c.json &&
	test "$(jq -c . c.json)" = "$(jq -c . <<EOF
[{"bios_year":"","win11":"unknown","machines":1},
 {"bios_year":"2009","win11":"replace","machines":1},{"bios_year":"2017","win11":"replace","machines":1},
 {"bios_year":"2018","win11":"firmware","machines":2},
 {"bios_year":"2018","win11":"parts","machines":1},{"bios_year":"2018","win11":"ready","machines":5},
 {"bios_year":"2018","win11":"replace","machines":3}]
EOF
)" &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/counts?$HQ&by=win11&format=csv")" = 200 &&
	collector report counts --db "$DB" $Q --by win11 --format csv >want.c && cmp want.c answer &&
	collector report counts --db "$DB" $Q --by org,os_product --format csv >c.csv &&
	grep -q "^south,Windows 10,6" c.csv &&
	expect_status 64 collector report counts --db "$DB" --by win12 2>err &&
	grep -q "win11, esu_eligible or bios_year" err
'

test_expect_success 'tender --split win11: a line per verdict, ALL totals, --min-cell' '
	collector report tender --db "$DB" $Q --format csv >t.csv &&
	collector report tender --db "$DB" $Q --split win11 --format csv >ts.csv &&
	head -1 ts.csv | grep -q "^org,os_product,os_edition,os_release,arch,win11,support_status,support_end,machines" &&
	grep "^ALL,Windows 10,Pro,22H2,x86_64," t.csv | cut -d, -f8 | tr -d "\r" >all.n &&
	test "$(cat all.n)" = 8 &&
	grep "^ALL,Windows 10,Pro,22H2,x86_64," ts.csv | cut -d, -f6,9 >split.n &&
	printf "firmware,2\r\nparts,1\r\nready,2\r\nreplace,2\r\nunknown,1\r\n" >want.n &&
	cmp want.n split.n &&
	grep -q "^north,Windows 10,Pro,22H2,x86_64,ready,[a-z]*,[0-9-]*,1" ts.csv &&
	grep -q "^south,Windows 10,Pro,22H2,x86_64,firmware,[a-z]*,[0-9-]*,2" ts.csv &&
	collector report tender --db "$DB" $Q --split win11 --min-cell 2 --format csv >tm.csv &&
	grep "Windows 10,Pro,22H2,x86_64,ready," tm.csv | cut -d, -f1,9 >min.n &&
	printf "north,<2\r\nsouth,<2\r\nALL,>=2\r\n" >want.min &&
	cmp want.min min.n &&
	grep "Windows 10,Pro,22H2,x86_64,parts," tm.csv | cut -d, -f1,9 >min.n &&
	printf "south,<2\r\nALL,<2\r\n" >want.min &&
	cmp want.min min.n &&
	for f in table csv json; do
		collector report tender --db "$DB" $Q --split win11 --min-cell 2 --format $f >want.$f &&
		test "$(get "$URL" "$ADMIN" "/api/v1/reports/tender?$HQ&split=win11&min_cell=2&format=$f")" = 200 &&
		cmp want.$f answer || return 1
	done &&
	jq -e ".[0] | keys_unsorted | .[5] == \"win11\"" answer >/dev/null &&
	collector report tender --db "$DB" $Q --split win11 >t.txt &&
	head -1 t.txt | grep -q "^org  *os_product  *os_edition  *os_release  *arch  *win11  *support_status" &&
	expect_status 64 collector report tender --db "$DB" --split arch 2>err &&
	grep -q "split: want win11" err &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/tender?split=arch")" = 400
'

test_expect_success 'reclassify recomputes nothing; a lost verdict comes back' '
	collector reclassify --db "$DB" >out &&
	test "$(cat out)" = "0 machines changed" &&
	sql "$DB" "UPDATE machines SET win11 = '"'"'ready'"'"' WHERE hostname = '"'"'zen1'"'"'" &&
	collector reclassify --db "$DB" >out &&
	test "$(cat out)" = "1 machines changed" &&
	test "$(sql "$DB" "SELECT win11 FROM machines WHERE hostname = '"'"'zen1'"'"'")" = replace &&
	test "$(sql "$DB" "SELECT sum(machines) FROM ready_counts WHERE win11 = '"'"'replace'"'"'")" = 5
'

test_expect_success 'values from machines are made inert in every format' '
	WEST=$(collector org add west --db "$DB") &&
	machine "$WEST" 20 "evil$(printf "\033")[31m" "$PRO" \
		"$C.cpus[0].name = \"=HYPERLINK(\\\"x\\\")\" | $C.bios.bdate = \"-1\"" &&
	collector report readiness --db "$DB" $Q --org west --format csv >w.csv &&
	grep -F ",evil\\x1b[31m,Windows 10,Pro,22H2,ready,,yes,," w.csv |
		grep -qF ",\"'"'"'=HYPERLINK(\"\"x\"\")\",Desktop," &&
	collector report readiness --db "$DB" $Q --org west >w.txt &&
	! grep -q "$(printf "\033")" w.txt &&
	collector report readiness --db "$DB" $Q --org west --format json >w.json &&
	test "$(jq -r ".[0].hostname" w.json)" = "evil$(printf "\033")[31m"
'

srv_finish "$TEST_DIR/srv"
test_expect_success 'the server exited cleanly' 'srv_clean "$TEST_DIR/srv"'

test_done
