#!/bin/sh
# The collector's files: report --output onto a device or FIFO is written in
# place (scratch nodes made with mknod and mkfifo, never the real
# /dev/null), output files follow the umask or keep their mode, the
# database and its -wal and -shm are created 0600, and import refuses a
# FIFO at once and a symbolic link to another user's file unless
# --follow-symlinks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
if [ -z "$skip_all" ] && [ "$(id -u)" != 0 ]; then
	skip_all="mknod and chown need root"
elif [ -z "$skip_all" ] && ! id nobody >/dev/null 2>&1; then
	skip_all="no user nobody"
fi
if [ -n "$skip_all" ]; then
	test_skip "t390-collector-files: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/files.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
ORG="Gemeente Zeist"
umask 022
collector org add "$ORG" --db "$DB" >/dev/null

# fifo_read FIFO OUT: opens FIFO at once (read-write, so that it never waits
# for a writer), touches ./ready, then copies into OUT what is written up to
# the first pause of a second after some data; gives up after 60 s.
fifo_read() {
	$PY -c 'import os, select, signal, sys
signal.alarm(60)
fd = os.open(sys.argv[1], os.O_RDWR)
open("ready", "w").close()
data = os.read(fd, 65536)
while select.select([fd], [], [], 1)[0]:
    data += os.read(fd, 65536)
open(sys.argv[2], "wb").write(data)' "$1" "$2"
}

test_expect_success 'the database, its -wal and -shm are created 0600 at umask 022' '
	test "$(mode "$DB")" = 600 &&
	srv_start srv "$DB" &&
	wait_for "$DB-wal" && wait_for "$DB-shm" &&
	test "$(mode "$DB-wal")" = 600 &&
	test "$(mode "$DB-shm")" = 600 &&
	srv_stop srv
'

test_expect_success 'an existing database keeps its mode' '
	collector org add Bunnik --db other.db >/dev/null &&
	chmod 640 other.db &&
	collector org add Houten --db other.db >/dev/null &&
	test "$(mode other.db)" = 640
'

test_expect_success 'import: a FIFO is refused at once (66), nothing waits for a writer' '
	mkfifo pipe.json &&
	expect_status 66 timeout 20 "$COLLECTOR_BIN" import --db "$DB" --org "$ORG" pipe.json \
		2>err &&
	grep -q "pipe.json: a FIFO, not a regular file" err &&
	test "$(kind pipe.json)" = fifo
'

test_expect_success 'import: a device is refused (66), the other files are still imported' '
	mknod null c 1 3 &&
	craft a.json ".content.hardware.uuid = \"$(uuid)\"" &&
	expect_status 66 timeout 20 "$COLLECTOR_BIN" import --db "$DB" --org "$ORG" null a.json \
		>out 2>err &&
	grep -q "null: a character device, not a regular file" err &&
	grep -q "^a.json: machine .* (new)$" out
'

test_expect_success 'import: a symbolic link to my own regular file is followed' '
	craft mine.json ".content.hardware.uuid = \"$(uuid)\"" &&
	ln -s mine.json mine-link.json &&
	collector import --db "$DB" --org "$ORG" mine-link.json >out &&
	grep -q "^mine-link.json: machine .* (new)$" out
'

test_expect_success 'import: a link to another user'"'"'s file only with --follow-symlinks' '
	craft theirs.json ".content.hardware.uuid = \"$(uuid)\"" &&
	chown nobody theirs.json &&
	ln -s theirs.json theirs-link.json &&
	expect_status 66 collector import --db "$DB" --org "$ORG" theirs-link.json >out 2>err &&
	grep -q "theirs-link.json: a symbolic link to a file of another user" err &&
	grep -q -- --follow-symlinks err &&
	! test -s out &&
	collector import --db "$DB" --org "$ORG" --follow-symlinks theirs-link.json >out &&
	grep -q "^theirs-link.json: machine .* (new)$" out &&
	collector import --db "$DB" --org "$ORG" theirs.json >out &&
	grep -q "^theirs.json: machine .* (duplicate)$" out
'

test_expect_success 'import: a link to a FIFO is refused even with --follow-symlinks' '
	ln -s pipe.json pipe-link.json &&
	expect_status 66 timeout 20 "$COLLECTOR_BIN" import --db "$DB" --org "$ORG" \
		--follow-symlinks pipe-link.json 2>err &&
	grep -q "a symbolic link to a FIFO" err
'

test_expect_success 'import --help and the man page name --follow-symlinks' '
	collector import --help | grep -q -- --follow-symlinks &&
	grep -q "follow\\\\-symlinks" "$TOP/docs/man/fleetcensus-collector.8" &&
	expect_status 64 collector report counts --db "$DB" --follow-symlinks 2>err &&
	grep -q "does not apply" err
'

test_expect_success 'report --output onto a character device: written in place, stays one' '
	collector report counts --db "$DB" --output null 2>err &&
	! test -s err &&
	test "$(kind null)" = "character special file" &&
	test "$(stat -c %t,%T null)" = 1,3
'

test_expect_success 'report --output onto a FIFO with a reader: the whole report, stays a FIFO' '
	collector report counts --db "$DB" --format csv >want &&
	mkfifo out.fifo &&
	{ fifo_read out.fifo got & } &&
	wait_for ready &&
	timeout 60 "$COLLECTOR_BIN" report counts --db "$DB" --format csv --output out.fifo &&
	wait &&
	cmp want got &&
	test "$(kind out.fifo)" = fifo
'

test_expect_success 'report --output onto a FIFO nobody reads: refused at once (73)' '
	mkfifo lonely &&
	expect_status 73 timeout 20 "$COLLECTOR_BIN" report counts --db "$DB" --output lonely \
		2>err &&
	grep -q "no process reads the FIFO" err
'

test_expect_success 'report --output modes: 0600 at umask 077, 0644 at 022, 0600 kept' '
	(umask 077 && collector report counts --db "$DB" --output r077.txt) &&
	test "$(mode r077.txt)" = 600 &&
	(umask 022 && collector report counts --db "$DB" --output r022.txt) &&
	test "$(mode r022.txt)" = 644 &&
	echo old >kept.txt && chmod 600 kept.txt &&
	(umask 022 && collector report counts --db "$DB" --output kept.txt) &&
	test "$(mode kept.txt)" = 600 &&
	! grep -q old kept.txt
'

test_expect_success 'report --output onto a symbolic link: its target rewritten, the link kept' '
	printf "%2000s\n" old >linked.txt && chmod 600 linked.txt &&
	ln -s linked.txt report-link.txt &&
	collector report counts --db "$DB" --format csv --output report-link.txt &&
	test "$(kind report-link.txt)" = "symbolic link" &&
	collector report counts --db "$DB" --format csv | cmp - linked.txt &&
	test "$(mode linked.txt)" = 600
'

test_expect_success 'report --output onto a directory: refused (73), nothing left in it' '
	mkdir outdir &&
	expect_status 73 collector report counts --db "$DB" --output outdir 2>err &&
	grep -q "outdir.* is a directory" err &&
	test -z "$(ls -A outdir)"
'

test_done
