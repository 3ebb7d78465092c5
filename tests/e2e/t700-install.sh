#!/bin/sh
# make install / make uninstall (mk/install.mk) into scratch trees, never the
# running system: DESTDIR only. The man pages render without warnings, the
# installed units pass systemd-analyze verify and name the installed
# programs, the programs run, and uninstall removes every file install put.
# make install-user (packaging/setup-collector.sh) adds the fleetcensus user
# to a scratch passwd file (useradd --prefix) and gives it the state dir.
. "$(dirname "$0")/lib.sh"

# mk: make in the source tree for this build (the ASan pass: SANITIZE=1),
# without the MAKEFLAGS of a make check that may be running this test.
mk() {
	case $FC_BUILD in
	*asan*) set -- SANITIZE=1 "$@" ;;
	*) set -- BUILD="$FC_BUILD" "$@" ;;
	esac
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$TOP" "$@"
}

D=$TEST_DIR/dest
UNITS="fleetcensus-agent.service fleetcensus-agent.timer fleetcensus-collector.service
fleetcensus-tender.service fleetcensus-tender.timer fleetcensus-snapshot.service
fleetcensus-snapshot.timer fleetcensus-prune.service fleetcensus-prune.timer"

test_expect_success 'make install DESTDIR PREFIX=/usr: every file, with its mode' '
	mk install DESTDIR="$D" PREFIX=/usr >install.log 2>&1 || { cat install.log; exit 1; }
	for f in usr/bin/fleetcensus-agent usr/bin/fleetcensus-collector \
		usr/share/fleetcensus/setup-collector.sh; do
		test "$(stat -c %a "$D/$f")" = 755 || { echo "$f: not 0755"; exit 1; }
	done &&
	for f in usr/share/man/man8/fleetcensus-agent.8 usr/share/man/man8/fleetcensus-collector.8 \
		etc/fleetcensus/agent.conf.example etc/cron.d/fleetcensus-agent \
		etc/cron.d/fleetcensus-tender; do
		test "$(stat -c %a "$D/$f")" = 644 || { echo "$f: not 0644"; exit 1; }
	done &&
	for u in $UNITS; do
		test "$(stat -c %a "$D/usr/lib/systemd/system/$u")" = 644 ||
			{ echo "$u: missing or not 0644"; exit 1; }
	done &&
	test "$(stat -c %a "$D/etc/fleetcensus")" = 700 &&
	# and nothing else: 6 files, the units and the cron files
	n=$(ls "$TOP"/packaging/systemd/*.service "$TOP"/packaging/systemd/*.timer \
		"$TOP"/packaging/cron.d/* | wc -l) &&
	test "$(find "$D" -type f | wc -l)" = $((6 + n))
'

test_expect_success 'the units and cron files name the installed programs' '
	! grep -r /usr/local/bin/fleetcensus "$D/usr/lib/systemd/system" "$D/etc/cron.d" &&
	grep -ho "/usr/bin/fleetcensus-[a-z]*" "$D"/usr/lib/systemd/system/* "$D"/etc/cron.d/* |
		sort -u >progs &&
	test "$(wc -l <progs)" = 2 &&
	while read -r p; do test -x "$D$p" || { echo "$p not installed"; exit 1; }; done <progs &&
	grep -q "^ExecStart=/usr/bin/fleetcensus-collector snapshot$" \
		"$D/usr/lib/systemd/system/fleetcensus-snapshot.service" &&
	grep -q "^ExecStart=/usr/bin/fleetcensus-collector prune 400$" \
		"$D/usr/lib/systemd/system/fleetcensus-prune.service" &&
	grep -q "^55 23 \* \* \* fleetcensus /usr/bin/fleetcensus-collector snapshot$" \
		"$D/etc/cron.d/fleetcensus-tender" &&
	grep -q "^40 4 \* \* \* fleetcensus /usr/bin/fleetcensus-collector prune 400$" \
		"$D/etc/cron.d/fleetcensus-tender"
'

test_expect_success 'the installed programs run' '
	"$D/usr/bin/fleetcensus-agent" --version | grep -Eq "^fleetcensus-agent [0-9]+\.[0-9]+\.[0-9]+$" &&
	"$D/usr/bin/fleetcensus-collector" --version |
		grep -Eq "^fleetcensus-collector [0-9]+\.[0-9]+\.[0-9]+$" &&
	"$D/usr/bin/fleetcensus-agent" --help | grep -q -- --server &&
	"$D/usr/bin/fleetcensus-collector" --help | grep -q "^  snapshot"
'

test_expect_success 'man -l renders both installed pages without warnings' '
	command -v man >/dev/null 2>&1 || skip_test "man (man-db) is not installed"
	for p in fleetcensus-agent fleetcensus-collector; do
		MANWIDTH=80 man -l --warnings "$D/usr/share/man/man8/$p.8" 2>warn >page &&
		cat warn && ! test -s warn &&
		grep -q "^NAME" page && grep -q "^EXIT STATUS\|^OPTIONS" page || exit 1
	done
'

test_expect_success 'systemd-analyze verify passes on the installed units' '
	command -v systemd-analyze >/dev/null 2>&1 || skip_test "systemd-analyze is not installed"
	test -f /usr/lib/systemd/system/sysinit.target || skip_test "no systemd targets here"
	# a copy of the tree as the root, with the targets the units name and
	# the shell the tender unit runs
	cp -a "$D" vroot &&
	cp /usr/lib/systemd/system/*.target vroot/usr/lib/systemd/system/ &&
	mkdir -p vroot/bin && cp -L /bin/sh vroot/bin/sh &&
	MANPATH=$TEST_DIR/vroot/usr/share/man systemd-analyze verify --root="$TEST_DIR/vroot" \
		$(ls "$D/usr/lib/systemd/system") >verify.out 2>&1 &&
	cat verify.out && ! test -s verify.out &&
	# the check is real: a unit naming a program that is not installed fails
	sed -i "s|/usr/bin/fleetcensus-collector|/usr/sbin/fleetcensus-collector|" \
		vroot/usr/lib/systemd/system/fleetcensus-prune.service &&
	! MANPATH=$TEST_DIR/vroot/usr/share/man systemd-analyze verify --root="$TEST_DIR/vroot" \
		fleetcensus-prune.service >verify.out 2>&1 &&
	grep -q "is not executable" verify.out
'

test_expect_success 'make uninstall removes every file install put, and only those' '
	echo "server = https://c.example" >"$D/etc/fleetcensus/agent.conf" &&
	mk uninstall DESTDIR="$D" PREFIX=/usr >uninstall.log 2>&1 || { cat uninstall.log; exit 1; }
	test "$(find "$D" ! -type d)" = "$D/etc/fleetcensus/agent.conf" &&
	rm "$D/etc/fleetcensus/agent.conf" &&
	test -d "$D/usr/lib/systemd/system" &&
	! test -e "$D/usr/share/fleetcensus"
'

test_expect_success 'the default PREFIX is /usr/local; INSTALL_CRON=0 leaves cron out' '
	mk install DESTDIR="$TEST_DIR/d2" INSTALL_CRON=0 >install.log 2>&1 ||
		{ cat install.log; exit 1; }
	test -x d2/usr/local/bin/fleetcensus-agent &&
	test -f d2/usr/local/share/man/man8/fleetcensus-collector.8 &&
	grep -q "^ExecStart=/usr/local/bin/fleetcensus-agent --quiet$" \
		d2/usr/local/lib/systemd/system/fleetcensus-agent.service &&
	test -f d2/etc/fleetcensus/agent.conf.example &&
	! test -e d2/etc/cron.d &&
	mk uninstall DESTDIR="$TEST_DIR/d2" >uninstall.log 2>&1 || { cat uninstall.log; exit 1; }
	test -z "$(find d2 ! -type d)"
'

test_expect_success 'make install-user: a system user owning the state dir (scratch passwd)' '
	test "$(id -u)" = 0 || skip_test "not root: useradd needs root"
	command -v useradd >/dev/null 2>&1 || skip_test "useradd is missing"
	real=$(cat /etc/passwd /etc/group | cksum) &&
	U=$TEST_DIR/u && mkdir -p "$U/etc" "$U/var/lib/fleetcensus" &&
	echo "root:x:0:0:root:/root:/bin/sh" >"$U/etc/passwd" &&
	echo "root:x:0:" >"$U/etc/group" &&
	echo "root:*:19000:0:99999:7:::" >"$U/etc/shadow" &&
	echo "root:*::" >"$U/etc/gshadow" &&
	: >"$U/var/lib/fleetcensus/collector.db" &&
	mk install-user DESTDIR="$U" >user.log 2>&1 || { cat user.log; exit 1; }
	mk install-user DESTDIR="$U" >>user.log 2>&1 || { cat user.log; exit 1; }
	test "$(grep -c "^fleetcensus:" "$U/etc/passwd")" = 1 &&
	line=$(grep "^fleetcensus:" "$U/etc/passwd") &&
	uid=$(echo "$line" | cut -d: -f3) && gid=$(echo "$line" | cut -d: -f4) &&
	test "$uid" -gt 0 && test "$uid" -lt 1000 &&
	test "$(echo "$line" | cut -d: -f6-)" = "/var/lib/fleetcensus:/usr/sbin/nologin" &&
	grep -q "^fleetcensus:x:$gid:" "$U/etc/group" &&
	for d in var/lib/fleetcensus var/lib/fleetcensus/reports; do
		test "$(stat -c "%u:%g %a" "$U/$d")" = "$uid:$gid 750" ||
			{ stat -c "%u:%g %a %n" "$U/$d"; exit 1; }
	done &&
	test "$(stat -c %u:%g "$U/var/lib/fleetcensus/collector.db")" = "$uid:$gid" &&
	test "$(cat /etc/passwd /etc/group | cksum)" = "$real"
'

test_done
