#!/bin/sh
# t420-reports-hostile.sh - values from machines are hostile to the reader
# of a report (issue 13, docs/security.md): an agent token sends host
# names, Windows EditionIDs and software names made to start spreadsheet
# formulas, control the terminal, add links, forge rows and reverse text;
# every report kind in table and CSV, over the CLI and over HTTP, and the
# machines CSV keep them inert (tests/e2e/inert.py), JSON keeps them exact;
# the request log and error messages escape them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs python3)
if [ -n "$why" ]; then
	test_skip "hostile values: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
TPL=$TEST_DIR/tpl.json
INERT=$TOP/tests/e2e/inert.py
TODAY=$(date -u +%Y-%m-%d)
W7='{"major":6,"minor":1,"build":7601,"product_type":1,"suite_mask":256,
 "product_name":"Windows 7 Professional","edition_id":"Professional",
 "csd_version":"Service Pack 1","native_arch":"AMD64","current_version":"6.1"}'
ESC=$(printf '\033')
BEL=$(printf '\007')
CR=$(printf '\r')
C1=$(printf '\302\233') # U+009B, the C1 CSI
RLO=$(printf '\342\200\256') # U+202E RIGHT-TO-LEFT OVERRIDE
NEL=$(printf '\302\205') # U+0085
LF='
'

# hostile N HOST EDITION SOFTWARE VERSION: a Windows 7 report of machine N.
hostile() {
	jq -c --arg rid "$(uuid)" --arg host "$2" --arg ed "$3" --arg sw "$4" --arg ver "$5" \
		--arg hw "$(printf '00000000-0000-4000-8000-%012d' "$1")" \
		--arg ag "$(printf '11111111-0000-4000-8000-%012d' "$1")" --argjson w7 "$W7" '
		.content.fleetcensus.report_id = $rid | .content.hardware.uuid = $hw |
		.content.hardware.name = $host | .content.fleetcensus.agent_id = $ag |
		del(.content.fleetcensus.machine_id) | del(.content.fleetcensus.os_release) |
		.content.fleetcensus.windows = ($w7 | .edition_id = $ed) |
		.content.softwares = [{"name": $sw, "version": $ver, "arch": "x86",
			"publisher": "Evil", "from": "registry"}]' "$TPL" >"h$1.json"
}

make_template "$TPL"
collector org add north --db "$DB" >"$TEST_DIR/agent.tok"
collector org add south --db "$DB" >"$TEST_DIR/south.tok"
ADMIN=$(collector token add --role admin --db "$DB")
AGENT=$(cat "$TEST_DIR/agent.tok")
SOUTH=$(cat "$TEST_DIR/south.tok")
hostile 1 '=HYPERLINK("http://x","y")' "+cmd|' /C calc'!A0" "+cmd|' /C calc'!A0" "-1$NEL"
hostile 2 "$ESC[2J$ESC]8;;http://evil/${BEL}click$ESC]8;;$BEL" '@SUM(1+1)' "${RLO}exe.txt" '=1+1'
hostile 3 "evil$CR${LF}ALL,Windows 7,Professional,,x86_64,eol,2023-01-10,999" '-2+3' ok 1.0
hostile 4 "${C1}31m${RLO}desrever" "$ESC[31mred" "	tab" 2
hostile 5 "	stale" Professional ok 1.0
srv_start "$TEST_DIR/srv" "$DB"

# report_cli KIND FORMAT: the CLI's report of KIND in FORMAT, as of today.
report_cli() {
	rc_kind=$1 rc_fmt=$2
	shift 2
	case $rc_kind in
	counts) set -- --by org,os_family,os_product,os_edition,os_release,arch,support_status ;;
	software) set -- --name '*' ;;
	trend) set -- --product 'Windows 7' ;;
	esac
	collector report "$rc_kind" --db "$DB" --format "$rc_fmt" --as-of "$TODAY" "$@"
}

# report_http KIND FORMAT: the same over HTTP with the admin token, into
# ./answer; fails unless the status is 200.
report_http() {
	rh_q="format=$2&as_of=$TODAY"
	case $1 in
	counts) rh_q="$rh_q&by=org,os_family,os_product,os_edition,os_release,arch,support_status" ;;
	software) rh_q="$rh_q&name=*" ;;
	trend) rh_q="$rh_q&product=Windows%207" ;;
	esac
	rh_st=$(get "$URL" "$ADMIN" "/api/v1/reports/$1?$rh_q")
	[ "$rh_st" = 200 ] || { echo "GET reports/$1: $rh_st $(cat answer)" >&2; return 1; }
}

# Every kind and its rows in this fleet: 4 current machines (3 north, 1
# south) with 4 editions, each a tender line (an organisation and ALL).
KINDS="machines:4 counts:4 tender:8 software:4 trend:2 stale:1"

test_expect_success 'an agent token stores the hostile reports' '
	for n in 1 2 4 5; do
		test "$(post "$URL" "$AGENT" "h$n.json")" = 200 || { cat answer; exit 1; }
	done &&
	test "$(post "$URL" "$SOUTH" h3.json)" = 200 &&
	sqlite3 "$DB" "UPDATE machines SET last_seen = last_seen - 60 * 86400
		WHERE hostname LIKE '"'"'%stale'"'"'" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 5 &&
	collector snapshot --db "$DB" >/dev/null
'

test_expect_success 'CLI and HTTP: every kind, table and csv, is inert and the same' '
	for k in $KINDS; do
		kind=${k%%:*} rows=${k#*:}
		for fmt in table csv; do
			report_cli "$kind" "$fmt" >"cli-$kind.$fmt" 2>err ||
				{ echo "report $kind --format $fmt: $(cat err)"; exit 1; }
			python3 "$INERT" "$fmt" "cli-$kind.$fmt" "$rows" >/dev/null
			report_http "$kind" "$fmt"
			cmp "cli-$kind.$fmt" answer
		done
	done
'

test_expect_success 'CSV: formulas neutralised, rows not forged, text still readable' '
	grep -qF "\"'"'"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" cli-machines.csv &&
	grep -qF ",\"evil\\x0d\\x0aALL,Windows 7,Professional,,x86_64,eol,2023-01-10,999\"," \
		cli-machines.csv &&
	grep -qF ",\\x1b[2J\\x1b]8;;http://evil/\\x07click\\x1b]8;;\\x07," cli-machines.csv &&
	grep -qF ",\\u009b31m\\u202edesrever," cli-machines.csv &&
	grep -qF "south,Windows 7,'"'"'-2+3,,x86_64,eol,2023-01-10,1" cli-tender.csv &&
	grep -qF "ALL,Windows 7,'"'"'+cmd|'"'"' /C calc'"'"'!A0,,x86_64,eol,2023-01-10,1" cli-tender.csv &&
	grep -qF "ALL,Windows 7,'"'"'@SUM(1+1),,x86_64,eol,2023-01-10,1" cli-tender.csv &&
	grep -qF "north,\\u202eexe.txt,'"'"'=1+1,1," cli-software.csv &&
	grep -qF "north,\\x09tab,2,1," cli-software.csv &&
	! grep -q "999" cli-tender.csv
'

test_expect_success 'table: escapes instead of control bytes' '
	grep -qF "\\x1b[2J\\x1b]8;;http://evil/\\x07click" cli-machines.table &&
	grep -qF "\\x1b[31mred" cli-tender.table &&
	grep -qF "=HYPERLINK(\"http://x\",\"y\")" cli-machines.table &&
	test "$(grep -c "^ALL " cli-tender.table)" = 4
'

test_expect_success 'JSON keeps the exact values' '
	report_http machines json &&
	jq -e --arg h "$ESC[2J$ESC]8;;http://evil/${BEL}click$ESC]8;;$BEL" \
		"map(.hostname) | index(\$h) != null" answer >/dev/null &&
	jq -e --arg h "${C1}31m${RLO}desrever" "map(.hostname) | index(\$h) != null" answer \
		>/dev/null
'

test_expect_success 'GET /api/v1/machines?format=csv is inert' '
	machines "$URL" "$ADMIN" format=csv >list.csv &&
	python3 "$INERT" csv list.csv 5 >/dev/null &&
	grep -qF "\"'"'"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" list.csv &&
	grep -qF ",\\x09stale," list.csv &&
	machines "$URL" "$ADMIN" format=json >list.json &&
	jq -e --arg h "	stale" "map(.hostname) | index(\$h) != null" list.json >/dev/null
'

test_expect_success 'the request log escapes C1 controls, bidi overrides and bad UTF-8' '
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/x%c2%9b%e2%80%ae%ff%1b")" = 400 &&
	test "$(get "$URL" "" "/nowhere%c2%9b%e2%80%ae")" = 404 &&
	sleep 0.2 &&
	grep -aF "/api/v1/reports/x\\u009b\\u202e\\xff? 400" "$TEST_DIR/srv/log" &&
	grep -aF "/nowhere\\u009b\\u202e 404" "$TEST_DIR/srv/log" &&
	python3 "$INERT" table "$TEST_DIR/srv/log" >/dev/null
'

test_expect_success 'an error message escapes a hostile file name' '
	! collector import --db "$DB" --org north "x$ESC[2J$C1${RLO}y.json" 2>err >out &&
	grep -qF "x\\x1b[2J\\u009b\\u202ey.json" err &&
	python3 "$INERT" table err >/dev/null
'

srv_finish "$TEST_DIR/srv"
test_expect_success 'the server exited cleanly' 'srv_clean "$TEST_DIR/srv"'

test_done
