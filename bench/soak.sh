#!/bin/sh
# bench/soak.sh - a long run of the collector under a steady, mixed load:
#   sh bench/soak.sh [BUILD]          (make soak; SOAK_SECONDS, default 600)
#
# AGENTS simulated agents (default 1000: distinct machines in ORGS
# organisations, default 7) report over and over for SOAK_SECONDS through
# WORKERS concurrent HTTP/1.1 keep-alive connections (default 16), each
# report a crafted copy of the debian12 fixture's real report with the
# agent's own identity, a new report_id and a later collected_at. About
# BAD_PERCENT percent (default 3) of the requests are bad on purpose: an
# unknown token (401), a reader token posting (403), malformed JSON (400),
# an unknown path (404), a wrong method (405), an oversized body (413).
#
# Every 10 s it prints the collector's RSS and its open file descriptors
# (from /proc), and the requests so far. It fails (exit 1) when a request
# got any status other than the one intended for it (or no answer), when
# the RSS or fd count keeps growing (the last third's minimum over the first
# third's maximum by more than 50 %, or 20 fds), or when the final counts
# differ from the expected ones: machines per organisation (report counts
# --by org and the machines table), report records = reports answered 200.
set -eu
BUILD=${1:-build}
SOAK_SECONDS=${SOAK_SECONDS:-600}
AGENTS=${AGENTS:-1000}
ORGS=${ORGS:-7}
WORKERS=${WORKERS:-16}
BAD_PERCENT=${BAD_PERCENT:-3}
TOP=$(cd "$(dirname "$0")/.." && pwd)
C=$BUILD/fleetcensus-collector
A=$BUILD/fleetcensus-agent
for t in python3 sqlite3; do
	command -v $t >/dev/null 2>&1 || { echo "soak: $t is missing" >&2; exit 1; }
done
[ -x "$C" ] && [ -x "$A" ] || { echo "soak: build $BUILD first (make)" >&2; exit 1; }
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -z "$pid" ] || { kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; } || :
	rm -rf "$tmp"
}
trap cleanup EXIT
no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
export no_proxy NO_PROXY
DB=$tmp/soak.db

i=0
: >"$tmp/orgs"
while [ $i -lt "$ORGS" ]; do
	printf 'Soak Gemeente %02d\t%s\n' $i "$("$C" org add "Soak Gemeente $(printf %02d $i)" \
		--db "$DB")" >>"$tmp/orgs"
	i=$((i + 1))
done
"$C" token add --org "Soak Gemeente 00" --role reader --db "$DB" >"$tmp/reader"
"$A" --config /dev/null --root "$TOP/tests/fixtures/roots/debian12" --state-dir "$tmp/st" \
	--output "$tmp/template.json"
"$C" serve --db "$DB" --listen 127.0.0.1:0 --port-file "$tmp/port" --threads 4 \
	2>"$tmp/serve.log" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$tmp/port" ] || { cat "$tmp/serve.log" >&2; exit 1; }
port=$(cat "$tmp/port")
echo "soak: $AGENTS agents in $ORGS organisations, $WORKERS connections, ${SOAK_SECONDS}s," \
	"~$BAD_PERCENT% bad requests; collector pid $pid on port $port"

python3 - "$port" "$pid" "$tmp" "$SOAK_SECONDS" "$AGENTS" "$WORKERS" "$BAD_PERCENT" <<'EOF'
import datetime, gzip, http.client, json, os, random, socket, sys, threading, time, uuid

port, pid, tmp = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
seconds, agents, workers, bad_pct = (int(a) for a in sys.argv[4:8])
orgs = [l.rstrip("\n").split("\t") for l in open(os.path.join(tmp, "orgs"))]
reader = open(os.path.join(tmp, "reader")).read().strip()
tpl = json.load(open(os.path.join(tmp, "template.json")))
t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)

# agent k: organisation k % len(orgs), its own identity keys and host name
ident = []
for k in range(agents):
    ident.append(dict(org=k % len(orgs), hw=str(uuid.uuid4()), mid=uuid.uuid4().hex,
                      aid=str(uuid.uuid4()), host="soak-%04d" % k, n=0))
lock = threading.Lock()
stats = {"sent": 0, "ok": 0, "bad_as_intended": 0, "unexpected": 0}
acked = [0] * len(orgs)          # 200s per organisation
seen = [set() for _ in orgs]     # agents with at least one 200, per organisation
unexpected = []
stop = time.monotonic() + seconds

def report(a):
    r = json.loads(json.dumps(tpl))
    c = r["content"]
    c["hardware"]["uuid"] = a["hw"]
    c["hardware"]["name"] = a["host"]
    c["operatingsystem"]["fqdn"] = a["host"]
    a["n"] += 1
    c["fleetcensus"].update(report_id=str(uuid.uuid4()), machine_id=a["mid"], agent_id=a["aid"],
                            collected_at=(t0 + datetime.timedelta(seconds=a["n"]))
                            .strftime("%Y-%m-%dT%H:%M:%SZ"))
    return json.dumps(r).encode()

def bad_request(k):
    """(method, path, headers, body, expected status) of a bad request."""
    tok = orgs[ident[k]["org"]][1]
    kind = random.randrange(6)
    if kind == 0:
        return "POST", "/api/v1/inventory", {"Authorization": "Bearer not-a-token"}, b"{}", 401
    if kind == 1:
        return ("POST", "/api/v1/inventory", {"Authorization": "Bearer " + reader},
                gzip.compress(report(ident[k])), 403)
    if kind == 2:
        return "POST", "/api/v1/inventory", {"Authorization": "Bearer " + tok}, b'{"deviceid":', 400
    if kind == 3:
        return "GET", "/api/v1/nothing-here", {}, None, 404
    if kind == 4:
        return "DELETE", "/api/v1/inventory", {"Authorization": "Bearer " + tok}, None, 405
    return "BIG", "/api/v1/inventory", {"Authorization": "Bearer " + tok}, None, 413

def too_big(hdr):
    """A POST declaring a body over the 8 MiB limit: the answer comes before the body
    is sent (as curl does with Expect: 100-continue); http.client cannot do that."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        s.sendall(("POST /api/v1/inventory HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Authorization: %s\r\nContent-Type: application/json\r\n"
                   "Expect: 100-continue\r\nContent-Length: %d\r\n\r\n"
                   % (hdr["Authorization"], 8 * 1024 * 1024 + 1)).encode())
        head = s.recv(4096).decode("latin-1")
        return int(head.split(" ", 2)[1]) if head.startswith("HTTP/1.1 ") else "garbage"
    finally:
        s.close()

def worker(w):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    k = w
    while time.monotonic() < stop:
        a = ident[k]
        if random.randrange(100) < bad_pct:
            method, path, hdr, body, want = bad_request(k)
        else:
            method, path, want = "POST", "/api/v1/inventory", 200
            hdr = {"Authorization": "Bearer " + orgs[a["org"]][1]}
            body = report(a)
            if random.randrange(4):
                body = gzip.compress(body)
                hdr["Content-Encoding"] = "gzip"
        hdr["Content-Type"] = "application/json"
        try:
            if method == "BIG":
                st = too_big(hdr)
                raise StopIteration
            conn.request(method, path, body=body, headers=hdr)
            resp = conn.getresponse()
            resp.read()
            st = resp.status
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
        except StopIteration:
            pass
        except (OSError, http.client.HTTPException) as e:
            st = "no answer: %s" % e
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        with lock:
            stats["sent"] += 1
            if st == want == 200:
                stats["ok"] += 1
                acked[a["org"]] += 1
                seen[a["org"]].add(k)
            elif st == want:
                stats["bad_as_intended"] += 1
            else:
                stats["unexpected"] += 1
                if len(unexpected) < 20:
                    unexpected.append("%s %s: got %s, wanted %s" % (method, path, st, want))
        k = (k + workers) % agents

def proc(pid):
    rss = 0
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid))

threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(workers)]
start = time.monotonic()
for t in threads:
    t.start()
series = []
print("%6s %10s %5s %9s %8s %6s" % ("t(s)", "RSS(KiB)", "fds", "requests", "req/s", "errors"))
last_sent, last_t = 0, start
while any(t.is_alive() for t in threads):
    time.sleep(min(10, max(0.1, stop - time.monotonic() + 0.5)))
    now = time.monotonic()
    rss, fds = proc(pid)
    with lock:
        sent, errs = stats["sent"], stats["unexpected"]
    series.append((round(now - start), rss, fds))
    print("%6d %10d %5d %9d %8.1f %6d" % (now - start, rss, fds, sent,
          (sent - last_sent) / max(now - last_t, 1e-9), errs), flush=True)
    last_sent, last_t = sent, now
for t in threads:
    t.join()
json.dump({"stats": stats, "acked": acked, "seen": [len(s) for s in seen],
           "series": series, "unexpected": unexpected},
          open(os.path.join(tmp, "result.json"), "w"))
print("requests: %(sent)d, stored (200): %(ok)d, refused as intended: %(bad_as_intended)d, "
      "unexpected: %(unexpected)d" % stats)
for u in unexpected:
    print("  unexpected: " + u)
EOF

kill "$pid"
set +e
wait "$pid"
st=$?
set -e
pid=""
fail=0
[ $st = 0 ] || { echo "soak: the collector exited $st on SIGTERM" >&2; fail=1; }
python3 - "$tmp" "$DB" "$C" <<'EOF' || fail=1
import csv, io, json, sqlite3, subprocess, sys
tmp, db, collector = sys.argv[1:4]
r = json.load(open(tmp + "/result.json"))
orgs = [l.split("\t")[0] for l in open(tmp + "/orgs")]
fail = False
if r["stats"]["unexpected"]:
    print("FAIL: %d requests got an unintended status" % r["stats"]["unexpected"])
    fail = True
s = r["series"]
third = max(1, len(s) // 3)
rss0, rss1 = max(x[1] for x in s[:third]), min(x[1] for x in s[-third:])
fd0, fd1 = max(x[2] for x in s[:third]), min(x[2] for x in s[-third:])
print("RSS: first third max %d KiB, last third min %d KiB; fds: %d, %d" % (rss0, rss1, fd0, fd1))
if len(s) >= 6 and (rss1 > rss0 * 1.5 or fd1 > fd0 + 20):
    print("FAIL: the collector's RSS or descriptors keep growing")
    fail = True
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
want = dict(zip(orgs, r["seen"]))
sqlc = dict(con.execute("SELECT o.name, count(m.id) FROM organisations o"
                        " LEFT JOIN machines m ON m.org_id = o.id GROUP BY o.id"))
out = subprocess.run([collector, "report", "counts", "--by", "org", "--format", "csv",
                      "--db", db], check=True, capture_output=True, text=True).stdout
rep = {row["org"]: int(row["machines"]) for row in csv.DictReader(io.StringIO(out))}
reports = con.execute("SELECT count(*) FROM reports").fetchone()[0]
for o in orgs:
    line = "%s: expected %d machines, table %d, report counts %d" % (
        o, want[o], sqlc.get(o, 0), rep.get(o, 0))
    ok = want[o] == sqlc.get(o, 0) == rep.get(o, 0)
    print(("  " if ok else "FAIL: ") + line)
    fail |= not ok
print("report records %d, reports answered 200: %d" % (reports, r["stats"]["ok"]))
if reports != r["stats"]["ok"]:
    print("FAIL: report records differ from the acknowledged reports")
    fail = True
integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
print("integrity_check: " + integrity)
fail |= integrity != "ok"
sys.exit(1 if fail else 0)
EOF
grep -c ' 5[0-9][0-9] ' "$tmp/serve.log" | sed 's/^/collector log lines with a 5xx status: /'
[ $fail = 0 ] && echo "soak: passed" || { echo "soak: FAILED" >&2; exit 1; }
