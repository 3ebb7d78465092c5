#!/bin/sh
# bench/agent.sh - what one agent run costs on this machine, in the same run
# as its peers: dpkg-query -W on the same database (the floor: listing the
# packages and nothing else), ocsinventory-agent --local and
# fusioninventory-inventory (the Debian packages of the two inventory agents
# this one is compared with). Ratios, not absolute timings, are what compare
# across machines.
#   sh bench/agent.sh [BUILD] [RUNS]
# Sections: agent and peers on this host; memory against the number of
# packages (synthetic dpkg databases of 10,000 and 100,000 packages made from
# this host's own by renaming entries); file descriptors; the sending run.
# Nothing here is a test: figures are printed, never asserted.
set -eu
BUILD=${1:-build}
RUNS=${2:-7}
PEER_RUNS=${PEER_RUNS:-3}
LOOP=${LOOP:-20}
AGENT=$BUILD/fleetcensus-agent
TOP=$(cd "$(dirname "$0")/.." && pwd)
TIME=/usr/bin/time
tmp=$(mktemp -d)
hpid=
cleanup() {
	[ -z "$hpid" ] || kill "$hpid" 2>/dev/null || :
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 1; }

# The peers: Debian's packages, installed when we are root.
PEERS="ocsinventory-agent fusioninventory-agent"
peers_missing() {
	command -v ocsinventory-agent >/dev/null 2>&1 && command -v fusioninventory-inventory >/dev/null 2>&1 && return 1
	return 0
}
if peers_missing; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "bench: installing the peers for comparison: apt-get install $PEERS"
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
			--no-install-recommends $PEERS >"$tmp/apt.log" 2>&1 ||
			{ echo "bench: could not install $PEERS (see below); peers left out"; tail -n 5 "$tmp/apt.log"; }
	else
		echo "bench: $PEERS not installed and not root: peers left out (apt-get install $PEERS)"
	fi
fi

# measure NAME LOOP RUNS CMD...: runs CMD LOOP times in a row, RUNS times
# over; prints the median per-invocation wall seconds and CPU seconds, and
# the median peak RSS (KiB) of any one invocation. Looping gives millisecond
# resolution from GNU time's 10 ms clock.
measure() {
	name=$1 loop=$2 runs=$3
	shift 3
	: >"$tmp/$name.tsv"
	i=0
	while [ $i -lt "$runs" ]; do
		"$TIME" -f "%e %U %S %M" -o "$tmp/t" sh -c '
			n=$1; shift; while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1; n=$((n - 1)); done
		' loop "$loop" "$@"
		read -r wall user sys rss <"$tmp/t"
		echo "$(echo "scale=4; $wall / $loop" | bc -l) $(echo "scale=4; ($user + $sys) / $loop" | bc -l) $rss" >>"$tmp/$name.tsv"
		i=$((i + 1))
	done
	mid=$(((runs + 1) / 2))
	w=$(cut -d" " -f1 "$tmp/$name.tsv" | sort -n | sed -n "${mid}p")
	c=$(cut -d" " -f2 "$tmp/$name.tsv" | sort -n | sed -n "${mid}p")
	r=$(cut -d" " -f3 "$tmp/$name.tsv" | sort -n | sed -n "${mid}p")
	echo "$w $c $r"
}

ratio() { if [ "$(echo "$2 > 0" | bc)" = 1 ]; then echo "scale=2; $1 / $2" | bc; else echo "n/a"; fi; }
row() { printf '%-44s %9s %9s %10s %11s %9s\n' "$@"; }

printf 'machine: %s, %s cores, %s\n' "$(uname -m)" "$(nproc)" "$(. /etc/os-release && echo "$PRETTY_NAME")"
printf 'commit:  %s\n' "$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)"
printf 'date:    %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
printf 'runs:    agent and dpkg-query: %s rounds of %s invocations, medians per invocation;\n' "$RUNS" "$LOOP"
printf '         ocsinventory-agent and fusioninventory-inventory (4-7 s each): %s single runs, median\n\n' "$PEER_RUNS"

# ---- 1. this host: the agent and its peers ----
echo "== this host: one inventory, written to a local file =="
set -- $(measure agent "$LOOP" "$RUNS" "$AGENT" --config /dev/null --state-dir "$tmp/st" --output "$tmp/r.json")
aw=$1 ac=$2 ar=$3
set -- $(measure dpkgq "$LOOP" "$RUNS" sh -c 'dpkg-query -W >"$1"' dq "$tmp/dq.txt")
dw=$1 dc=$2 dr=$3
"$AGENT" --config /dev/null --state-dir "$tmp/st" --output "$tmp/r.json"
dpkg-query -W >"$tmp/dq.txt"
row "" "wall s" "CPU s" "peak RSS KiB" "bytes out" "packages"
row "fleetcensus-agent --output FILE" "$aw" "$ac" "$ar" "$(wc -c <"$tmp/r.json")" "$(jq '.content.softwares | length' "$tmp/r.json")"
row "dpkg-query -W (floor)" "$dw" "$dc" "$dr" "$(wc -c <"$tmp/dq.txt")" "$(wc -l <"$tmp/dq.txt")"
ocs_w= fus_w=
if command -v ocsinventory-agent >/dev/null 2>&1; then
	mkdir -p "$tmp/ocs"
	set -- $(measure ocs 1 "$PEER_RUNS" sh -c 'rm -f "$1"/*; ocsinventory-agent --local="$1"' ocs "$tmp/ocs")
	ocs_w=$1 ocs_c=$2 ocs_r=$3
	rm -f "$tmp/ocs"/*
	ocsinventory-agent --local="$tmp/ocs" >/dev/null 2>&1 || :
	ocs_b=$(cat "$tmp/ocs"/* 2>/dev/null | wc -c)
	ocs_p=$(cat "$tmp/ocs"/* 2>/dev/null | grep -c '<SOFTWARES>' || :)
	row "ocsinventory-agent --local=DIR" "$ocs_w" "$ocs_c" "$ocs_r" "$ocs_b" "$ocs_p"
fi
if command -v fusioninventory-inventory >/dev/null 2>&1; then
	set -- $(measure fus 1 "$PEER_RUNS" sh -c 'fusioninventory-inventory >"$1"' fus "$tmp/fus.xml")
	fus_w=$1 fus_c=$2 fus_r=$3
	fusioninventory-inventory >"$tmp/fus.xml" 2>/dev/null || :
	row "fusioninventory-inventory" "$fus_w" "$fus_c" "$fus_r" "$(wc -c <"$tmp/fus.xml")" "$(grep -c '<SOFTWARES>' "$tmp/fus.xml" || :)"
fi
echo
row "ratios (peer / agent: how many times cheaper)" "wall" "CPU" "RSS" "" ""
row "agent / dpkg-query (target <= 2)" "$(ratio "$aw" "$dw")" "$(ratio "$ac" "$dc")" "$(ratio "$ar" "$dr")" "" ""
[ -z "$ocs_w" ] || row "ocsinventory-agent / agent (target >= 100)" "$(ratio "$ocs_w" "$aw")" "$(ratio "$ocs_c" "$ac")" "$(ratio "$ocs_r" "$ar")" "" ""
[ -z "$fus_w" ] || row "fusioninventory-inventory / agent (target >= 50)" "$(ratio "$fus_w" "$aw")" "$(ratio "$fus_c" "$ac")" "$(ratio "$fus_r" "$ar")" "" ""
[ -n "$ocs_w$fus_w" ] || echo "(peers not installed: no peer ratios)"
echo "The peers collect more than software (hardware, network, users, ...), and the agent"
echo "counts packages per architecture (multi-arch twice) as dpkg-query -W does."

# ---- 2. memory against the number of packages ----
echo
echo "== memory and time against the number of packages (synthetic dpkg databases) =="
mkdb() {
	mkdir -p "$tmp/r$1/var/lib/dpkg"
	python3 - /var/lib/dpkg/status "$tmp/r$1/var/lib/dpkg/status" "$1" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
stanzas = [s for s in text.split("\n\n") if s.strip()]
n = int(sys.argv[3])
with open(sys.argv[2], "w", encoding="utf-8", errors="surrogateescape") as f:
    for i in range(n):
        s = stanzas[i % len(stanzas)]
        f.write(re.sub(r"^Package: (.*)$", lambda m: "Package: %s-x%d" % (m.group(1), i), s,
                       count=1, flags=re.M) + "\n\n")
EOF
}
row "" "wall s" "CPU s" "peak RSS KiB" "status MB" "packages"
for n in 10000 100000; do
	mkdb $n
	loops=$((n >= 100000 ? 1 : 5))
	rounds=$((n >= 100000 ? 3 : 5))
	set -- $(measure "a$n" $loops $rounds "$AGENT" --config /dev/null --root "$tmp/r$n" --state-dir "$tmp/st" --output "$tmp/r$n.json")
	"$AGENT" --config /dev/null --root "$tmp/r$n" --state-dir "$tmp/st" --output "$tmp/r$n.json" 2>/dev/null
	row "fleetcensus-agent --root (${n} packages)" "$1" "$2" "$3" "$(($(wc -c <"$tmp/r$n/var/lib/dpkg/status") / 1000000))" "$(jq '.content.softwares | length' "$tmp/r$n.json")"
	set -- $(measure "d$n" $loops $rounds sh -c 'dpkg-query --admindir="$1" -W >"$2"' dq "$tmp/r$n/var/lib/dpkg" "$tmp/dq$n.txt")
	dpkg-query --admindir="$tmp/r$n/var/lib/dpkg" -W >"$tmp/dq$n.txt"
	row "dpkg-query --admindir -W (${n} packages)" "$1" "$2" "$3" "" "$(wc -l <"$tmp/dq$n.txt")"
	rm -f "$tmp/r$n.json"
done
echo "(this host's own database is the first table's row: $(dpkg-query -W | wc -l) packages)"

# ---- 3. file descriptors ----
# fdpeak LOG: the most descriptors open at once in an strace -f log of
# open/openat/socket/socketpair/pipe/dup/close, beyond stdin, stdout and
# stderr, and what they were at that moment.
fdpeak() {
	python3 - "$1" <<'EOF'
import re, sys
open_fds, names, peak, at = {0, 1, 2}, {}, 3, []
for line in open(sys.argv[1]):
    m = re.search(r"\b(openat|open|socket|dup|dup2|dup3|fcntl)\((.*)\)\s+=\s+(\d+)", line)
    if m and (m.group(1) != "fcntl" or "F_DUPFD" in m.group(2)):
        fd = int(m.group(3))
        open_fds.add(fd)
        names[fd] = m.group(2)[:50]
    m = re.search(r"\b(socketpair|pipe2?)\(.*\[(\d+), (\d+)\].*\)\s+=\s+0", line)
    if m:
        for fd in (int(m.group(2)), int(m.group(3))):
            open_fds.add(fd)
            names[fd] = m.group(1)
    m = re.search(r"\bclose\((\d+)\)\s+=\s+0", line)
    if m:
        open_fds.discard(int(m.group(1)))
    if len(open_fds) > peak:
        peak = len(open_fds)
        at = [names.get(fd, "?") for fd in sorted(open_fds) if fd > 2]
print(peak - 3, "; ".join(at))
EOF
}
echo
echo "== file descriptors open at once, beyond stdin/stdout/stderr (strace -f) =="
if command -v strace >/dev/null 2>&1; then
	strace -f -qq -e trace=open,openat,close,socket,socketpair,pipe,pipe2,dup,dup2,dup3,fcntl \
		-o "$tmp/strace.out" "$AGENT" --config /dev/null --state-dir "$tmp/st" --output "$tmp/r.json"
	echo "--output FILE: $(fdpeak "$tmp/strace.out")"
	python3 "$TOP/tests/e2e/httpd.py" --port-file "$tmp/port" --mode ok --log "$tmp/httpd.log" \
		</dev/null >/dev/null 2>&1 &
	hpid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	url=http://127.0.0.1:$(cat "$tmp/port")
	rm -rf "$tmp/st-send"
	strace -f -qq -e trace=open,openat,close,socket,socketpair,pipe,pipe2,dup,dup2,dup3,fcntl \
		-o "$tmp/strace.out" env no_proxy=127.0.0.1 "$AGENT" --config /dev/null \
		--state-dir "$tmp/st-send" --server "$url" --token bench
	echo "--server (full report): $(fdpeak "$tmp/strace.out")"
	strace -f -qq -e trace=open,openat,close,socket,socketpair,pipe,pipe2,dup,dup2,dup3,fcntl \
		-o "$tmp/strace.out" env no_proxy=127.0.0.1 "$AGENT" --config /dev/null \
		--state-dir "$tmp/st-send" --server "$url" --token bench
	echo "--server (short report): $(fdpeak "$tmp/strace.out")"

	# ---- 4. the sending run ----
	echo
	echo "== sending to a loopback server (tests/e2e/httpd.py), libcurl loaded =="
	set -- $(measure send 5 "$RUNS" env no_proxy=127.0.0.1 "$AGENT" --config /dev/null --state-dir "$tmp/st-send" --server "$url" --token bench)
	row "" "wall s" "CPU s" "peak RSS KiB" "" ""
	row "fleetcensus-agent --server (short report)" "$1" "$2" "$3" "" ""
	echo "libcurl 7.88 and its dependency tree (TLS, Kerberos, LDAP, SSH, HTTP/2) alone:"
	echo "the agent's --output run does not load it (dlopen when sending)."
	# The static agent (make static) carries its own libcurl + mbedTLS, built
	# from Debian's sources without the optional protocols.
	STATIC=$TOP/build/linux-x86_64-static/fleetcensus-agent
	if [ -x "$STATIC" ]; then
		rm -rf "$tmp/st-static"
		set -- $(measure sout 5 "$RUNS" "$STATIC" --config /dev/null --state-dir "$tmp/st" --output "$tmp/rs.json")
		row "static agent --output FILE" "$1" "$2" "$3" "" ""
		set -- $(measure ssend 5 "$RUNS" env no_proxy=127.0.0.1 "$STATIC" --config /dev/null --state-dir "$tmp/st-static" --server "$url" --token bench)
		row "static agent --server (short report)" "$1" "$2" "$3" "" ""
	else
		echo "(no static agent: run make static to measure it here)"
	fi
	kill "$hpid" 2>/dev/null || :
	hpid=
else
	echo "(strace not installed: apt-get install strace)"
fi
