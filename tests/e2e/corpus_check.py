# Compares the agent's reports over ../shared/corpus with the corpus' own
# expected listings. Prints one line per mismatch and a summary; exits 1 on
# any mismatch.
#   corpus_check.py osrelease EXPECTED.csv REPORT_DIR
#   corpus_check.py packages CASE_DIR REPORT
import csv
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check_osrelease(expected_csv, report_dir):
    bad = rows = 0
    with open(expected_csv, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows += 1
            path = os.path.join(report_dir, row["dir"] + ".json")
            if not os.path.exists(path):
                print(f"{row['dir']}: no report")
                bad += 1
                continue
            ext = load(path)["content"]["fleetcensus"]
            if row["osrelease_file"]:
                osr = ext.get("os_release", {})
                for col, key in (("id", "ID"), ("version_id", "VERSION_ID"),
                                 ("pretty_name", "PRETTY_NAME")):
                    want = row[col] or None
                    if osr.get(key) != want:
                        print(f"{row['dir']}: {key} {osr.get(key)!r} != expected {want!r}")
                        bad += 1
                if "release_files" in ext:
                    print(f"{row['dir']}: release_files sent although os-release exists")
                    bad += 1
            else:
                got = ext.get("release_files", {})
                for item in filter(None, row["other_release_files"].split(" | ")):
                    name, _, line = item.partition("=")
                    name = name.split(" (symlink")[0]
                    if got.get(name) != line:
                        print(f"{row['dir']}: {name}: {got.get(name)!r} != expected {line!r}")
                        bad += 1
                if not got:
                    print(f"{row['dir']}: no release files reported")
                    bad += 1
    print(f"os-release corpus: {rows} roots, {bad} mismatches")
    return bad


def norm_version(fmt, pkg):
    v = pkg.get("version", "")
    if fmt != "rpm":
        return (pkg["name"], v, pkg.get("arch", ""))
    epoch, _, rest = v.rpartition(":") if ":" in v else ("0", "", v)
    ver, _, rel = rest.rpartition("-")
    return (pkg["name"], epoch or "0", ver, rel, pkg.get("arch", ""))


def expected_packages(case_dir, fmt):
    path = os.path.join(case_dir, "expected.tsv")
    header = True
    if not os.path.exists(path):
        path = os.path.join(case_dir, "expected-dpkg-query.tsv")
        header = False
    want = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if header and i == 0:
            continue
        cols = line.split("\t")
        if fmt == "dpkg":
            if cols[3] != "installed":
                continue
            want.append(tuple(cols[:3]))
        elif fmt == "rpm":
            if cols[0] == "gpg-pubkey":
                continue
            want.append(tuple(cols[:5]))
        else:
            want.append(tuple(cols[:3]))
    return sorted(want)


def check_packages(case_dir, report):
    fmt = os.path.basename(os.path.dirname(os.path.abspath(case_dir)))
    r = load(report)
    ext = r["content"]["fleetcensus"]
    if ext["sections"]["software"] != "ok":
        print(f"{case_dir}: software {ext['sections']['software']}: {ext['errors']}")
        return 1
    got = sorted(norm_version(fmt, p) for p in r["content"]["softwares"])
    want = expected_packages(case_dir, fmt)
    if got != want:
        gs, ws = set(got), set(want)
        print(f"{case_dir}: {len(got)} packages, expected {len(want)}; "
              f"extra {sorted(gs - ws)[:5]} missing {sorted(ws - gs)[:5]}")
        return 1
    froms = {p["from"] for p in r["content"]["softwares"]}
    want_from = {"dpkg": "deb"}.get(fmt, fmt)
    if got and froms != {want_from}:
        print(f"{case_dir}: from {froms}, expected {want_from}")
        return 1
    print(f"{case_dir}: {len(got)} packages as expected")
    return 0


if sys.argv[1] == "osrelease":
    sys.exit(1 if check_osrelease(sys.argv[2], sys.argv[3]) else 0)
sys.exit(check_packages(sys.argv[2], sys.argv[3]))
