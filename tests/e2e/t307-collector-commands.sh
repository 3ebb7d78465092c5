#!/bin/sh
# t307-collector-commands.sh - an operator's everyday commands (issue 14):
# tokens with labels and expiry, revoke that says what it did, ids never
# reused; backup (also under a load of reports); import DIR; --quiet.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs)
if [ -n "$why" ]; then
	test_skip "collector commands: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
TPL=$TEST_DIR/tpl.json
make_template "$TPL"
AGENT=$(collector org add north --db "$DB")

test_expect_success 'token add --label --expires: shown by token list' '
	collector token add --role reader --org north --label "tender desk" \
		--expires 2099-12-31 --db "$DB" >reader.tok &&
	collector token list --db "$DB" >out &&
	head -n 1 out | grep -qx "ID	ROLE	ORG	CREATED	LAST_USED	EXPIRES	LABEL	STATE" &&
	grep -q "^2	reader	north	.*	never	2100-01-01T00:00:00Z	tender desk	active$" out &&
	expect_status 64 collector token add --role admin --expires 31-12-2099 --db "$DB" 2>err &&
	grep -q "error: --expires: .31-12-2099. is not a date YYYY-MM-DD$" err &&
	expect_status 64 collector token add --role admin --label "$(printf "a\tb")" --db "$DB" 2>err &&
	grep -q "control characters" err
'

test_expect_success 'an expired token is refused by the server (401) and listed as expired' '
	collector token add --role admin --label old --expires 2020-01-01 --db "$DB" >old.tok &&
	collector token list --db "$DB" | grep -q "	old	expired$" &&
	srv_start srv "$DB" &&
	test "$(get "$URL" "$(cat old.tok)" /api/v1/machines)" = 401 &&
	test "$(get "$URL" "$(cat reader.tok)" /api/v1/machines)" = 200 &&
	srv_stop srv
'

test_expect_success 'token revoke says what it revoked; unknown or revoked already: 65' '
	collector token revoke 2 --db "$DB" >out &&
	grep -qx "token 2 revoked (reader, north, tender desk)" out &&
	expect_status 65 collector token revoke 2 --db "$DB" 2>err &&
	grep -q "token 2 is revoked already" err &&
	expect_status 65 collector token revoke 999 --db "$DB" 2>err &&
	grep -q "no such token" err &&
	collector token revoke 4 --quiet --db "$DB" >out && test ! -s out
'

test_expect_success 'token ids are never reused' '
	collector org add gone --db "$DB" >/dev/null &&
	top=$(collector token list --db "$DB" | tail -n 1 | cut -f1) &&
	collector org remove gone --db "$DB" &&
	collector token add --role admin --db "$DB" >/dev/null &&
	new=$(collector token list --db "$DB" | tail -n 1 | cut -f1) &&
	test "$new" = $((top + 1))
'

test_done
