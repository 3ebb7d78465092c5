#!/bin/sh
# t410-reports-http.sh - GET /api/v1/reports/KIND: the same output as the
# CLI; a reader token sees its own organisation only, an admin token any;
# agent tokens and bad parameters are refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs)
if [ -n "$why" ]; then
	test_skip "reports over HTTP: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
TPL=$TEST_DIR/tpl.json
W7='{"major":6,"minor":1,"build":7601,"product_type":1,"suite_mask":256,
 "product_name":"Windows 7 Professional","edition_id":"Professional",
 "csd_version":"Service Pack 1","native_arch":"AMD64","current_version":"6.1"}'

# machine ORG N: a Windows 7 machine with its own hardware UUID.
machine() {
	windows_machine "$1" "$2" "$W7"
}

make_template "$TPL"
collector org add north --db "$DB" >"$TEST_DIR/agent.tok"
collector org add south --db "$DB" >/dev/null
machine north 1
machine north 2
machine south 3
READER=$(collector token add --org north --role reader --db "$DB")
ADMIN=$(collector token add --role admin --db "$DB")
AGENT=$(cat "$TEST_DIR/agent.tok")
srv_start "$TEST_DIR/srv" "$DB"

test_expect_success 'admin: the tender as csv equals the CLI output' '
	st=$(get "$URL" "$ADMIN" "/api/v1/reports/tender?format=csv&as_of=2026-06-01&window=36500") &&
	test "$st" = 200 &&
	grep -qi "^content-type: text/csv" headers &&
	collector report tender --db "$DB" --format csv --as-of 2026-06-01 --window 36500 >want &&
	cmp want answer &&
	grep -q "^ALL,Windows 7,Professional,,x86_64,eol,2023-01-10,3" answer
'

test_expect_success 'admin: json by default, org filters, counts by' '
	st=$(get "$URL" "$ADMIN" "/api/v1/reports/counts?by=org&window=36500&org=south") &&
	test "$st" = 200 &&
	test "$(jq -c . answer)" = "[{\"org\":\"south\",\"machines\":1}]"
'

test_expect_success 'reader: own organisation only, whatever org says' '
	st=$(get "$URL" "$READER" "/api/v1/reports/counts?by=org&window=36500&org=south") &&
	test "$st" = 200 &&
	test "$(jq -c . answer)" = "[{\"org\":\"north\",\"machines\":2}]" &&
	st=$(get "$URL" "$READER" "/api/v1/reports/machines?window=36500") &&
	test "$st" = 200 &&
	jq -e "length == 2 and all(.[]; .org == \"north\")" answer >/dev/null
'

test_expect_success 'refusals: agent token, no token, bad kind, bad parameter, no org' '
	test "$(get "$URL" "$AGENT" "/api/v1/reports/tender")" = 403 &&
	test "$(get "$URL" "" "/api/v1/reports/tender")" = 401 &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/nonsense")" = 400 &&
	error_says "unknown report kind" &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/tender?min_cell=-1")" = 400 &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/counts?by=hostname")" = 400 &&
	error_says "by" &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/tender?org=nowhere")" = 404 &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/tender?format=xml")" = 400
'

srv_finish "$TEST_DIR/srv"
test_expect_success 'the server exited cleanly' 'srv_clean "$TEST_DIR/srv"'

test_done
