#!/usr/bin/python3
# httpd.py - a loopback HTTP(S) server standing in for the collector in tests.
#
# Usage: httpd.py --port-file FILE --mode MODE --log FILE [--tls-cert C --tls-key K]
#
# Binds 127.0.0.1 on a free port and writes the port to FILE (atomically)
# once it accepts connections. Every POST is recorded as one JSON line in the
# log: n, method, path, headers (all of them, Authorization included: this is
# a test server), the raw body's size and SHA-256, and the decoded body's
# size and SHA-256 (gzip or deflate per Content-Encoding); the decoded body
# is stored as req-N.json next to the log. Then it answers as MODE says:
#   ok     200 {"status":"ok","machine":"m1","next_report_seconds":3600}
#   e400   400 {"status":"error","error":"softwares[3].name: missing"}
#   e401   401 {"status":"error","error":"invalid token"}
#   e500   500 {"status":"error","error":"internal error"}
#   e429   429 with Retry-After: 1 (short, so that tests of the agent's
#          back-pressure waits stay fast)
#   e503   503 with Retry-After: 1
#   busy1  the first POST gets 503 with Retry-After: 1, later ones 200
#   short409  409 {"error":...,"resend":"full"} to a short report
#          (content.fleetcensus.software_unchanged true), 200 to others
#   byhost by content.hardware.name of the report: a name starting with
#          "refuse" gets 400, "fail" 500, anything else 200
#   hang   reads the request, never answers
#   close  reads the request, closes the connection without answering
#   r302   302 to another host (a client must not follow it with the token)
#   big    200 with a 1 MiB JSON answer (a client must cap what it reads)
# Network faults (t230), see FAULT_MODES below:
#   slow    reads the request, then answers one byte a second, forever
#   reset   reads the headers and 64 body bytes, then resets the connection (RST)
#   garbage reads the request, answers 4 KiB of bytes that are not HTTP, closes
# Stops on SIGTERM or SIGINT. Standard library only (Debian's /usr/bin/python3).
import argparse
import gzip
import hashlib
import http.server
import json
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import zlib

MODES = {
    "ok": (200, {"status": "ok", "machine": "m1", "next_report_seconds": 3600}, {}),
    "e400": (400, {"status": "error", "error": "softwares[3].name: missing"}, {}),
    "e401": (401, {"status": "error", "error": "invalid token"},
             {"WWW-Authenticate": "Bearer"}),
    "e500": (500, {"status": "error", "error": "internal error"}, {}),
    "e429": (429, {"status": "error", "error": "too many requests"},
             {"Retry-After": "1"}),
    "e503": (503, {"status": "error", "error": "busy"}, {"Retry-After": "1"}),
}
E409 = (409, {"status": "error", "resend": "full",
              "error": "software list is not the one stored for this machine: "
                       "send the full report"}, {})
OTHER_MODES = ["hang", "close", "r302", "big", "busy1", "short409", "byhost"]
BODY_MAX = 256 << 20


# ---- network fault modes (t230-agent-network.sh) ----
def fault_slow(handler):
    """Answers a 200 one byte a second until the client gives up or we stop."""
    data = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n' \
           b'Content-Length: 64\r\n\r\n{"status":"ok"}' + b" " * 49
    for i in range(len(data)):
        if handler.server.stopping.wait(1):
            break
        try:
            handler.wfile.write(data[i:i + 1])
            handler.wfile.flush()
        except OSError:
            break
    handler.close_connection = True


def fault_reset(handler):
    """Takes the first 64 body bytes, then closes with SO_LINGER 0: an RST."""
    handler.rfile.read(64)
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                  struct.pack("ii", 1, 0))
    handler.close_connection = True


def fault_garbage(handler):
    """Answers bytes that are not HTTP, then closes."""
    handler.wfile.write(bytes(range(256)) * 16)
    handler.wfile.flush()
    handler.close_connection = True


# mode: (handler, whether the whole request is read and recorded first)
FAULT_MODES = {"slow": (fault_slow, True), "reset": (fault_reset, False),
               "garbage": (fault_garbage, True)}


def decode(body, encoding):
    """Returns (decoded body or None, error text or None)."""
    enc = (encoding or "identity").strip().lower()
    try:
        if enc == "gzip":
            return gzip.decompress(body), None
        if enc == "deflate":
            return zlib.decompress(body), None
        if enc == "identity":
            return body, None
        return None, "unknown Content-Encoding " + enc
    except (OSError, EOFError, zlib.error) as e:
        return None, "cannot decode: %s" % e


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fc-test-httpd/1"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if self.server.verbose:
            sys.stderr.write("httpd: " + (format % args) + "\n")

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n < 0 or n > BODY_MAX:
            raise ValueError("bad Content-Length")
        return self.rfile.read(n)

    def choose(self, n, doc):
        """The answer (status, doc, headers) for request number n."""
        mode = self.server.mode
        ext = ((doc or {}).get("content") or {}).get("fleetcensus") or {}
        host = str(((doc or {}).get("content") or {}).get("hardware", {}).get("name", ""))
        if mode == "busy1":
            return MODES["e503"] if n == 1 else MODES["ok"]
        if mode == "short409":
            return E409 if ext.get("software_unchanged") is True else MODES["ok"]
        if mode == "byhost":
            if host.startswith("refuse"):
                return MODES["e400"]
            if host.startswith("fail"):
                return MODES["e500"]
            return MODES["ok"]
        return MODES.get(mode)

    def record(self, body):
        decoded, error = decode(body, self.headers.get("Content-Encoding"))
        try:
            doc = json.loads(decoded) if decoded is not None else None
            if not isinstance(doc, dict):
                doc = None
        except ValueError:
            doc = None
        ext = ((doc or {}).get("content") or {}).get("fleetcensus") or {}
        with self.server.lock:
            self.server.count += 1
            n = self.server.count
            answer = self.choose(n, doc)
            entry = {
                "time": time.time(),
                "status": answer[0] if answer else None,
                "kind": None if doc is None else
                ("short" if ext.get("software_unchanged") is True else "full"),
                "host": ((doc or {}).get("content") or {}).get("hardware", {}).get("name"),
                "report_id": ext.get("report_id"),
                "n": n,
                "method": self.command,
                "path": self.path,
                "headers": {k: v for k, v in self.headers.items()},
                "raw_size": len(body),
                "raw_sha256": hashlib.sha256(body).hexdigest(),
                "body_size": len(decoded) if decoded is not None else None,
                "body_sha256": hashlib.sha256(decoded).hexdigest()
                if decoded is not None else None,
                "decode_error": error,
            }
            if decoded is not None:
                with open(os.path.join(self.server.dir, "req-%d.json" % n), "wb") as f:
                    f.write(decoded)
            with open(self.server.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry, sort_keys=True) + "\n")
        return answer

    def answer(self, status, doc, headers):
        data = (json.dumps(doc) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        fault = FAULT_MODES.get(self.server.mode)
        if fault and not fault[1]:
            fault[0](self)
            return
        try:
            body = self.read_body()
        except ValueError:
            self.answer(411, {"status": "error", "error": "bad Content-Length"}, {})
            return
        chosen = self.record(body)
        mode = self.server.mode
        if fault:
            fault[0](self)
            return
        if mode == "hang":
            while not self.server.stopping.wait(3600):
                pass
            self.close_connection = True
            return
        if mode == "close":
            self.close_connection = True
            return
        if mode == "r302":
            self.answer(302, {}, {"Location": "http://127.0.0.1:9/stolen"})
            return
        if mode == "big":
            self.answer(200, {"status": "ok", "pad": "x" * (1 << 20)}, {})
            return
        status, doc, headers = chosen
        self.answer(status, doc, headers)

    def do_GET(self):
        self.answer(404, {"status": "error", "error": "not found"}, {})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, args):
        super().__init__(("127.0.0.1", 0), Handler)
        self.mode = args.mode
        self.log = args.log
        self.dir = os.path.dirname(os.path.abspath(args.log))
        self.verbose = args.verbose
        self.count = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.tls = None
        if args.tls_cert:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(args.tls_cert, args.tls_key)

    def handle_error(self, request, client_address):
        # A client that hangs up early (timeout, capped answer) is expected.
        if self.verbose or not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the connection's thread, so a client that
        # stalls or rejects the certificate never blocks the others.
        if self.tls:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                if self.verbose:
                    sys.stderr.write("httpd: TLS handshake failed: %s\n" % e)
                return
        super().finish_request(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--mode", required=True, choices=sorted(list(MODES) + OTHER_MODES + list(FAULT_MODES)))
    ap.add_argument("--log", required=True)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")

    srv = Server(args)
    open(args.log, "a").close()

    def stop(signum, frame):
        srv.stopping.set()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
