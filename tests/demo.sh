#!/bin/sh
# make demo: the whole path on this machine. A collector on a temporary
# SQLite file on loopback, an organisation and its token, the agent sending
# this machine's inventory to it, and what the collector now holds.
# It ends with the tender table (report tender) for the machines it
# registered: this machine, and a few crafted ones (Windows XP and 7, CentOS
# 6) so that the table has lines to show; then the same table split by
# Windows 11 readiness (--split win11, docs/readiness.md), the crafted
# machines carrying readiness facts (docs/protocol.md).
set -eu
BUILD=${1:-build}
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
C=$BUILD/fleetcensus-collector
export FLEETCENSUS_DB="$tmp/collector.db"

echo "== a collector on $FLEETCENSUS_DB, listening on loopback"
token=$("$C" org add "Gemeente Voorbeeld")
reader=$("$C" token add --org "Gemeente Voorbeeld" --role reader)
"$C" serve --listen 127.0.0.1:0 --port-file "$tmp/port" 2>"$tmp/serve.log" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
url=http://127.0.0.1:$(cat "$tmp/port")
echo "   $url, organisation 'Gemeente Voorbeeld'"

echo "== the agent reports this machine"
"$BUILD/fleetcensus-agent" --config /dev/null --state-dir "$tmp/agent" --server "$url" \
	--token "$token" --verbose --output "$tmp/report.json"
"$BUILD/fleetcensus-agent" --config /dev/null --state-dir "$tmp/agent" --server "$url" \
	--token "$token"
echo "   delivered (agent exit status $?)"
jq -r '.content as $c | $c.fleetcensus as $x |
  "   host:       \($c.hardware.name // "?")",
  "   system:     \($c.operatingsystem.full_name // "?") [\($c.operatingsystem.arch // "?")]",
  "   packages:   \($c.softwares // [] | length) (\($c.softwares // [] | map(.from) | unique | join(", ")))",
  "   sections:   \($x.sections | to_entries | map("\(.key) \(.value)") | join(", "))"' "$tmp/report.json"

echo
echo "== what the collector holds (GET /api/v1/machines, reader token)"
curl -sf -H "Authorization: Bearer $reader" "$url/api/v1/machines?format=csv" | sed "s/^/   /"
echo
echo "== the collector's log"
sed 's/^/   /' "$tmp/serve.log"

echo
echo "== classified (report machines)"
"$C" report machines --format table | sed 's/^/   /'

echo
echo "== a few more machines of other organisations, crafted from this report"
"$C" org add "Gemeente Elders" >/dev/null
# Readiness facts: an i5-8500 with everything Windows 11 needs, changed by
# each machine's kind below.
cpu='[{"manufacturer":"GenuineIntel","familynumber":"6","model":"158","stepping":10,
 "name":"Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz","core":6,"speed":3000}]'
hw='{"cpu_logical":6,"cpu_sse42":true,"cpu_popcnt":true,"memory_installed_mib":8192,
 "system_volume_mib":243000,"firmware":"uefi","secure_boot_capable":true,
 "tpm_present":true,"tpm_version":"2.0","os_bits":64}'
for spec in "1 xp core2" "2 xp core2" "3 w7 ready" "4 w7 haswell" "5 w7 notpm" "6 centos6 ready"; do
	set -- $spec
	case $3 in
	ready) r='.' ;;
	core2) r='.content.cpus[0] |= (.model = "15" | .name = "Intel(R) Core(TM)2 CPU 6400 @ 2.13GHz") |
		.content.fleetcensus.hw |= (.cpu_sse42 = false | .cpu_popcnt = false | .os_bits = 32 |
		.firmware = "bios" | .tpm_present = false | del(.tpm_version))' ;;
	haswell) r='.content.cpus[0] |= (.model = "60" | .name = "Intel(R) Core(TM) i5-4590 CPU @ 3.30GHz")' ;;
	notpm) r='.content.fleetcensus.hw |= (.tpm_present = false | del(.tpm_version))' ;;
	esac
	case $2 in
	xp) f='del(.content.fleetcensus.os_release) | .content.fleetcensus.windows =
		{"major":5,"minor":1,"build":2600,"product_type":1,"suite_mask":256,
		 "csd_version":"Service Pack 3","native_arch":"x86"}' ;;
	w7) f='del(.content.fleetcensus.os_release) | .content.fleetcensus.windows =
		{"major":6,"minor":1,"build":7601,"product_type":1,"edition_id":"Professional",
		 "csd_version":"Service Pack 1","native_arch":"AMD64"}' ;;
	centos6) f='del(.content.fleetcensus.os_release) | .content.fleetcensus.release_files =
		{"/etc/redhat-release":"CentOS release 6.10 (Final)"}' ;;
	esac
	jq --arg n "$1" --arg rid "$(cat /proc/sys/kernel/random/uuid)" "
	  .content.fleetcensus.report_id = \$rid |
	  .content.hardware.uuid = \"00000000-0000-4000-8000-00000000000\\(\$n)\" |
	  .content.fleetcensus.agent_id = \"11111111-0000-4000-8000-00000000000\\(\$n)\" |
	  .content.hardware.name = \"demo-\\(\$n)\" | del(.content.fleetcensus.machine_id) | $f |
	  .content.cpus = $cpu | .content.fleetcensus.hw = $hw | $r" \
	  "$tmp/report.json" >"$tmp/m$1.json"
	"$C" import --org "Gemeente Elders" "$tmp/m$1.json" | sed 's/^/   /'
done

echo
echo "== the tender table (report tender --horizon-months 12)"
"$C" report tender --horizon-months 12 | sed 's/^/   /'

echo
echo "== the same, a line per Windows 11 verdict (report tender --horizon-months 12 --split win11)"
"$C" report tender --horizon-months 12 --split win11 | sed 's/^/   /'
