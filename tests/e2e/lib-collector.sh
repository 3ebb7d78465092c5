# lib-collector.sh - helpers for the collector's end-to-end tests (t3xx),
# sourced after lib.sh: start and stop the real server on a free loopback
# port with a temporary database, talk to it with curl, craft reports.
COLLECTOR_BIN=$BUILD_DIR/fleetcensus-collector
cd "$TEST_DIR" || exit 1
ROOT=$FIXTURES/roots/debian12
no_proxy=127.0.0.1,localhost,::1 NO_PROXY=127.0.0.1,localhost,::1
export no_proxy NO_PROXY
unset FLEETCENSUS_DB

collector() {
	"$COLLECTOR_BIN" "$@"
}

# Background processes of this file, one pid a line, killed on exit.
PIDS=$TEST_DIR/.pids
: >"$PIDS"
kill_leftovers() {
	while read -r pid; do
		kill -9 "$pid" 2>/dev/null
	done <"$PIDS"
}
test_cleanup_cmds="kill_leftovers; $test_cleanup_cmds"

forget_pid() {
	grep -vx "$1" "$PIDS" >"$PIDS.new" || :
	mv "$PIDS.new" "$PIDS"
}

# srv_start DIR DB [serve options...]: starts the collector on 127.0.0.1,
# port 0 unless --listen is given, logging to DIR/log; waits until it
# listens. Sets URL (https:// with --tls-cert), PORT and DIR/pid. Called
# outside a test, the server serves every test of the file (each test runs
# in a subshell, so URL set inside one is not seen by the next).
srv_start() {
	ss_dir=$1 ss_db=$2
	shift 2
	mkdir -p "$ss_dir"
	rm -f "$ss_dir/port"
	ss_scheme=http ss_listen=127.0.0.1:0
	for ss_a in "$@"; do
		case $ss_a in --tls-cert) ss_scheme=https ;; --listen) ss_listen= ;; esac
	done
	[ -z "$ss_listen" ] || set -- --listen "$ss_listen" "$@"
	"$COLLECTOR_BIN" serve --db "$ss_db" --port-file "$ss_dir/port" --threads 4 "$@" \
		</dev/null >>"$ss_dir/log" 2>&1 &
	echo $! >"$ss_dir/pid"
	echo $! >>"$PIDS"
	ss_i=0
	while [ ! -s "$ss_dir/port" ]; do
		ss_i=$((ss_i + 1))
		if [ $ss_i -gt 200 ] || ! kill -0 "$(cat "$ss_dir/pid")" 2>/dev/null; then
			echo "the collector did not start in $ss_dir:" >&2
			cat "$ss_dir/log" >&2
			return 1
		fi
		sleep 0.05
	done
	PORT=$(cat "$ss_dir/port")
	case $ss_listen in
	\[*) URL=$ss_scheme://[::1]:$PORT ;;
	*) URL=$ss_scheme://127.0.0.1:$PORT ;;
	esac
}

# True when process $1 has ended (gone, or a zombie waiting for its parent).
proc_gone() {
	! [ -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

# srv_stop DIR [SIGNAL]: stops the server of DIR (SIGTERM), waits until it
# has ended, and returns its exit status when it is a child of this shell
# (a server started by the test file itself, outside a test, is not a child
# of the test's subshell: then 0).
srv_stop() {
	[ -f "$1/pid" ] || return 0
	sp_pid=$(cat "$1/pid")
	kill "-${2:-TERM}" "$sp_pid" 2>/dev/null || :
	sp_i=0
	while ! proc_gone "$sp_pid" && [ $sp_i -lt 600 ]; do
		sp_i=$((sp_i + 1))
		sleep 0.05
	done
	set +e
	wait "$sp_pid" 2>/dev/null
	sp_st=$?
	set -e
	[ $sp_st != 127 ] || sp_st=0
	forget_pid "$sp_pid"
	rm -f "$1/pid"
	return $sp_st
}

# srv_finish DIR: outside a test, at the end of a file: stops the server of
# DIR (SIGTERM) and records its exit status in DIR/exit for srv_clean.
srv_finish() {
	if srv_stop "$1"; then echo 0 >"$1/exit"; else echo $? >"$1/exit"; fi
	set +e # srv_stop ends with set -e (for tests); a file's own shell runs without
}

# srv_clean DIR: the server of DIR exited 0 and its log holds no sanitizer
# report.
srv_clean() {
	[ "$(cat "$1/exit")" = 0 ] || { echo "exit status $(cat "$1/exit")" >&2; return 1; }
	! grep -E "Sanitizer|runtime error" "$1/log" >&2
}

# srv_kill9 DIR: kills the server of DIR without letting it clean up.
srv_kill9() {
	srv_stop "$1" KILL || :
}

# post URL TOKEN FILE [curl options...]: POSTs FILE to URL/api/v1/inventory;
# prints the status code; the answer is in ./answer, its headers in ./headers.
post() {
	p_url=$1 p_tok=$2 p_file=$3
	shift 3
	curl -sS --max-time 60 -o answer -D headers -w '%{http_code}' \
		-H "Authorization: Bearer $p_tok" -H 'Content-Type: application/json' \
		--data-binary @"$p_file" "$@" "$p_url/api/v1/inventory"
}

# get URL TOKEN PATH [curl options...]: GETs URL/PATH with the token ("" for
# none); prints the status code; the answer is in ./answer.
get() {
	g_url=$1 g_tok=$2 g_path=$3
	shift 3
	if [ -n "$g_tok" ]; then
		set -- -H "Authorization: Bearer $g_tok" "$@"
	fi
	curl -sS --max-time 60 -o answer -D headers -w '%{http_code}' "$@" "$g_url$g_path"
}

# machines URL TOKEN [QUERY [curl options...]]: the machines API's answer
# on stdout; fails unless the status is 200.
machines() {
	m_url=$1 m_tok=$2 m_query=${3:-}
	shift 2
	[ $# = 0 ] || shift
	m_st=$(get "$m_url" "$m_tok" "/api/v1/machines${m_query:+?$m_query}" "$@")
	[ "$m_st" = 200 ] || { echo "machines: status $m_st: $(cat answer)" >&2; return 1; }
	cat answer
}

# Fails unless ./answer is a JSON error whose message matches the
# extended regular expression $1.
error_says() {
	jq -e '.status == "error" and (.error | type == "string" and length > 0)' answer \
		>/dev/null || { echo "not a JSON error: $(head -c 300 answer)" >&2; return 1; }
	jq -r .error answer | grep -Eq -- "$1" ||
		{ echo "error '$(jq -r .error answer)' does not match '$1'" >&2; return 1; }
}

# SQL query on DB (read-only use of the sqlite3 CLI).
sql() {
	sqlite3 -batch -noheader "$1" "$2"
}

# db_digest DB: a digest of every table but tokens (last_used changes on
# every request) and meta (/healthz writes its writability check there).
db_digest() {
	for dd_t in $(sql "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND
		name NOT IN ('tokens', 'meta') ORDER BY name"); do
		sqlite3 "$1" ".dump $dd_t"
	done | sha256sum | cut -d' ' -f1
}

uuid() {
	cat /proc/sys/kernel/random/uuid
}

# make_template FILE: a real report of the fixture root, by the agent.
make_template() {
	agent --root "$ROOT" --state-dir "$TEST_DIR/.tpl-state" --output "$1"
}

# craft OUT [JQ-FILTER]: the template ($TPL) with a new report_id and
# hostname/uuid/ids as the filter sets them.
craft() {
	c_out=$1
	jq -c --arg rid "$(uuid)" ".content.fleetcensus.report_id = \$rid | ${2:-.}" "$TPL" \
		>"$c_out"
}

# windows_machine ORG N WINDOWS: imports into $DB for organisation ORG the
# template as machine N (its own hardware UUID and agent id, no machine id)
# running WINDOWS (the fleetcensus.windows object), crafted into mN.json.
windows_machine() {
	craft "m$2.json" ".content.hardware.uuid = \"$(printf '00000000-0000-4000-8000-%012d' "$2")\" |
		.content.fleetcensus.agent_id = \"$(printf '11111111-0000-4000-8000-%012d' "$2")\" |
		del(.content.fleetcensus.machine_id) | del(.content.fleetcensus.os_release) |
		.content.fleetcensus.windows = $3"
	collector import --db "$DB" --org "$1" "m$2.json" >/dev/null
}

# An RFC 3339 time N seconds after the template's collected_at.
later() {
	jq -r --argjson n "$1" '.content.fleetcensus.collected_at | fromdateiso8601 + $n |
		todateiso8601' "$TPL"
}

# The readiness facts (docs/protocol.md) of a machine with everything a
# Windows 11 upgrade needs, on an Intel 6/158/10 (i5-8500): content.cpus[0]
# (READY_CPU), content.bios (READY_BIOS) and content.fleetcensus.hw
# (READY_HW) of ready_inv.
READY_CPU='{"manufacturer":"GenuineIntel","familynumber":"6","model":"158","stepping":10,
 "name":"Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz","core":6,"speed":3000}'
READY_BIOS='{"bmanufacturer":"Dell Inc.","bversion":"1.2.3","bdate":"2018-05-04",
 "smanufacturer":"Dell Inc.","smodel":"OptiPlex 7060","secure_boot":"enabled"}'
READY_HW='{"cpu_logical":6,"cpu_platform_flags":2,"cpu_sse42":true,"cpu_popcnt":true,
 "memory_installed_mib":8192,"system_volume_mib":243000,"firmware":"uefi",
 "secure_boot_capable":true,"secure_boot_setup_mode":false,"tpm_present":true,
 "tpm_version":"2.0","os_bits":64,"esu_licensed_year":0}'

# ready_inv FILE N HOST WINDOWS [JQ-FILTER]: a hand-written inventory of
# machine N (its own hardware UUID) running WINDOWS (the fleetcensus.windows
# object), collected at $NOW, with the facts above changed by the filter.
ready_inv() {
	jq -n --arg rid "$(uuid)" --arg at "$NOW" --arg host "$3" \
		--arg hw "$(printf '00000000-0000-4000-8000-%012d' "$2")" \
		--argjson win "$4" --argjson cpu "$READY_CPU" --argjson bios "$READY_BIOS" \
		--argjson fh "$READY_HW" '
	{deviceid: ($host + "-2026-01-01-00-00-00"),
	 content: {
	  hardware: {name: $host, uuid: $hw, memory: 7863, chassis_type: "3"},
	  bios: $bios, cpus: [$cpu],
	  operatingsystem: {name: "Windows", arch: "x86_64"},
	  softwares: [],
	  fleetcensus: {schema: 1, report_id: $rid, collected_at: $at,
	   sections: {os: "ok", software: "ok", hardware: "ok"},
	   windows: $win, hw: $fh}}}' | jq -c "${5:-.}" >"$1"
}

# skip_without CMD...: skips the whole file when a tool is missing.
collector_prereqs() {
	for cp_c in curl jq sqlite3 "$@"; do
		if ! command -v "$cp_c" >/dev/null 2>&1; then
			echo "$cp_c is missing"
			return 0
		fi
	done
	if [ ! -x "$COLLECTOR_BIN" ]; then
		echo "$COLLECTOR_BIN is not built"
	elif [ ! -d "$ROOT" ]; then
		echo "fixture root $ROOT is missing"
	fi
}
