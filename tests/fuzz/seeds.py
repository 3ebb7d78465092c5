#!/usr/bin/env python3
"""seeds.py OUT AGENT - build the seed corpora of the fuzz targets.

Writes OUT/<target>/ for every target of mk/fuzz.mk from the repository's
test fixtures, from reports the agent (AGENT, the gcc build) makes of the
fixture roots, from small databases and headers built here, and, when it is
present, from the shared corpus ($FC_SHARED or ../shared/corpus), which is
read in place: its files go to OUT (under build/), never into the
repository. Seeds are named by the SHA-1 of their content, as libFuzzer
names corpus files.
"""
import gzip
import hashlib
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zlib

FIXTURES = "tests/fixtures"
MAX_SEED = 1 << 20  # libFuzzer's default -max_len ceiling
TEXT_CUT = 64 << 10  # larger text databases are cut at a blank line


def shared_corpus():
    base = os.environ.get("FC_SHARED") or "../shared"
    path = os.path.join(base, "corpus")
    return path if os.path.isdir(path) else None


class Seeds:
    def __init__(self, out):
        self.out = out
        self.count = {}

    def add(self, target, data):
        if isinstance(data, str):
            data = data.encode()
        if len(data) > MAX_SEED:
            return
        d = os.path.join(self.out, target)
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()
        path = os.path.join(d, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.count[target] = self.count.get(target, 0) + 1

    def add_file(self, target, path, cut=False):
        with open(path, "rb") as f:
            data = f.read()
        if cut and len(data) > TEXT_CUT:
            end = data.rfind(b"\n\n", 0, TEXT_CUT)
            data = data[: end + 2] if end > 0 else data[:TEXT_CUT]
        self.add(target, data)


def files_below(top, names=None):
    """Regular files below top (links followed), sorted; names filters by
    base name."""
    found = []
    for d, _, fs in os.walk(top, followlinks=False):
        for f in fs:
            p = os.path.join(d, f)
            if (names is None or f in names) and os.path.isfile(p):
                found.append(p)
    return sorted(found)


# ---- rpm: header blobs and the three database formats ----


def rpm_header(name, version, release, arch, vendor, epoch=None, region=True):
    """A header blob as rpm writes it: an immutable region (tag 63) unless
    region is false (a legacy header)."""
    entries, data = [], b""

    def string(tag, s):
        nonlocal data
        entries.append((tag, 6, len(data), 1))
        data += s.encode() + b"\0"

    string(1000, name)
    string(1001, version)
    string(1002, release)
    if epoch is not None:
        data += b"\0" * (-len(data) % 4)
        entries.append((1003, 4, len(data), 1))
        data += struct.pack(">I", epoch)
    string(1011, vendor)
    string(1022, arch)
    if region:
        il = len(entries) + 1
        trailer = struct.pack(">iIiI", 63, 7, -16 * il, 16)
        entries.insert(0, (63, 7, len(data), 16))
        data += trailer
    index = b"".join(struct.pack(">iIiI", *e) for e in entries)
    return struct.pack(">II", len(entries), len(data)) + index + data


def synthetic_headers():
    return [
        rpm_header("bash", "5.2.15", "3.el9", "x86_64", "Rocky Enterprise Software Foundation"),
        rpm_header("tzdata", "2024a", "1.el9", "noarch", "Red Hat, Inc.", epoch=1),
        rpm_header("legacy", "1.0", "1", "i386", "Vendor", region=False),
        rpm_header("gpg-pubkey", "fd431d51", "4ae0493b", "(none)", ""),
    ]


def ndb_blobs(path):
    """The header blobs of an ndb Packages.db."""
    blobs = []
    with open(path, "rb") as f:
        raw = f.read()
    npages = struct.unpack_from("<I", raw, 12)[0]
    for s in range(2, npages * 256):
        magic, pkgidx, off, cnt = struct.unpack_from("<4I", raw, s * 16)
        if magic != 0x746F6C53 or off == 0:
            continue
        head = off * 16
        n = struct.unpack_from("<I", raw, head + 12)[0]
        blobs.append(raw[head + 16 : head + 16 + n])
    return blobs


def corpus_headers(corpus):
    """Up to 6 real header blobs per database of the shared corpus, the
    smallest first."""
    blobs = []
    if not corpus:
        return blobs
    for p in files_below(os.path.join(corpus, "packages", "rpm"), {"rpmdb.sqlite"}):
        db = sqlite3.connect("file:%s?mode=ro&immutable=1" % p, uri=True)
        rows = db.execute("SELECT blob FROM Packages ORDER BY length(blob) LIMIT 6").fetchall()
        blobs += [bytes(r[0]) for r in rows]
        db.close()
    for p in files_below(os.path.join(corpus, "packages", "rpm"), {"Packages.db"}):
        blobs += sorted(ndb_blobs(p), key=len)[:6]
    return blobs


def ndb_file(blobs):
    """An ndb Packages.db holding blobs (one slot page)."""
    slots, area, block = [], b"", 256  # blobs start after the one slot page
    for i, blob in enumerate(blobs, 1):
        size = (16 + len(blob) + 12 + 15) // 16 * 16
        body = struct.pack("<4I", 0x53626C42, i, 1, len(blob)) + blob
        body += b"\0" * (size - 12 - len(body))
        body += struct.pack("<3I", zlib.adler32(body), len(blob), 0x45626C42)
        slots.append(struct.pack("<4I", 0x746F6C53, i, block, size // 16))
        area += body
        block += size // 16
    page = struct.pack("<4I", 0x506D7052, 0, 1, 1) + b"\0" * 16 + b"".join(slots)
    page += struct.pack("<4I", 0x746F6C53, 0, 0, 0) * 2  # two free slots
    return page + b"\0" * (4096 - len(page)) + area


def bdb_file(blobs, big=False, pagesize=512):
    """A Berkeley DB hash Packages file: page 0 metadata, page 1 one hash
    page, then overflow pages for the blobs that do not fit inline."""
    e = ">" if big else "<"
    pages, items, ovfl = {}, [], []
    nextpg = 2
    room = pagesize - 26
    for i, blob in enumerate(blobs, 1):
        key = b"\x01" + struct.pack(e + "I", i)
        if len(blob) + 1 <= 120:
            items.append((key, b"\x01" + blob))
            continue
        first = nextpg
        chunks = [blob[o : o + room] for o in range(0, len(blob), room)]
        for k, c in enumerate(chunks):
            nxt = nextpg + 1 if k + 1 < len(chunks) else 0
            hdr = struct.pack(e + "Q", 0) + struct.pack(e + "III", nextpg, 0, nxt)
            hdr += struct.pack(e + "HH", 1, len(c)) + bytes([0, 7])
            pages[nextpg] = hdr + c + b"\0" * (pagesize - 26 - len(c))
            nextpg += 1
        ovfl.append(first)
        items.append((key, b"\x03\0\0\0" + struct.pack(e + "II", first, len(blob))))
    items.insert(0, (b"\x01" + struct.pack(e + "I", 0), b"\x01" + struct.pack(e + "I", len(blobs))))
    flat = [x for kv in items for x in kv]
    offs, end, body = [], pagesize, b""
    for it in flat:
        end -= len(it)
        offs.append(end)
        body = it + body
    if 26 + 2 * len(flat) > end:
        raise ValueError("hash page overflow")
    hp = struct.pack(e + "Q", 0) + struct.pack(e + "III", 1, 0, 0)
    hp += struct.pack(e + "HH", len(flat), end) + bytes([0, 13])
    hp += b"".join(struct.pack(e + "H", o) for o in offs)
    hp += b"\0" * (end - len(hp)) + body
    last = nextpg - 1
    meta = struct.pack(e + "Q", 0) + struct.pack(e + "IIII", 0, 0x061561, 9, pagesize)
    meta += bytes([0, 8, 0, 0]) + struct.pack(e + "II", 0, last)
    meta += b"\0" * (pagesize - len(meta))
    out = meta + hp
    for p in range(2, nextpg):
        out += pages[p]
    return out


def sqlite_file(blobs, wal=False, pagesize=1024):
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "rpmdb.sqlite")
        db = sqlite3.connect(p)
        db.execute("PRAGMA page_size=%d" % pagesize)
        db.execute(
            "CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY "
            "AUTOINCREMENT,blob BLOB NOT NULL)"
        )
        db.executemany("INSERT INTO Packages (blob) VALUES (?)", [(b,) for b in blobs])
        db.commit()
        if wal:
            db.execute("PRAGMA journal_mode=WAL")
        db.close()
        with open(p, "rb") as f:
            return f.read()


def rpm_seeds(s, corpus):
    syn = synthetic_headers()
    real = corpus_headers(corpus)
    for b in syn + real:
        s.add("rpm_header", b)
    small = syn[:3] + sorted(real, key=len)[:2]
    s.add("rpm_ndb", ndb_file(syn))
    s.add("rpm_ndb", ndb_file(small))
    s.add("rpm_bdb", bdb_file(syn))
    s.add("rpm_bdb", bdb_file(syn, big=True))
    s.add("rpm_bdb", bdb_file(small, pagesize=4096))
    s.add("rpm_sqlite", sqlite_file(syn))
    s.add("rpm_sqlite", sqlite_file(small, wal=True))
    if corpus:
        for p in files_below(os.path.join(corpus, "packages", "rpm"), {"Packages"}):
            s.add("rpm_bdb", open(p, "rb").read())


# ---- text parsers ----


def text_seeds(s, corpus):
    for p in files_below(os.path.join(FIXTURES, "osrelease")):
        s.add_file("osrelease", p)
    for p in files_below(os.path.join(FIXTURES, "roots"), {"os-release"}):
        s.add_file("osrelease", p)
    for p in files_below(os.path.join(FIXTURES, "dpkg")):
        s.add_file("dpkg", p)
    for p in files_below(os.path.join(FIXTURES, "roots"), {"status"}):
        s.add_file("dpkg", p)
    for p in files_below(os.path.join(FIXTURES, "apk")):
        s.add_file("apk", p)
    for p in files_below(os.path.join(FIXTURES, "pacman")):
        s.add_file("pacman", p)
    if not corpus:
        return
    for p in files_below(os.path.join(corpus, "os-release")):
        if p.endswith("-release") or "os-release" in p:
            s.add_file("osrelease", p)
    pk = os.path.join(corpus, "packages")
    for p in files_below(os.path.join(pk, "dpkg")):
        if "/var/lib/dpkg/" in p:
            s.add_file("dpkg", p, cut=True)
    for p in files_below(os.path.join(pk, "apk"), {"installed"}):
        s.add_file("apk", p, cut=True)
    for p in files_below(os.path.join(pk, "pacman"), {"desc"}):
        s.add_file("pacman", p)


def small_seeds(s):
    with open("data/lifecycle.csv", "rb") as f:
        csv = f.read()
    s.add("lifecycle", csv)
    head = csv.split(b"\n", 1)[0] + b"\n"
    for row in csv.split(b"\n")[1:6]:
        s.add("lifecycle", head + row + b"\n")
    s.add(
        "lifecycle",
        "kind,product,edition,mainstream_end,extended_end,esu_end,source,release\r\n"
        'os,Windows 11,Pro*,2025-10-14,,,"a ""quoted"", source",2?H?\r\n'
        "software,bash*,5.*,,,,x,\r\n"
        "os,Debian GNU/Linux,*,,,,,12\r\n",
    )
    s.add("lifecycle", "kind,product,edition,mainstream_end,extended_end,esu_end,source\n"
          "os,Ubuntu,*,2029-05-31,2034-05-31,2036-05-31,canonical\n")
    s.add("schedule", "product,edition,year,price,currency\r\n"
          "Windows 10,*,1,61,USD\r\nWindows 10,*,2,122.50,USD\r\n"
          "\"Windows 10\",\"Pro*\",replace,800,EUR\r\n")
    s.add("schedule", "size_band,population_min,population_max,fee,currency\n"
          "<30000,0,29999,5000,EUR\n>=30000,30000,,15000.00,EUR\n")
    s.add("schedule", "product,edition,year,price,currency\nWindows 7,*,9,0.5,USD\n\n")
    with open("packaging/agent.conf.example", "rb") as f:
        s.add("config", f.read())
    s.add("config", "server = \"http://127.0.0.1:8080\"\ntimeout=30\nsplay = 600\n"
          "verbose = yes\nquiet = off\ntoken = abc\nroot=/\n  # comment\n\n")
    s.add("config", "state-dir = /var/lib/fleetcensus\r\noutput = -\r\ncacert = /x.pem\r\n")
    for url in ("https://[fe80::1%25eth0]:8443/fc/", "ftp://h:21", "http://:80", "http://h:99999",
                "HTTP://h.example:0080", "http://u@h", "http://h/?q#f", "not-a-url"):
        s.add("config", "server = " + url + "\n")
    for h in ("Bearer " + "a" * 64, "bearer x", "BEARER  y", "Basic dXNlcjpwYXNz",
              "Bearer " + "z" * 257, "Bearer \x7f", "agent", "reader", "admin"):
        s.add("auth", h)
    # values from machines, hostile to the reader of a report
    for v in (b"", b"Windows 10 Pro", '=HYPERLINK("http://x","y")'.encode(),
              b"+cmd|' /C calc'!A0", b"-1", b"@SUM(1+1)", b"\t=1", b"\r\n=1",
              b"\x1b[2J\x1b]8;;http://evil/\x07click\x1b]8;;\x07",
              b"evil\r\nALL,Acme,Pro,,x86_64,eol,2012-01-01,999", b"a,b \"q\"",
              "\u009b31m\u202edesrever\u2066\u2069\u200e\u061c\u2028".encode(),
              "Gemeente Z\u00fcrich \u5317\u4eac \U0001f600".encode(),
              b"\x9b\xff\xc0\xaf\xed\xa0\x80\xe2\x80", b"a\0b\x7f"):
        s.add("textesc", v)


# ---- reports: ingest and http ----


def agent_reports(agent, corpus):
    roots = [os.path.join(FIXTURES, "roots", r) for r in sorted(os.listdir(os.path.join(FIXTURES, "roots")))]
    if corpus:
        pk = os.path.join(corpus, "packages")
        for kind in sorted(os.listdir(pk)):
            kd = os.path.join(pk, kind)
            if os.path.isdir(kd):
                roots += [os.path.join(kd, c, "root") for c in sorted(os.listdir(kd))]
        osr = os.path.join(corpus, "os-release", "roots")
        roots += [os.path.join(osr, r) for r in sorted(os.listdir(osr))[:40:4]]
    reports = []
    if not agent or not os.access(agent, os.X_OK):
        print("seeds.py: no agent at '%s': no report seeds" % agent, file=sys.stderr)
        return reports
    with tempfile.TemporaryDirectory() as d:
        for i, r in enumerate(roots):
            if not os.path.isdir(r):
                continue
            out = os.path.join(d, "r%d.json" % i)
            subprocess.run(
                [agent, "--root", r, "--state-dir", os.path.join(d, "state%d" % i), "--output", out, "--quiet"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if os.path.exists(out):
                with open(out, "rb") as f:
                    reports.append(f.read())
    return reports


def report_seeds(s, reports):
    for k, rep in enumerate(reports):
        s.add("ingest", b"\x00\x00" + rep)
        if k < 6:
            s.add("ingest", b"\x83\x00" + rep)
            s.add("ingest", b"\x03\x00" + gzip.compress(rep))
            s.add("ingest", b"\x04\x00" + zlib.compress(rep))
            s.add("ingest", b"\x00\x41" + rep)
    s.add("ingest", b"\x00\x00{}")
    s.add("ingest", b"\x07\x00[]")


def peer_seeds(s):
    # OCS/FusionInventory XML and GLPI JSON: the shared corpus's inventories,
    # the GLPI agent fixtures, and the hostile classes t470 sends
    base = os.path.join(shared_corpus() or "", "peer-inventories", "windows")
    files = sorted(os.listdir(base)) if os.path.isdir(base) else []
    for name in files:
        path = os.path.join(base, name)
        with open(path, "rb") as f:
            data = f.read()[:MAX_SEED - 2]
        if name.endswith((".xml", ".ocs")):
            s.add("peer_ocs", b"\x00\x00" + data)
            s.add("peer_ocs", b"\x01\x00" + data)
        elif name.endswith(".json"):
            s.add("peer_glpi", b"\x00" + data)
    for name in ("contact.json", "inventory.json"):
        path = os.path.join(FIXTURES, "glpi-agent", name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                s.add("peer_glpi", b"\x00" + f.read())
    prolog = (b'<?xml version="1.0" encoding="UTF-8"?>\n<REQUEST><DEVICEID>h-2024-01-31-12-00-00'
              b'</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>\n')
    s.add("peer_ocs", b"\x00\x00" + prolog)
    s.add("peer_ocs", b"\x00\x00" + zlib.compress(prolog))
    s.add("peer_ocs", b"\x00\x01" + prolog)
    s.add("peer_ocs", b'\x00\x00<?xml version="1.0"?><!DOCTYPE R [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]>'
          b"<REQUEST><QUERY>PROLOG</QUERY><DEVICEID>&b;</DEVICEID></REQUEST>")
    s.add("peer_ocs", b'\x00\x00<?xml version="1.0"?><!DOCTYPE R SYSTEM "file:///etc/passwd">'
          b"<REQUEST><QUERY>PROLOG</QUERY></REQUEST>")
    s.add("peer_ocs", b"\x00\x00<REQUEST><QUERY>INVENTORY</QUERY><CONTENT><HARDWARE><OSNAME>"
          b"Microsoft Windows 7 Entreprise</OSNAME><OSVERSION>6.1.7600</OSVERSION></HARDWARE>"
          b"<ENVS><KEY>PROCESSOR_ARCHITEW6432</KEY><VAL>AMD64</VAL></ENVS>"
          b"<SOFTWARES><NAME>a</NAME><ARCHITECTURE>amd64</ARCHITECTURE></SOFTWARES>"
          b"</CONTENT></REQUEST>")
    s.add("peer_glpi", b'\x00{"deviceid":"d-2024-01-31-12-00-00","content":{"versionclient":'
          b'"GLPI-Agent_v1.12","bios":{"ssn":"X1"},"networks":[{"mac":"00:11:22:33:44:55"}],'
          b'"operatingsystem":{"full_name":"Microsoft Windows 10 Pro","kernel_version":'
          b'"10.0.22631","version":"2009","arch":"64-bit"},"softwares":[{"name":"x"}]}}')


def http_seeds(s, reports):
    # structured: method, path, auth, flags, then query \0 headers \0 auth \0 body
    queries = [b"", b"format=csv", b"format=table&as_of=2025-01-01", b"org=fuzz-org&window=30",
               b"name=bash*&version=5*", b"product=Debian GNU/Linux&from=2024-01-01&to=2030-01-01",
               b"by=org&horizon_months=12&min_cell=2&format=json", b"org=other&org=fuzz-org"]
    for path in range(12):
        for auth in (2, 3):
            s.add("http", bytes([0, path, auth, 0]) + queries[path % len(queries)] + b"\0\0\0")
    for q in queries:
        s.add("http", bytes([0, 6, 3, 0]) + q + b"\0\0\0")
    s.add("http", bytes([0, 2, 0, 0x10]) + b"\0X-Extra: 1\r\n\0\0")
    s.add("http", bytes([0, 12, 5, 0]) + b"/healthz?x=1\0\0" + b"a" * 64 + b"\0")
    for k, rep in enumerate(reports[:4]):
        for flags in (0, 1, 2, 4 | 0x20, 8):
            s.add("http", bytes([1, 0, 1, flags]) + b"\0\0\0" + rep)
    if reports:
        s.add("http", bytes([1, 0, 6, 0]) + b"\0\0Bearer " + b"a" * 64 + b"\0" + reports[0])
        s.add("http", bytes([1, 0, 2, 0]) + b"\0\0\0" + reports[0])
        s.add("http", bytes([1, 0, 4, 0]) + b"\0\0\0" + reports[0])
        raw = (b"POST /api/v1/inventory HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + b"a" * 64 +
               b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(reports[0]))
        s.add("http", b"\x80" + raw + reports[0])
    s.add("http", b"\x80GET /api/v1/machines?format=csv HTTP/1.1\r\nHost: x\r\nAuthorization: bearer "
          + b"b" * 64 + b"\r\n\r\n")
    s.add("http", b"\x80GET /metrics HTTP/1.0\r\n\r\n")
    s.add("http", b"\x80HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
          b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    # body framing, query limits (docs/security.md "HTTP edge cases")
    post = b"\x80POST /api/v1/inventory HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + b"a" * 64
    s.add("http", post + b"\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\n{}GET /healthz "
          b"HTTP/1.1\r\n\r\n")
    s.add("http", post + b"\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n"
          b"2\r\n{}\r\n0\r\n\r\n")
    s.add("http", post + b"\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
    s.add("http", b"\x80GET /healthz?" + b"a=b&" * 200 + b" HTTP/1.1\r\nHost: x\r\n\r\n")


def u16(text, nul=True):
    """text as UTF-16LE, with its terminating NUL unit unless nul is false."""
    return text.encode("utf-16-le") + (b"\0\0" if nul else b"")


def winreg_seeds(s):
    # byte 0: the value type (REG_SZ 1, REG_EXPAND_SZ 2, REG_BINARY 3,
    # REG_DWORD 4, REG_MULTI_SZ 7, REG_QWORD 11); the rest: the raw value
    for t in (1, 2):
        s.add("winreg", bytes([t]) + u16("Microsoft Windows 10 Pro"))
        s.add("winreg", bytes([t]) + u16("7-Zip 23.01 (x64)", nul=False))
    s.add("winreg", b"\x02" + u16("%ProgramFiles%\\Common Files"))
    s.add("winreg", b"\x01" + u16("Caf\u00e9 \U0001F600") + b"\x41")  # odd length
    s.add("winreg", b"\x01" + u16("odd", nul=False) + b"\x00")
    s.add("winreg", b"\x01\x41\x00\x00\xd8\x42\x00\x00\x00")  # a lone high surrogate
    s.add("winreg", b"\x01\x00\xdc\x00\xd8")  # lone low, then high at the end
    s.add("winreg", b"\x01" + u16("Security Update for Windows XP (KB2347290)"))
    s.add("winreg", b"\x01" + u16("{8a3c7f27-0b7e-4d2b-9f7a-2f1c3e4d5a6b}"))
    s.add("winreg", b"\x01" + u16("8A3C7F270B7E4D2B9F7A2F1C3E4D5A6B"))
    s.add("winreg", b"\x01" + u16("00000000-0000-0000-0000-000000000000"))
    s.add("winreg", b"\x01" + u16(""))
    s.add("winreg", b"\x01")
    s.add("winreg", b"\x04" + struct.pack("<I", 19045))  # CurrentBuildNumber-like DWORD
    s.add("winreg", b"\x04" + struct.pack("<I", 1))  # SystemComponent
    s.add("winreg", b"\x05" + struct.pack(">I", 7601))
    s.add("winreg", b"\x04\x01\x02\x03")  # DWORD of 3 bytes
    s.add("winreg", b"\x0b" + struct.pack("<Q", 0x01D9A2B3C4D5E6F7))
    s.add("winreg", b"\x03\xde\xad\xbe\xef")
    multi = u16("WinNT") + u16("") + u16("Terminal Server") + u16("KB958644") + b"\0\0"
    s.add("winreg", b"\x07" + multi)
    s.add("winreg", b"\x07" + u16("ServerNT", nul=False))
    s.add("winreg", b"\x07\x00\x00\x00\x00")


def smbios_table(major, minor, uuid, strings, ftype=1, extra=b""):
    """A raw RSMB table (the GetSystemFirmwareTable header, then a BIOS
    structure, one structure of type ftype holding uuid and the strings
    manufacturer, product, version, serial, and the end-of-table marker)."""
    bios = bytes([0, 0x12]) + struct.pack("<H", 0) + bytes([1, 2, 0, 0xF0, 3, 0x1F]) + b"\0" * 8
    bios += b"Vendor\0" + b"1.0\0\0"
    sset = b"".join(x.encode() + b"\0" for x in strings) + b"\0"
    if not strings:
        sset = b"\0\0"
    sysinfo = bytes([ftype, 0x1B]) + struct.pack("<H", 1) + bytes([1, 2, 3, 4]) + uuid
    sysinfo += bytes([6, 0, 0])  # wake-up type, SKU, family (2.4)
    end = bytes([127, 4]) + struct.pack("<H", 2) + b"\0\0"
    table = bios + sysinfo + sset + extra + end
    return bytes([0, major, minor, 0]) + struct.pack("<I", len(table)) + table


def smbios_seeds(s):
    # the UUID 4c4c4544-0042-3510-8052-b4c04f4d4d31 as SMBIOS 2.6+ stores it
    # (first three fields little-endian)
    u = bytes.fromhex("4445 4c4c 4200 1035 8052 b4c04f4d4d31".replace(" ", ""))
    names = ["Dell Inc.", "OptiPlex 7010", "01", "4MM1BZ1   "]
    good = smbios_table(2, 7, u, names)
    s.add("smbios", good)
    s.add("smbios", smbios_table(2, 4, u, names))  # printed as stored
    s.add("smbios", smbios_table(3, 0, b"\0" * 16, ["QEMU", "Standard PC"]))
    s.add("smbios", smbios_table(2, 8, b"\xff" * 16, []))
    s.add("smbios", smbios_table(2, 8, u, names, ftype=2))  # no type 1
    s.add("smbios", good[: len(good) // 2])  # truncated: the length is over the data
    cut = bytearray(good[: len(good) - 20])
    cut[4:8] = struct.pack("<I", len(cut) - 8)  # truncated inside the strings
    s.add("smbios", bytes(cut))
    s.add("smbios", good[:8])


def hwfacts_seeds(s):
    """The readiness decoders: the first byte picks one (fuzz_hwfacts.c)."""
    hw = os.path.join(FIXTURES, "hw")
    for root in sorted(os.listdir(hw)) if os.path.isdir(hw) else []:
        path = os.path.join(hw, root, "proc", "cpuinfo")
        if os.path.exists(path):
            with open(path, "rb") as f:
                s.add("hwfacts", b"\x00" + f.read()[: 64 << 10])
        dmi = os.path.join(hw, root, "sys", "firmware", "dmi", "tables", "DMI")
        if os.path.exists(dmi):
            with open(dmi, "rb") as f:
                s.add("hwfacts", b"\x07" + f.read())
    for v in (b"\x06\0\0\0\x01", b"\x06\0\0\0\x00", b"\x06\0\0", b"\x06\0\0\0\x02"):
        s.add("hwfacts", b"\x01" + v)
    for t in (b"2\n", b"1", b"|Manufacturer: 0x49465800\nTCG version: 1.2\n", b"|TCG version: 1.1"):
        s.add("hwfacts", b"\x02" + t)
    s.add("hwfacts", b"\x03" + struct.pack("<IIII", 1, 2, 1, 0))
    s.add("hwfacts", b"\x03" + struct.pack("<II", 1, 1))
    for d in (b"02/14/2024", b"12/01/09", b"02/29/2023", b"2020-13-45", b"13/01/2020\n"):
        s.add("hwfacts", b"\x04" + d)
    for n in (b"0x10\n", b"zz", b"0x"):
        s.add("hwfacts", b"\x05" + n)
    s.add("hwfacts", b"\x06\x04\x10\0\0\0")
    s.add("hwfacts", b"\x06\x0b" + struct.pack("<Q", 1 << 40))
    s.add("hwfacts", b"\x08" + struct.pack("<II", 0x000906E9, 0x00980000))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: seeds.py OUT [AGENT]")
    out, agent = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
    corpus = shared_corpus()
    if not corpus:
        print("seeds.py: no shared corpus: seeds from the fixtures only", file=sys.stderr)
    shutil.rmtree(out, ignore_errors=True)
    s = Seeds(out)
    text_seeds(s, corpus)
    rpm_seeds(s, corpus)
    small_seeds(s)
    winreg_seeds(s)
    smbios_seeds(s)
    hwfacts_seeds(s)
    reports = agent_reports(agent, corpus)
    report_seeds(s, reports)
    http_seeds(s, reports)
    peer_seeds(s)
    print("seeds: " + ", ".join("%s %d" % kv for kv in sorted(s.count.items())))


if __name__ == "__main__":
    main()
