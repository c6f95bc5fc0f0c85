#!/usr/bin/env python3
"""Stock Go networking on goose: unchanged net/http programs, with one blank
import of goose/go-kernel/net/virtio, over virtio-net on QEMU virt.

  ci/net.py [--only CHECK] [--verbose] [--smp N]

The programs are go-kernel/net/examples/ (httpserver, httpget), built once
here (GOOS=linux GOARCH=riscv64 CGO_ENABLED=0, from the go-kernel/net
module, the machine's Go) into build/net/, and booted with `make run`.

QEMU's user network runs RESTRICTED (restrict=on): the guest reaches
nothing but what is forwarded, and all of that is on the host's loopback:

  hostfwd  tcp:127.0.0.1:<free port> -> guest port 8080 (httpserver)
  guestfwd 10.0.2.100:80 -> an HTTP server of this script on 127.0.0.1
  guestfwd 10.0.2.53:53  -> a DNS server of this script on 127.0.0.1
                            (DNS over TCP, RFC 1035 4.2.2 framing)

Each guestfwd runs ci/netrelay.py once per guest connection (`cmd:`; a
`tcp:` chardev guestfwd would carry a single connection for the whole
run), which relays it to the server's port. The DNS server answers A
queries for files.goose.test with 10.0.2.100, AAAA (and other types) for
it with no answer, and NXDOMAIN for every other name. slirp's DHCP server
still answers under restrict=on, but with no router and no DNS server (so
no default route): the boots use DHCP (10.0.2.15/24) but for the one of
net/client and net/errors, which configures eth0 statically
(GOOSE_NET_ADDR, GOOSE_NET_GW=10.0.2.2), so both ways are tested.
GOOSE_NET_DNS=10.0.2.53 GOOSE_NET_DNS_TCP=1 make Go's own resolver ask
the DNS server above, over TCP.

Checks:

  net/harness   this script's own pieces, no QEMU: the DNS server asked
                over TCP directly and through ci/netrelay.py (A, AAAA,
                NXDOMAIN, two queries on one connection), the relay's half
                close, the HTTP server's bytes
  net/server    httpserver (http.ListenAndServe(":8080", mux)), curl from
                the host through hostfwd: / (the exact text),
                /bytes?n=1048576 (every byte), POST /echo of 256 KiB
                (length and SHA-256 the guest computed), keep-alive (one
                curl, several URLs, one connection: num_connects 1 0 0),
                /ifaces (eth0 up with 10.0.2.15/24, lo up with
                127.0.0.1/8), /lookup of files.goose.test (10.0.2.100) and
                of an unknown name (502), then /quit: `goose: exit status 0`
  net/client    httpget with the stock http.Client fetches
                http://files.goose.test/page and /big (DNS over TCP, then
                HTTP, both through guestfwd): the length and SHA-256 it
                prints must be the host server's; lookups of
                files.goose.test and of an unknown name (not found); the
                host servers must have seen the queries and the Host header
  net/errors    httpget -errors, in the same boot as net/client:
                ECONNREFUSED from guest loopback ports (127.0.0.1:1, and a
                port whose listener was just closed), from 10.0.2.2:9 and
                from 192.0.2.1:9 through the gateway (restricted, slirp
                resets every SYN it does not forward), reset (a peer that
                closes with SO_LINGER 0: ECONNRESET on read), a 2 s dial
                timeout to 10.0.2.99:9 (nobody answers its ARP), a 500 ms
                read deadline: each line must say ok
  net/1000conns at SMP 2: the host opens 1,000 TCP connections through
                hostfwd to httpserver, all open at once, and sends
                `GET /hold?id=I&want=1000` on each: the server answers only
                once 1,000 /hold requests are in it at the same time, so
                every answer ("held I peak P", P >= 1000) proves all 1,000
                were open end to end; then a second keep-alive GET /hold on
                each same connection; then all closed, /quit, status 0.
                Reports the times. When fewer get through, the report names
                how many (the guest's peak and the host's count).

Prints one line per check ("ok   net/..." or "FAIL net/...: why"), then
"N passed, N failed" (ci/report.py's protocol); exits 1 when a check failed.
Logs of failures (the console, the relays' and servers' logs) go to
build/test-logs/net-*.log.
"""

import argparse
import hashlib
import http.server
import os
import re
import resource
import selectors
import shlex
import shutil
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
import report  # noqa: E402
import examples  # noqa: E402  (Console, free_port, go_env, exit_status, ...)

MODULE = os.path.join(REPO, "go-kernel", "net")
BUILD = os.path.join(REPO, "build", "net")
LOGS = os.path.join(REPO, "build", "test-logs")
RELAY = os.path.join(REPO, "ci", "netrelay.py")
PROGRAMS = ["httpserver", "httpget"]
VIRTIO_V2 = examples.VIRTIO_V2
GO_MIN = (1, 26, 3)           # gVisor's
BUILD_TIMEOUT = 900           # gVisor's first build on a busy machine is slow
SESSION_TIMEOUT = 240         # seconds of QEMU per boot
READY_TIMEOUT = 120           # boot to "httpserver: serving"
MEM = "512M"

CHECKS = ["harness", "server", "client", "errors", "1000conns"]

# What both sides agree on (go-kernel/net/examples/).
HELLO = b"hello from goose: a stock net/http server over virtio-net\n"
GUEST_ADDR = "10.0.2.15/24"
FILES_NAME, FILES_ADDR = "files.goose.test", "10.0.2.100"
DNS_ADDR = "10.0.2.53"
UNKNOWN_NAME = "nosuch.goose.test"
# Under restrict=on slirp answers a SYN it does not forward with a reset:
# to its own address 10.0.2.2, and to 192.0.2.1 (TEST-NET-1, routed to
# 10.0.2.2). Nobody answers ARP for 10.0.2.99: a SYN to it never leaves.
REFUSED_ADDRS = ["10.0.2.2:9", "192.0.2.1:9"]
TIMEOUT_ADDRS = ["10.0.2.99:9"]
CONNS = 1000
HOLD_WAIT = 30                # seconds
PCAP = None                   # --pcap FILE

VERBOSE = False


def say(line):
    print(line, flush=True)


def verbose(line):
    if VERBOSE:
        say("# " + line)


def log(name, text):
    os.makedirs(LOGS, exist_ok=True)
    path = os.path.join(LOGS, "net-" + name + ".log")
    with open(path, "w") as f:
        f.write(text)
    return os.path.relpath(path, REPO)


class Tally:
    """ci/report.py's Report, with the planned checks kept track of (one
    never reached is a failure, not lost) and a log per failure."""

    def __init__(self, checks):
        self.rep = report.Report()
        self.left = list(checks)
        self.rep.plan(len(self.left))

    def _done(self, name):
        assert name in self.left, "check %s reported twice or not planned" % name
        self.left.remove(name)

    def ok(self, name, detail, logtext=None):
        self._done(name)
        if logtext is not None and VERBOSE:
            detail += "; log: %s" % log(name, logtext)
        self.rep.ok("net/" + name, detail)

    def fail(self, name, why, logtext=None):
        self._done(name)
        if logtext is not None:
            why += " (log: %s)" % log(name, logtext)
        self.rep.fail("net/" + name, why)

    def skip(self, name, why):
        self._done(name)
        self.rep.skip("net/" + name, why)

    def unreached(self, why):
        for name in list(self.left):
            self.fail(name, why)


# ------------------------------------------------------------ the DNS server

def dns_name(msg, off):
    """(name, offset after it) of an uncompressed name at off."""
    labels = []
    while True:
        n = msg[off]
        off += 1
        if n == 0:
            return ".".join(labels), off
        if n & 0xc0:
            raise ValueError("a compressed name in a question")
        labels.append(msg[off:off + n].decode("ascii", "replace"))
        off += n


def dns_answer(query, records):
    """The response to one DNS query (bytes without the TCP length), and
    what was asked: (response, (name, qtype)). records maps a lower-case
    name to its IPv4 addresses."""
    if len(query) < 12:
        raise ValueError("a query of %d bytes" % len(query))
    qid, flags, qd, _, _, _ = struct.unpack(">HHHHHH", query[:12])
    if flags & 0x8000 or qd != 1:
        raise ValueError("not a query with one question (flags %#x, %d questions)" % (flags, qd))
    name, off = dns_name(query, 12)
    qtype, qclass = struct.unpack(">HH", query[off:off + 4])
    question = query[12:off + 4]
    opcode = (flags >> 11) & 0xf
    key = name.lower().rstrip(".")
    answers = b""
    count = 0
    rcode = 0
    if opcode != 0:
        rcode = 4  # NOTIMP
    elif key not in records:
        rcode = 3  # NXDOMAIN
    elif qtype == 1 and qclass == 1:
        for a in records[key]:
            # the name as a pointer to the question's (offset 12)
            answers += struct.pack(">HHHIH", 0xc00c, 1, 1, 60, 4) + socket.inet_aton(a)
            count += 1
    # QR, the opcode, AA (no "lame referral" for an empty answer), RD as
    # asked, RA
    rflags = 0x8000 | (opcode << 11) | 0x0400 | (flags & 0x0100) | 0x0080 | rcode
    resp = struct.pack(">HHHHHH", qid, rflags, 1, count, 0, 0) + question + answers
    return resp, (name, qtype)


QTYPES = {1: "A", 28: "AAAA", 5: "CNAME", 33: "SRV", 16: "TXT"}


class DNSServer:
    """DNS over TCP on 127.0.0.1 (a thread per connection, any number of
    length-prefixed queries on each). Keeps a log of what was asked."""

    def __init__(self, records):
        self.records = records
        self.lock = threading.Lock()
        self.queries = []     # (name, type name, rcode)
        self.connections = 0
        self.events = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._conn, args=(c,), daemon=True).start()

    @staticmethod
    def _read(c, n):
        buf = b""
        while len(buf) < n:
            d = c.recv(n - len(buf))
            if not d:
                return None if not buf else buf
            buf += d
        return buf

    def _conn(self, c):
        c.settimeout(60)
        try:
            with c:
                while True:
                    head = self._read(c, 2)
                    if head is None:
                        return
                    if len(head) < 2:
                        raise ValueError("a length of 1 byte")
                    (n,) = struct.unpack(">H", head)
                    query = self._read(c, n)
                    if query is None or len(query) < n:
                        raise ValueError("a query cut short")
                    resp, (name, qtype) = dns_answer(query, self.records)
                    with self.lock:
                        self.queries.append((name, QTYPES.get(qtype, str(qtype)), resp[3] & 0xf))
                    c.sendall(struct.pack(">H", len(resp)) + resp)
        except (OSError, ValueError, IndexError, struct.error) as e:
            with self.lock:
                self.events.append("dns: %r" % e)

    def close(self):
        self.sock.close()

    def summary(self):
        with self.lock:
            return "dns server: %d connections, queries %r, events %r" % (
                self.connections, self.queries, self.events)


def dns_query(name, qtype, qid=0x1234):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 1)   # RD, one question, an OPT record
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack(">HH", qtype, 1)
    q += b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0)     # EDNS(0), as Go's resolver sends
    return q


def dns_parse(resp):
    """(id, rcode, flags, [IPv4 addresses answered])."""
    qid, flags, qd, an, _, _ = struct.unpack(">HHHHHH", resp[:12])
    off = 12
    for _ in range(qd):
        _, off = dns_name(resp, off)
        off += 4
    addrs = []
    for _ in range(an):
        if resp[off] & 0xc0 == 0xc0:
            off += 2
        else:
            _, off = dns_name(resp, off)
        rtype, _, _, rdlen = struct.unpack(">HHIH", resp[off:off + 10])
        off += 10
        if rtype == 1 and rdlen == 4:
            addrs.append(socket.inet_ntoa(resp[off:off + 4]))
        off += rdlen
    return qid, flags & 0xf, flags, addrs


# ----------------------------------------------------------- the HTTP server

def pattern(n, seed):
    """n bytes that are not a simple pattern: a SHA-256 chain from seed."""
    out, block = bytearray(), seed
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:n])


class FileServer:
    """HTTP/1.1 on 127.0.0.1: /page and /big, a known body each; keeps the
    requests' paths and Host headers."""

    def __init__(self):
        self.files = {"/page": pattern(100_000, b"page"), "/big": pattern(1 << 20, b"big")}
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                with outer.lock:
                    outer.requests.append((self.path, self.headers.get("Host"), self.headers.get("User-Agent")))
                body = outer.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def summary(self):
        with self.lock:
            return "http server: requests %r" % self.requests


# ------------------------------------------------------------------- QEMU

class Network:
    """The host's side of one boot: the servers, the relays, and QEMU's
    -netdev for them."""

    def __init__(self, tmp, hostfwd_port=None):
        self.tmp = tmp
        self.dns = DNSServer({FILES_NAME: [FILES_ADDR]})
        self.files = FileServer()
        self.relay_log = os.path.join(tmp, "relay.log")
        self.hostfwd_port = hostfwd_port
        fwds = []
        for addr, port, name in ((FILES_ADDR + ":80", self.files.port, "http"),
                                 (DNS_ADDR + ":53", self.dns.port, "dns")):
            script = os.path.join(tmp, "relay-" + name)
            # slirp runs the command itself (no shell; blanks would split
            # QEMU_EXTRA's words): a script per server.
            with open(script, "w") as f:
                f.write("#!/bin/sh\nexec %s %s %d %s\n" % (shlex.quote(sys.executable), shlex.quote(RELAY), port,
                                                          shlex.quote(self.relay_log)))
            os.chmod(script, 0o755)
            fwds.append("guestfwd=tcp:%s-cmd:%s" % (addr, script))
        hostfwd = ",hostfwd=tcp:127.0.0.1:%d-:8080" % hostfwd_port if hostfwd_port else ""
        self.netdev = "-netdev user,id=n0,restrict=on%s,%s -device virtio-net-device,netdev=n0" % (
            hostfwd, ",".join(fwds))
        if PCAP:
            # every frame both ways, for a look with any pcap reader
            self.netdev += " -object filter-dump,id=dump0,netdev=n0,file=%s" % PCAP
        for path in (tmp, sys.executable, RELAY):
            # QEMU's option syntax takes no comma, QEMU_EXTRA's words no blank
            assert not set(", '\"") & set(path), "a path QEMU's -netdev cannot take: %r" % path

    def close(self):
        self.dns.close()
        self.files.close()

    def logs(self):
        try:
            with open(self.relay_log) as f:
                relays = f.read()
        except OSError:
            relays = "(no relay ran)\n"
        return "%s\n%s\nrelays:\n%s" % (self.dns.summary(), self.files.summary(), relays)


def make_cmd(elf, bootargs, extra, smp):
    return ["make", "-s", "--no-print-directory", "-C", REPO, "run", "KERNEL=" + elf, "MEM=" + MEM,
            "SMP=%d" % smp, "BOOTARGS=" + bootargs, "QEMU_EXTRA=" + extra, "TIMEOUT=%d" % SESSION_TIMEOUT]


def boot(elf, bootargs, net, smp):
    cmd = make_cmd(elf, bootargs, VIRTIO_V2 + " " + net.netdev, smp)
    verbose(" ".join(shlex.quote(w) for w in cmd))
    return examples.Console(cmd)


def stop(con):
    if con.p.poll() is None:
        con.kill()
        con.wait_exit(10)


def net_lines(out):
    return [l for l in out.splitlines() if l.startswith("goose-net: ")]


def start_server(tmp, bootargs, smp, extra_args=""):
    """Boots httpserver with a fresh hostfwd port (another, if that one
    was taken in between); returns (console, network, port, seconds to
    serving) or (console, network, None, why)."""
    elf = os.path.join(BUILD, "httpserver")
    for attempt in range(2):
        port = examples.free_port()
        net = Network(tmp, port)
        start = time.monotonic()
        con = boot(elf, bootargs + " --" + extra_args, net, smp)
        ready = con.wait_for(r"^httpserver: serving on |Could not set up host forwarding|^goose: exit status",
                             READY_TIMEOUT)
        if ready and "host forwarding" in ready and attempt == 0:
            con.wait_exit(30)
            net.close()
            continue
        break
    if not ready or not ready.startswith("httpserver: serving on"):
        stop(con)
        return con, net, None, "the server did not start in %.0fs" % (time.monotonic() - start)
    return con, net, port, time.monotonic() - start


def curl(args, timeout=60):
    """Runs curl -sS with args; returns (status, stdout bytes, stderr text)."""
    cmd = ["curl", "-sS", "--max-time", str(timeout)] + args
    verbose(" ".join(shlex.quote(w) for w in cmd))
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout + 10)
    except subprocess.TimeoutExpired:
        return -1, b"", "curl did not finish in %ds" % (timeout + 10)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace").strip()


def fetch(base, path, tmp, problems, want_status=200, data_file=None, retry=0, timeout=60):
    """One request with curl; returns the body, or None (a problem noted)."""
    out = os.path.join(tmp, "body")
    args = ["-o", out, "-w", "%{http_code}"]
    if data_file:
        args += ["--data-binary", "@" + data_file, "-H", "Content-Type: application/octet-stream"]
    for i in range(retry + 1):
        if os.path.exists(out):
            os.unlink(out)
        rc, stdout, err = curl(args + [base + path], timeout)
        if rc == 0 or i == retry:
            break
        time.sleep(0.5)
    method = "POST" if data_file else "GET"
    if rc != 0:
        problems.append("%s %s: curl exited %d: %s" % (method, path, rc, err))
        return None
    code = stdout.decode(errors="replace").strip()
    if code != str(want_status):
        problems.append("%s %s: HTTP %s, want %d" % (method, path, code, want_status))
        return None
    with open(out, "rb") as f:
        return f.read()


def finish_server(con, base, tmp, problems):
    """/quit, then the program must end with status 0 (not long waited
    for when something went wrong already)."""
    body = fetch(base, "/quit", tmp, problems, timeout=10 if problems else 60)
    if body is not None and body != b"bye\n":
        problems.append("/quit says %r" % body[:80])
    if con.wait_exit(60 if body is not None else 5) is None:
        problems.append("the program did not stop after /quit")
    st = examples.exit_status(con.text())
    if st != 0:
        problems.append("exit status %s, want 0" % st)


def session_log(con, net, extra=""):
    return "%s\n# host side:\n%s%s" % (con.text(), net.logs(), extra)


# ------------------------------------------------------------------ harness

def check_harness(t, tmp):
    """The DNS server, the relay and the HTTP server on their own."""
    problems = []
    dns = DNSServer({FILES_NAME: [FILES_ADDR]})
    files = FileServer()
    relay_log = os.path.join(tmp, "harness-relay.log")

    def exchange(conn_factory, queries):
        """Sends each query on one connection; returns the parsed answers."""
        s = conn_factory()
        try:
            for q in queries:
                s.sendall(struct.pack(">H", len(q)) + q)
            got = []
            buf = b""
            for _ in queries:
                while len(buf) < 2 or len(buf) < 2 + struct.unpack(">H", buf[:2])[0]:
                    d = s.recv(65536)
                    if not d:
                        raise ValueError("the connection ended after %d answers" % len(got))
                    buf += d
                n = struct.unpack(">H", buf[:2])[0]
                got.append(dns_parse(buf[2:2 + n]))
                buf = buf[2 + n:]
            return got
        finally:
            s.close()

    def direct():
        return socket.create_connection(("127.0.0.1", dns.port), timeout=10)

    relays = []

    def relayed(port):
        def connect():
            # slirp's way: the command's stdin, stdout and stderr are one socket
            ours, theirs = socket.socketpair()
            relays.append(subprocess.Popen([sys.executable, RELAY, str(port), relay_log], stdin=theirs,
                                           stdout=theirs, stderr=theirs, close_fds=True))
            theirs.close()
            ours.settimeout(10)
            return ours
        return connect

    want = [(0x1111, 0, [FILES_ADDR]), (0x2222, 0, []), (0x3333, 3, []), (0x4444, 0, [FILES_ADDR])]
    queries = [dns_query(FILES_NAME, 1, 0x1111), dns_query(FILES_NAME, 28, 0x2222),
               dns_query(UNKNOWN_NAME, 1, 0x3333), dns_query(FILES_NAME.upper() + ".", 1, 0x4444)]
    for how, factory in (("direct", direct), ("relayed", relayed(dns.port))):
        try:
            got = exchange(factory, queries)
        except (OSError, ValueError) as e:
            problems.append("dns %s: %r" % (how, e))
            continue
        got = [(g[0], g[1], g[3]) for g in got]
        if got != want:
            problems.append("dns %s: answers %r, want %r" % (how, got, want))
        # one answer's flags: QR, AA, RD, RA
        if not problems:
            flags = exchange(factory, queries[:1])[0][2]
            if flags & 0x8580 != 0x8580:
                problems.append("dns %s: flags %#x lack QR, AA, RD or RA" % (how, flags))

    # The relay carries an HTTP/1.0 exchange both ways, after a half close.
    try:
        s = relayed(files.port)()
        s.sendall(b"GET /big HTTP/1.0\r\nHost: " + FILES_NAME.encode() + b"\r\n\r\n")
        s.shutdown(socket.SHUT_WR)
        resp = b""
        while True:
            d = s.recv(1 << 16)
            if not d:
                break
            resp += d
        s.close()
        head, _, body = resp.partition(b"\r\n\r\n")
        if not re.match(rb"HTTP/1\.[01] 200 ", head) or body != files.files["/big"]:
            problems.append("http relayed: %r..., %d body bytes, want 200 and %d" % (
                head[:40], len(body), len(files.files["/big"])))
    except (OSError, ValueError) as e:
        problems.append("http relayed: %r" % e)
    for r in relays:
        try:
            r.wait(timeout=10)
        except subprocess.TimeoutExpired:
            r.kill()
            problems.append("a relay did not end after its connection did")
    dns.close()
    files.close()
    try:
        with open(relay_log) as f:
            relay_text = f.read()
    except OSError:
        relay_text = ""
    if relay_text.count(": done,") != len(relays):
        problems.append("relay log (%d relays): %r" % (len(relays), relay_text))
    if problems:
        t.fail("harness", "; ".join(problems), "%s\n%s\n%s" % (dns.summary(), files.summary(), relay_text))
    else:
        t.ok("harness", "DNS over TCP direct and relayed, relay half close, %d-byte body relayed" %
             len(files.files["/big"]))


# ------------------------------------------------------------------- server

def check_server(t, tmp, smp):
    name = "server"
    start = time.monotonic()
    con, net, port, ready = start_server(tmp, "GOOSE_NET_DNS=%s GOOSE_NET_DNS_TCP=1" % DNS_ADDR, smp)
    if port is None:
        t.fail(name, ready, session_log(con, net))
        net.close()
        return
    try:
        server_checks(t, name, con, net, port, tmp, start, ready)
    finally:
        stop(con)
        net.close()


def server_checks(t, name, con, net, port, tmp, start, ready):
    base = "http://127.0.0.1:%d" % port
    problems = []
    times = {}

    def timed(key, fn):
        t0 = time.monotonic()
        r = fn()
        times[key] = time.monotonic() - t0
        return r

    body = fetch(base, "/", tmp, problems, retry=10)
    if body is not None and body != HELLO:
        problems.append("/ says %r, want %r" % (body[:100], HELLO))
    n = 1 << 20
    body = timed("down", lambda: fetch(base, "/bytes?n=%d" % n, tmp, problems))
    if body is not None:
        want = bytes(i % 251 for i in range(n))
        if body != want:
            bad = next((i for i in range(min(len(body), n)) if body[i] != want[i]), min(len(body), n))
            problems.append("/bytes?n=%d: %d bytes, first wrong at %d, sha256 %s, want %s" % (
                n, len(body), bad, hashlib.sha256(body).hexdigest()[:16], hashlib.sha256(want).hexdigest()[:16]))
    upload = os.urandom(256 << 10)
    up = os.path.join(tmp, "upload")
    with open(up, "wb") as f:
        f.write(upload)
    body = timed("up", lambda: fetch(base, "/echo", tmp, problems, data_file=up))
    want = b"%d bytes, sha256 %s\n" % (len(upload), hashlib.sha256(upload).hexdigest().encode())
    if body is not None and body != want:
        problems.append("POST /echo says %r, want %r" % (body[:100], want))

    # keep-alive: one curl, three URLs, one connection
    outs = [os.path.join(tmp, "ka%d" % i) for i in range(3)]
    paths = ["/", "/bytes?n=70000", "/"]
    args = []
    for p, o in zip(paths, outs):
        args += [base + p, "-o", o]
    rc, stdout, err = curl(["-w", "%{http_code}:%{num_connects} "] + args)
    if rc != 0:
        problems.append("keep-alive: curl exited %d: %s" % (rc, err))
    else:
        got = stdout.decode().split()
        if got != ["200:1", "200:0", "200:0"]:
            problems.append("keep-alive: status:new connections %r, want ['200:1', '200:0', '200:0']" % got)
        bodies = []
        for o in outs:
            with open(o, "rb") as f:
                bodies.append(f.read())
        if bodies != [HELLO, bytes(i % 251 for i in range(70000)), HELLO]:
            problems.append("keep-alive: the bodies differ from what was asked (%r)" % [len(b) for b in bodies])

    body = fetch(base, "/ifaces", tmp, problems)
    ifaces = body.decode(errors="replace") if body is not None else ""
    if body is not None:
        lines = {l.split()[0]: l.split()[1:] for l in ifaces.splitlines() if l.split()}
        eth, lo = lines.get("eth0"), lines.get("lo")
        # As Linux shows them: IPv4, exactly the one address each (IPv6:
        # lo's ::1, eth0's link-local and any SLAAC ones, not checked)
        for ifname, want_v4 in (("eth0", GUEST_ADDR), ("lo", "127.0.0.1/8")):
            got = lines.get(ifname)
            v4 = [a for a in (got or [])[1:] if "." in a]
            if not got or got[0] != "up" or v4 != [want_v4]:
                problems.append("/ifaces: %s is %r, want up with the IPv4 address %s alone" % (
                    ifname, " ".join(got) if got else None, want_v4))

    body = fetch(base, "/lookup?name=" + FILES_NAME, tmp, problems)
    if body is not None and body != ("%s: %s\n" % (FILES_NAME, FILES_ADDR)).encode():
        problems.append("/lookup?name=%s says %r" % (FILES_NAME, body[:120]))
    fetch(base, "/lookup?name=" + UNKNOWN_NAME, tmp, problems, want_status=502)

    finish_server(con, base, tmp, problems)
    secs = time.monotonic() - start
    if problems:
        t.fail(name, "; ".join(problems) + " (%.1fs)" % secs, session_log(con, net, "\n/ifaces:\n" + ifaces))
        return
    t.ok(name, "%.1fs: serving %.1fs after make run, 1 MiB down in %.2fs, 256 KiB up in %.2fs; ifaces %s" % (
        secs, ready, times["down"], times["up"],
        "; ".join(l for l in ifaces.splitlines() if l.startswith(("eth0", "lo"))) or "?"),
         session_log(con, net, "\n/ifaces:\n" + ifaces))


# ------------------------------------------------------- client and errors

def check_client(t, tmp, smp, want_client, want_errors):
    names = [n for n, w in (("client", want_client), ("errors", want_errors)) if w]
    net = Network(tmp)
    urls = []
    args = []
    if want_client:
        urls = ["http://%s%s" % (FILES_NAME, p) for p in ("/page", "/big")]
        args += urls + ["lookup:" + FILES_NAME, "lookup:" + UNKNOWN_NAME]
    if want_errors:
        args += ["-errors"] + ["-refused-addr=" + a for a in REFUSED_ADDRS] + [
            "-timeout-addr=" + a for a in TIMEOUT_ADDRS]
    # Flags first (package flag stops at the first other word).
    args = [a for a in args if a.startswith("-")] + [a for a in args if not a.startswith("-")]
    bootargs = "GOOSE_NET_ADDR=%s GOOSE_NET_GW=10.0.2.2 GOOSE_NET_DNS=%s GOOSE_NET_DNS_TCP=1 -- %s" % (
        GUEST_ADDR, DNS_ADDR, " ".join(args))
    start = time.monotonic()
    con = boot(os.path.join(BUILD, "httpget"), bootargs, net, smp)
    try:
        code = con.wait_exit(SESSION_TIMEOUT + 60)
        secs = time.monotonic() - start
        out = con.text()
        lines = set(l.rstrip() for l in out.splitlines())
        status = examples.exit_status(out)
        ended = "; the program ended with status %s" % status if code is not None else "; killed: did not end"
        if want_client:
            problems = []
            for u in urls:
                body = net.files.files[u[len("http://" + FILES_NAME):]]
                w = "httpget: GET %s: status 200, %d bytes, sha256 %s" % (u, len(body),
                                                                       hashlib.sha256(body).hexdigest())
                if w not in lines:
                    got = [l for l in out.splitlines() if l.startswith("httpget: GET %s:" % u)]
                    problems.append("want %r, got %r" % (w, got[0] if got else None))
            for w in ("httpget: lookup %s: %s" % (FILES_NAME, FILES_ADDR),
                      "httpget: lookup %s: not found" % UNKNOWN_NAME):
                if w not in lines:
                    got = [l for l in out.splitlines() if l.startswith(w.rsplit(":", 1)[0] + ":")]
                    problems.append("want %r, got %r" % (w, got[0] if got else None))
            with net.dns.lock:
                asked = list(net.dns.queries)
            if (FILES_NAME, "A", 0) not in asked:
                problems.append("the DNS server was not asked for %s over TCP (asked: %r)" % (FILES_NAME, asked))
            with net.files.lock:
                hosts = set(h for _, h, _ in net.files.requests)
            if hosts != {FILES_NAME}:
                problems.append("the HTTP server saw Host headers %r, want %r" % (sorted(map(str, hosts)), FILES_NAME))
            if not want_errors and status != 0:
                problems.append("exit status %s, want 0" % status)
            if problems:
                t.fail("client", "; ".join(problems) + ended + " (%.1fs)" % secs, session_log(con, net))
            else:
                t.ok("client", "%.1fs: %d DNS queries over TCP (%s), 100000 and 1048576 bytes fetched, "
                     "hashes match" % (secs, len(asked), ", ".join(sorted(set("%s %s" % q[:2] for q in asked)))),
                     session_log(con, net))
        if want_errors:
            checks = (["refused 127.0.0.1:1", "refused 127.0.0.1 (a listener just closed)"] +
                      ["refused " + a for a in REFUSED_ADDRS] + ["reset"] + ["timeout " + a for a in TIMEOUT_ADDRS] +
                      ["deadline"])
            problems = []
            for c in checks:
                w = "httpget: %s: ok" % c
                if w not in lines:
                    got = [l for l in out.splitlines() if l.startswith("httpget: %s: " % c)]
                    problems.append("%s: %s" % (c, got[0][len("httpget: %s: " % c):] if got else "no line"))
            summary = "httpget: errors: %d ok, 0 wrong" % len(checks)
            if not problems and summary not in lines:
                problems.append("no %r line" % summary)
            if status != 0 and not problems:
                problems.append("exit status %s, want 0" % status)
            if problems:
                t.fail("errors", "; ".join(problems) + ended + " (%.1fs)" % secs, session_log(con, net))
            else:
                t.ok("errors", "%.1fs: %s" % (secs, ", ".join(checks)), session_log(con, net))
    finally:
        stop(con)
        net.close()
        for n in names:
            if n in t.left:
                t.fail(n, "not reached (net.py ended the boot early)")


# ----------------------------------------------------------------- 1000conns

def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need:
        new = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Conn:
    def __init__(self, i):
        self.i = i
        self.sock = None
        self.buf = b""
        self.state = "new"   # new, connecting, open, sent, answered, failed
        self.err = ""
        self.out = b""


def parse_response(buf):
    """(status, headers dict, body, rest) once buf holds a whole response,
    else None."""
    head, sep, rest = buf.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
    hdrs = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    n = int(hdrs.get("content-length", "-1"))
    if n < 0:
        raise ValueError("no Content-Length in %r" % head[:200])
    if len(rest) < n:
        return None
    return status, hdrs, rest[:n], rest[n:]


def hold_round(conns, sel, port, request, check, deadline):
    """Sends request(c) on every open connection, reads every answer;
    check(c, status, hdrs, body) returns a problem or ''. Returns
    (answers checked good, problems)."""
    problems = []
    live = [c for c in conns if c.state == "open"]
    for c in live:
        c.out = request(c)
        c.buf = b""
        c.state = "sent"
        sel.modify(c.sock, selectors.EVENT_WRITE | selectors.EVENT_READ, c)
    good = 0
    waiting = len(live)
    start = time.monotonic()
    while waiting and time.monotonic() < deadline:
        for key, ev in sel.select(timeout=max(0.0, min(1.0, deadline - time.monotonic()))):
            c = key.data
            if c.state != "sent":
                continue
            try:
                if ev & selectors.EVENT_WRITE and c.out:
                    n = c.sock.send(c.out)
                    c.out = c.out[n:]
                    if not c.out:
                        sel.modify(c.sock, selectors.EVENT_READ, c)
                if ev & selectors.EVENT_READ:
                    d = c.sock.recv(65536)
                    if not d:
                        raise ConnectionError("closed by the other side after %d bytes" % len(c.buf))
                    c.buf += d
                    r = parse_response(c.buf)
                    if r is None:
                        continue
                    status, hdrs, body, rest = r
                    p = check(c, status, hdrs, body) or ("%d extra bytes" % len(rest) if rest else "")
                    waiting -= 1
                    if p:
                        c.state, c.err = "failed", p
                        problems.append("connection %d: %s" % (c.i, p))
                        sel.unregister(c.sock)
                    else:
                        c.state = "open"
                        good += 1
            except (OSError, ValueError) as e:
                c.state, c.err = "failed", repr(e)
                problems.append("connection %d: %r after %.2fs" % (c.i, e, time.monotonic() - start))
                waiting -= 1
                sel.unregister(c.sock)
    for c in live:
        if c.state == "sent":
            c.state, c.err = "failed", "no answer by the deadline (%d bytes)" % len(c.buf)
            problems.append("connection %d: %s" % (c.i, c.err))
    return good, problems


def open_all(port, n, deadline, window=1, gap=0.002):
    """Opens n connections to 127.0.0.1:port, at most window connecting at
    a time, gap seconds apart; returns (conns, selector, problems).

    slirp listens for a hostfwd with a backlog of 1 (ss -ltn: Send-Q 1)
    and accepts one connection each time round its loop: connections that
    come faster wait in the host kernel, whose handshake the client sees
    complete while the final ACK was dropped for a full queue; slirp then
    hears of them only when the SYN-ACK is sent again, 1, 3, 7, 15, 31 s
    later. So one at a time, a little apart."""
    sel = selectors.DefaultSelector()
    conns = [Conn(i) for i in range(n)]
    todo = list(conns)
    connecting = 0
    problems = []
    while (todo or connecting) and time.monotonic() < deadline:
        while todo and connecting < window:
            c = todo.pop(0)
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            err = s.connect_ex(("127.0.0.1", port))
            c.sock = s
            if err not in (0, 115):   # EINPROGRESS
                c.state, c.err = "failed", os.strerror(err)
                problems.append("connection %d: connect: %s" % (c.i, c.err))
                s.close()
                continue
            c.state = "connecting"
            connecting += 1
            sel.register(s, selectors.EVENT_WRITE, c)
            if gap:
                time.sleep(gap)
        for key, _ in sel.select(timeout=1.0):
            c = key.data
            if c.state != "connecting":
                continue
            connecting -= 1
            err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                c.state, c.err = "failed", os.strerror(err)
                problems.append("connection %d: connect: %s" % (c.i, c.err))
                sel.unregister(c.sock)
                c.sock.close()
            else:
                c.state = "open"
                sel.modify(c.sock, selectors.EVENT_READ, c)
    for c in conns:
        if c.state in ("new", "connecting"):
            c.state, c.err = "failed", "not connected by the deadline"
            problems.append("connection %d: %s" % (c.i, c.err))
    return conns, sel, problems


def check_1000conns(t, tmp, smp):
    name = "1000conns"
    limit = raise_nofile(4 * CONNS)
    if limit < 2 * CONNS + 100:
        t.fail(name, "RLIMIT_NOFILE is %d and cannot be raised to %d (the hard limit): the host cannot hold "
               "%d connections and QEMU its %d" % (limit, 2 * CONNS + 100, CONNS, CONNS))
        return
    start = time.monotonic()
    con, net, port, ready = start_server(tmp, "", smp, " -hold-wait=%ds" % HOLD_WAIT)
    if port is None:
        t.fail(name, ready, session_log(con, net))
        net.close()
        return
    notes = []
    try:
        problems = []
        base = "http://127.0.0.1:%d" % port
        fetch(base, "/", tmp, problems, retry=10)   # the stack is up and answering
        t0 = time.monotonic()
        conns, sel, p = open_all(port, CONNS, t0 + 60)
        t_open = time.monotonic() - t0
        problems += p[:5]
        opened = sum(c.state == "open" for c in conns)
        notes.append("%d of %d open on the host in %.2fs" % (opened, CONNS, t_open))

        peaks = []

        def check_held(c, status, hdrs, body):
            m = re.fullmatch(rb"held (\d+) peak (\d+)\n", body) or re.match(rb"held (\d+) peak (\d+)", body)
            if m:
                peaks.append(int(m.group(2)))
            if status != 200:
                return "HTTP %d: %r" % (status, body[:100])
            if not m or int(m.group(1)) != c.i or body != m.group(0):
                return "answer %r, want 'held %d peak P'" % (body[:100], c.i)
            if hdrs.get("connection", "").lower() == "close":
                return "Connection: close"
            return ""

        def check_held_all(c, status, hdrs, body):
            p = check_held(c, status, hdrs, body)
            if not p and peaks and peaks[-1] < CONNS:
                p = "peak %d < %d" % (peaks[-1], CONNS)
            return p

        def request(want, ms):
            return lambda c: ("GET /hold?id=%d&ms=%d&want=%d HTTP/1.1\r\nHost: goose\r\n\r\n" % (
                c.i, ms, want)).encode()

        t1 = time.monotonic()
        good1, p = hold_round(conns, sel, port, request(CONNS, 0), check_held_all, t1 + HOLD_WAIT + 30)
        t_round1 = time.monotonic() - t1
        problems += p[:5]
        if p[5:]:
            problems.append("%d more failed" % len(p[5:]))
        peak = max(peaks) if peaks else 0
        notes.append("round 1 (all %d at once in the server): %d answers good in %.2fs, guest peak %d" % (
            CONNS, good1, t_round1, peak))
        t2 = time.monotonic()
        peaks.clear()
        # (on the connections that answered; none: no time spent)
        good2, p = hold_round(conns, sel, port, request(0, 10), check_held, t2 + 60)
        t_round2 = time.monotonic() - t2
        problems += p[:5]
        notes.append("round 2 (keep-alive, same connections): %d good in %.2fs" % (good2, t_round2))
        t3 = time.monotonic()
        for c in conns:
            if c.sock:
                try:
                    sel.unregister(c.sock)
                except (KeyError, ValueError):
                    pass
                c.sock.close()
        sel.close()
        t_close = time.monotonic() - t3
        kinds = {}
        for c in conns:
            if c.state == "failed":
                k = re.sub(r"\d+", "N", c.err)[:60]
                kinds[k] = kinds.get(k, 0) + 1
        if kinds:
            notes.append("failures: " + ", ".join("%d x %s" % (n, k) for k, n in sorted(kinds.items(),
                                                                                      key=lambda kv: -kv[1])))
        if good1 != CONNS or good2 != CONNS:
            problems.insert(0, "%d connections open, %d answered in round 1, %d in round 2, guest peak %d" % (
                opened, good1, good2, peak))
        # the server still answers after all the closes
        time.sleep(0.5)
        body = fetch(base, "/", tmp, problems, timeout=10 if problems else 60)
        if body is not None and body != HELLO:
            problems.append("/ after the closes says %r" % body[:80])
        finish_server(con, base, tmp, problems)
        secs = time.monotonic() - start
        if problems:
            t.fail(name, "; ".join(problems) + " (%s; %.1fs)" % ("; ".join(notes), secs),
                   session_log(con, net, "\n" + "\n".join(notes) + "\n"))
            return
        t.ok(name, "SMP %d, %.1fs: %d connections opened in %.2fs, all %d in the server at once (peak %d), "
             "answered in %.2fs; again keep-alive in %.2fs; closed in %.2fs" % (
                 smp, secs, CONNS, t_open, CONNS, peak, t_round1, t_round2, t_close),
             session_log(con, net, "\n" + "\n".join(notes) + "\n"))
    finally:
        stop(con)
        net.close()


# --------------------------------------------------------------------- main

def build_programs():
    """Both programs in one go build (one link of gVisor's packages);
    returns None or the error text."""
    os.makedirs(BUILD, exist_ok=True)
    cmd = [shutil.which("go") or "go", "build", "-o", BUILD + "/"] + ["./examples/" + p for p in PROGRAMS]
    verbose("(cd %s && %s)" % (os.path.relpath(MODULE, REPO), " ".join(cmd)))
    try:
        p = subprocess.run(cmd, cwd=MODULE, env=examples.go_env(), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "go build timed out after %ds" % BUILD_TIMEOUT
    if p.returncode != 0:
        return p.stdout.decode(errors="replace") or "go build exited %d" % p.returncode
    return None


def main():
    global VERBOSE, CONNS, HOLD_WAIT, PCAP
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--only", action="append", choices=CHECKS, help="run only this check (repeatable)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print the commands run")
    ap.add_argument("--smp", type=int, help="harts for every boot (default: 1, and 2 for 1000conns)")
    ap.add_argument("--conns", type=int, default=1000, help="connections of 1000conns (default %(default)s), "
                    "to look for a limit")
    ap.add_argument("--hold-wait", type=int, default=HOLD_WAIT, help="seconds 1000conns' server waits for them "
                    "all (default %(default)s)")
    ap.add_argument("--pcap", metavar="FILE", help="write the frames of the (last) boot to FILE (QEMU's "
                    "filter-dump)")
    a = ap.parse_args()
    VERBOSE = examples.VERBOSE = a.verbose
    PCAP = os.path.abspath(a.pcap) if a.pcap else None
    # killed: the finally clauses stop the QEMU running
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    CONNS, HOLD_WAIT = a.conns, a.hold_wait
    checks = [c for c in CHECKS if not a.only or c in a.only]
    t = Tally(checks)
    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="goose-net-", dir=os.path.join(REPO, "build"))
    try:
        if "harness" in checks:
            check_harness(t, tmp)
        guest = [c for c in checks if c != "harness"]
        if guest:
            run_guest(t, tmp, guest, a.smp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.unreached("not reached (net.py ended early)")
    say("# net took %.0fs" % (time.monotonic() - start))
    return t.rep.finish()


def run_guest(t, tmp, checks, smp):
    if not shutil.which("curl"):
        for c in checks:
            t.fail(c, "no curl (Debian package curl; run `make deps`)")
        return
    v = examples.go_version(shutil.which("go") or "go")
    if v is None or v < GO_MIN:
        for c in checks:
            t.skip(c, "gVisor needs Go %s or newer; the machine's Go is %s" % (
                ".".join(map(str, GO_MIN)), ".".join(map(str, v)) if v else "missing"))
        return
    t0 = time.monotonic()
    err = build_programs()
    if err:
        why = "build failed: %s (log: %s)" % (examples.first_line(err), log("build", err))
        for c in checks:
            t.fail(c, why)
        return
    say("# built %s in %.0fs" % (", ".join(PROGRAMS), time.monotonic() - t0))
    if "server" in checks:
        check_server(t, tmp, smp or 1)
    if "client" in checks or "errors" in checks:
        check_client(t, tmp, smp or 1, "client" in checks, "errors" in checks)
    if "1000conns" in checks:
        check_1000conns(t, tmp, smp or 2)


if __name__ == "__main__":
    sys.exit(main())
