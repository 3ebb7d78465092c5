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
cp "$TPL" "$TEST_DIR/tpl.json" 2>/dev/null || :
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

# load I URL TOKEN: a sender posting one new machine's report after
# another until ./stop exists; appends "report_id" to acked.I after each
# 200 (so a line there was acknowledged before the file was read).
cat >load.sh <<'EOF'
i=$1 url=$2 tok=$3 n=0
while [ ! -e stop ]; do
	n=$((n + 1))
	rid=$(cat /proc/sys/kernel/random/uuid)
	jq -c --arg rid "$rid" --arg hw "$(printf '4c4c4544-%04d-4000-8000-%012d' "$i" "$n")" \
		'.content.fleetcensus.report_id = $rid | .content.hardware.uuid = $hw' tpl.json >"r$i.json"
	st=$(curl -sS --max-time 60 -o /dev/null -w '%{http_code}' \
		-H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		--data-binary @"r$i.json" "$url/api/v1/inventory")
	[ "$st" = 200 ] && echo "$rid" >>"acked.$i"
done
EOF

test_expect_success 'backup FILE: a consistent copy, mode 0600; an existing FILE needs --force' '
	collector backup b1.db --db "$DB" >out &&
	grep -q "written to .b1.db." out &&
	test "$(stat -c %a b1.db)" = 600 &&
	test "$(sql b1.db "PRAGMA integrity_check")" = ok &&
	test "$(sql b1.db "SELECT count(*) FROM tokens")" = "$(sql "$DB" "SELECT count(*) FROM tokens")" &&
	expect_status 73 collector backup b1.db --db "$DB" 2>err &&
	grep -q "exists (--force replaces it)" err &&
	collector backup b1.db --force --quiet --db "$DB" >out && test ! -s out &&
	expect_status 66 collector backup b2.db --db "$TEST_DIR/none.db" &&
	expect_status 73 collector backup "$TEST_DIR/nodir/b.db" --db "$DB" &&
	! ls "$TEST_DIR"/b1.db.tmp-* 2>/dev/null
'

test_expect_success 'backup under a load of reports: integrity ok, every report acked before it is in it' '
	srv_start load "$DB" &&
	rm -f stop acked.* &&
	pids= &&
	for i in 1 2 3 4; do sh load.sh $i "$URL" "$AGENT" & pids="$pids $!"; done &&
	sleep 2 &&
	cat acked.* | sort >before &&
	collector backup during.db --db "$DB" &&
	sleep 1 &&
	touch stop && wait $pids &&
	srv_stop load &&
	test "$(wc -l <before)" -gt 5 &&
	test "$(sql during.db "PRAGMA integrity_check")" = ok &&
	sql during.db "SELECT report_id FROM reports" | sort >inbackup &&
	test -z "$(comm -23 before inbackup)" &&
	echo "# $(wc -l <before) acked before the backup, $(wc -l <inbackup) in it, $(cat acked.* | wc -l) in all"
'

test_expect_success 'restore: the backup copied over the database serves its data' '
	cp during.db restored.db &&
	collector org list --db restored.db >out &&
	grep -q "^north	" out &&
	test "$(sql restored.db "SELECT count(*) FROM machines")" -gt 5
'

test_expect_success 'import DIR: every report file in it, by name; other entries skipped with a note' '
	mkdir -p inbox/sub &&
	craft inbox/b.json ".content.hardware.uuid = \"$(uuid)\"" &&
	craft a.json ".content.hardware.uuid = \"$(uuid)\"" && gzip -c a.json >inbox/a.json.gz &&
	craft inbox/.hidden.json ".content.hardware.uuid = \"$(uuid)\"" &&
	echo notes >inbox/README &&
	mkfifo inbox/fifo.json &&
	ln -s b.json inbox/c.json &&
	collector import --org north --db "$DB" inbox >out 2>err &&
	test "$(wc -l <out)" = 3 &&
	sed -n 1p out | grep -q "^inbox/a.json.gz: machine .* (new)$" &&
	sed -n 2p out | grep -q "^inbox/b.json: machine .* (new)$" &&
	sed -n 3p out | grep -q "^inbox/c.json: machine .* (duplicate)$" &&
	grep -q "skipped .inbox/README.: not a report file" err &&
	grep -q "skipped .inbox/fifo.json.: not a report file (\*.json or \*.json.gz), not a regular file" err &&
	grep -q "skipped .inbox/sub." err &&
	! grep -q hidden out &&
	collector import --org north --quiet --db "$DB" inbox >out 2>/dev/null && test ! -s out &&
	mkdir empty && collector import --org north --db "$DB" empty 2>err &&
	grep -q "no report files" err &&
	expect_status 66 collector import --org north --db "$DB" nowhere 2>err
'

test_expect_success 'tables have no trailing spaces (empty last cells)' '
	collector report machines --db "$DB" >t1 &&
	collector report counts --by org,os_edition,os_release --db "$DB" >t2 &&
	collector report software --name "*" --db "$DB" >t3 &&
	test "$(wc -l <t3)" -gt 1 &&
	test "$(wc -l <t2)" -gt 1 &&
	! grep -n " $" t1 t2 t3
'

test_expect_success 'report machines --host P --software P, and over HTTP host= software=' '
	collector org add south --db "$DB" >/dev/null &&
	craft pc042.json ".content.hardware.uuid = \"$(uuid)\" | .content.hardware.name = \"PC042\" |
		.content.softwares += [{\"name\":\"Microsoft Office Professional Plus 2010\",
		\"version\":\"14.0.7015.1000\",\"arch\":\"x86\",\"publisher\":\"Microsoft\",\"from\":\"registry\"}]" &&
	craft pc043.json ".content.hardware.uuid = \"$(uuid)\" | .content.hardware.name = \"pc043\"" &&
	collector import --org south --db "$DB" pc042.json pc043.json >/dev/null &&
	collector report machines --org south --host "pc04?" --format csv --db "$DB" >out &&
	test "$(grep -c "^south," out)" = 2 &&
	collector report machines --host "PC042" --format csv --db "$DB" >out &&
	test "$(grep -c "^south,.*,PC042," out)" = 1 && test "$(wc -l <out)" = 2 &&
	collector report machines --software "microsoft office*2010" --format csv --db "$DB" >out &&
	test "$(wc -l <out)" = 2 && grep -q ",PC042," out &&
	collector report machines --software "office 2010" --format csv --db "$DB" >out &&
	test "$(wc -l <out)" = 1 &&
	collector report stale --host "nothing*" --db "$DB" >/dev/null &&
	expect_status 64 collector report counts --host x --db "$DB" 2>err &&
	grep -q "option .--host. does not apply" err &&
	srv_start rep "$DB" &&
	ADMIN=$(collector token add --role admin --db "$DB") &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/machines?software=*office*2010&host=pc*")" = 200 &&
	test "$(jq -r "[.[].hostname] | join(\",\")" answer)" = PC042 &&
	test "$(get "$URL" "$ADMIN" "/api/v1/reports/counts?host=pc*")" = 400 &&
	error_says "parameter .host. does not apply to counts" &&
	srv_stop rep
'

# counts_by_org: "org machines" lines of the counts report, and the same
# counted from the machines table (class_counts must agree with it).
counts_by_org() {
	collector report counts --by org --window 36500 --format csv --db "$DB" | tail -n +2 |
		tr -d "\r" | tr , " "
}
recount() {
	sql "$DB" "SELECT o.name, count(*) FROM machines m JOIN organisations o ON o.id = m.org_id
		GROUP BY o.name ORDER BY o.name" | tr "|" " "
}

test_expect_success 'machine move and delete: counts, reports and the snapshot follow' '
	before=$(counts_by_org) && test "$before" = "$(recount)" &&
	n_south=$(sql "$DB" "SELECT count(*) FROM machines m JOIN organisations o ON o.id = m.org_id WHERE o.name = '"'"'south'"'"'") &&
	collector machine move --org south PC042 --to north --db "$DB" >out &&
	grep -q "^machine .* moved from .south. to .north.$" out &&
	test "$(counts_by_org)" = "$(recount)" &&
	test "$(sql "$DB" "SELECT o.name FROM machines m JOIN organisations o ON o.id = m.org_id WHERE m.hostname = '"'"'PC042'"'"'")" = north &&
	test "$(sql "$DB" "SELECT count(*) FROM reports r JOIN machines m ON m.id = r.machine WHERE m.hostname = '"'"'PC042'"'"' AND r.org_id <> m.org_id")" = 0 &&
	collector report machines --org north --host PC042 --format csv --db "$DB" | grep -q ",PC042," &&
	id=$(sql "$DB" "SELECT public_id FROM machines WHERE hostname = '"'"'pc043'"'"'") &&
	collector machine delete --org south "$id" --db "$DB" >out &&
	grep -qx "machine $id deleted from .south." out &&
	test "$(counts_by_org)" = "$(recount)" &&
	test "$(sql "$DB" "SELECT count(*) FROM machines WHERE hostname = '"'"'pc043'"'"'")" = 0 &&
	today=$(date -u +%F) &&
	test "$(sql "$DB" "SELECT coalesce(sum(s.machines), 0) FROM snapshots s JOIN organisations o ON o.id = s.org_id WHERE s.date = '"'"'$today'"'"' AND o.name = '"'"'south'"'"'")" = $((n_south - 2)) &&
	expect_status 65 collector machine delete --org south "$id" --db "$DB" 2>err &&
	grep -q "no machine" err &&
	expect_status 65 collector machine move --org north PC042 --to nowhere --db "$DB" &&
	expect_status 64 collector machine move --org north PC042 --db "$DB" 2>err &&
	grep -q -- "--to ORG is needed" err &&
	expect_status 66 collector machine delete --org north x --db "$TEST_DIR/none.db"
'

test_done
