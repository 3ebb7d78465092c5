#!/bin/sh
# bench/collector.sh - collector ingest over loopback: a real server on a
# temporary SQLite file, fed by bench/loadgen (libcurl multi) with CONC
# concurrent senders of realistic reports (PACKAGES entries, gzip).
#   sh bench/collector.sh [BUILD] [REPORTS] [CONC] [PACKAGES]
set -eu
BUILD=${1:-build}
REPORTS=${2:-2000}
CONC=${3:-16}
PACKAGES=${4:-1500}
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
C=$BUILD/fleetcensus-collector
export FLEETCENSUS_DB="$tmp/bench.db"

token=$("$C" org add "Bench Gemeente")
"$C" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --threads 4 2>"$tmp/serve.log" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port")
"$BUILD/fleetcensus-agent" --config /dev/null --state-dir "$tmp/st" --output "$tmp/template.json"

echo "collector ingest: $REPORTS first reports of distinct machines, $CONC concurrent senders"
"$BUILD/bench/loadgen" "http://127.0.0.1:$port" "$token" "$tmp/template.json" \
	"$REPORTS" "$CONC" "$PACKAGES"
rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
cpu=$(awk '{print ($14 + $15) / 100}' "/proc/$pid/stat")
echo "collector peak RSS ${rss} KiB, CPU ${cpu} s in all ($(echo "scale=2; $cpu * 1000 / $REPORTS" | bc) ms per report)"
kill "$pid" && wait "$pid" || true
pid=""
machines=$(sqlite3 "$FLEETCENSUS_DB" 'SELECT count(*) FROM machines' 2>/dev/null || echo "?")
size=$(stat -c %s "$FLEETCENSUS_DB")
echo "database: $size bytes for $machines machines"
