#!/bin/sh
# The fully static Linux agent (make static, mk/static.mk): statically
# linked; runs in an empty chroot and delivers over HTTPS to the real
# collector; still delivers when every system call newer than Linux 2.6.32
# fails with ENOSYS (an old kernel, simulated with strace); and reports
# exactly what the dynamic agent reports for every fixture root and every
# corpus root. Builds the static agent (and its Debian-source libraries,
# packaging/build-deps.sh) when needed; skips when musl-gcc is missing or the
# libraries cannot be built here.
. "$(dirname "$0")/lib.sh"
cross_plain_only
. "$(dirname "$0")/lib-collector.sh"
STATIC=$TOP/build/linux-x86_64-static/fleetcensus-agent
DB=$TEST_DIR/static.db
TLS=$TEST_DIR/tls

# The fields that differ between two runs over the same root: the run's own
# ids and times (deviceid holds the collection time). Everything else must be
# equal between the static and the dynamic agent.
VOLATILE='del(.deviceid, .content.fleetcensus.report_id, .content.fleetcensus.agent_id,
	.content.fleetcensus.collected_at)'

skip_all=$(collector_prereqs file strace openssl)
if [ -z "$skip_all" ] && ! command -v musl-gcc >/dev/null 2>&1; then
	skip_all="musl-gcc is missing (Debian package musl-tools)"
fi
if [ -z "$skip_all" ] &&
	! sh "$TOP/packaging/build-deps.sh" x86_64-linux-musl >"$TEST_DIR/deps.log" 2>&1; then
	skip_all="the static libraries cannot be built here: $(grep build-deps: "$TEST_DIR/deps.log" |
		tail -n 1)"
fi
if [ -n "$skip_all" ]; then
	test_skip "t650-static: $skip_all"
	test_done
	exit $?
fi

test_expect_success 'make static builds build/linux-x86_64-static/fleetcensus-agent' '
	make -C "$TOP" static >make.log 2>&1 || { tail -n 30 make.log; exit 1; } &&
	test -x "$STATIC"
'
if [ ! -x "$STATIC" ]; then
	test_done
	exit $?
fi

test_expect_success 'file says statically linked; ldd finds no dependencies' '
	file -L "$STATIC" | tee file.out | grep -q "statically linked" &&
	! grep -q interpreter file.out &&
	! ldd "$STATIC" >ldd.out 2>&1 &&
	grep -q "not a dynamic executable" ldd.out
'

collector org add "Gemeente Static" --db "$DB" >agent.token
collector token add --role admin --db "$DB" >admin.token
AGENT_TOKEN=$(cat agent.token)
ADMIN=$(cat admin.token)
make_test_ca "$TLS" && srv_start https "$DB" --tls-cert "$TLS/cert.pem" --tls-key "$TLS/key.pem" || :
# mbedTLS 2.28 matches the host name only against DNS names of the
# certificate; the agent itself accepts an iPAddress name equal to the URL's
# address (agent/certsan.c): the jail uses the address, the old-kernel case
# the name (curl resolves "localhost" itself, without /etc/hosts).
NAMED_URL=https://localhost:${PORT:-0}
IP_URL=https://127.0.0.1:${PORT:-0}

if [ "$(id -u)" != 0 ] || ! command -v chroot >/dev/null 2>&1; then
	test_skip 'in an empty chroot: delivered over HTTPS (needs root for chroot)'
else
	test_expect_success 'in an empty chroot: delivered over HTTPS, stored by the collector' '
		mkdir jail &&
		cp "$STATIC" jail/fleetcensus-agent &&
		cp -R "$ROOT" jail/fixture &&
		cp "$TLS/ca.pem" jail/ca.pem &&
		test "$(ls jail | tr "\n" " ")" = "ca.pem fixture fleetcensus-agent " &&
		chroot jail /fleetcensus-agent --config /dev/null --root /fixture --server "$IP_URL" \
			--token "$AGENT_TOKEN" --state-dir /state --cacert /ca.pem --timeout 10 &&
		! test -s jail/state/spool/report.json.gz &&
		machines "$URL" "$ADMIN" "" --cacert "$TLS/ca.pem" >m.json &&
		test "$(jq length m.json)" = 1 &&
		test "$(jq -r ".[0].hostname" m.json)" = ws-0042 &&
		test "$(jq -r ".[0].org" m.json)" = "Gemeente Static" &&
		test "$(sql "$DB" "SELECT count(*) FROM reports")" = 1 &&
		grep -q "POST /api/v1/inventory 200 org=\"Gemeente Static\"" https/log
	'
fi

# The x86_64 system calls that Linux 2.6.32 lacks: numbers above 298
# (perf_event_open, the last one 2.6.32 added; x86_64 numbers only grow),
# as named by this machine's headers and known to strace.
new_syscalls() {
	sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$/\1 \2/p' \
		/usr/include/x86_64-linux-gnu/asm/unistd_64.h | awk '$2 > 298 { print $1 }' |
		while read -r sc; do
			strace -qq -o /dev/null -e trace="$sc" true 2>/dev/null && echo "$sc"
		done | tr '\n' ',' | sed 's/,$//'
}

# old_kernel CMD...: runs CMD under strace with every system call that
# Linux 2.6.32 lacks answering ENOSYS; the calls tried go to tried.log.
old_kernel() {
	ok_sc=$(new_syscalls) &&
	test "$(echo "$ok_sc" | tr , "\n" | wc -l)" -ge 40 &&
	strace -f -qq -o trace.log -e trace=all -e inject="$ok_sc":error=ENOSYS "$@" &&
	grep "ENOSYS (Function not implemented) (INJECTED)" trace.log |
		awk '{ sub(/\(.*/, "", $2); print $2 }' | sort | uniq -c >>tried.log
}

test_expect_success 'as on Linux 2.6.32 (newer system calls fail, ENOSYS): delivered over HTTPS' '
	before=$(sql "$DB" "SELECT count(*) FROM reports") &&
	old_kernel "$STATIC" --config /dev/null --root "$ROOT" --server "$NAMED_URL" \
		--token "$AGENT_TOKEN" --state-dir st-old --cacert "$TLS/ca.pem" --timeout 10 &&
	! test -s st-old/spool/report.json.gz &&
	test -s st-old/agent-id &&
	test "$(sql "$DB" "SELECT count(*) FROM reports")" = $((before + 1)) &&
	old_kernel "$STATIC" --config /dev/null --root "$ROOT" --state-dir st-old --output old.json &&
	"$STATIC" --config /dev/null --root "$ROOT" --state-dir st-new --output new.json &&
	jq -S "$VOLATILE" old.json >old.cmp && jq -S "$VOLATILE" new.json >new.cmp &&
	cmp old.cmp new.cmp &&
	echo "system calls newer than 2.6.32 that were tried (and answered ENOSYS):" &&
	cat tried.log
'

# same_reports DIR...: the static and the dynamic agent report the same for
# each root DIR (the same exit status, and equal reports but for VOLATILE).
same_reports() {
	n=0 bad=0
	for d in "$@"; do
		d=${d%/}
		s_st=0 d_st=0
		"$STATIC" --config /dev/null --quiet --root "$d" --state-dir st-s --output s.json ||
			s_st=$?
		agent --quiet --root "$d" --state-dir st-d --output d.json || d_st=$?
		n=$((n + 1))
		if [ $s_st != $d_st ]; then
			echo "$d: exit status $s_st (static) vs $d_st (dynamic)"
			bad=$((bad + 1))
		elif [ $s_st = 0 ]; then
			jq -S "$VOLATILE" s.json >s.cmp && jq -S "$VOLATILE" d.json >d.cmp &&
				cmp -s s.cmp d.cmp && continue
			echo "$d: the reports differ:"
			diff s.cmp d.cmp | head -n 20
			bad=$((bad + 1))
		fi
	done
	echo "$n roots, $bad differ"
	test $bad = 0
}

test_expect_success 'same report as the dynamic agent for every fixture root' '
	same_reports "$FIXTURES"/roots/*/
'

if have_shared; then
	test_expect_success 'same report as the dynamic agent for every os-release corpus root' '
		same_reports "$SHARED"/corpus/os-release/roots/*/
	'
	test_expect_success 'same report as the dynamic agent for every package corpus root' '
		same_reports "$SHARED"/corpus/packages/*/*/root/
	'
else
	test_skip 'same report for every corpus root: ../shared/corpus is absent'
fi

srv_finish https
test_expect_success 'the collector shut down cleanly' '
	srv_clean https
'

test_done
