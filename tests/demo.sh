#!/bin/sh
# make demo: collect this machine's inventory and show what the agent reports.
# (Until the collector exists, the demo shows the report the agent would send.)
set -eu
BUILD=${1:-build}
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
out=$BUILD/demo-report.json
"$BUILD/fleetcensus-agent" --config /dev/null --state-dir "$state" --output "$out" --verbose
echo
jq -r '.content as $c | $c.fleetcensus as $x |
  "This machine, as the collector will see it",
  "  host:        \($c.hardware.name // "?")  (deviceid \(.deviceid))",
  "  system:      \($c.operatingsystem.full_name // "?")  [\($c.operatingsystem.arch // "?")], kernel \($c.operatingsystem.kernel_version // "?")",
  "  os-release:  ID=\($x.os_release.ID // "-") VERSION_ID=\($x.os_release.VERSION_ID // "-")",
  "  packages:    \($c.softwares // [] | length) (\($c.softwares // [] | map(.from) | unique | join(", ")))",
  "  hardware:    \($c.bios.smanufacturer // "no DMI") \($c.bios.smodel // ""), \($c.hardware.memory // "?") MiB, \($c.hardware.vmsystem // "?")",
  "  machine id:  \($x.machine_id // "none") (hashed, never sent raw)",
  "  sections:    \($x.sections | to_entries | map("\(.key) \(.value)") | join(", "))",
  ($x.errors | to_entries[] | "  error:       \(.key): \(.value)")' "$out"
printf '\nreport: %s (%s bytes, %s gzipped); see docs/protocol.md for every field\n' \
	"$out" "$(wc -c <"$out")" "$(gzip -c "$out" | wc -c)"
