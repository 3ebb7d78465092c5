#!/bin/sh
# t010-readme.sh - README.md's commands, run, so that the docs cannot rot.
#
# Every fenced ```sh block of README.md is run, in the file's order, as one
# POSIX shell script (sh -e, as root, in the source tree): the recipe of
# "The first week" and the agent examples after it. A block preceded by a
# line "<!-- t010: not run: REASON -->" is skipped, and shown as a TAP SKIP
# with its reason; an indented code block is an error (every command in the
# README is either run or says why not). Each block's output goes to its
# own file, and the outcomes are then checked: the collector is served by
# the installed unit as the user fleetcensus, the first agent's report is
# delivered over HTTPS with the self-signed certificate, and the tender
# table shows that machine.
#
# What stands in for the machine, so that nothing of the host is changed:
#   - a mount namespace in which /etc, /usr/local, /var/lib, /mnt and the
#     source tree are overlays whose writes go to a tmpfs (make install,
#     make install-user's useradd, the database, the agent's state);
#   - a network namespace with only loopback, and a UTS namespace with the
#     host name fc-readme.test (in the overlay's /etc/hosts): port 8443 is
#     free and nothing leaves the machine;
#   - this machine looks like Debian 10 to the agent (/etc/os-release and
#     /etc/debian_version in the overlay), so that the tender table must
#     list it whatever the host runs; /mnt/image is the debian12 fixture
#     root;
#   - systemd is NOT run: `systemctl` is a shim that starts a .service the
#     way its unit says (User=, Group=, Environment=, StateDirectory=,
#     LoadCredential= as %d, UMask=, ExecStart=) in the background, and only
#     records timers and daemon-reload. A real systemd would not see the
#     overlays, so the shim is used even where systemd runs.
# Needs root, unshare(1) with mount, network and UTS namespaces, overlayfs,
# runuser, openssl, curl and jq; skips, saying why, without them.
. "$(dirname "$0")/lib.sh"
cross_plain_only
README=$TOP/README.md
NS=$TEST_DIR/ns
OUT=$TEST_DIR/out
COLLECTOR_BIN=$BUILD_DIR/fleetcensus-collector
PIDS=$TEST_DIR/.pids
: >"$PIDS"
kill_leftovers() {
	while read -r pid; do
		kill -9 "$pid" 2>/dev/null
	done <"$PIDS"
}
test_cleanup_cmds="kill_leftovers; [ -z \"${FC_T010_KEEP:-}\" ] || cp -r \"\$TEST_DIR/out\" \"\$FC_T010_KEEP\"; $test_cleanup_cmds"

# The blocks: BLOCKS gets "LINE<TAB>run" or "LINE<TAB>skip<TAB>REASON" per
# block, README.sh the script (a marker line before each run block).
extract() {
	awk -v script="$TEST_DIR/readme.sh" -v list="$TEST_DIR/blocks" -v out="$OUT" '
	function note(s) { print s >>list }
	/^```/ && !inb {
		inb = 1
		lang = substr($0, 4)
		start = NR
		skip = (prev ~ /^<!-- t010: not run: .* -->$/)
		reason = prev
		sub(/^<!-- t010: not run: /, "", reason)
		sub(/ -->$/, "", reason)
		if (lang == "sh" && !skip) {
			n++
			note(NR "\trun")
			printf "exec >\"%s/%d.out\" 2>&1\necho \"== README.md:%d\" >&2\n", out, n, NR >>script
		} else if (lang == "sh") {
			note(NR "\tskip\t" reason)
		}
		next
	}
	/^```/ && inb { inb = 0; if (lang == "sh" && !skip) print "printf \"\\n== done\\n\"" >>script; next }
	inb && lang == "sh" && !skip { print >>script; next }
	!inb && /^    [^ ]/ && prev == "" { note(NR "\tindented") }
	{ if ($0 != "") prev = $0 }
	' "$README"
}

# The EXAMPLES of man page $1 (docs/man/NAME.8) into man-NAME.sh, one block
# per .RS/.RE, its output in out/man-NAME-N.out. The roff escapes are
# undone; the example host collector.example is this machine; a line that
# starts `fleetcensus-collector serve` is started in the background, and
# the next line waits until it answers.
extract_man() {
	awk -v script="$TEST_DIR/man-$1.sh" -v out="$OUT" -v name="$1" '
	/^\.SH / { ex = ($0 == ".SH EXAMPLES"); next }
	!ex { next }
	/^\.RS/ { n++; inrs = 1; printf "exec >\"%s/man-%s-%d.out\" 2>&1\n", out, name, n >>script; next }
	/^\.RE/ { inrs = 0; print "printf \"\\n== done\\n\"" >>script; next }
	/^\./ { next }
	{
		line = $0
		gsub(/\\-/, "-", line); gsub(/\\\(dq/, "\"", line); gsub(/\\e/, "\\", line)
		gsub(/\\\\/, "\\", line); gsub(/collector\.example/, "fc-readme.test", line)
		if (inrs && line ~ /^fleetcensus-collector serve /) {
			print line " >>\"$T010_LOG/man-serve.log\" 2>&1 &" >>script
			print "echo $! >>\"$T010_PIDS\"" >>script
			print "curl -sS --retry 10 --retry-connrefused --retry-delay 1 https://fc-readme.test:8443/healthz" >>script
		} else if (inrs) {
			print line >>script
		}
	}
	' "$TOP/docs/man/$1.8"
}

why=
[ "$(id -u)" = 0 ] || why="needs root (namespaces)"
[ -n "$why" ] || unshare -m -n -u true 2>/dev/null || why="unshare -m -n -u is not allowed here"
for c in runuser setpriv openssl curl jq make; do
	[ -n "$why" ] || command -v "$c" >/dev/null 2>&1 || why="$c is missing"
done
[ -n "$why" ] || [ -x "$COLLECTOR_BIN" ] || why="$COLLECTOR_BIN is not built"
if [ -n "$why" ]; then
	test_skip "t010-readme: $why"
	test_done
	exit $?
fi

mkdir -p "$OUT" "$NS"
: >"$TEST_DIR/readme.sh"
: >"$TEST_DIR/blocks"
extract
extract_man fleetcensus-collector
extract_man fleetcensus-agent

test_expect_success 'README.md: every code block is fenced; each sh block runs or says why not' '
	! grep -q "indented" blocks || { grep indented blocks; exit 1; } &&
	grep -q "	run$" blocks
'

# The systemctl shim (see the head of this file).
mkdir -p "$NS.shim"
cat >"$NS.shim/systemctl" <<'SHIM'
#!/bin/sh
# systemctl as t010-readme.sh runs it: no systemd (see there).
set -eu
unit_file() {
	for d in /etc/systemd/system /usr/local/lib/systemd/system /lib/systemd/system; do
		[ ! -f "$d/$1" ] || { echo "$d/$1"; return 0; }
	done
	echo "systemctl (t010 shim): no unit $1" >&2
	return 1
}
key() { sed -n "s/^$1=//p" "$2"; }
start() {
	unit=$1
	f=$(unit_file "$unit")
	user=$(key User "$f") group=$(key Group "$f")
	creds=$T010_CREDS/$unit
	mkdir -p "$creds"
	for sd in $(key StateDirectory "$f"); do
		install -d -o "${user:-root}" -g "${group:-root}" \
			-m "$(key StateDirectoryMode "$f" | tail -n 1 | grep . || echo 0755)" "/var/lib/$sd"
	done
	key LoadCredential "$f" | while IFS=: read -r id path; do
		cp "$path" "$creds/$id"
		chown "${user:-root}" "$creds/$id"
		chmod 0400 "$creds/$id"
	done
	chown "${user:-root}" "$creds"
	chmod 0500 "$creds"
	exec_line=$(key ExecStart "$f" | sed "s|%d|$creds|g; s|%%|%|g")
	envs=$(key Environment "$f" | tr '\n' ' ')
	um=$(key UMask "$f")
	eval "set -- $exec_line"
	(
		umask "${um:-0022}"
		exec setpriv --reuid="${user:-root}" --regid="${group:-root}" --init-groups \
			env -i PATH=/usr/local/bin:/usr/bin:/bin $envs "$@"
	) </dev/null >>"$T010_LOG/$unit.log" 2>&1 &
	echo $! >>"$T010_PIDS"
	echo "$unit $!" >>"$T010_LOG/started"
}
case ${1:-} in
daemon-reload) exit 0 ;;
enable)
	shift
	now=0
	[ "${1:-}" != --now ] || { now=1; shift; }
	for u in "$@"; do
		unit_file "$u" >/dev/null
		echo "$u" >>"$T010_LOG/enabled"
		case $now:$u in 1:*.service) start "$u" ;; esac
	done
	;;
*)
	echo "systemctl (t010 shim): '$*' is not supported" >&2
	exit 1
	;;
esac
SHIM
chmod 0755 "$NS.shim/systemctl"

# The namespace's setup, the README's script, and a look at what it left.
cat >"$TEST_DIR/ns.sh" <<NSEOF
set -eu
chmod 0711 "$TEST_DIR"
mount -t tmpfs -o mode=0755 fc-t010 "$NS"
for d in /etc /usr/local /var/lib /mnt "$TOP"; do
	u=$NS/up\$d w=$NS/work\$d
	mkdir -p "\$u" "\$w"
	mount -t overlay overlay -o "lowerdir=\$d,upperdir=\$u,workdir=\$w" "\$d"
	grep -q " \$d overlay " /proc/self/mounts
done
ip link set lo up
hostname fc-readme.test
printf '127.0.0.1 localhost\n127.0.0.1 fc-readme.test fc-readme\n' >/etc/hosts
rm -f /etc/os-release /etc/debian_version
printf '%s\n' 'PRETTY_NAME="Debian GNU/Linux 10 (buster)"' 'NAME="Debian GNU/Linux"' \
	'VERSION_ID="10"' 'VERSION="10 (buster)"' 'VERSION_CODENAME=buster' 'ID=debian' \
	'HOME_URL="https://www.debian.org/"' >/etc/os-release
echo 10.13 >/etc/debian_version
rm -rf /etc/fleetcensus /var/lib/fleetcensus /var/lib/fleetcensus-agent /mnt/image /mnt/usb
mkdir -p /mnt/image /mnt/usb/reports
mount --bind -o ro "$FIXTURES/roots/debian12" /mnt/image
mkdir -p "$NS/creds" "$NS/log"
chmod 0755 "$NS/creds"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy FLEETCENSUS_DB
export T010_CREDS=$NS/creds T010_LOG=$NS/log T010_PIDS=$PIDS
export PATH=$NS.shim:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
unset MAKEFLAGS MFLAGS MAKELEVEL FC_BUILD FC_SHARED
cd "$TOP"
set +e
sh -e "$TEST_DIR/readme.sh"
echo \$? >"$TEST_DIR/readme.status"
set -e
# what the checks need from inside
cp -r "$NS/log" "$TEST_DIR/log"
getent passwd fleetcensus >"$TEST_DIR/passwd" || :
ls /etc/cron.d >"$TEST_DIR/cron.d"
stat -c %a /etc/fleetcensus/token >"$TEST_DIR/token.mode" || :
stat -c %U /var/lib/fleetcensus/collector.db >"$TEST_DIR/db.owner" || :
jq -r .content.fleetcensus.os_release.VERSION_ID image.json >"$TEST_DIR/image.version" || :
while read -r unit pid; do
	awk '/^Uid:/ { print \$2 }' /proc/\$pid/status >"$TEST_DIR/\$unit.uid" || :
	kill \$pid
done <"$NS/log/started"

# The man pages' EXAMPLES, after the README's services are stopped: root,
# a database of their own, the test certificate trusted system-wide as a
# real CA's would be, a report on /media/usb, and (the glue between the two
# pages: "give its token to the agents") the collector example's \$TOKEN
# in /etc/fleetcensus/token.
sleep 1
export FLEETCENSUS_DB=/var/lib/fleetcensus/man-examples.db
cat /etc/fleetcensus/cert.pem >>/etc/ssl/certs/ca-certificates.crt
for d in /media /srv; do
	mkdir -p "$NS/up\$d" "$NS/work\$d"
	mount -t overlay overlay -o "lowerdir=\$d,upperdir=$NS/up\$d,workdir=$NS/work\$d" "\$d"
done
rm -rf /media/usb /srv/reports
mkdir -p /media/usb /srv/reports
fleetcensus-agent --config /dev/null --output /media/usb/ --quiet
printf '%s\n' ". '$TEST_DIR/man-fleetcensus-collector.sh'" \
	'(umask 077 && printf "%s\n" "\$TOKEN" >/etc/fleetcensus/token)' \
	". '$TEST_DIR/man-fleetcensus-agent.sh'" >"$TEST_DIR/man.sh"
set +e
sh -e "$TEST_DIR/man.sh"
echo \$? >"$TEST_DIR/man.status"
set -e
ls /srv/reports >"$TEST_DIR/srv-reports"
NSEOF

test_expect_success 'the README sh blocks run, top to bottom, in a scratch machine' '
	unshare -m -n -u sh ns.sh >ns.out 2>&1 || { cat ns.out; exit 1; }
	test "$(cat readme.status)" = 0 || {
		n=$(ls out | sort -n | tail -n 1)
		echo "README.md block $n failed (exit $(cat readme.status)):"
		cat "out/$n"; exit 1; }
'

test_expect_success 'the man pages EXAMPLES run (serve in the background)' '
	test "$(cat man.status)" = 0 || {
		n=$(ls -t out | head -n 1)
		echo "the man page example of $n failed (exit $(cat man.status)):"
		cat "out/$n"; exit 1; }
'

for f in "$OUT"/man-*.out; do
	[ -f "$f" ] || continue
	n=${f##*/}
	test_expect_success "${n%.out}: ran to its end" "tail -n 1 'out/$n' | grep -qx '== done'"
done

test_expect_success 'the man pages EXAMPLES: what they show happened' '
	cat out/man-fleetcensus-collector-*.out | grep -E "^org,machine,hostname,last_seen," &&
	cat out/man-fleetcensus-collector-*.out |
		grep -E "^/media/usb/fleetcensus-fc-readme-.*: machine [0-9a-f-]+ \(new\)$" &&
	grep -E "^tender-[0-9]{4}-[0-9]{2}-[0-9]{2}\.csv$" srv-reports &&
	cat out/man-fleetcensus-collector-*.out | grep -E "^2	reader	Gemeente Utrecht	.*	active$" &&
	cat out/man-fleetcensus-agent-*.out |
		grep -E "^sent the (full|short) report to https://fc-readme.test:8443: delivered" &&
	cat out/man-fleetcensus-agent-*.out |
		grep -E "^relay /media/usb: sent 1, rejected 0, kept 0, superseded 1, skipped 0$"
'

# The outcome of each block, one TAP line a block.
i=0
while IFS="$(printf '\t')" read -r line what reason; do
	case $what in
	run)
		i=$((i + 1))
		test_expect_success "README.md:$line: ran to its end" "
			sed -n 2p out/$i.out | sed 's/^/  /' &&
			tail -n 1 out/$i.out | grep -qx '== done'
		"
		;;
	skip) test_skip "README.md:$line: not run: $reason" ;;
	esac
done <"$TEST_DIR/blocks"

test_expect_success 'install: the programs, the user fleetcensus, no cron files' '
	grep -q "^fleetcensus:.*:/var/lib/fleetcensus:/usr/sbin/nologin$" passwd &&
	! grep -q fleetcensus cron.d &&
	test "$(cat token.mode)" = 600 && test "$(cat db.owner)" = fleetcensus
'

test_expect_success 'the collector runs under the unit, as fleetcensus; /healthz answers' '
	grep -qx "fleetcensus-collector.service [0-9]*" log/started &&
	test "$(cat fleetcensus-collector.service.uid)" = "$(cut -d: -f3 passwd)" &&
	grep -qx "fleetcensus-tender.timer" log/enabled &&
	grep -qx "fleetcensus-agent.timer" log/enabled &&
	cat out/*.out | grep -Fq "{\"status\":\"ok\"}"
'

test_expect_success 'the first agent: delivered over HTTPS, one line' '
	cat out/*.out |
		grep -E "^sent the full report to https://fc-readme.test:8443: delivered \(HTTP 200\)"
'

test_expect_success 'the first tender table shows this machine (Debian 10, eol)' '
	cat out/*.out | grep -E "^Gemeente Utrecht +Debian 10 .* eol .* 1$" &&
	cat out/*.out | grep -E "^Gemeente Utrecht +[0-9a-f-]+ +fc-readme +.* eol " &&
	cat out/*.out | grep -E "^Gemeente Utrecht,[0-9a-f-]+,fc-readme,.*,debian,10,"
'

test_expect_success 'the agent examples: an image, a relay, an import' '
	cat out/*.out | grep -F "\"VERSION_CODENAME\": \"buster\"" &&
	test "$(cat image.version)" = 12 &&
	cat out/*.out | grep -E "^sent the short report to https://fc-readme.test:8443: delivered" &&
	cat out/*.out | grep -E "^relay /mnt/usb/reports: sent 1, rejected 0" &&
	cat out/*.out |
		grep -E "^/mnt/usb/reports/fleetcensus-fc-readme-.*\.json: machine .* \(updated\)$"
'

test_done
