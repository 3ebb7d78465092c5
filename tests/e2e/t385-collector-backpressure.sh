#!/bin/sh
# Back-pressure (docs/protocol.md "Back-pressure"): a burst of senders
# against a collector whose writer queue holds one report. Reports past
# the queue get 503 with Retry-After and nothing stored; senders that wait
# and retry (as the agent does) all deliver; every report answered 200 is
# in the database exactly once, nothing else is; memory stays bounded.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs xargs)
if [ -n "$skip_all" ]; then
	test_skip "t385-collector-backpressure: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/burst.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
TOKEN=$(collector org add "Gemeente Utrecht" --db "$DB")
srv_start srv "$DB" --queue 1 --max-connections 256 || :
N=120

# The template with 3,000 packages, so that storing takes a while.
jq -c '.content.softwares as $s | .content.softwares = [range(0; 3000) as $i |
	$s[$i % ($s | length)] | .name = "\(.name)-\($i)"]' "$TPL" >big.json

# send I: one sender: its own machine's report, retried on 503 after
# Retry-After seconds (at most 40 times); logs "report_id status" lines.
cat >send.sh <<'EOF'
i=$1 url=$2 tok=$3
rid=$(cat /proc/sys/kernel/random/uuid)
jq -c --arg rid "$rid" --arg hw "$(printf '4c4c4544-0000-4000-8000-%012d' "$i")" \
	'.content.fleetcensus.report_id = $rid | .content.hardware.uuid = $hw' big.json |
	gzip -1 >"r$i.json.gz"
n=0
while [ $n -lt 40 ]; do
	n=$((n + 1))
	st=$(curl -sS --max-time 120 -o "a$i" -D "h$i" -w '%{http_code}' \
		-H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		-H 'Content-Encoding: gzip' --data-binary @"r$i.json.gz" "$url/api/v1/inventory")
	echo "$rid $st" >>"log$i"
	[ "$st" = 200 ] && exit 0
	if [ "$st" = 503 ]; then
		ra=$(tr -d '\r' <"h$i" | sed -n 's/^[Rr]etry-[Aa]fter: *//p')
		echo "${ra:-none}" >>"ra$i"
		sleep "${ra:-1}"
	else
		sleep 1
	fi
done
exit 1
EOF

test_expect_success "a burst of $N senders: some get 503 with Retry-After, all deliver" '
	seq 1 $N | xargs -P 40 -I{} sh send.sh {} "$URL" "$TOKEN" &&
	cat log* >all.log &&
	test "$(grep -c " 200$" all.log)" = $N &&
	busy=$(grep -c " 503$" all.log) && test "$busy" -gt 0 &&
	echo "# 503 answers: $busy" &&
	! grep -v -E " (200|503)$" all.log &&
	test "$(cat ra* | sort -u)" = 2
'

test_expect_success 'every report answered 200 is stored once, and nothing else' '
	grep " 200$" all.log | cut -d" " -f1 | sort >acked &&
	sql "$DB" "SELECT report_id FROM reports ORDER BY report_id" | sort >stored &&
	cmp acked stored &&
	test "$(sql "$DB" "SELECT count(*) FROM machines")" = $N &&
	test "$(sql "$DB" "PRAGMA integrity_check")" = ok
'

# ASan's shadow memory and quarantine make the sanitizer build's RSS
# meaningless: the bound is checked on the plain build.
case $FC_BUILD in
*asan*) test_skip 'peak RSS (plain build only: ASan inflates it)' ;;
*)
	test_expect_success 'the server'"'"'s memory stayed bounded (peak RSS under 200 MiB)' '
		hwm=$(awk "/^VmHWM/ {print \$2}" "/proc/$(cat srv/pid)/status") &&
		test "$hwm" -lt 204800
	'
	;;
esac

srv_finish srv
test_expect_success 'the server stopped cleanly' 'srv_clean srv'
test_done
