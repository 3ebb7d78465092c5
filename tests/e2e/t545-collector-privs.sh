#!/bin/sh
# serve --user NAME: started as root, the collector binds a port below 1024
# and reads a root-only TLS key, then runs as NAME (uid, gid and groups of
# NAME, no capabilities, no_new_privs) and creates its database files as
# NAME. Wrong uses are refused with a clear message. The systemd unit
# passes systemd-analyze verify. Needs root and the user nobody.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs openssl)
if [ -z "$skip_all" ] && [ "$(id -u)" != 0 ]; then
	skip_all="needs root"
elif [ -z "$skip_all" ] && ! id nobody >/dev/null 2>&1; then
	skip_all="no user nobody"
fi
if [ -n "$skip_all" ]; then
	test_skip "t545-collector-privs: $skip_all"
	test_done
	exit $?
fi
TPL=$TEST_DIR/template.json
make_template "$TPL"
chmod 711 "$TEST_DIR" # nobody must reach its directory below
D=$TEST_DIR/var
mkdir -p "$D" tls
chown nobody "$D"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -keyout tls/key.pem \
	-out tls/cert.pem >/dev/null 2>&1
chmod 600 tls/key.pem
chmod 700 tls
TOKEN=$(collector org add Laag --db "$D/c.db")
chown nobody "$D"/c.db*

# A free port below 1024 on 127.0.0.1.
low_port() {
	$PY -c 'import socket
for p in range(1023, 600, -1):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p)
    break'
}

proc_field() {
	awk -v k="$2:" '$1 == k { $1 = ""; print substr($0, 2) }' "/proc/$1/status"
}

test_expect_success 'root, --user nobody, port < 1024, root-only key: runs as nobody' '
	port=$(low_port) && test -n "$port" &&
	mkdir -p srv && chown nobody srv &&
	srv_start srv "$D/c.db" --user nobody --listen "127.0.0.1:$port" \
		--tls-cert tls/cert.pem --tls-key tls/key.pem &&
	pid=$(cat srv/pid) &&
	nobody=$(id -u nobody) && nogroup=$(id -g nobody) &&
	test "$(proc_field $pid Uid)" = "$nobody $nobody $nobody $nobody" &&
	test "$(proc_field $pid Gid)" = "$nogroup $nogroup $nogroup $nogroup" &&
	test "$(proc_field $pid Groups | tr -s " " "\n" | sort -n | xargs)" = \
	     "$(id -G nobody | tr " " "\n" | sort -n | xargs)" &&
	test "$(proc_field $pid CapEff)" = 0000000000000000 &&
	test "$(proc_field $pid CapPrm)" = 0000000000000000 &&
	test "$(proc_field $pid NoNewPrivs)" = 1 &&
	test "$(cat srv/port)" = "$port" &&
	test "$(stat -c %U srv/port)" = nobody &&
	craft r.json &&
	test "$(post "https://127.0.0.1:$port" "$TOKEN" r.json --cacert tls/cert.pem)" = 200 &&
	for f in "$D"/c.db*; do
		test "$(stat -c %U "$f")" = nobody || { ls -l "$D" >&2; exit 1; }
	done &&
	srv_stop srv &&
	! grep -q "running as root" srv/log
'

test_expect_success 'a database nobody cannot write: refused at start (78), says so' '
	mkdir -p rootdb &&
	collector org add Root --db rootdb/r.db >/dev/null &&
	expect_status 78 collector serve --user nobody --db rootdb/r.db --listen 127.0.0.1:0 \
		2>err &&
	cat err &&
	grep -q "readonly database\|unable to open\|cannot read\|cannot write" err &&
	grep -q "user .nobody. must be able to write the database" err
'

test_expect_success 'a database nobody can write in a directory it cannot: 78' '
	mkdir -p rootdir &&
	collector org add Root --db rootdir/r.db >/dev/null &&
	chown nobody rootdir/r.db &&
	expect_status 78 collector serve --user nobody --db rootdir/r.db --listen 127.0.0.1:0 \
		2>err &&
	cat err &&
	grep -q "user .nobody. must be able to write the database and its directory" err
'

test_expect_success 'no such user, or root: usage errors (64)' '
	expect_status 64 collector serve --user no-such-user-fc --db "$D/c.db" \
		--listen 127.0.0.1:0 2>err &&
	grep -q "no such user .no-such-user-fc." err &&
	expect_status 64 collector serve --user root --db "$D/c.db" --listen 127.0.0.1:0 2>err &&
	grep -q "uid 0" err
'

test_expect_success 'not root, --user of another user: 77' '
	command -v setpriv >/dev/null 2>&1 || skip_test "setpriv is missing"
	expect_status 77 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$COLLECTOR_BIN" serve --user daemon --db "$D/c.db" --listen 127.0.0.1:0 2>err &&
	cat err &&
	grep -q "only root can change to another user" err
'

test_expect_success 'root without --user: serves, with a warning' '
	srv_start srvroot "$D/c.db" &&
	srv_stop srvroot &&
	grep -q "running as root; --user NAME" srvroot/log
'

test_expect_success 'the systemd unit passes systemd-analyze verify' '
	command -v systemd-analyze >/dev/null 2>&1 || skip_test "systemd-analyze is missing"
	mkdir -p unit &&
	sed -e "s|/usr/local/bin/fleetcensus-collector|$COLLECTOR_BIN|" -e "/^Documentation=/d" \
		"$TOP/packaging/systemd/fleetcensus-collector.service" \
		>unit/fleetcensus-collector.service &&
	systemd-analyze verify unit/fleetcensus-collector.service >verify.out 2>&1 &&
	cat verify.out &&
	! test -s verify.out &&
	for k in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes PrivateDevices=yes \
		ProtectHome=yes CapabilityBoundingSet= SystemCallFilter=@system-service \
		RestrictAddressFamilies= ReadWritePaths=/var/lib/fleetcensus; do
		grep -q "^$k" unit/fleetcensus-collector.service || { echo "no $k" >&2; exit 1; }
	done
'

test_expect_success 'no sanitizer report in any server log' '
	! grep -E "Sanitizer|runtime error" ./*/log
'

test_done
