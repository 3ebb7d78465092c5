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
            # distroless status.d stanzas have no Status: installed by definition
            if cols[3] not in ("installed", "(no Status field)"):
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


def stored_link_target(path):
    """The target of a symbolic link that was stored as a small text file
    holding the link's target (as git does without symlink support), or None."""
    if os.path.islink(path) or not os.path.isfile(path) or os.path.getsize(path) > 255:
        return None
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace").strip()
    if not text or any(c in text for c in "= \t\n"):
        return None
    return text if os.path.exists(os.path.join(os.path.dirname(path), text)) else None


def repair(src, dst):
    """Copies the root src to dst, turning stored links back into links.
    Prints how many were repaired."""
    import shutil
    shutil.copytree(src, dst, symlinks=True)
    n = 0
    for d, _, files in os.walk(dst):
        os.chmod(d, 0o755)
        for name in files:
            p = os.path.join(d, name)
            target = stored_link_target(p)
            if target:
                os.chmod(p, 0o644)
                os.unlink(p)
                os.symlink(target, p)
                n += 1
    print(n)


def needs_repair(root):
    for d, _, files in os.walk(os.path.join(root, "etc")):
        if any(stored_link_target(os.path.join(d, f)) for f in files):
            return True
    return False


if sys.argv[1] == "needs-repair":
    sys.exit(0 if needs_repair(sys.argv[2]) else 1)
if sys.argv[1] == "repair":
    repair(sys.argv[2], sys.argv[3])
    sys.exit(0)
if sys.argv[1] == "osrelease":
    sys.exit(1 if check_osrelease(sys.argv[2], sys.argv[3]) else 0)
sys.exit(check_packages(sys.argv[2], sys.argv[3]))
