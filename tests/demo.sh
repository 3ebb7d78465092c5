#!/bin/sh
# make demo: collect this machine's inventory and show the report.
# (Until the collector exists, the demo prints the report the agent would send.)
set -eu
BUILD=${1:-build}
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
out=$BUILD/demo-report.json
"$BUILD/fleetcensus-agent" --config /dev/null --state-dir "$state" --output "$out" --verbose
if command -v jq >/dev/null; then
	jq '{deviceid, operatingsystem: .content.operatingsystem,
	     fleetcensus: (.content.fleetcensus | {sections, errors, os_release, release_files, machine_id}),
	     packages: (.content.softwares // [] | length),
	     first_packages: (.content.softwares // [] | .[:5])}' "$out"
else
	cat "$out"
fi
echo "full report: $out"
