#!/bin/sh
# Tokens over HTTP: the organisation comes from the token, readers see only
# their own organisation, revocation takes effect on the next request, and
# missing, malformed, unknown and wrong-role tokens get 401 or 403.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t330-collector-auth: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/auth.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
collector org add Alkmaar --db "$DB" >a-agent.token
collector org add Bergen --db "$DB" >b-agent.token
collector token add --org Alkmaar --role reader --db "$DB" >a-reader.token
collector token add --org Bergen --role reader --db "$DB" >b-reader.token
collector token add --role admin --db "$DB" >admin.token
A_AGENT=$(cat a-agent.token) B_AGENT=$(cat b-agent.token)
A_READER=$(cat a-reader.token) B_READER=$(cat b-reader.token)
ADMIN=$(cat admin.token)
craft report.json
srv_start srv "$DB" || :

test_expect_success "A's agent token stores into A, never B (the org comes from the token)" '
	test "$(post "$URL" "$A_AGENT" report.json)" = 200 &&
	machine=$(jq -r .machine answer) &&
	test "$(machines "$URL" "$ADMIN" org=Alkmaar | jq -r ".[].machine")" = "$machine" &&
	test "$(machines "$URL" "$ADMIN" org=Bergen | jq length)" = 0 &&
	test "$(sql "$DB" "SELECT o.name FROM machines m JOIN organisations o
		ON o.id = m.org_id")" = Alkmaar
'

test_expect_success "A's reader reads A (with or without org=A), only A's machines" '
	machines "$URL" "$A_READER" >l.json &&
	test "$(jq length l.json)" = 1 &&
	test "$(jq -r ".[0].org" l.json)" = Alkmaar &&
	machines "$URL" "$A_READER" org=Alkmaar >l2.json &&
	diff l.json l2.json &&
	test "$(machines "$URL" "$B_READER" | jq length)" = 0
'

test_expect_success "A's reader cannot read B (403), nor an org that does not exist (403)" '
	test "$(get "$URL" "$A_READER" "/api/v1/machines?org=Bergen")" = 403 &&
	error_says "own organisation" &&
	test "$(get "$URL" "$A_READER" "/api/v1/machines?org=Nowhere")" = 403 &&
	test "$(get "$URL" "$A_READER" "/api/v1/machines?org=Bergen&format=csv")" = 403
'

test_expect_success 'admin reads every organisation, or one; an unknown org is 404' '
	machines "$URL" "$ADMIN" >all.json &&
	test "$(jq length all.json)" = 1 &&
	test "$(post "$URL" "$B_AGENT" report.json)" = 200 &&
	test "$(machines "$URL" "$ADMIN" | jq -r "[.[].org] | join(\",\")")" = Alkmaar,Bergen &&
	test "$(get "$URL" "$ADMIN" "/api/v1/machines?org=Nowhere")" = 404 &&
	error_says Nowhere
'

test_expect_success 'an agent token cannot list machines (403): the admin-only call' '
	test "$(get "$URL" "$A_AGENT" /api/v1/machines)" = 403 &&
	error_says "agent token" &&
	test "$(get "$URL" "$A_AGENT" "/api/v1/machines?org=Alkmaar")" = 403
'

test_expect_success 'reader and admin tokens cannot post reports (403)' '
	test "$(post "$URL" "$A_READER" report.json)" = 403 && error_says reader &&
	test "$(post "$URL" "$ADMIN" report.json)" = 403 && error_says admin
'

test_expect_success 'no token: 401 with WWW-Authenticate, for POST and GET' '
	st=$(curl -sS -o answer -D headers -w "%{http_code}" --data-binary @report.json \
		"$URL/api/v1/inventory") &&
	test "$st" = 401 && error_says "missing Authorization" &&
	grep -qi "^WWW-Authenticate: Bearer" headers &&
	test "$(get "$URL" "" /api/v1/machines)" = 401
'

test_expect_success 'malformed Authorization headers: 401' '
	for h in "Basic QWxhZGRpbjpvcGVu" "Bearer" "Bearer " "Token $A_AGENT" \
		"Bearer $A_AGENT extra" "$A_AGENT"; do
		st=$(curl -sS -o answer -w "%{http_code}" -H "Authorization: $h" \
			--data-binary @report.json "$URL/api/v1/inventory") &&
		test "$st" = 401 || { echo "header [$h]: $st"; exit 1; }
		error_says "Authorization|token" || exit 1
	done
'

test_expect_success 'an unknown token: 401; the bearer scheme is case-insensitive' '
	test "$(post "$URL" "$(printf "%064d" 0)" report.json)" = 401 &&
	error_says "unknown or revoked" &&
	craft r2.json &&
	st=$(curl -sS -o answer -w "%{http_code}" -H "Authorization: bEaReR $A_AGENT" \
		--data-binary @r2.json "$URL/api/v1/inventory") &&
	test "$st" = 200
'

test_expect_success 'a revoked token is refused from the next request on (401)' '
	craft r3.json &&
	test "$(post "$URL" "$A_AGENT" r3.json)" = 200 &&
	id=$(collector token list --db "$DB" | awk -F"\t" "\$2 == \"agent\" && \$3 == \"Alkmaar\" { print \$1 }") &&
	collector token revoke "$id" --db "$DB" &&
	craft r4.json &&
	test "$(post "$URL" "$A_AGENT" r4.json)" = 401 && error_says revoked &&
	rid=$(collector token list --db "$DB" | awk -F"\t" "\$2 == \"reader\" && \$3 == \"Alkmaar\" { print \$1 }") &&
	collector token revoke "$rid" --db "$DB" &&
	test "$(get "$URL" "$A_READER" /api/v1/machines)" = 401
'

test_expect_success 'token list shows when a token was last used' '
	collector token list --db "$DB" >out &&
	grep -Eq "^[0-9]+	agent	Bergen	[^	]+	20[0-9]{2}-" out
'

test_expect_success 'no token ever appears in the server log' '
	for t in "$A_AGENT" "$B_AGENT" "$A_READER" "$B_READER" "$ADMIN"; do
		! grep -qF "$t" srv/log || exit 1
	done &&
	grep -q "POST /api/v1/inventory 401" srv/log
'

srv_finish srv
test_expect_success 'the server stopped cleanly on SIGTERM: exit 0, nothing logged by a sanitizer' '
	srv_clean srv
'

test_done
