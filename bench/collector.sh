#!/bin/sh
# bench/collector.sh - collector ingest over loopback: a real server on a
# temporary SQLite file, fed by bench/loadgen (libcurl multi) playing a
# fleet of MACHINES machines in ORGS organisations with CONC concurrent
# connections: first reports (full lists), then unchanged repeats (short
# reports), then a mix with 10% changed lists.
#   sh bench/collector.sh [BUILD] [MACHINES] [CONC] [ORGS] [serve options...]
# Software lists come from real package databases: this machine's agent
# report and, when ../shared/corpus is there, agent reports of its dpkg and
# rpm roots; 20 images, 10% of the machines with a list of their own.
# The loadgen shares the machine's cores with the collector: its own CPU is
# printed next to the collector's.
set -eu
BUILD=${1:-build}
MACHINES=${2:-20000}
CONC=${3:-64}
ORGS=${4:-50}
shift $(($# < 4 ? $# : 4)) # the rest: options of serve
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
C=$BUILD/fleetcensus-collector
A=$BUILD/fleetcensus-agent
export FLEETCENSUS_DB="$tmp/bench.db"

i=0
while [ $i -lt "$ORGS" ]; do
	i=$((i + 1))
	"$C" org add "Bench Gemeente $i" >>"$tmp/tokens"
done
"$A" --config /dev/null --state-dir "$tmp/st" --output "$tmp/tpl-host.json"
corpus=../shared/corpus/packages
for r in dpkg/local-debian12-bookworm rpm/gorpmdb-cbl-mariner-2.0-sqlite \
	rpm/scancode-var-lib-rpm-bdb apk/scalibr-installed; do
	[ -d "$corpus/$r/root" ] || continue
	"$A" --config /dev/null --state-dir "$tmp/st" --root "$corpus/$r/root" \
		--output "$tmp/tpl-$(basename "$r").json" 2>/dev/null || :
done
echo "templates (real package lists): $(for f in "$tmp"/tpl-*.json; do
	printf '%s %s; ' "$(basename "$f" .json | sed 's/^tpl-//')" \
		"$(jq '.content.softwares | length' "$f")"; done)"

"$C" serve --listen 127.0.0.1:0 --port-file "$tmp/port" "$@" 2>"$tmp/serve.log" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port")

cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
phase() { # MODE
	c0=$(cpu)
	"$BUILD/bench/loadgen" --machines "$MACHINES" --concurrency "$CONC" --mode "$1" \
		"http://127.0.0.1:$port" "$tmp/tokens" "$tmp"/tpl-*.json >"$tmp/out" || :
	c1=$(cpu)
	sed 's/^/  /' "$tmp/out"
	echo "  collector CPU $(echo "scale=2; ($c1 - $c0) / 100" | bc) s," \
		"$(echo "scale=3; ($c1 - $c0) * 10 / $MACHINES" | bc) ms per report"
	if [ "$c1" -gt "$c0" ]; then
		echo "  derived, not measured: $(nproc) cores / collector CPU per report =" \
			"$(echo "$(nproc) * 100 * $MACHINES / ($c1 - $c0)" | bc) reports/s if the" \
			"collector had the cores to itself"
	fi
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, shared with the loadgen)"
echo "collector ingest: $MACHINES machines, $ORGS organisations, $CONC concurrent connections"
echo "first reports (full lists):"
phase first
echo "unchanged repeats (short reports):"
phase unchanged
echo "10% changed, 90% unchanged:"
phase mixed
rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
echo "collector peak RSS ${rss} KiB"
kill "$pid" && wait "$pid" || true
pid=""
machines=$(sqlite3 "$FLEETCENSUS_DB" 'SELECT count(*) FROM machines')
size=$(stat -c %s "$FLEETCENSUS_DB")
echo "database: $size bytes for $machines machines ($((size / machines)) bytes per machine;" \
	"$(sqlite3 "$FLEETCENSUS_DB" 'SELECT count(*) FROM software_lists') software lists," \
	"$(sqlite3 "$FLEETCENSUS_DB" 'SELECT count(*) FROM reports') report records)"
echo "integrity: $(sqlite3 "$FLEETCENSUS_DB" 'PRAGMA integrity_check')"
