#!/usr/bin/env python3
"""inert.py csv|table FILE [ROWS] - checks that a report is inert for its
reader (docs/security.md, "Values from machines"): valid UTF-8 holding no
control character (C0, DEL, C1), bidirectional control or line separator
but the format's own line ends; for CSV (RFC 4180, CRLF) every record has
the header's number of fields and no field starts a formula (= + - @ tab
CR). Prints the number of rows after the header; with ROWS, fails unless
it is that."""
import csv
import io
import sys


def hidden(cp):
    return (cp < 0x20 or 0x7F <= cp <= 0x9F or cp in (0x61C, 0x200E, 0x200F)
            or 0x2028 <= cp <= 0x202E or 0x2066 <= cp <= 0x2069)


def fail(msg):
    print("inert.py: %s: %s" % (sys.argv[2], msg), file=sys.stderr)
    sys.exit(1)


def check_text(text, what):
    for i, ch in enumerate(text):
        if hidden(ord(ch)):
            fail("U+%04X at %d of %s %r" % (ord(ch), i, what, text[:200]))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    data = open(path, "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        fail("not UTF-8: %s" % e)
    if mode == "table":
        if text and not text.endswith("\n"):
            fail("no final line end")
        lines = text.split("\n")[:-1]
        for line in lines:
            check_text(line, "line")
        rows = len(lines) - 1
    else:
        if text and (not text.endswith("\r\n") or "\n" in text.replace("\r\n", "")):
            fail("line ends other than CRLF outside quotes")
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        for rec in records:
            if len(rec) != len(records[0]):
                fail("%d fields, the header has %d: %r" % (len(rec), len(records[0]), rec))
            for field in rec:
                check_text(field, "field")
                if field[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    fail("a field starts a formula: %r" % field)
        rows = len(records) - 1
    print(rows)
    if len(sys.argv) > 3 and rows != int(sys.argv[3]):
        fail("%d rows, want %s" % (rows, sys.argv[3]))


main()
