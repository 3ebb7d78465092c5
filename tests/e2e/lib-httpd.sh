# lib-httpd.sh - tests/e2e/httpd.py (a loopback stand-in for the collector)
# for the agent's sending tests, sourced after lib.sh: start, stop, and read
# what it logged.
HTTPD=$TOP/tests/e2e/httpd.py
TOKEN=e2e-Token_4f9c
no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
export no_proxy NO_PROXY

# Background processes of this file, one pid a line, killed on exit.
PIDS=$TEST_DIR/.pids
: >"$PIDS"
kill_leftovers() {
	while read -r pid; do
		kill "$pid" 2>/dev/null
	done <"$PIDS"
}
test_cleanup_cmds="kill_leftovers; $test_cleanup_cmds"

# forget_pid PID: PID no longer needs killing on exit.
forget_pid() {
	grep -vx "$1" "$PIDS" >"$PIDS.new" || :
	mv "$PIDS.new" "$PIDS"
}

# httpd_start DIR MODE [CERT KEY]: starts the test server in DIR (created)
# and waits until it listens; sets URL. With CERT and KEY it serves HTTPS
# with that certificate.
httpd_start() {
	hs_dir=$1 hs_mode=$2 hs_scheme=http
	mkdir -p "$hs_dir"
	if [ -n "${3:-}" ]; then
		set -- --port-file "$hs_dir/port" --mode "$hs_mode" --log "$hs_dir/log" \
			--tls-cert "$3" --tls-key "$4"
		hs_scheme=https
	else
		set -- --port-file "$hs_dir/port" --mode "$hs_mode" --log "$hs_dir/log"
	fi
	$PY "$HTTPD" "$@" </dev/null >"$hs_dir/stdout" 2>"$hs_dir/stderr" &
	echo $! >"$hs_dir/pid"
	echo $! >>"$PIDS"
	hs_i=0
	while [ ! -s "$hs_dir/port" ]; do
		hs_i=$((hs_i + 1))
		if [ $hs_i -gt 100 ] || ! kill -0 "$(cat "$hs_dir/pid")" 2>/dev/null; then
			echo "httpd.py did not start in $hs_dir:" >&2
			cat "$hs_dir/stderr" >&2
			return 1
		fi
		sleep 0.1
	done
	URL=$hs_scheme://127.0.0.1:$(cat "$hs_dir/port")
}

# httpd_stop DIR: stops the server started in DIR (SIGTERM) and waits for it.
httpd_stop() {
	[ -f "$1/pid" ] || return 0
	hs_pid=$(cat "$1/pid")
	kill "$hs_pid" 2>/dev/null || :
	wait "$hs_pid" 2>/dev/null || :
	forget_pid "$hs_pid"
	rm -f "$1/pid"
}

# Number of POSTs the server in DIR received.
req_count() {
	if [ -f "$1/log" ]; then wc -l <"$1/log" | tr -d ' '; else echo 0; fi
}

# req_field DIR N KEY: KEY of the N-th request the server in DIR logged
# (N = -1: the last one).
req_field() {
	$PY -c 'import json, sys
lines = open(sys.argv[1]).read().splitlines()
n = int(sys.argv[2])
e = json.loads(lines[n - 1 if n > 0 else n])
print(e[sys.argv[3]])' "$1/log" "$2" "$3"
}

# req_kinds DIR: the kind and status of every request, "full:200 short:409 ...".
req_kinds() {
	$PY -c 'import json, sys
print(" ".join("%s:%s" % (e["kind"], e["status"]) for e in
      (json.loads(l) for l in open(sys.argv[1]))))' "$1/log"
}

# digest_of FILE: the software list digest of the report in FILE, computed
# here from its content.softwares as docs/protocol.md defines it.
digest_of() {
	$PY -c 'import hashlib, json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
h = hashlib.sha256(b"fleetcensus software list 1\n")
for e in d["content"]["softwares"]:
    for k in ("name", "version", "arch", "publisher", "from"):
        h.update(e.get(k, "").encode("utf-8") + b"\0")
print(h.hexdigest())' "$1"
}

httpd_prereqs() {
	if [ ! -x "$PY" ]; then
		echo "$PY is missing"
	elif ! command -v jq >/dev/null 2>&1; then
		echo "jq is missing"
	elif [ ! -d "$FIXTURES/roots/debian12" ]; then
		echo "fixture root $FIXTURES/roots/debian12 is missing"
	fi
}
