#!/bin/sh
# t600-wine-versions.sh - the Windows agent under wine, in prefixes whose
# registry looks like Windows XP Professional SP3, XP Professional x64 SP2,
# Server 2003 R2 SP2, 7 Professional SP1, 10 Pro 22H2 and 11 Pro 23H2
# (tests/fixtures/windows/*.reg, with the programs of software.reg in both
# registry views and for the wine user). Each report is validated, imported
# into the real collector and must be classified as that product, edition
# and release, with exactly the fixture's programs. The x64 agent always;
# the x86 agent where wine32 is installed. One base prefix (wineboot) is
# copied per version.
. "$(dirname "$0")/lib.sh"
cross_plain_only
. "$(dirname "$0")/lib-collector.sh"
. "$TOP/tests/e2e/lib-wine.sh"

why=$(collector_prereqs)
[ -n "$why" ] || why=$(wine_prereqs)
[ -n "$why" ] || EXE64=$(win_exe x64) || why=$EXE64
if [ -n "$why" ]; then
	test_skip "t600-wine-versions: $why"
	test_done
	exit $?
fi
why32=$(wine32_missing)
[ -n "$why32" ] || EXE32=$(win_exe x86) || why32=$EXE32

BASE=$TEST_DIR/base
SW_ROOTS='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall
HKLM\SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Uninstall
HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall'

# The cases, one a line: fixture | wine's Version ("" = none: wine takes
# the version from the registry) | what RtlGetVersion then answers under
# wine 8.0 (major.minor.build/wProductType) | os_product | os_edition |
# os_release | os_version | os_build | os_service_pack. The expected
# classification is typed by hand from docs/classification.md (rules
# W1-W21) and data/lifecycle.csv; the wine versions and their answers are
# in tests/fixtures/SOURCES.md.
CASES='winxp-pro-sp3|winxp|5.1.2600/1|Windows XP|Professional||5.1.2600|2600|Service Pack 3
winxp-x64-sp2|winxp64|5.2.3790/1|Windows XP|Professional x64||5.2.3790|3790|Service Pack 2
win2003-r2-sp2|win2003|5.2.3790/3|Windows Server 2003 R2|Standard||5.2.3790|3790|Service Pack 2
win7-pro-sp1||6.1.7601/1|Windows 7|Professional||6.1.7601|7601|Service Pack 1
win10-pro-22h2|win10|10.0.18362/1|Windows 10|Pro|22H2|10.0.19045|19045.3803|
win11-pro-23h2|win10|10.0.18362/1|Windows 11|Pro|23H2|10.0.22631|22631.2861|'

# The expected lists, from software.expected: products and system
# components (name TAB version), system components, updates, per-user.
SW=$WIN_FIXTURES/software.expected
grep -v '^#' "$SW" | awk -F '\t' '$3 != "update" { print $1 "\t" $2 }' | LC_ALL=C sort \
	>"$TEST_DIR/want.list"
grep -v '^#' "$SW" | awk -F '\t' '$3 == "system" { print $1 }' | LC_ALL=C sort \
	>"$TEST_DIR/want.system"
grep -v '^#' "$SW" | awk -F '\t' '$3 == "update" { print $1 }' | LC_ALL=C sort \
	>"$TEST_DIR/want.updates"
grep -v '^#' "$SW" | awk -F '\t' '$3 != "update" && $4 == "user" { print $1 }' |
	LC_ALL=C sort >"$TEST_DIR/want.user"
# the view as the entry's arch (docs/protocol.md): x64, x86, none per user
grep -v '^#' "$SW" | awk -F '\t' '$3 != "update" {
	print $1 "\t" ($4 == "machine64" ? "x64" : $4 == "machine32" ? "x86" : "") }' |
	LC_ALL=C sort >"$TEST_DIR/want.arch"

# win_facts_check REPORT FIXTURE: the report's windows object holds the
# fixture's registry values (docs/protocol.md names), and no value the
# fixture deletes.
win_facts_check() {
	reg_values "$2" | awk -F '\t' '$1 ~ /Windows NT\\CurrentVersion$/' |
		while IFS="$(printf '\t')" read -r wf_k wf_n wf_t wf_v; do
			case $wf_n in
			ProductName) wf_j=product_name ;;
			EditionID) wf_j=edition_id ;;
			DisplayVersion) wf_j=display_version ;;
			ReleaseId) wf_j=release_id ;;
			CSDVersion) wf_j=csd_version ;;
			InstallationType) wf_j=installation_type ;;
			CurrentVersion) wf_j=current_version ;;
			UBR) wf_j=ubr ;;
			CurrentMajorVersionNumber) wf_j=current_major_version_number ;;
			CurrentMinorVersionNumber) wf_j=current_minor_version_number ;;
			CurrentBuildNumber) wf_j=current_build_number ;;
			*) continue ;;
			esac
			[ "$wf_t" != REG_DWORD ] || wf_v=$(printf '%d' "$wf_v")
			wf_got=$(jq -r --arg k "$wf_j" '.content.fleetcensus.windows[$k] // "(absent)" |
				tostring' "$1")
			[ "$wf_t" != DELETED ] || wf_v="(absent)"
			if [ "$wf_got" != "$wf_v" ]; then
				echo "windows.$wf_j is '$wf_got', the registry's $wf_n is '$wf_v'"
				echo bad >>"$TEST_DIR/.wf-bad"
			fi
		done
	! [ -s "$TEST_DIR/.wf-bad" ] || { rm -f "$TEST_DIR/.wf-bad"; return 1; }
}

# sw_check REPORT: content.softwares is the fixture's list (names and
# versions), arch by registry view, system components flagged, per-user
# entries with the user's SID, from "registry"; the updates only in
# content.fleetcensus.updates (docs/protocol.md, "content.softwares[]").
sw_check() {
	jq -r '.content.softwares[] | [.name, (.version // "")] | @tsv' "$1" | LC_ALL=C sort \
		>got.list &&
	diff -u "$TEST_DIR/want.list" got.list &&
	jq -r '.content.softwares[] | [.name, (.arch // "")] | @tsv' "$1" | LC_ALL=C sort \
		>got.arch &&
	diff -u "$TEST_DIR/want.arch" got.arch &&
	jq -r '.content.softwares[] | select(.system_category == "system_component") | .name' \
		"$1" | LC_ALL=C sort >got.system &&
	diff -u "$TEST_DIR/want.system" got.system &&
	jq -r '.content.softwares[] | select(.userid != null) | .name' "$1" | LC_ALL=C sort \
		>got.user &&
	diff -u "$TEST_DIR/want.user" got.user &&
	jq -e '[.content.softwares[] | select(.userid != null) | .userid |
		test("^S-1-5-21-[0-9-]+$")] | all' "$1" >/dev/null &&
	jq -e '[.content.softwares[] | .from == "registry"] | all' "$1" >/dev/null &&
	jq -r '(.content.fleetcensus.updates // [])[] | .name' "$1" | LC_ALL=C sort >got.updates &&
	diff -u "$TEST_DIR/want.updates" got.updates
}

test_expect_success 'a base prefix: wineboot -i, software.reg read back by reg query' '
	wine_base "$BASE" &&
	wine_import "$BASE" "$WIN_FIXTURES/software.reg" &&
	reg_check "$BASE" "$WIN_FIXTURES/software.reg" $(echo "$SW_ROOTS" | tr " " "\001") \
		>base.query
'
test_expect_success 'the Windows agent: --help has no --root; --root is a usage error (64)' '
	wine_run "$BASE" x64 "$EXE64" 60 --help >help.txt 2>&1 &&
	grep -q -- --state-dir help.txt && ! grep -q -- --root help.txt &&
	expect_status 64 wine_run "$BASE" x64 "$EXE64" 60 --config NUL --root "C:\\" \
		--output NUL 2>err &&
	grep -q -- "--root is not supported" err
'
wine_stop "$BASE" wait
[ ! -f "$TEST_DIR/base.query" ] || wine_note "$TEST_DIR/base.query"

# run_case ARCH FIX RTL PRODUCT EDITION RELEASE VERSION BUILD SP: the agent
# of ARCH in the prefix of FIX; its report imported into a database of its
# own.
run_case() {
	rc_arch=$1 rc_fix=$2 rc_rtl=$3 rc_prod=$4 rc_ed=$5 rc_rel=$6 rc_ver=$7 rc_build=$8 rc_sp=$9
	rc_exe=$EXE64
	[ "$rc_arch" = x64 ] || rc_exe=$EXE32
	rc_r=$rc_fix-$rc_arch.json
	test_expect_success "$rc_fix ($rc_arch): the agent exits 0; a valid report with windows facts" "
		wine_run '$TEST_DIR/pfx-$rc_fix' $rc_arch '$rc_exe' 120 --config NUL \
			--state-dir \"\$(wine_path '$TEST_DIR/state-$rc_fix-$rc_arch')\" \
			--output \"\$(wine_path '$TEST_DIR/$rc_r')\" 2>'$rc_fix-$rc_arch.err' ||
			{ cat '$rc_fix-$rc_arch.err'; exit 1; }
		test -s '$rc_r' &&
		{ ! have_shared || validate_report '$rc_r'; } &&
		jq -e '.content.fleetcensus.sections == {\"os\": \"ok\", \"software\": \"ok\",
			\"hardware\": .content.fleetcensus.sections.hardware} and
			(.content.fleetcensus.windows | type == \"object\")' '$rc_r' >/dev/null
	"
	test_expect_success "$rc_fix ($rc_arch): the windows facts are the registry's; RtlGetVersion $rc_rtl" "
		test -s '$rc_r' &&
		jq -c .content.fleetcensus.windows '$rc_r' &&
		win_facts_check '$rc_r' '$WIN_FIXTURES/$rc_fix.reg' &&
		test \"\$(jq -r '.content.fleetcensus.windows |
			\"\\(.major).\\(.minor).\\(.build)/\\(.product_type)\"' '$rc_r')\" = '$rc_rtl' &&
		test \"\$(jq -r .content.fleetcensus.windows.native_arch '$rc_r')\" = AMD64
	"
	test_expect_success "$rc_fix ($rc_arch): imported; classified $rc_prod / $rc_ed${rc_rel:+ / $rc_rel}" "
		test -s '$rc_r' &&
		db='$TEST_DIR/$rc_fix-$rc_arch.db' &&
		collector org add wine --db \"\$db\" >/dev/null &&
		collector import --db \"\$db\" --org wine '$rc_r' &&
		collector report machines --db \"\$db\" --format json >m.json &&
		jq -c '.[0] | del(.org, .machine, .hostname, .last_seen)' m.json &&
		test \"\$(jq length m.json)\" = 1 &&
		r2_unseen='$rc_prod' &&
		if [ '$rc_prod' = 'Windows Server 2003 R2' ] &&
			[ \"\$(jq -r .content.fleetcensus.windows.server_r2 '$rc_r')\" = 0 ]; then
			r2_unseen='Windows Server 2003'
		fi &&
		test \"\$(jq -r '.[0].os_family' m.json)\" = windows &&
		test \"\$(jq -r '.[0].os_product' m.json)\" = \"\$r2_unseen\" &&
		test \"\$(jq -r '.[0].os_edition' m.json)\" = '$rc_ed' &&
		test \"\$(jq -r '.[0].os_release' m.json)\" = '$rc_rel' &&
		test \"\$(jq -r '.[0].os_version' m.json)\" = '$rc_ver' &&
		test \"\$(jq -r '.[0].os_build' m.json)\" = '$rc_build' &&
		test \"\$(jq -r '.[0].os_service_pack' m.json)\" = '$rc_sp' &&
		test \"\$(jq -r '.[0].arch' m.json)\" = x86_64
	"
	if [ "$rc_prod" = 'Windows Server 2003 R2' ]; then
		rc_why="wine 8.0 answers GetSystemMetrics(SM_SERVERR2) with 0 whatever the registry says,"
		rc_why="$rc_why so the agent reports server_r2 0 and the collector (rule W12) says"
		rc_why="$rc_why Windows Server 2003; real R2 answers its build (3790)"
		test_expect_success "$rc_fix ($rc_arch): R2 seen (SM_SERVERR2)" "
			test -s '$rc_r' &&
			if [ \"\$(jq -r .content.fleetcensus.windows.server_r2 '$rc_r')\" = 0 ]; then
				skip_test '$rc_why'
			fi &&
			test \"\$(jq -r '.[0].os_product' m.json)\" = 'Windows Server 2003 R2'
		"
	fi
	test_expect_success "$rc_fix ($rc_arch): the software list is the fixture's; updates apart" "
		test -s '$rc_r' &&
		sw_check '$rc_r' &&
		db='$TEST_DIR/$rc_fix-$rc_arch.db' &&
		sql \"\$db\" \"SELECT i.name || char(9) || i.version FROM software_items i
			JOIN machines m ON m.software_list_id = i.list_id\" | LC_ALL=C sort >db.list &&
		diff -u '$TEST_DIR/want.list' db.list
	"
}

# readiness_case FIX: the readiness facts the agent reads from the registry
# (tests/fixtures/windows/readiness.reg) in the prefix of FIX (Windows 10:
# the appraiser's keys are read there only), x64. HKLM\HARDWARE is volatile
# (wineboot makes it for each wineserver session), so the values are loaded
# and read in one session. What wine cannot show (TPM, firmware type, ESU)
# is left to the decoders' unit tests (tests/unit/test_hwfacts.c); here it
# must only be a value or unknown with a reason.
readiness_case() {
	rd_p=$TEST_DIR/pfx-$1 rd_r=$1-readiness.json
	test_expect_success "$1 (x64): readiness facts from the registry (CentralProcessor, SecureBoot, appraiser)" "
		wine_import '$rd_p' '$WIN_FIXTURES/readiness.reg' &&
		wine_run '$rd_p' x64 '$EXE64' 120 --config NUL \
			--state-dir \"\$(wine_path '$TEST_DIR/state-$1-rd')\" \
			--output \"\$(wine_path '$TEST_DIR/$rd_r')\" 2>'$1-rd.err' ||
			{ cat '$1-rd.err'; exit 1; }
		{ ! have_shared || validate_report '$rd_r'; } &&
		jq -c '[.content.cpus, .content.bios.secure_boot, .content.fleetcensus.hw,
			.content.fleetcensus.hw_unknown]' '$rd_r' &&
		test \"\$(jq -r '.content.cpus[0].manufacturer' '$rd_r')\" = GenuineIntel &&
		test \"\$(jq -r '.content.cpus[0].speed' '$rd_r')\" = 1600 &&
		test \"\$(jq -r '.content.fleetcensus.hw.cpu_platform_flags' '$rd_r')\" = 16 &&
		test \"\$(jq -r '.content.fleetcensus.hw.secure_boot_capable' '$rd_r')\" = true &&
		test \"\$(jq -r '.content.bios.secure_boot' '$rd_r')\" = enabled &&
		test \"\$(jq -c '.content.fleetcensus.hw.appraiser' '$rd_r')\" = \
			'{\"CO21H2\":{\"UpgEx\":\"Green\",\"RedReason\":\"None\"},\"GE24H2\":{\"UpgEx\":\"Red\",\"RedReason\":\"TPM UEFISecureBoot\"}}' &&
		test \"\$(jq -r '.content.fleetcensus.hw.os_bits' '$rd_r')\" = 64 &&
		test \"\$(jq -r '.content.fleetcensus.hw.cpu_logical' '$rd_r')\" -ge 1 &&
		jq -e '.content.fleetcensus as \$f | [\"tpm_present\", \"firmware\", \"esu_licensed_year\",
			\"cpu_sse42\", \"system_volume_mib\"] |
			all(. as \$k | (\$f.hw | has(\$k)) or ((\$f.hw_unknown[\$k] // \"\") | length > 0))' \
			'$rd_r' >/dev/null
	"
}

# The loop reads the cases on fd 3: wine must not eat them from stdin.
while IFS='|' read -r fix winver rtl prod ed rel ver build sp <&3; do
	# the fixture and wine's own version, loaded and checked together
	{
		cat "$WIN_FIXTURES/$fix.reg"
		printf '\n[HKEY_CURRENT_USER\\Software\\Wine]\n'
		if [ -n "$winver" ]; then printf '"Version"="%s"\n' "$winver"; else echo '"Version"=-'; fi
	} >"$TEST_DIR/setup-$fix.reg"
	test_expect_success "$fix: the prefix holds the fixture's registry (wine Version ${winver:-none})" "
		test -f '$BASE/system.reg' &&
		wine_clone '$BASE' '$TEST_DIR/pfx-$fix' &&
		wine_import '$TEST_DIR/pfx-$fix' 'setup-$fix.reg' &&
		reg_check '$TEST_DIR/pfx-$fix' 'setup-$fix.reg' >'$fix.query'
	"
	[ ! -f "$TEST_DIR/$fix.query" ] || wine_note "$TEST_DIR/$fix.query"
	run_case x64 "$fix" "$rtl" "$prod" "$ed" "$rel" "$ver" "$build" "$sp"
	[ "$fix" != win10-pro-22h2 ] || readiness_case "$fix"
	if [ -z "$why32" ]; then
		run_case x86 "$fix" "$rtl" "$prod" "$ed" "$rel" "$ver" "$build" "$sp"
	else
		test_skip "$fix (x86): $why32"
	fi
	wine_stop "$TEST_DIR/pfx-$fix"
done 3<<EOF
$CASES
EOF

test_done
