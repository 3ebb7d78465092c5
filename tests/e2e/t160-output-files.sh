#!/bin/sh
# The agent's --output never harms what is there: a character device or a
# FIFO is written in place and stays what it was (a scratch node made with
# mknod, never the real /dev/null), a FIFO nobody reads and a block device
# are refused at once; a symbolic link is written through, never replaced;
# a new file gets 0666 minus the umask, a replaced one keeps its mode.
. "$(dirname "$0")/lib.sh"
ROOT=$FIXTURES/roots/debian12
X=.content.fleetcensus

if [ "$(id -u)" != 0 ]; then
	test_skip "t160-output-files: mknod needs root"
	test_done
	exit $?
fi

# fifo_read FIFO OUT: opens FIFO at once (read-write, so that it never waits
# for a writer), touches ./ready, then copies into OUT what is written up to
# and including a newline (the report's last byte); gives up after 60 s.
fifo_read() {
	$PY -c 'import os, signal, sys
signal.alarm(60)
fd = os.open(sys.argv[1], os.O_RDWR)
open("ready", "w").close()
data = b""
while not data.endswith(b"\n"):
    data += os.read(fd, 65536)
open(sys.argv[2], "wb").write(data)' "$1" "$2"
}

test_expect_success '--output onto a character device: written in place, stays a device' '
	mknod null c 1 3 &&
	agent --root "$ROOT" --state-dir st --output null 2>err &&
	test "$(kind null)" = "character special file" &&
	test "$(stat -c %t,%T null)" = 1,3 &&
	! test -s err &&
	test -z "$(ls -A | grep "^\.null")"
'

test_expect_success '--output onto a FIFO with a reader: the reader gets the whole report' '
	mkfifo pipe &&
	{ fifo_read pipe got & } &&
	wait_for ready &&
	timeout 60 "$AGENT_BIN" --config "$TEST_DIR/.empty.conf" --root "$ROOT" --state-dir st \
		--output pipe &&
	wait &&
	test "$(kind pipe)" = fifo &&
	test "$(jqr $X.os_release.ID got)" = debian &&
	test "$(jqr ".content.softwares | length" got)" = 6 &&
	test "$(tail -c 1 got | od -An -c | tr -d " ")" = "\\n"
'

test_expect_success '--output onto a FIFO nobody reads: refused at once (73), stays a FIFO' '
	mkfifo lonely &&
	expect_status 73 timeout 20 "$AGENT_BIN" --config "$TEST_DIR/.empty.conf" \
		--root "$ROOT" --state-dir st --output lonely 2>err &&
	grep -q "no process reads the FIFO .lonely." err &&
	test "$(kind lonely)" = fifo
'

test_expect_success '--output onto a block device: refused (73), the node untouched' '
	mknod blk b 7 0 &&
	expect_status 73 agent --root "$ROOT" --state-dir st --output blk 2>err &&
	grep -q "blk.* not a regular file, character device or FIFO" err &&
	test "$(kind blk)" = "block special file"
'

test_expect_success 'a new file gets 0666 minus the umask: 0600 at 077, 0644 at 022' '
	(umask 077 && agent --root "$ROOT" --state-dir st --output new077.json) &&
	test "$(mode new077.json)" = 600 &&
	(umask 022 && agent --root "$ROOT" --state-dir st --output new022.json) &&
	test "$(mode new022.json)" = 644 &&
	(umask 027 && agent --root "$ROOT" --state-dir st --output new027.json) &&
	test "$(mode new027.json)" = 640
'

test_expect_success 'a replaced file keeps its mode: 0600 stays 0600 at umask 022' '
	echo old >keep.json && chmod 600 keep.json &&
	(umask 022 && agent --root "$ROOT" --state-dir st --output keep.json) &&
	test "$(mode keep.json)" = 600 &&
	test "$(jqr $X.os_release.ID keep.json)" = debian &&
	echo old >shared.json && chmod 664 shared.json &&
	(umask 077 && agent --root "$ROOT" --state-dir st --output shared.json) &&
	test "$(mode shared.json)" = 664
'

test_expect_success '--output DIR/: the new file follows the umask (0600 at 077)' '
	mkdir drop &&
	(umask 077 && agent --root "$ROOT" --state-dir st --output drop/) &&
	f=$(ls drop) && test -n "$f" &&
	test "$(mode "drop/$f")" = 600
'

test_expect_success '--output onto a symbolic link: its target written in place, the link kept' '
	echo "an older, longer target file" >target.json && chmod 640 target.json &&
	ln -s target.json link.json &&
	agent --root "$ROOT" --state-dir st --output link.json &&
	test "$(kind link.json)" = "symbolic link" &&
	test "$(readlink link.json)" = target.json &&
	test "$(jqr $X.os_release.ID target.json)" = debian &&
	test "$(mode target.json)" = 640
'

test_expect_success '--output through /proc/self/fd/1: the shell'"'"'s redirection gets the report' '
	ln -s /proc/self/fd/1 to-stdout &&
	agent --root "$ROOT" --state-dir st --output to-stdout >via-fd.json &&
	test "$(kind to-stdout)" = "symbolic link" &&
	test "$(jqr ".content.softwares | length" via-fd.json)" = 6
'

test_expect_success '--output onto a link to nothing or to a block device: refused (73)' '
	ln -s nowhere/x.json dangling &&
	expect_status 73 agent --root "$ROOT" --state-dir st --output dangling 2>err &&
	grep -q "dangling" err &&
	test "$(kind dangling)" = "symbolic link" &&
	ln -s blk blk-link &&
	expect_status 73 agent --root "$ROOT" --state-dir st --output blk-link 2>err &&
	grep -q "blk-link" err &&
	test "$(kind blk)" = "block special file"
'

test_done
