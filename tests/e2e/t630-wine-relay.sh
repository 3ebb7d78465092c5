#!/bin/sh
# t630-wine-relay.sh - a Windows machine without a network path writes its
# report into a folder (--output DIR\, a share or a USB stick); the Linux
# agent relays the folder (--relay DIR) to the real collector on loopback.
# The x64 agent runs under wine in a prefix like Windows XP Professional SP3
# (winxp-pro-sp3.reg, wine Version winxp); the stored machine must be
# classified Windows XP / Professional / Service Pack 3 with the fixture's
# programs, and the delivered file removed. Plain build only (wine).
. "$(dirname "$0")/lib.sh"
cross_plain_only
. "$(dirname "$0")/lib-collector.sh"
. "$TOP/tests/e2e/lib-wine.sh"

why=$(collector_prereqs)
[ -n "$why" ] || why=$(wine_prereqs)
[ -n "$why" ] || EXE64=$(win_exe x64) || why=$EXE64
if [ -n "$why" ]; then
	test_skip "t630-wine-relay: $why"
	test_done
	exit $?
fi

DB=$TEST_DIR/relay.db
PFX=$TEST_DIR/pfx
FIX=winxp-pro-sp3
ORG='Gemeente Wijnegem'
DROP=$TEST_DIR/drop

{
	cat "$WIN_FIXTURES/$FIX.reg"
	printf '\n[HKEY_CURRENT_USER\\Software\\Wine]\n"Version"="winxp"\n'
} >"$TEST_DIR/setup.reg"

test_expect_success 'a prefix like Windows XP Professional SP3, with software.reg' '
	wine_base "$PFX" &&
	wine_import "$PFX" "$WIN_FIXTURES/software.reg" setup.reg &&
	reg_check "$PFX" setup.reg >setup.query
'
[ ! -f "$TEST_DIR/setup.query" ] || wine_note "$TEST_DIR/setup.query"

test_expect_success '--help names the Windows default paths, not /etc or /var' '
	wine_run "$PFX" x64 "$EXE64" 60 --help >help.out 2>&1 || { cat help.out; exit 1; }
	tr -d "\r" <help.out >help &&
	grep -q "settings file (default fleetcensus-agent.conf next to the program" help &&
	grep -Eq "C:.*fleetcensus.agent\.conf" help &&
	grep -Eq "default C:.*fleetcensus.state\)" help &&
	! grep -E "/etc|/var" help
'

# --output with a trailing backslash names a folder: a new file
# fleetcensus-<host>-<time>-<id>.json, no temporary file left.
test_expect_success 'the Windows agent writes its report into the folder (--output DIR\)' '
	mkdir -p "$DROP" &&
	wine_run "$PFX" x64 "$EXE64" 120 --config NUL \
		--state-dir "$(wine_path "$TEST_DIR/state")" \
		--output "$(wine_path "$DROP")\\" 2>out.err || { cat out.err; exit 1; }
	cat out.err &&
	ls -A "$DROP" >files &&
	cat files &&
	test "$(wc -l <files)" = 1 &&
	grep -Eq "^fleetcensus-[A-Za-z0-9._-]+-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}\.json$" files &&
	f="$DROP/$(cat files)" &&
	jq -e ".content.fleetcensus.windows.csd_version == \"Service Pack 3\" and
		.content.fleetcensus.sections.software == \"ok\"" "$f" >/dev/null
'

test_expect_success 'a second run adds a second file, never overwriting the first' '
	wine_run "$PFX" x64 "$EXE64" 120 --config NUL \
		--state-dir "$(wine_path "$TEST_DIR/state")" \
		--output "$(wine_path "$DROP")\\" 2>out2.err || { cat out2.err; exit 1; }
	ls -A "$DROP" >files2 &&
	test "$(wc -l <files2)" = 2 &&
	test "$(grep -c "^fleetcensus-.*\.json$" files2)" = 2
'
wine_stop "$PFX"

collector org add "$ORG" --db "$DB" >"$TEST_DIR/agent.token"
chmod 600 "$TEST_DIR/agent.token"
srv_start http "$DB" || :

test_expect_success 'the Linux agent relays the folder: the newest report sent, both files gone' '
	case $URL in http://127.0.0.1:*) ;; *) echo "no server: $URL"; exit 1 ;; esac &&
	agent --server "$URL" --token-file "$TEST_DIR/agent.token" \
		--state-dir "$TEST_DIR/st-relay" --timeout 10 --relay "$DROP" >relay.out 2>relay.err ||
		{ cat relay.out relay.err; exit 1; }
	cat relay.out &&
	grep -q "sent 1, rejected 0, kept 0, superseded 1, skipped 0" relay.out &&
	test -z "$(ls -A "$DROP")" &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = 1
'

test_expect_success 'the stored machine: Windows XP / Professional / Service Pack 3' '
	collector report machines --db "$DB" --format json >m.json &&
	jq -c ".[0] | del(.machine, .last_seen)" m.json &&
	test "$(jq length m.json)" = 1 &&
	test "$(jq -r ".[0].org" m.json)" = "$ORG" &&
	test "$(jq -r ".[0].os_family" m.json)" = windows &&
	test "$(jq -r ".[0].os_product" m.json)" = "Windows XP" &&
	test "$(jq -r ".[0].os_edition" m.json)" = Professional &&
	test "$(jq -r ".[0].os_version" m.json)" = 5.1.2600 &&
	test "$(jq -r ".[0].os_service_pack" m.json)" = "Service Pack 3"
'

test_expect_success 'the stored software is the fixture'"'"'s products (no updates)' '
	grep -v "^#" "$WIN_FIXTURES/software.expected" |
		awk -F "\t" "\$3 != \"update\" { print \$1 \"\t\" \$2 }" | LC_ALL=C sort >want &&
	sql "$DB" "SELECT i.name || char(9) || i.version FROM software_items i
		JOIN machines m ON m.software_list_id = i.list_id" | LC_ALL=C sort >got &&
	diff -u want got
'

srv_finish http
test_expect_success 'the server stopped cleanly' '
	srv_clean http
'

test_done
