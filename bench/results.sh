#!/bin/sh
# bench/results.sh - runs every benchmark of this tree and rewrites
# bench/RESULTS.md with the machine, the date, the commit and each script's
# output, so that figures quoted anywhere can be traced to one run.
#   sh bench/results.sh [BUILD]
# Each script runs with BUILD only (its own defaults otherwise). A script
# that fails is recorded with its exit status; the others still run, and
# this script then exits with the first failing status.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/bench/RESULTS.md
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.part"' EXIT

commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$TOP" status --porcelain --untracked-files=no -- . ':!bench/RESULTS.md' 2>/dev/null | head -n 1)
{
	echo "# Benchmark results"
	echo
	echo "Written by \`make bench\` (bench/results.sh); do not edit by hand."
	echo
	echo "- machine: $(uname -m), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
	echo "- cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "- commit: $commit${dirty:+ (with uncommitted changes)}"
	echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$tmp"

failed=0
for script in agent collector reports sha256; do
	echo "bench: running bench/$script.sh $BUILD" >&2
	start=$(date +%s)
	sh "$TOP/bench/$script.sh" "$BUILD" >"$tmp.part" 2>&1
	st=$?
	[ $st = 0 ] || [ $failed != 0 ] || failed=$st
	end=$(date +%s)
	{
		echo
		echo "## bench/$script.sh"
		echo
		echo "\`sh bench/$script.sh $BUILD\`: exit status $st, $((end - start)) s"
		echo
		echo '```'
		cat "$tmp.part"
		echo '```'
	} >>"$tmp"
	cat "$tmp.part" >&2
done
mv "$tmp" "$OUT"
echo "bench: results written to $OUT" >&2
exit $failed
