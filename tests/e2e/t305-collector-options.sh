#!/bin/sh
# t305-collector-options.sh - options that do not apply are refused (64),
# never silently ignored; unknown or misplaced HTTP parameters are refused
# (400) naming them; global options before the command; one text for a bad
# option value (issue 14).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

why=$(collector_prereqs)
if [ -n "$why" ]; then
	test_skip "collector options: $why"
	test_done
	exit
fi

DB=$TEST_DIR/fleet.db
collector org add north --db "$DB" >/dev/null
ADMIN=$(collector token add --role admin --db "$DB")
srv_start "$TEST_DIR/srv" "$DB"

# refused KIND OPTION...: report KIND with the options exits 64 naming the
# first option.
refused() {
	r_kind=$1
	shift
	expect_status 64 collector report "$r_kind" --db "$DB" "$@" 2>err &&
		grep -q "report $r_kind: option '$1' does not apply" err ||
		{ echo "report $r_kind $*: $(cat err)"; return 1; }
}

test_expect_success 'report options that do not apply to the kind exit 64 naming them' '
	refused counts --min-cell 5 --by org &&
	refused machines --min-cell 5 &&
	refused tender --by org &&
	refused counts --product x --by org &&
	refused software --horizon-months 3 --name x &&
	refused trend --window 3 --product x &&
	refused stale --by org &&
	collector report counts --by org --db "$DB" >/dev/null &&
	collector report tender --min-cell 5 --db "$DB" >/dev/null &&
	collector report trend --product x --as-of 2026-01-01 --db "$DB" >/dev/null
'

test_expect_success 'report --help lists --org once' '
	collector report --help >out &&
	test "$(grep -c -- "^ *--org " out)" = 1
'

test_expect_success 'global options before the command: --db FILE org list' '
	collector --db "$DB" org list >out &&
	grep -q "^north	" out &&
	collector --db="$DB" token list >out &&
	grep -q admin out &&
	collector --db "$DB" report counts --by org >out &&
	expect_status 64 collector --db "$DB" 2>err && grep -q "missing command" err
'

test_expect_success 'a bad option value: one text naming the option, the value, what is wanted' '
	expect_status 64 collector serve --threads 0 --db "$DB" 2>err &&
	grep -q "^fleetcensus-collector: error: --threads: .0. is not a number from 1 to 256$" err &&
	expect_status 64 collector report tender --as-of 2026 --db "$DB" 2>err &&
	grep -q "error: --as-of: .2026. is not a date YYYY-MM-DD$" err &&
	expect_status 64 collector report tender --format xml --db "$DB" 2>err &&
	grep -q "error: --format: .xml. is not table, csv or json$" err &&
	expect_status 64 collector token add --role boss --db "$DB" 2>err &&
	grep -q "error: --role: .boss. is not agent, reader or admin$" err &&
	expect_status 64 collector report trend --product x --from 01-01-2026 --db "$DB" 2>err &&
	grep -q "error: --from: .01-01-2026. is not a date YYYY-MM-DD$" err
'

test_expect_success 'slips: no doubled prefix, --max-ratio says what it does not limit' '
	expect_status 64 collector report software --db "$DB" 2>err &&
	grep -qx "fleetcensus-collector: error: report software: --name PATTERN is needed" err &&
	collector serve --help | grep -A1 -- --max-ratio | grep -q "1 MiB" &&
	collector serve --help | grep -q "GET /api/v1/reports/KIND"
'

test_expect_success 'HTTP: an unknown parameter is refused 400 naming it' '
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/tender?asof=2026-01-01")" = 400 &&
	error_says "unknown parameter .asof." &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/tender?horizon=6")" = 400 &&
	error_says "unknown parameter .horizon." &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/tender?horizon_months=6")" = 200
'

test_expect_success 'HTTP: /api/v1/machines refuses an unknown parameter too' '
	test "$(get "$URL" "$ADMIN" "/api/v1/machines?orgs=north")" = 400 &&
	error_says "unknown parameter .orgs." &&
	test "$(get "$URL" "$ADMIN" "/api/v1/machines?org=north&format=csv")" = 200
'

test_expect_success 'HTTP: a parameter of another kind is refused 400 naming it' '
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/counts?by=org&min_cell=5")" = 400 &&
	error_says "parameter .min_cell. does not apply to counts" &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/tender?by=org")" = 400 &&
	error_says "parameter .by. does not apply to tender"
'

test_expect_success 'HTTP: errors name parameters, not command-line options' '
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/tender?as_of=2026-02-30")" = 400 &&
	error_says "^as_of:" &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/software")" = 400 &&
	! jq -r .error answer | grep -q -- "--"
'

srv_finish "$TEST_DIR/srv"
test_done
