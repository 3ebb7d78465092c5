#!/bin/sh
# Restore from backup (issue 6): a collector's database is copied with
# sqlite3 .backup while it serves, more reports arrive, the older copy is
# restored. Agents that then send only "unchanged" digests get 409 for
# every list the copy does not know and converge with one full report each;
# the counts equal a recount and the database stays consistent. (The agent
# side lives on another branch: reports are crafted here as the agent
# sends them, per docs/protocol.md.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs sha256sum)
if [ -n "$skip_all" ]; then
	test_skip "t380-collector-restore: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/restore.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
TOKEN=$(collector org add "Gemeente Utrecht" --db "$DB")

digest() {
	jq -j '"fleetcensus software list 1\n", (.content.softwares[] |
		(.name // ""), "\u0000", (.version // ""), "\u0000", (.arch // ""), "\u0000",
		(.publisher // ""), "\u0000", (.from // ""), "\u0000")' "$1" |
		sha256sum | cut -d' ' -f1
}

# full N SECONDS [EXTRA-PACKAGE]: machine N's full report, collected
# SECONDS after the template, in fullN.json.
full() {
	craft "full$1.json" ".content.hardware.uuid = \"4c4c4544-0000-4000-8000-00000000038$1\" |
		.content.hardware.name = \"pc-$1\" |
		.content.fleetcensus.collected_at = \"$(later "$2")\" |
		.content.softwares += [${3:-}]"
}

# short N SECONDS: the short report of fullN.json's list, as the agent
# sends it when its software.digest is that list's.
short() {
	jq -c --arg rid "$(uuid)" --arg d "$(digest "full$1.json")" --arg at "$(later "$2")" '
		.content.fleetcensus.report_id = $rid | .content.fleetcensus.collected_at = $at |
		.content.fleetcensus.software_count = (.content.softwares | length) |
		del(.content.softwares) | .content.fleetcensus.software_unchanged = true |
		.content.fleetcensus.software_digest = $d' "full$1.json" >"short$1.json"
}

send() { # FILE: the status
	post "$URL" "$TOKEN" "$1"
}

# The agent's run: the short report, and on 409 the full one (once).
agent_run() { # N SECONDS
	short "$1" "$2"
	ar_st=$(send "short$1.json")
	echo "$1 short $ar_st" >>runs.log
	if [ "$ar_st" = 409 ]; then
		jq -c --arg rid "$(uuid)" --arg at "$(later "$2")" \
			'.content.fleetcensus.report_id = $rid | .content.fleetcensus.collected_at = $at' \
			"full$1.json" >"again$1.json"
		ar_st=$(send "again$1.json")
		echo "$1 full $ar_st" >>runs.log
	fi
	[ "$ar_st" = 200 ]
}

recount_ok() {
	test "$(sql "$DB" "SELECT count(*) FROM (SELECT org_id, os_family, os_product,
		os_edition, os_release, arch, last_seen / 86400, count(*) FROM machines
		GROUP BY 1, 2, 3, 4, 5, 6, 7 EXCEPT SELECT org_id, os_family, os_product,
		os_edition, os_release, arch, day, machines FROM class_counts)")" = 0 &&
	test "$(sql "$DB" "SELECT sum(machines) FROM class_counts")" = \
		"$(sql "$DB" "SELECT count(*) FROM machines")"
}

srv_start srv "$DB" || :
test_expect_success 'three machines report, the database is backed up while serving' '
	full 1 0 && full 2 0 && full 3 0 &&
	test "$(send full1.json)" = 200 && test "$(send full2.json)" = 200 &&
	test "$(send full3.json)" = 200 &&
	sqlite3 "$DB" ".backup $TEST_DIR/backup.db" &&
	test "$(sql "$TEST_DIR/backup.db" "SELECT count(*) FROM machines")" = 3
'

test_expect_success 'after the backup: a list changes, a machine is new, one is unchanged' '
	full 1 100 "{\"name\":\"vim\",\"version\":\"2:9.0\",\"from\":\"deb\"}" &&
	test "$(send full1.json)" = 200 &&
	full 4 100 && test "$(send full4.json)" = 200 &&
	agent_run 2 100 && agent_run 1 200 && agent_run 4 200 &&
	! grep -q " 409$" runs.log
'

# The older copy is restored (the server stopped first).
srv_stop srv || :
rm -f "$DB" "$DB-wal" "$DB-shm"
cp "$TEST_DIR/backup.db" "$DB" || :
srv_start srv "$DB" || :
: >runs.log

test_expect_success 'the restored copy is consistent and has the three first machines' '
	test "$(sql "$DB" "PRAGMA integrity_check")" = ok &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 3
'

test_expect_success 'agents sending digests: 409 for lists the copy lacks, then one full report' '
	agent_run 1 300 && agent_run 2 300 && agent_run 3 300 && agent_run 4 300 &&
	grep -qx "1 short 409" runs.log && grep -qx "1 full 200" runs.log &&
	grep -qx "4 short 409" runs.log && grep -qx "4 full 200" runs.log &&
	grep -qx "2 short 200" runs.log && grep -qx "3 short 200" runs.log &&
	test "$(grep -c " full " runs.log)" = 2
'

test_expect_success 'the next runs are short only, and the counts equal a recount' '
	: >runs.log &&
	agent_run 1 400 && agent_run 2 400 && agent_run 3 400 && agent_run 4 400 &&
	test "$(grep -c " short 200" runs.log)" = 4 && ! grep -q " full " runs.log &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = 4 &&
	for n in 1 2 3 4; do
		test "$(sql "$DB" "SELECT lower(hex(software_digest)) FROM machines
			WHERE hostname = \"pc-$n\"")" = "$(digest full$n.json)" || return 1
	done &&
	test "$(sql "$DB" "SELECT l.count FROM machines m JOIN software_lists l
		ON l.id = m.software_list_id WHERE hostname = \"pc-1\"")" = \
		"$(jq ".content.softwares | length" full1.json)" &&
	recount_ok &&
	collector report counts --db "$DB" --by org --format csv | tr -d "\r" >c.csv &&
	grep -qx "Gemeente Utrecht,4" c.csv &&
	test "$(sql "$DB" "PRAGMA integrity_check")" = ok
'

srv_finish srv
test_expect_success 'the server stopped cleanly' 'srv_clean srv'
test_done
