#!/bin/sh
# make demo: the whole path on this machine. A collector on a temporary
# SQLite file on loopback, an organisation and its token, the agent sending
# this machine's inventory to it, and what the collector now holds.
# It ends with the tender table (report tender) for the machines it
# registered: this machine, and a few crafted ones (Windows XP and 7, CentOS
# 6) so that the table has lines to show.
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
for spec in "1 xp" "2 xp" "3 w7" "4 w7" "5 w7" "6 centos6"; do
	set -- $spec
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
	  .content.hardware.name = \"demo-\\(\$n)\" | del(.content.fleetcensus.machine_id) | $f" \
	  "$tmp/report.json" >"$tmp/m$1.json"
	"$C" import --org "Gemeente Elders" "$tmp/m$1.json" | sed 's/^/   /'
done

echo
echo "== the tender table (report tender --horizon-months 12)"
"$C" report tender --horizon-months 12 | sed 's/^/   /'
