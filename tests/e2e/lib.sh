# lib.sh - the end-to-end test harness (git's t/test-lib.sh, in small).
#
# A test file sources this, then calls test_expect_success DESC 'commands'
# for each case and test_done at the end. Every file gets its own temporary
# directory ($TEST_DIR, removed on exit); each case runs in a subshell under
# set -e inside it, and prints one TAP line.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
FC_BUILD=${FC_BUILD:-build}
case $FC_BUILD in /*) BUILD_DIR=$FC_BUILD ;; *) BUILD_DIR=$TOP/$FC_BUILD ;; esac
AGENT_BIN=$BUILD_DIR/fleetcensus-agent
FIXTURES=$TOP/tests/fixtures
SHARED=${FC_SHARED:-$(cd "$TOP/.." && pwd)/shared}
SCHEMA=$SHARED/reference/glpi-inventory-format/inventory.schema.json
PY=/usr/bin/python3
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/fc-e2e.XXXXXX")
test_count=0
test_failed=0
test_cleanup_cmds=""

test_cleanup() {
	eval "$test_cleanup_cmds"
	rm -rf "$TEST_DIR"
}
trap test_cleanup EXIT

: >"$TEST_DIR/.empty.conf"

# Runs the agent, under valgrind when FC_VALGRIND=1 (leaks and errors fail).
# The machine's own /etc/fleetcensus/agent.conf is never read: an empty
# configuration file comes first, and a test's own --config replaces it.
agent() {
	if [ "${FC_VALGRIND:-0}" = 1 ]; then
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect \
			"$AGENT_BIN" --config "$TEST_DIR/.empty.conf" "$@"
	else
		"$AGENT_BIN" --config "$TEST_DIR/.empty.conf" "$@"
	fi
}

# Runs "$@" and checks its exit status equals $1: expect_status 75 agent ...
expect_status() {
	want=$1
	shift
	set +e
	"$@"
	got=$?
	set -e
	if [ "$got" != "$want" ]; then
		echo "expected exit status $want, got $got: $*" >&2
		return 1
	fi
}

# Validates a report file against the GLPI inventory JSON Schema.
validate_report() {
	$PY "$TOP/tests/e2e/validate.py" "$SCHEMA" "$@"
}

# JSON query on a report: jqr FILTER FILE (jq -r, compact output).
jqr() {
	jq -c -r "$1" "$2"
}

# kind FILE: what stat says FILE is ("character special file", "fifo", ...).
kind() {
	stat -c %F "$1"
}

# mode FILE: FILE's permission bits in octal (600, 644, ...).
mode() {
	stat -c %a "$1"
}

# wait_for FILE: waits up to 10 s for FILE to exist.
wait_for() {
	wf_n=0
	while [ ! -e "$1" ] && [ $wf_n -lt 100 ]; do
		sleep 0.1
		wf_n=$((wf_n + 1))
	done
	[ -e "$1" ]
}

have_shared() {
	[ -d "$SHARED/corpus" ] && [ -f "$SCHEMA" ]
}

test_expect_success() {
	test_count=$((test_count + 1))
	(
		set -e
		cd "$TEST_DIR"
		eval "$2"
	) >"$TEST_DIR/.out" 2>&1
	st=$?
	if [ $st = 0 ]; then
		echo "ok $test_count - $1"
	elif [ $st = 77 ]; then
		echo "ok $test_count # SKIP $1: $(tail -n 1 "$TEST_DIR/.out")"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TEST_DIR/.out" | tail -n 40
	fi
}

# Inside a test body: skip this test, saying why (exit status 77).
skip_test() {
	echo "$1"
	exit 77
}

# tls_ca DIR [CN]: a test CA (EC P-256, 2 days) in DIR/ca.key, DIR/ca.pem.
tls_ca() {
	mkdir -p "$1" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=${2:-fleetcensus test CA}" -keyout "$1/ca.key" -out "$1/ca.pem" \
		>/dev/null 2>&1
}

# tls_cert CADIR DIR SAN [CN]: a server certificate DIR/cert.pem (key
# DIR/key.pem) with subjectAltName SAN and CN (default localhost), signed by
# the CA tls_ca made in CADIR.
tls_cert() {
	mkdir -p "$2" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-subj "/CN=${4:-localhost}" -keyout "$2/key.pem" -out "$2/server.csr" >/dev/null 2>&1 &&
	printf 'subjectAltName=%s\n' "$3" >"$2/ext.cnf" &&
	openssl x509 -req -in "$2/server.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" \
		-CAcreateserial -days 2 -extfile "$2/ext.cnf" -out "$2/cert.pem" >/dev/null 2>&1
}

# make_test_ca DIR [SAN [CA_CN]]: a test CA and a server certificate signed
# by it, both in DIR (ca.pem; cert.pem, key.pem), for SAN (default
# IP:127.0.0.1,DNS:localhost).
make_test_ca() {
	tls_ca "$1" "${3:-}" && tls_cert "$1" "$1" "${2:-IP:127.0.0.1,DNS:localhost}"
}

# cross_plain_only: the cross-built agents (Windows, static musl) are not
# built with the sanitizers, so their tests run once, in the plain build's
# pass of make check, and skip in the ASan pass.
cross_plain_only() {
	case $FC_BUILD in
	*asan*)
		test_skip "${0##*/}: cross-built agents are tested in the plain build's pass only"
		test_done
		exit $?
		;;
	esac
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # SKIP $1"
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" = 0 ]
}
