#!/bin/sh
# The database's file system fills up, or turns read-only, under a running
# collector: POSTs get 503 with Retry-After (never a 200 for a report that
# was not stored), reads keep being served, /healthz says 503, and once
# space returns reports are stored again. Afterwards every report that got
# a 200 is in the database and PRAGMA integrity_check is ok.
#
# Needs root (mount): a 3 MiB tmpfs for the full disk; an ext4 file system
# on a loop device, aborted with "mount -o remount,abort" (ext4's own way to
# simulate a fatal error: the kernel makes it read-only under open files),
# for the read-only case. Each is skipped, saying why, when it cannot run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs)
if [ -z "$skip_all" ] && [ "$(id -u)" != 0 ]; then
	skip_all="needs root to mount a small file system"
fi
if [ -n "$skip_all" ]; then
	test_skip "t500-collector-disk-full: $skip_all"
	test_done
	exit $?
fi
TPL=$TEST_DIR/template.json
make_template "$TPL"
MNT=$TEST_DIR/mnt
EXT=$TEST_DIR/ext
LOOPDEV=""
mkdir -p "$MNT" "$EXT"
unmount_all() {
	umount -l "$MNT" 2>/dev/null
	umount -l "$EXT" 2>/dev/null
	[ -z "$LOOPDEV" ] || losetup -d "$LOOPDEV" 2>/dev/null
}
test_cleanup_cmds="kill_leftovers; unmount_all; $test_cleanup_cmds"

# big_report OUT N: a report of a new machine whose software list (1500
# entries, named for N) is its own, so that storing it takes new pages.
big_report() {
	craft "$1" ".content.hardware.uuid = \"$(uuid)\" | .content.fleetcensus.machine_id = \"\" |
		.content.fleetcensus.agent_id = \"$(uuid)\" | .content.hardware.name = \"full-$2\" |
		.content.softwares = [range(1500) | {name: \"pkg-$2-\(.)\", version: \"1.0-$2\",
		arch: \"amd64\", from: \"deb\"}]"
}

# post_logged URL TOKEN FILE: posts FILE, appends "report_id status" to
# ./sent and checks that a 503 carries Retry-After; prints the status.
post_logged() {
	pl_st=$(post "$1" "$2" "$3" || echo 000)
	echo "$(jq -r .content.fleetcensus.report_id "$3") $pl_st" >>sent
	if [ "$pl_st" = 503 ] && ! grep -qi '^Retry-After: [0-9]' headers; then
		echo "503 without Retry-After" >&2
		return 1
	fi
	echo "$pl_st"
}

# acked_stored DB: every report_id of ./sent that got a 200 is in DB.
acked_stored() {
	awk '$2 == 200 { print $1 }' sent >acked.txt
	{
		echo "CREATE TEMP TABLE acked (rid TEXT PRIMARY KEY);"
		sed "s/.*/INSERT INTO acked VALUES ('&');/" acked.txt
		echo "SELECT count(*) FROM acked WHERE rid NOT IN (SELECT report_id FROM reports);"
	} >check.sql
	as_missing=$(sqlite3 -batch "$1" <check.sql)
	echo "$(wc -l <acked.txt) acknowledged, $as_missing of them missing"
	test "$as_missing" = 0
}

if mount -t tmpfs -o size=3m,mode=0755 fc-e2e-full "$MNT" 2>mount.err; then
	DB=$MNT/full.db
	TOKEN=$(collector org add Vol --db "$DB")
	ADMIN=$(collector token add --role admin --db "$DB")
	srv_start srv "$DB" || :

	test_expect_success 'a full disk: 503 with Retry-After, never a 200 for what was not stored' '
		rm -f sent &&
		craft r0.json &&
		test "$(post_logged "$URL" "$TOKEN" r0.json)" = 200 &&
		{ dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || :; } &&
		df -k "$MNT" | tail -n 1 &&
		n=0 && full=0 &&
		while [ $n -lt 40 ] && [ $full -lt 3 ]; do
			n=$((n + 1)) &&
			big_report big.json $n &&
			st=$(post_logged "$URL" "$TOKEN" big.json) &&
			case $st in
			200) ;;
			503) full=$((full + 1)); error_says "busy|full|try again" ;;
			*) echo "unexpected status $st: $(cat answer)" >&2; exit 1 ;;
			esac
		done &&
		echo "after $n reports: $full answered 503" &&
		test $full -ge 3
	'

	test_expect_success 'while full: the machines, reports and metrics are still served' '
		test "$(get "$URL" "$ADMIN" /api/v1/machines)" = 200 &&
		test "$(jq length answer)" -ge 1 &&
		test "$(get "$URL" "$ADMIN" "/api/v1/reports/counts?format=csv")" = 200 &&
		test "$(get "$URL" "" /metrics)" = 200 &&
		grep -q "^fleetcensus_requests_total{status=\"503\"}" answer
	'

	test_expect_success 'while full: /healthz answers 503' '
		test "$(get "$URL" "" /healthz)" = 503
	'

	test_expect_success 'space returns: reports are stored again, /healthz is 200' '
		rm -f "$MNT/filler" &&
		big_report again.json again &&
		test "$(post_logged "$URL" "$TOKEN" again.json)" = 200 &&
		test "$(get "$URL" "" /healthz)" = 200
	'

	test_expect_success 'every 200 is in the database; integrity_check ok; clean stop' '
		srv_stop srv &&
		grep -q " 503$" sent &&
		acked_stored "$DB" &&
		test "$(sql "$DB" "PRAGMA integrity_check")" = ok &&
		! grep -E "Sanitizer|runtime error" srv/log
	'
	srv_stop srv || :
	umount -l "$MNT"
else
	test_skip "a full disk: cannot mount a tmpfs: $(cat mount.err)"
fi

have_ext4() {
	command -v mkfs.ext4 >/dev/null 2>&1 && command -v losetup >/dev/null 2>&1 &&
		truncate -s 16M ext.img && mkfs.ext4 -q -F ext.img >/dev/null 2>&1 &&
		LOOPDEV=$(losetup -f --show ext.img 2>/dev/null) && mount "$LOOPDEV" "$EXT"
}

if have_ext4 2>mount.err; then
	DB=$EXT/ro.db
	TOKEN=$(collector org add Ro --db "$DB")
	ADMIN=$(collector token add --role admin --db "$DB")
	srv_start srvro "$DB" || :

	test_expect_success 'the file system turns read-only under the server: 503, reads served' '
		rm -f sent &&
		craft ok.json &&
		test "$(post_logged "$URL" "$TOKEN" ok.json)" = 200 &&
		mount -o remount,abort "$EXT" &&
		for i in 1 2 3; do
			craft ro$i.json ".content.hardware.uuid = \"$(uuid)\"" &&
			st=$(post_logged "$URL" "$TOKEN" ro$i.json) &&
			{ test "$st" = 503 || { echo "status $st: $(cat answer)" >&2; tail -n 5 srvro/log >&2; exit 1; }; }
		done &&
		test "$(get "$URL" "$ADMIN" /api/v1/machines)" = 200 &&
		test "$(jq length answer)" = 1 &&
		test "$(get "$URL" "" /healthz)" = 503
	'

	test_expect_success 'read-only: the acknowledged report is in the database' '
		srv_stop srvro || :
		umount "$EXT" && mount "$LOOPDEV" "$EXT" &&
		acked_stored "$DB" &&
		test "$(sql "$DB" "PRAGMA integrity_check")" = ok
	'
else
	test_skip "read-only file system: no ext4 on a loop device here: $(tail -n 1 mount.err)"
fi

test_expect_success 'a database on a read-only file system at start: a clear refusal' '
	mkdir -p rw rodir &&
	collector org add Early --db rw/early.db >/dev/null &&
	mount --bind rw rodir && mount -o remount,bind,ro rodir &&
	expect_status 74 collector serve --db rodir/early.db --listen 127.0.0.1:0 2>err;
	st=$?
	umount rodir
	cat err
	test $st = 0 && grep -q "rodir/early.db" err
'

test_expect_success 'no sanitizer report in any server log' '
	! grep -E "Sanitizer|runtime error" ./*/log
'

test_done
