#!/bin/sh
# bench/instructions.sh - instructions (callgrind) of the agent and of the
# collector's import, for two builds side by side: a refactoring is checked
# against the build it started from, on a shared machine, by counts that do
# not depend on the load (docs/testing.md; the timing benchmarks are in
# bench/results.sh).
#   sh bench/instructions.sh BASE_BUILD NEW_BUILD
# Prints, per build: the agent over this host (--output), a second import
# of four reports made from the package databases of ../shared/corpus (an
# existing database, machines updated), and the collector's start-up alone
# (--version: dynamic linking). Needs valgrind; without ../shared only the
# agent is measured.
set -eu
[ $# -eq 2 ] || { echo "usage: sh bench/instructions.sh BASE_BUILD NEW_BUILD" >&2; exit 64; }
command -v valgrind >/dev/null || { echo "bench: valgrind is needed" >&2; exit 69; }
corpus=${FC_SHARED:-../shared}/corpus/packages
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ir() { grep -m1 '^summary:' "$1" | cut -d' ' -f2; }

measure() { # BUILD LABEL
	b=$1 t=$tmp/$2
	mkdir -p "$t"
	: >"$t/empty.conf"
	valgrind --tool=callgrind --callgrind-out-file="$t/agent.cg" "$b/fleetcensus-agent" \
		--config "$t/empty.conf" --state-dir "$t/st" --output "$t/host.json" >/dev/null 2>&1
	printf '%-6s agent (this host, --output)      %12s\n' "$2" "$(ir "$t/agent.cg")"
	valgrind --tool=callgrind --callgrind-out-file="$t/start.cg" \
		"$b/fleetcensus-collector" --version >/dev/null 2>&1
	printf '%-6s collector start-up (--version)  %12s\n' "$2" "$(ir "$t/start.cg")"
	[ -d "$corpus" ] || return 0
	i=0
	for r in dpkg/local-debian12-bookworm rpm/gorpmdb-cbl-mariner-2.0-sqlite \
		rpm/scancode-var-lib-rpm-bdb apk/scalibr-installed; do
		i=$((i + 1))
		for n in a b; do
			"$b/fleetcensus-agent" --config "$t/empty.conf" --state-dir "$t/st$i" \
				--root "$corpus/$r/root" --output "$t/$n$i.json" >/dev/null 2>&1
		done
	done
	FLEETCENSUS_DB=$t/db "$b/fleetcensus-collector" org add Bench >/dev/null
	FLEETCENSUS_DB=$t/db "$b/fleetcensus-collector" import --org Bench \
		"$t/a1.json" "$t/a2.json" "$t/a3.json" "$t/a4.json" >/dev/null
	FLEETCENSUS_DB=$t/db valgrind --tool=callgrind --callgrind-out-file="$t/import.cg" \
		"$b/fleetcensus-collector" import --org Bench \
		"$t/b1.json" "$t/b2.json" "$t/b3.json" "$t/b4.json" >/dev/null 2>&1
	printf '%-6s import of 4 reports (2nd, whole) %12s\n' "$2" "$(ir "$t/import.cg")"
}

measure "$1" base
measure "$2" new
