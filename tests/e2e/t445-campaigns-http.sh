#!/bin/sh
# t445-campaigns-http.sh - campaigns over HTTP (docs/campaigns.md): the same
# tables as the CLI; a manager token joins, signs and withdraws for its own
# organisation only, a reader token never (403, nothing changed); an admin
# names the organisation; GET changes nothing; wrong methods get 405; after
# the deadline a change is refused with 409; a --split win11 campaign's
# table and cost over HTTP equal the CLI's. FC_TEST_NOW sets the server's
# "now" (test-only).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs)
if [ -n "$why" ]; then
	test_skip "campaigns over HTTP: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
TPL=$TEST_DIR/tpl.json
W10='{"major":10,"minor":0,"build":19045,"ubr":3803,"product_type":1,"suite_mask":256,
 "product_name":"Windows 10 Pro","edition_id":"Professional","display_version":"22H2",
 "release_id":"2009","native_arch":"AMD64","current_version":"6.3",
 "installation_type":"Client"}'

# machine ORG N: a Windows 10 machine with its own hardware UUID.
machine() {
	windows_machine "$1" "$2" "$W10"
}

# postc TOKEN PATH: POSTs an empty body to URL/PATH; prints the status.
postc() {
	curl -sS --max-time 60 -o answer -w '%{http_code}' -X POST \
		${1:+-H "Authorization: Bearer $1"} "$URL$2"
}

make_template "$TPL"
collector org add north --db "$DB" >"$TEST_DIR/agent.tok"
collector org add south --db "$DB" >/dev/null
machine north 1
machine north 2
machine south 3
NMGR=$(collector token add --org north --role manager --db "$DB")
SMGR=$(collector token add --org south --role manager --db "$DB")
READER=$(collector token add --org north --role reader --db "$DB")
ADMIN=$(collector token add --role admin --db "$DB")
AGENT=$(cat "$TEST_DIR/agent.tok")
NMGR_ID=$(collector token list --db "$DB" | awk '$2 == "manager" && $3 == "north" { print $1 }')
FC_TEST_NOW=2026-01-05 collector campaign create "esu 10" --products "Windows 10" \
	--as-of 2026-06-01 --deadline 2026-12-31 --db "$DB"
printf 'product,edition,year,price,currency\nWindows 10,*,1,61,USD\nWindows 10,*,replace,800,EUR\n' \
	>"$TEST_DIR/prices.csv"
FC_TEST_NOW=2026-01-05 collector campaign create w11 --products "Windows 10" --split win11 \
	--as-of 2026-06-01 --deadline 2026-12-31 --prices "$TEST_DIR/prices.csv" --db "$DB"
FC_TEST_NOW=2026-01-10
export FC_TEST_NOW
srv_start "$TEST_DIR/srv" "$DB"

test_expect_success 'a manager joins for its own organisation' '
	st=$(postc "$NMGR" "/api/v1/campaigns/esu%2010/join") && test "$st" = 200 &&
	test "$(jq -r .status answer)" = ok && test "$(jq -r .org answer)" = north &&
	test "$(sql "$DB" "SELECT state FROM campaign_members")" = joined
'

test_expect_success 'a manager cannot act for another organisation (403), nothing changes' '
	before=$(db_digest "$DB") &&
	st=$(postc "$NMGR" "/api/v1/campaigns/esu%2010/join?org=south") && test "$st" = 403 &&
	error_says "own organisation only" &&
	st=$(postc "$NMGR" "/api/v1/campaigns/esu%2010/sign?org=south") && test "$st" = 403 &&
	test "$(db_digest "$DB")" = "$before"
'

test_expect_success 'reader and agent tokens cannot act (403), none at all (401)' '
	before=$(db_digest "$DB") &&
	st=$(postc "$READER" "/api/v1/campaigns/esu%2010/sign") && test "$st" = 403 &&
	error_says "reader token cannot" &&
	st=$(postc "$AGENT" "/api/v1/campaigns/esu%2010/withdraw") && test "$st" = 403 &&
	st=$(postc "" "/api/v1/campaigns/esu%2010/join") && test "$st" = 401 &&
	test "$(db_digest "$DB")" = "$before"
'

test_expect_success 'an admin names the organisation' '
	st=$(postc "$ADMIN" "/api/v1/campaigns/esu%2010/join") && test "$st" = 400 &&
	st=$(postc "$ADMIN" "/api/v1/campaigns/esu%2010/join?org=south") && test "$st" = 200 &&
	st=$(postc "$SMGR" "/api/v1/campaigns/esu%2010/join") && test "$st" = 409 &&
	error_says "joined campaign .esu 10. already"
'

test_expect_success 'sign records the token; GET equals the CLI and changes nothing' '
	st=$(postc "$NMGR" "/api/v1/campaigns/esu%2010/sign") && test "$st" = 200 &&
	test "$(sql "$DB" "SELECT signed_by FROM campaign_members WHERE state = '"'signed'"'")" = "token:$NMGR_ID" &&
	before=$(db_digest "$DB") &&
	st=$(get "$URL" "$ADMIN" "/api/v1/campaigns/esu%2010?format=csv") && test "$st" = 200 &&
	collector campaign show "esu 10" --format csv --db "$DB" >want && cmp want answer &&
	st=$(get "$URL" "$ADMIN" "/api/v1/campaigns/esu%2010") && test "$st" = 200 &&
	test "$(jq -c "[.[] | [.org, .state, .machines]]" answer)" = "[[\"north\",\"signed\",2],[\"south\",\"joined\",1],[\"ALL\",\"\",3]]" &&
	st=$(get "$URL" "$ADMIN" "/api/v1/campaigns") && test "$st" = 200 &&
	test "$(jq -r ".[0].campaign" answer)" = "esu 10" &&
	test "$(db_digest "$DB")" = "$before"
'

test_expect_success 'a reader or manager sees its own rows only' '
	st=$(get "$URL" "$READER" "/api/v1/campaigns/esu%2010") && test "$st" = 200 &&
	test "$(jq -c "[.[] | .org]" answer)" = "[\"north\"]" &&
	st=$(get "$URL" "$SMGR" "/api/v1/campaigns/esu%2010") && test "$st" = 200 &&
	test "$(jq -c "[.[] | .org]" answer)" = "[\"south\"]" &&
	st=$(get "$URL" "$AGENT" "/api/v1/campaigns/esu%2010") && test "$st" = 403
'

test_expect_success 'a manager token reads no machines or reports and sends no inventory' '
	st=$(get "$URL" "$NMGR" "/api/v1/machines") && test "$st" = 403 &&
	st=$(get "$URL" "$NMGR" "/api/v1/reports/tender") && test "$st" = 403 &&
	st=$(post "$URL" "$NMGR" m1.json) && test "$st" = 403
'

test_expect_success 'xlsx over HTTP' '
	st=$(get "$URL" "$ADMIN" "/api/v1/campaigns/esu%2010?format=xlsx") && test "$st" = 200 &&
	grep -qi "^content-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" headers &&
	test "$(head -c 2 answer)" = PK
'

test_expect_success 'wrong methods (405), paths and names (404), formats (400)' '
	st=$(get "$URL" "$NMGR" "/api/v1/campaigns/esu%2010/sign") && test "$st" = 405 &&
	grep -qi "^allow: POST" headers &&
	st=$(postc "$NMGR" "/api/v1/campaigns/esu%2010") && test "$st" = 405 &&
	st=$(get "$URL" "$NMGR" "/api/v1/campaigns/esu%2010/sign" -X PUT) && test "$st" = 405 &&
	st=$(get "$URL" "$ADMIN" "/api/v1/campaigns/nope") && test "$st" = 404 &&
	st=$(get "$URL" "$ADMIN" "/api/v1/campaigns/esu%2010/x/y") && test "$st" = 404 &&
	st=$(get "$URL" "$ADMIN" "/api/v1/campaigns/esu%2010?format=ods") && test "$st" = 400
'

test_expect_success 'withdraw, then re-join and re-sign, over HTTP' '
	st=$(postc "$NMGR" "/api/v1/campaigns/esu%2010/withdraw") && test "$st" = 200 &&
	test "$(sql "$DB" "SELECT count(*) FROM campaign_rows")" = 0 &&
	st=$(postc "$NMGR" "/api/v1/campaigns/esu%2010/join") && test "$st" = 200 &&
	st=$(postc "$NMGR" "/api/v1/campaigns/esu%2010/sign") && test "$st" = 200 &&
	test "$(sql "$DB" "SELECT sum(machines) FROM campaign_rows")" = 2
'

test_expect_success 'split win11: join and sign over HTTP; show and cost equal the CLI' '
	st=$(postc "$NMGR" "/api/v1/campaigns/w11/join") && test "$st" = 200 &&
	st=$(postc "$NMGR" "/api/v1/campaigns/w11/sign") && test "$st" = 200 &&
	st=$(postc "$SMGR" "/api/v1/campaigns/w11/join") && test "$st" = 200 &&
	test "$(sql "$DB" "SELECT count(*) FROM campaign_rows r JOIN campaigns c
		ON c.id = r.campaign_id WHERE c.name = '"'w11'"' AND r.split = '"''"'")" = 0 &&
	st=$(get "$URL" "$ADMIN" "/api/v1/campaigns/w11?format=csv") && test "$st" = 200 &&
	collector campaign show w11 --format csv --db "$DB" >want && cmp want answer &&
	st=$(get "$URL" "$ADMIN" "/api/v1/campaigns/w11/cost?format=csv") && test "$st" = 200 &&
	collector campaign cost w11 --format csv --db "$DB" >want && cmp want answer &&
	st=$(get "$URL" "$ADMIN" "/api/v1/campaigns/w11") && test "$st" = 200 &&
	jq -e "all(.[]; has(\"win11\")) and ([.[] | select(.org == \"ALL\") | .machines] | add) == 3" answer &&
	st=$(get "$URL" "$READER" "/api/v1/campaigns/w11?format=csv") && test "$st" = 200 &&
	head -n 1 answer | tr -d "\r" | grep -qx "org,state,signed_at,os_product,os_edition,os_release,arch,win11,support_status,machines"
'

srv_finish "$TEST_DIR/srv"

test_expect_success 'the server exited cleanly' 'srv_clean "$TEST_DIR/srv"'

FC_TEST_NOW=2027-01-01
srv_start "$TEST_DIR/srv2" "$DB"

test_expect_success 'after the deadline a change is refused (409), the table stays' '
	before=$(db_digest "$DB") &&
	st=$(postc "$NMGR" "/api/v1/campaigns/esu%2010/withdraw") && test "$st" = 409 &&
	error_says "deadline 2026-12-31 has passed" &&
	test "$(db_digest "$DB")" = "$before"
'

srv_finish "$TEST_DIR/srv2"

test_expect_success 'the second server exited cleanly' 'srv_clean "$TEST_DIR/srv2"'

test_done
