#!/bin/sh
# bench/agent.sh - what one agent run costs on this machine, against
# dpkg-query -W on the same database as the baseline (same run, same
# machine: ratios, not absolute timings, are what compares across machines).
#   sh bench/agent.sh [BUILD] [RUNS]
set -eu
BUILD=${1:-build}
RUNS=${2:-7}
AGENT=$BUILD/fleetcensus-agent
TIME=/usr/bin/time
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 1; }

# measure NAME CMD...: runs CMD LOOP times in a row, RUNS times over; prints
# the median per-invocation wall seconds and CPU seconds, and the peak RSS
# (KiB) of any one invocation. Looping gives millisecond resolution from
# GNU time's 10 ms clock.
LOOP=${LOOP:-20}
measure() {
	name=$1
	shift
	: >"$tmp/$name.tsv"
	i=0
	while [ $i -lt "$RUNS" ]; do
		"$TIME" -f "%e %U %S %M" -o "$tmp/t" sh -c '
			n=$1; shift; while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1; n=$((n - 1)); done
		' loop "$LOOP" "$@"
		read -r wall user sys rss <"$tmp/t"
		echo "$(echo "scale=4; $wall / $LOOP" | bc -l) $(echo "scale=4; ($user + $sys) / $LOOP" | bc -l) $rss" >>"$tmp/$name.tsv"
		i=$((i + 1))
	done
	mid=$(((RUNS + 1) / 2))
	w=$(cut -d" " -f1 "$tmp/$name.tsv" | sort -n | sed -n "${mid}p")
	c=$(cut -d" " -f2 "$tmp/$name.tsv" | sort -n | sed -n "${mid}p")
	r=$(cut -d" " -f3 "$tmp/$name.tsv" | sort -n | sed -n "${mid}p")
	echo "$w $c $r"
}

printf 'machine: %s, %s cores, %s\n' "$(uname -m)" "$(nproc)" "$(. /etc/os-release && echo "$PRETTY_NAME")"
printf 'commit:  %s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
printf 'date:    %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
printf 'runs:    %s rounds of %s invocations each; medians per invocation\n\n' "$RUNS" "$LOOP"

set -- $(measure agent "$AGENT" --config /dev/null --state-dir "$tmp/st" --output "$tmp/r.json")
aw=$1 ac=$2 ar=$3
set -- $(measure dpkgq dpkg-query -W)
dw=$1 dc=$2 dr=$3

printf '%-36s %10s %10s %12s\n' "" "wall s" "CPU s" "peak RSS KiB"
printf '%-36s %10s %10s %12s\n' "fleetcensus-agent --output (this host)" "$aw" "$ac" "$ar"
printf '%-36s %10s %10s %12s\n' "dpkg-query -W (baseline)" "$dw" "$dc" "$dr"
ratio() { if [ "$(echo "$2 > 0" | bc)" = 1 ]; then echo "scale=2; $1 / $2" | bc; else echo "n/a"; fi; }
printf '%-36s %10s %10s %12s\n' "ratio agent / dpkg-query" "$(ratio "$aw" "$dw")" "$(ratio "$ac" "$dc")" "$(ratio "$ar" "$dr")"

raw=$(wc -c <"$tmp/r.json")
gz=$(gzip -6 -c "$tmp/r.json" | wc -c)
pk=$(jq '.content.softwares | length' "$tmp/r.json")
all=$(dpkg-query -W | wc -l)
inst=$(dpkg-query -W -f '${db:Status-Status}\n' | grep -c '^installed$')
printf '\nreport: %s bytes raw, %s bytes gzip -6 (%s%%)\n' "$raw" "$gz" "$(echo "scale=1; 100 * $gz / $raw" | bc)"
printf 'packages: agent %s; dpkg-query -W | wc -l %s (of which status installed: %s)\n' "$pk" "$all" "$inst"
