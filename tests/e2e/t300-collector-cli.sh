#!/bin/sh
# The collector's command line: organisations, tokens, import, --help and
# usage errors, exit codes (sysexits). No server is started here.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
if [ -n "$skip_all" ]; then
	test_skip "t300-collector-cli: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/cli.db
TPL=$TEST_DIR/template.json
make_template "$TPL"

test_expect_success 'org add prints exactly one line: a 64-hex-digit token' '
	collector org add "Gemeente Utrecht" --db "$DB" >out 2>err &&
	test "$(wc -l <out)" = 1 &&
	grep -Eqx "[0-9a-f]{64}" out &&
	! test -s err &&
	cp out utrecht.token
'

test_expect_success 'org add: the name taken (65), an invalid name (64), nothing printed' '
	expect_status 65 collector org add "Gemeente Utrecht" --db "$DB" >out 2>err &&
	! test -s out && test -s err &&
	expect_status 64 collector org add "$(printf "bad\tname")" --db "$DB" >out &&
	! test -s out
'

test_expect_success '--db anywhere after the subcommand; $FLEETCENSUS_DB is the default' '
	collector org --db "$DB" add Amersfoort >/dev/null &&
	FLEETCENSUS_DB=$DB collector org list >out &&
	grep -q "^Amersfoort	0	" out &&
	FLEETCENSUS_DB=/nonexistent/x.db collector org list --db "$DB" >/dev/null
'

test_expect_success 'org list: header, name, machines, created' '
	collector org list --db "$DB" >out &&
	head -n 1 out | grep -qx "NAME	MACHINES	CREATED" &&
	grep -Eq "^Gemeente Utrecht	0	20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$" out
'

test_expect_success 'org list on a database that does not exist: 66, nothing created' '
	expect_status 66 collector org list --db missing.db 2>err &&
	! test -e missing.db &&
	grep -q missing.db err
'

test_expect_success 'org rename; renaming onto a taken name or a missing org: 65' '
	collector org add Zeist --db "$DB" >/dev/null &&
	collector org rename Zeist "Zeist (gemeente)" --db "$DB" &&
	collector org list --db "$DB" | grep -q "^Zeist (gemeente)	" &&
	expect_status 65 collector org rename "Zeist (gemeente)" Amersfoort --db "$DB" &&
	expect_status 65 collector org rename Nowhere Elsewhere --db "$DB"
'

test_expect_success 'token add: reader and admin tokens printed once, one line each' '
	collector token add --org "Gemeente Utrecht" --role reader --db "$DB" >reader.token &&
	collector token add --role admin --db "$DB" >admin.token &&
	test "$(cat reader.token admin.token | grep -Ecx "[0-9a-f]{64}")" = 2 &&
	test "$(wc -l <reader.token)" = 1 &&
	expect_status 65 collector token add --org Nowhere --role reader --db "$DB" >out &&
	! test -s out
'

test_expect_success 'token list shows id, role, org, dates, state; never a token or hash' '
	collector token list --db "$DB" >out &&
	head -n 1 out | grep -qx "ID	ROLE	ORG	CREATED	LAST_USED	EXPIRES	LABEL	STATE" &&
	grep -q "^[0-9][0-9]*	agent	Gemeente Utrecht	.*	never	never	-	active$" out &&
	grep -q "^[0-9][0-9]*	reader	Gemeente Utrecht	" out &&
	grep -q "^[0-9][0-9]*	admin	-	" out &&
	for t in utrecht.token reader.token admin.token; do
		! grep -qF "$(cat $t)" out || exit 1
	done &&
	! grep -Eq "[0-9a-f]{32}" out
'

test_expect_success 'token revoke ID marks it revoked; an unknown id: 65; not a number: 64' '
	id=$(collector token list --db "$DB" | awk -F"\t" "\$2 == \"reader\" { print \$1 }") &&
	collector token revoke "$id" --db "$DB" &&
	collector token list --db "$DB" | grep -q "^$id	reader	.*	revoked$" &&
	expect_status 65 collector token revoke 99999 --db "$DB" &&
	expect_status 64 collector token revoke abc --db "$DB"
'

test_expect_success 'import: a file, a gzip file and stdin, one line each' '
	craft a.json ".content.hardware.uuid = \"$(uuid)\"" &&
	craft b.json ".content.hardware.uuid = \"$(uuid)\"" &&
	gzip -c b.json >b.json.gz &&
	craft c.json ".content.hardware.uuid = \"$(uuid)\"" &&
	collector import --db "$DB" --org "Gemeente Utrecht" a.json b.json.gz - <c.json >out &&
	test "$(wc -l <out)" = 3 &&
	grep -Eqx "a.json: machine [0-9a-f-]{36} \(new\)" out &&
	grep -Eqx "b.json.gz: machine [0-9a-f-]{36} \(new\)" out &&
	grep -Eqx -- "-: machine [0-9a-f-]{36} \(new\)" out &&
	collector import --db "$DB" --org "Gemeente Utrecht" a.json >out &&
	grep -Eqx "a.json: machine [0-9a-f-]{36} \(duplicate\)" out &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 3
'

test_expect_success 'import: a bad file is reported (65), the others are still stored' '
	craft d.json ".content.hardware.uuid = \"$(uuid)\"" &&
	echo "{not json" >bad.json &&
	expect_status 65 collector import --db "$DB" --org "Gemeente Utrecht" bad.json d.json \
		>out 2>err &&
	grep -q "bad.json: .*JSON" err &&
	grep -q "^d.json: machine .* (new)" out &&
	expect_status 66 collector import --db "$DB" --org "Gemeente Utrecht" nosuch.json 2>err &&
	grep -q nosuch.json err &&
	expect_status 65 collector import --db "$DB" --org "Gemeente Utrecht" --max-body 100 \
		a.json 2>err &&
	grep -q "larger than 100 bytes" err &&
	expect_status 65 collector import --db "$DB" --org Nowhere a.json &&
	expect_status 64 collector import --db "$DB" a.json
'

test_expect_success 'prune DAYS forgets old report records, keeps the machines' '
	n=$(sql "$DB" "SELECT count(*) FROM reports") &&
	test "$n" -ge 4 &&
	collector prune 30 --db "$DB" >out &&
	grep -qx "0 report records older than 30 days removed" out &&
	sqlite3 "$DB" "UPDATE reports SET received_at = received_at - 40 * 86400 WHERE report_id IN
		(SELECT report_id FROM reports LIMIT 2)" &&
	collector prune 30 --db "$DB" >out &&
	grep -qx "2 report records older than 30 days removed" out &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = $((n - 2)) &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 4 &&
	expect_status 64 collector prune 0 --db "$DB" &&
	expect_status 64 collector prune --db "$DB" &&
	expect_status 66 collector prune 30 --db nosuch.db &&
	test ! -e nosuch.db
'

test_expect_success 'org remove refuses while the org has machines (65), --force removes them' '
	expect_status 65 collector org remove "Gemeente Utrecht" --db "$DB" 2>err &&
	grep -q -- --force err &&
	collector org list --db "$DB" | grep -q "^Gemeente Utrecht	4	" &&
	collector org remove "Gemeente Utrecht" --force --db "$DB" &&
	! collector org list --db "$DB" | grep -q "^Gemeente Utrecht	" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 0 &&
	! collector token list --db "$DB" | grep -q "Gemeente Utrecht" &&
	collector org remove Amersfoort --db "$DB" &&
	expect_status 65 collector org remove Amersfoort --db "$DB"
'

test_expect_success '--help at the top and for every subcommand exits 0 and lists its options' '
	collector --help >out && grep -q "org add NAME" out && grep -q "token revoke ID" out &&
	grep -q "import --org NAME" out && grep -q "serve" out && grep -q "Exit status" out &&
	collector serve --help >out &&
	for o in --db --listen --tls-cert --tls-key --threads --max-body --port-file \
		--max-connections --conn-timeout --next-report --max-decompressed --max-ratio \
		--max-depth --max-string --max-software --help; do
		grep -q -- "$o" out || { echo "serve --help lacks $o"; exit 1; }
	done &&
	collector org add --help >out && grep -q -- --db out && grep -q "org add NAME" out &&
	collector org list --help >out && grep -q -- --db out &&
	collector org rename --help >out && grep -q "OLD NEW" out &&
	collector org remove --help >out && grep -q -- --force out &&
	collector token add --help >out && grep -q -- --org out && grep -q -- --role out &&
	collector token list --help >out && grep -q -- --db out &&
	collector token revoke --help >out && grep -q "revoke ID" out &&
	collector import --help >out && grep -q -- --org out && grep -q -- --max-body out &&
	collector org --help >out && grep -q "org remove" out &&
	collector token --help >out && grep -q "token list" out &&
	collector --version | grep -q "^fleetcensus-collector "
'

test_expect_success 'usage errors exit 64 and say what is wrong on stderr' '
	expect_status 64 collector 2>err && grep -q usage err &&
	expect_status 64 collector frobnicate 2>err && grep -q "unknown command" err &&
	expect_status 64 collector org 2>err && grep -q "missing action" err &&
	expect_status 64 collector org launch x 2>err && grep -q "unknown action" err &&
	expect_status 64 collector org add --db "$DB" 2>err && grep -q "missing argument" err &&
	expect_status 64 collector org add a b --db "$DB" 2>err && grep -q "unexpected" err &&
	expect_status 64 collector org list --force --db "$DB" 2>err && grep -q -- --force err &&
	expect_status 64 collector org list --bogus 2>err && grep -q "unknown option" err &&
	expect_status 64 collector org add x --db 2>err && grep -q "needs a value" err &&
	expect_status 64 collector token add --role bogus --org x --db "$DB" &&
	expect_status 64 collector token add --role admin --org x --db "$DB" &&
	expect_status 64 collector token add --role agent --db "$DB" &&
	expect_status 64 collector serve --threads 0 --db "$DB" &&
	expect_status 64 collector serve --max-body 12x --db "$DB" &&
	expect_status 64 collector serve --listen nowhere --db "$DB" 2>err &&
	grep -q "listen address" err &&
	expect_status 64 collector serve --tls-cert x.pem --db "$DB" 2>err
'

test_done
