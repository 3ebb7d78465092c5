#!/bin/sh
# make demo: the whole path on this machine. A collector on a temporary
# SQLite file on loopback, an organisation and its token, the agent sending
# this machine's inventory to it, and what the collector now holds.
# (The tender report arrives with the classification issue; until then the
# demo shows the stored machines.)
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
