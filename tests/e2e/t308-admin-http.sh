#!/bin/sh
# t308-admin-http.sh - the everyday admin commands over HTTP (issue 14):
# GET/POST /api/v1/tokens, POST /api/v1/tokens/ID/revoke, POST
# /api/v1/machines/M/delete|move, for admin tokens only (reader, manager and
# agent 403, none 401, nothing changed); the CLI's token list and report
# machines agree with what HTTP did; the new token's secret is in the
# answer only (not in the log, not in the list).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs)
if [ -n "$why" ]; then
	test_skip "admin over HTTP: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
TPL=$TEST_DIR/tpl.json
W10='{"major":10,"minor":0,"build":19045,"ubr":3803,"product_type":1,"suite_mask":256,
 "product_name":"Windows 10 Pro","edition_id":"Professional","display_version":"22H2",
 "release_id":"2009","native_arch":"AMD64","current_version":"6.3",
 "installation_type":"Client"}'

# postc TOKEN PATH [curl options...]: POSTs to URL/PATH (an empty body
# unless the options give one); prints the status; the answer is in ./answer.
postc() {
	pc_tok=$1 pc_path=$2
	shift 2
	curl -sS --max-time 60 -o answer -D headers -w '%{http_code}' -X POST \
		${pc_tok:+-H "Authorization: Bearer $pc_tok"} "$@" "$URL$pc_path"
}

# ids ORG: the public ids of ORG's machines, sorted, on one line.
ids() {
	collector report machines --org "$1" --format json --db "$DB" |
		jq -r '[.[].machine] | sort | join(" ")'
}

make_template "$TPL"
collector org add north --db "$DB" >"$TEST_DIR/agent.tok"
collector org add south --db "$DB" >/dev/null
windows_machine north 1 "$W10"
windows_machine north 2 "$W10"
# machine 3 of south has a host name of its own
craft m3.json '.content.hardware.uuid = "00000000-0000-4000-8000-000000000003" |
	.content.fleetcensus.agent_id = "11111111-0000-4000-8000-000000000003" |
	del(.content.fleetcensus.machine_id) | .content.hardware.name = "lonely"'
collector import --db "$DB" --org south m3.json >/dev/null
READER=$(collector token add --org north --role reader --db "$DB")
MGR=$(collector token add --org north --role manager --db "$DB")
ADMIN=$(collector token add --role admin --db "$DB")
AGENT=$(cat "$TEST_DIR/agent.tok")
srv_start "$TEST_DIR/srv" "$DB"

test_expect_success 'the fixture: two machines of north share a host name' '
	test "$(collector report machines --org north --format json --db "$DB" |
		jq -r "[.[].hostname] | unique | length")" = 1 &&
	test "$(ids south | wc -w)" = 1
'

test_expect_success 'reader, manager and agent tokens get 403, none 401; nothing changes' '
	before=$(db_digest "$DB") && tokens=$(sql "$DB" "SELECT count(*), sum(revoked) FROM tokens") &&
	for t in "$READER" "$MGR" "$AGENT"; do
		st=$(get "$URL" "$t" /api/v1/tokens) && test "$st" = 403 &&
		error_says "admin" &&
		st=$(postc "$t" /api/v1/tokens -d role=admin) && test "$st" = 403 &&
		st=$(postc "$t" /api/v1/tokens/1/revoke) && test "$st" = 403 &&
		st=$(postc "$t" "/api/v1/machines/lonely/delete?org=south") && test "$st" = 403 &&
		st=$(postc "$t" "/api/v1/machines/lonely/move?org=south&to=north") && test "$st" = 403 ||
		return 1
	done &&
	st=$(get "$URL" "" /api/v1/tokens) && test "$st" = 401 &&
	st=$(postc "" /api/v1/tokens -d role=admin) && test "$st" = 401 &&
	st=$(postc "" /api/v1/tokens/1/revoke) && test "$st" = 401 &&
	st=$(postc "" "/api/v1/machines/lonely/delete?org=south") && test "$st" = 401 &&
	test "$(db_digest "$DB")" = "$before" &&
	test "$(sql "$DB" "SELECT count(*), sum(revoked) FROM tokens")" = "$tokens"
'

test_expect_success 'GET /api/v1/tokens: json, csv and table agree with token list' '
	collector token list --db "$DB" >cli &&
	st=$(get "$URL" "$ADMIN" /api/v1/tokens?format=table) && test "$st" = 200 &&
	cut -f1-4,6-8 cli >want && cut -f1-4,6-8 answer >got && cmp want got &&
	st=$(get "$URL" "$ADMIN" /api/v1/tokens) && test "$st" = 200 &&
	grep -qi "^content-type: application/json" headers &&
	jq -r ".[] | [.id, .role, (.org // \"-\"), .state] | map(tostring) | join(\" \")" answer >got &&
	tail -n +2 cli | awk -F "\t" "{ print \$1, \$2, \$3, \$8 }" >want && cmp want got &&
	! grep -q "\"token\"" answer && ! grep -q "$READER" answer &&
	st=$(get "$URL" "$ADMIN" /api/v1/tokens?format=csv) && test "$st" = 200 &&
	test "$(head -1 answer)" = "$(printf "id,role,org,created,last_used,expires,label,state\r")" &&
	test "$(wc -l <answer)" = "$(wc -l <cli)"
'

test_expect_success 'GET /api/v1/tokens refuses a bad format or an unknown parameter (400)' '
	st=$(get "$URL" "$ADMIN" "/api/v1/tokens?format=ods") && test "$st" = 400 &&
	error_says "format" &&
	st=$(get "$URL" "$ADMIN" "/api/v1/tokens?fromat=csv") && test "$st" = 400 &&
	error_says "unknown parameter .fromat."
'

test_expect_success 'POST /api/v1/tokens (urlencoded): 201 with the secret, which works' '
	st=$(postc "$ADMIN" /api/v1/tokens -d org=north -d role=reader \
		--data-urlencode "label=laptop of Ann" -d expires=2099-12-31) && test "$st" = 201 &&
	id=$(jq -r .id answer) && tok=$(jq -r .token answer) && test -n "$tok" &&
	collector token list --db "$DB" | awk -F "\t" -v id="$id" "\$1 == id" >row &&
	test "$(cut -f2,3,6,7,8 row)" = "$(printf "reader\tnorth\t2100-01-01T00:00:00Z\tlaptop of Ann\tactive")" &&
	st=$(get "$URL" "$tok" /api/v1/reports/tender) && test "$st" = 200 &&
	echo "$tok" >"$TEST_DIR/new.tok" && echo "$id" >"$TEST_DIR/new.id"
'

test_expect_success 'POST /api/v1/tokens (JSON): an admin token has no org' '
	st=$(postc "$ADMIN" /api/v1/tokens -H "Content-Type: application/json" \
		-d "{\"role\":\"admin\",\"label\":\"second admin\"}") && test "$st" = 201 &&
	test "$(jq -r .role answer)" = admin &&
	st=$(get "$URL" "$(jq -r .token answer)" /api/v1/tokens) && test "$st" = 200
'

test_expect_success 'POST /api/v1/tokens refuses bad bodies (400, 404, 413); nothing is added' '
	n=$(sql "$DB" "SELECT count(*) FROM tokens") &&
	st=$(postc "$ADMIN" /api/v1/tokens -d org=north) && test "$st" = 400 && error_says "role" &&
	st=$(postc "$ADMIN" /api/v1/tokens -d org=north -d role=king) && test "$st" = 400 &&
	error_says "role" &&
	st=$(postc "$ADMIN" /api/v1/tokens -d role=reader) && test "$st" = 400 && error_says "org" &&
	st=$(postc "$ADMIN" /api/v1/tokens -d role=admin -d org=north) && test "$st" = 400 &&
	error_says "admin token has no organisation" &&
	st=$(postc "$ADMIN" /api/v1/tokens -d role=reader -d org=north -d expires=2026-02-30) &&
	test "$st" = 400 && error_says "expires" &&
	st=$(postc "$ADMIN" /api/v1/tokens -d role=reader -d org=north -d colour=red) &&
	test "$st" = 400 && error_says "unknown field .colour." &&
	st=$(postc "$ADMIN" /api/v1/tokens -d "{\"role\":7}") && test "$st" = 400 &&
	error_says "role" &&
	st=$(postc "$ADMIN" /api/v1/tokens -d "{\"role\":") && test "$st" = 400 &&
	error_says "JSON" &&
	st=$(postc "$ADMIN" "/api/v1/tokens?org=north" -d role=reader) && test "$st" = 400 &&
	error_says "unknown parameter .org." &&
	st=$(postc "$ADMIN" /api/v1/tokens -d role=reader -d org=west) && test "$st" = 404 &&
	error_says "no such organisation" &&
	head -c 20000 /dev/zero | tr "\\0" a >big && printf "role=reader&org=north&label=" >body &&
	cat big >>body &&
	st=$(postc "$ADMIN" /api/v1/tokens --data-binary @body) && test "$st" = 413 &&
	test "$(sql "$DB" "SELECT count(*) FROM tokens")" = "$n"
'

test_expect_success 'POST /api/v1/tokens/ID/revoke: 200 saying what; then 409; unknown 404' '
	id=$(cat "$TEST_DIR/new.id") &&
	st=$(postc "$ADMIN" "/api/v1/tokens/$id/revoke") && test "$st" = 200 &&
	test "$(jq -c "[.revoked, .role, .org, .label]" answer)" = "[$id,\"reader\",\"north\",\"laptop of Ann\"]" &&
	collector token list --db "$DB" | awk -F "\t" -v id="$id" "\$1 == id { print \$8 }" >state &&
	test "$(cat state)" = revoked &&
	st=$(get "$URL" "$(cat "$TEST_DIR/new.tok")" /api/v1/reports/tender) && test "$st" = 401 &&
	st=$(postc "$ADMIN" "/api/v1/tokens/$id/revoke") && test "$st" = 409 &&
	error_says "already" &&
	st=$(postc "$ADMIN" /api/v1/tokens/999/revoke) && test "$st" = 404 &&
	error_says "no such token" &&
	st=$(postc "$ADMIN" /api/v1/tokens/x1/revoke) && test "$st" = 400 &&
	error_says "not a token id" &&
	st=$(get "$URL" "$ADMIN" "/api/v1/tokens/$id/revoke") && test "$st" = 405 &&
	grep -qi "^allow: POST" headers
'

test_expect_success 'machine delete and move refuse unknown or ambiguous names (404, 409, 400)' '
	before=$(db_digest "$DB") && host=$(jq -r .content.hardware.name m1.json) &&
	st=$(postc "$ADMIN" "/api/v1/machines/$host/delete?org=north") && test "$st" = 409 &&
	! collector machine delete --org north "$host" --db "$DB" 2>cli_err &&
	grep -qF "$(jq -r .error answer)" cli_err &&
	st=$(postc "$ADMIN" "/api/v1/machines/nosuch/delete?org=north") && test "$st" = 404 &&
	st=$(postc "$ADMIN" "/api/v1/machines/lonely/delete?org=west") && test "$st" = 404 &&
	st=$(postc "$ADMIN" "/api/v1/machines/lonely/move?org=south&to=west") && test "$st" = 404 &&
	st=$(postc "$ADMIN" "/api/v1/machines/lonely/move?org=south") && test "$st" = 400 &&
	error_says "to" &&
	st=$(postc "$ADMIN" "/api/v1/machines/lonely/delete") && test "$st" = 400 &&
	error_says "org" &&
	st=$(postc "$ADMIN" "/api/v1/machines/lonely/delete?org=south&force=1") && test "$st" = 400 &&
	error_says "unknown parameter .force." &&
	st=$(postc "$ADMIN" "/api/v1/machines/lonely/move?org=south&to=south") && test "$st" = 400 &&
	st=$(postc "$ADMIN" "/api/v1/machines/lonely/explode?org=south") && test "$st" = 404 &&
	st=$(get "$URL" "$ADMIN" "/api/v1/machines/lonely/delete?org=south") && test "$st" = 405 &&
	test "$(db_digest "$DB")" = "$before"
'

test_expect_success 'POST /api/v1/machines/M/move: report machines follows' '
	mid=$(ids south) &&
	st=$(postc "$ADMIN" "/api/v1/machines/lonely/move?org=south&to=north") && test "$st" = 200 &&
	test "$(jq -r .moved answer)" = "$mid" &&
	test -z "$(ids south)" && ids north | grep -q "$mid"
'

test_expect_success 'POST /api/v1/machines/M/delete by id: report machines follows' '
	set -- $(ids north) && test $# = 3 && mid=$1 &&
	st=$(postc "$ADMIN" "/api/v1/machines/$mid/delete?org=north") && test "$st" = 200 &&
	test "$(jq -r .deleted answer)" = "$mid" &&
	test "$(ids north | wc -w)" = 2 && ! ids north | grep -q "$mid" &&
	st=$(postc "$ADMIN" "/api/v1/machines/$mid/delete?org=north") && test "$st" = 404
'

srv_finish "$TEST_DIR/srv"

test_expect_success 'the log names each change and never a token' '
	grep -q "token [0-9]* added (reader, north) by token" "$TEST_DIR/srv/log" &&
	grep -q "token [0-9]* revoked by token" "$TEST_DIR/srv/log" &&
	grep -q "moved from .south. to .north." "$TEST_DIR/srv/log" &&
	grep -q "deleted from .north." "$TEST_DIR/srv/log" &&
	! grep -qF "$(cat "$TEST_DIR/new.tok")" "$TEST_DIR/srv/log" &&
	! grep -qF "$ADMIN" "$TEST_DIR/srv/log"
'

test_expect_success 'the server exited cleanly' 'srv_clean "$TEST_DIR/srv"'

test_done
