#!/bin/sh
# t306-collector-perms.sh - a database the user may not use: a missing
# directory is one line naming it; a permission problem exits 77 naming the
# file and the user; a user who may only read the database (the cron user
# of the shipped fleetcensus-tender) runs the commands that read; commands
# that do not create refuse a new path (66) and create nothing (issue 14).
# Needs root and the user nobody.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs runuser)
if [ -z "$skip_all" ] && [ "$(id -u)" != 0 ]; then
	skip_all="needs root"
elif [ -z "$skip_all" ] && ! id nobody >/dev/null 2>&1; then
	skip_all="no user nobody"
fi
if [ -n "$skip_all" ]; then
	test_skip "t306-collector-perms: $skip_all"
	test_done
	exit $?
fi
chmod 711 "$TEST_DIR" # nobody must reach the directories below
D=$TEST_DIR/db
mkdir -p "$D"
chmod 755 "$D"
collector org add north --db "$D/c.db" >/dev/null

# nobody runs a copy of the collector: the build tree may sit in a
# directory only root can enter (a fresh clone in mktemp -d is 0700).
mkdir -p "$TEST_DIR/bin"
cp "$COLLECTOR_BIN" "$TEST_DIR/bin/fleetcensus-collector"
chmod 755 "$TEST_DIR/bin" "$TEST_DIR/bin/fleetcensus-collector"

# as_nobody CMD...: the collector as the user nobody.
as_nobody() {
	runuser -u nobody -- "$TEST_DIR/bin/fleetcensus-collector" "$@"
}

test_expect_success 'a missing directory: one line naming it (66 to read, 73 to create)' '
	expect_status 66 collector org list --db "$TEST_DIR/nodir/c.db" 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "directory .$TEST_DIR/nodir. does not exist" err &&
	expect_status 73 collector org add x --db "$TEST_DIR/nodir/c.db" 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "directory .$TEST_DIR/nodir. does not exist" err
'

test_expect_success 'a database only root may read: 77 naming the file and the user' '
	test "$(stat -c %a "$D/c.db")" = 600 &&
	expect_status 77 as_nobody org list --db "$D/c.db" 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "user .nobody. cannot read .$D/c.db. (mode 0600, uid 0, gid 0)" err &&
	expect_status 77 as_nobody report tender --db "$D/c.db" 2>err &&
	grep -q "user .nobody. cannot read" err &&
	expect_status 77 as_nobody org add south --db "$D/c.db" 2>err &&
	grep -q "user .nobody. cannot" err
'

test_expect_success 'serve --user on a database the user cannot write: 78 (configuration)' '
	expect_status 78 collector serve --user nobody --db "$D/c.db" --listen 127.0.0.1:0 2>err &&
	grep -q "user .nobody. cannot read" err &&
	grep -q "user .nobody. must be able to write the database" err
'

test_expect_success 'a database the user may read: the reading commands work, writing is 77' '
	chmod 644 "$D"/c.db "$D"/c.db-wal "$D"/c.db-shm &&
	as_nobody org list --db "$D/c.db" >out 2>err &&
	grep -q "^north	" out && test ! -s err &&
	as_nobody token list --db "$D/c.db" >out 2>err && test ! -s err &&
	as_nobody report counts --by org --db "$D/c.db" >out 2>err &&
	test ! -s err &&
	expect_status 77 as_nobody org add south --db "$D/c.db" 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "user .nobody. cannot write .$D/c.db. (mode 0644" err &&
	expect_status 77 as_nobody prune 30 --db "$D/c.db" 2>err &&
	grep -q "cannot write" err &&
	test "$(sql "$D/c.db" "SELECT count(*) FROM organisations")" = 1
'

test_expect_success 'the -wal and -shm files stay after a clean close (readers need them)' '
	collector org add east --db "$D/c.db" >/dev/null &&
	test -f "$D/c.db-wal" && test -f "$D/c.db-shm" && ! test -s "$D/c.db-wal" &&
	as_nobody org list --db "$D/c.db" >out && grep -q "^east	" out
'

test_expect_success 'without -wal and -shm in a directory the reader cannot write: 77 says which' '
	rm -f "$D/c.db-wal" "$D/c.db-shm" &&
	expect_status 77 as_nobody org list --db "$D/c.db" 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "user .nobody. cannot create files in .$D. .*-wal and -shm" err
'

test_expect_success 'commands that do not create refuse a new path: 66, nothing created' '
	for c in "report tender" "snapshot" "prune 30" "reclassify" "org list" "token list" \
		"org rename a b" "org remove a" "token revoke 1"; do
		# shellcheck disable=SC2086
		expect_status 66 collector $c --db "$TEST_DIR/new.db" 2>err ||
			{ echo "$c: $(cat err)"; exit 1; }
		test "$(wc -l <err)" = 1 && ! test -e "$TEST_DIR/new.db" || exit 1
	done
'

test_done
