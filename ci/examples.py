#!/usr/bin/env python3
"""Boot the device examples of go-kernel/examples on QEMU virt and check them.

  ci/examples.py [--only NAME] [--verbose] [--keep]

  virtio-rng   entropy from virtio-rng-device, with its interrupt and by
               polling; then, with -bad, a buggy driver's descriptors: the
               device must report an error (DEVICE_NEEDS_RESET), never hang,
               and work again after a reset, and goose must keep running
  virtio-blk   a 1 MiB raw disk image made here (a known pattern in sector 0):
               capacity, serial, sector 0, sectors written, flushed, read back
               and compared, a partial-sector write; after QEMU exits, the
               image file must hold what the program wrote
  httpd        gVisor's netstack over virtio-net (its own Go module, built with
               the machine's Go): QEMU's user network forwards 127.0.0.1:<a free
               port> to the guest's port 80; pages fetched with curl are
               checked, then /quit must end the program with status 0

Each example is built here (GOOS=linux GOARCH=riscv64 CGO_ENABLED=0) into
build/examples/ and booted with `make run KERNEL=<elf> QEMU_EXTRA=...`, one QEMU
at a time, each run under a time limit. virtio-rng and virtio-blk are also
built with Go 1.19 (golang-1.19), which the go-kernel module must support.
The stack is make run's, from GOOSE_QEMU, GOOSE_FIRMWARE, GOOSE_CPU, ... in
the environment when set (docs/boot.md).
Prints one line per check ("ok   example/..." or "FAIL example/...: why"),
then "N passed, N failed" (", N skipped"); exits 1 when a check failed.
Logs of failures go to build/test-logs/example-*.log.
"""

import argparse
import hashlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
import report  # noqa: E402
MODULE = os.path.join(REPO, "go-kernel")
EXAMPLES = os.path.join(MODULE, "examples")
BUILD = os.path.join(REPO, "build", "examples")
LOGS = os.path.join(REPO, "build", "test-logs")
GO119 = "/usr/lib/go-1.19/bin/go"
VIRTIO_V2 = "-global virtio-mmio.force-legacy=false"
EXIT_RE = re.compile(r"^goose: exit status (-?\d+)\s*$", re.M)

BUILD_TIMEOUT = 900      # gVisor's first build on a busy machine is slow
RUN_TIMEOUT = 60         # seconds of QEMU per device example
HTTPD_TIMEOUT = 240      # seconds of QEMU for the whole httpd session

# The disk both sides agree on (go-kernel/examples/virtio-blk/main.go).
DISK_SIZE = 1 << 20
SECTOR = 512
DISK_MAGIC = b"GOOSE-VIRTIO-BLK"
FIRST_SECTOR, SECTORS = 16, 400
NOTE, NOTE_OFFSET = b"hello from goose", 3 * SECTOR + 100
SERIAL = "goose-disk"


# The checks each example reports, in order (the plan: a check an example
# never reached is reported as a failure, not lost).
CHECKS = {
    "virtio-rng": ["virtio-rng-go1.19", "virtio-rng", "virtio-rng-poll"],
    "virtio-blk": ["virtio-blk-go1.19", "virtio-blk", "virtio-blk-poll"],
    "httpd": ["httpd"],
}


class Tally:
    """ci/report.py's Report, with a log per failure and the planned checks
    kept track of."""

    def __init__(self, examples):
        self.rep = report.Report()
        self.left = [c for e in examples for c in CHECKS[e]]
        self.rep.plan(len(self.left))

    def _done(self, name):
        assert name in self.left, "check %s reported twice or not planned" % name
        self.left.remove(name)

    def ok(self, name, detail):
        self._done(name)
        self.rep.ok("example/" + name, detail)

    def fail(self, name, why, out=None):
        self._done(name)
        where = ""
        if out is not None:
            where = " (log: %s)" % log("example-" + name, out)
        self.rep.fail("example/" + name, why + where)

    def skip(self, name, why):
        self._done(name)
        self.rep.skip("example/" + name, why)

    def unavailable(self, name, why):
        self._done(name)
        self.rep.unavailable("example/" + name, why)

    def unreached(self, example, why):
        """Every check of example not reported yet fails with why."""
        for name in [c for c in CHECKS[example] if c in self.left]:
            self.fail(name, why)


def say(line):
    print(line, flush=True)


def log(name, text):
    os.makedirs(LOGS, exist_ok=True)
    path = os.path.join(LOGS, name + ".log")
    with open(path, "w") as f:
        f.write(text)
    return os.path.relpath(path, REPO)


VERBOSE = False


def verbose(line):
    if VERBOSE:
        say("# " + line)


# --------------------------------------------------------------------- build

def go_env():
    return dict(os.environ, GOOS="linux", GOARCH="riscv64", CGO_ENABLED="0",
                GOFLAGS="-trimpath -buildvcs=false", GOTOOLCHAIN="local")


def go_version(gobin):
    try:
        out = subprocess.run([gobin, "env", "GOVERSION"], capture_output=True, text=True,
                             env=dict(os.environ, GOTOOLCHAIN="local"), timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.match(r"go(\d+)\.(\d+)(?:\.(\d+))?", out.strip())
    return tuple(int(g or 0) for g in m.groups()) if m else None


def build(gobin, pkgdir, out):
    """go build in pkgdir (its own module, or a package of go-kernel's);
    returns None or the error text."""
    os.makedirs(os.path.dirname(out), exist_ok=True)
    cmd = [gobin, "build", "-o", out, "."]
    verbose("(cd %s && %s)" % (os.path.relpath(pkgdir, REPO), " ".join(cmd)))
    try:
        p = subprocess.run(cmd, cwd=pkgdir, env=go_env(), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "go build timed out after %ds" % BUILD_TIMEOUT
    if p.returncode != 0:
        return p.stdout.decode(errors="replace")
    return None


def first_line(text):
    return next((l for l in text.splitlines() if l.strip() and not l.startswith("#")), text)[:120]


# ----------------------------------------------------------------------- run

# QEMU's -m for every boot (make bench's smallest-MEM search sets it).
MEM = "512M"


def make_cmd(elf, bootargs, extra, timeout, mem=None):
    return ["make", "-s", "--no-print-directory", "-C", REPO, "run", "KERNEL=" + elf, "MEM=" + (mem or MEM),
            "BOOTARGS=" + bootargs, "QEMU_EXTRA=" + extra, "TIMEOUT=%d" % timeout]


def boot(elf, bootargs, extra, timeout):
    """Boots elf to the end; returns (make's status, console output, seconds).
    QEMU's own complaints (stderr: the bad-descriptor cases make some) come
    after the console output, not in the middle of one of its lines."""
    cmd = make_cmd(elf, bootargs, extra, timeout)
    verbose(" ".join(shlex.quote(w) for w in cmd))
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout + 60)
    except subprocess.TimeoutExpired:
        kill_group(p)
        out, err = p.communicate()
        err += b"\nexamples.py: killed after %ds\n" % (timeout + 60)
    if err:
        out += b"\n# stderr:\n" + err
    return p.returncode, out.decode(errors="replace").replace("\r\n", "\n"), time.monotonic() - start


def kill_group(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def exit_status(out):
    m = EXIT_RE.findall(out)
    return int(m[-1]) if m else None


def missing_lines(out, want):
    """The lines of want that out lacks (each must be a whole line of out)."""
    have = set(l.rstrip() for l in out.splitlines())
    return [w for w in want if w not in have]


def check_boot(t, name, status, out, secs, want, extra_detail="", problems=None):
    st = exit_status(out)
    problems = list(problems or [])
    if st is None:
        problems.append("no 'goose: exit status N' line (make exited %d)" % status)
    elif st != 0:
        problems.append("exit status %d" % st)
    miss = missing_lines(out, want)
    if miss:
        problems.append("missing %r" % miss[0] + (" and %d more lines" % (len(miss) - 1) if len(miss) > 1 else ""))
    if problems:
        t.fail(name, "; ".join(problems) + " (%.1fs)" % secs, out)
        return False
    t.ok(name, "%.1fs%s" % (secs, extra_detail))
    return True


def interrupt_note(out, prog):
    m = re.search(r"^%s: .* (\d+) interrupts$" % re.escape(prog), out, re.M)
    return ", %s interrupts" % m.group(1) if m else ""


# ---------------------------------------------------------------- virtio-rng

RNG_WANT = [
    "virtio-rng: virtio-mmio version 2, device entropy, vendor 0x554d4551",
    "read 4096 bytes",
    "not all zero: true",
    "two reads differ: true",
    "distinct byte values > 200: true",
    "virtio-rng: done",
]
RNG_BAD_WANT = [
    "bad: buffer where no memory is: request finished: true",
    "bad: empty buffer refused by the driver: true",
    "bad: unmappable buffer: error: true needs reset: true",
    "bad: descriptor chain that loops: device needs reset: true, request finished: false",
    "bad: next descriptor out of range: device needs reset: true, request finished: false",
    "bad: available head out of range: device needs reset: true, request finished: false",
    "bad: zero-length descriptor: device needs reset: false, request finished: false",
    "bad: device works after the errors: true",
]


def example_rng(t, elf):
    extra = VIRTIO_V2 + " -device virtio-rng-device"
    status, out, secs = boot(elf, "goose.quiet -- -bad", extra, RUN_TIMEOUT)
    check_boot(t, "virtio-rng", status, out, secs,
               RNG_WANT + ["mode: interrupts; interrupts serviced > 0: true"] + RNG_BAD_WANT,
               interrupt_note(out, "virtio-rng") + "; bad descriptors refused, device recovered")
    status, out, secs = boot(elf, "goose.quiet -- -poll", extra, RUN_TIMEOUT)
    check_boot(t, "virtio-rng-poll", status, out, secs, RNG_WANT + ["mode: polling"])


# ---------------------------------------------------------------- virtio-blk

def sector_pattern(s):
    return bytes((131 * s + 3 * i) % 251 for i in range(SECTOR))


def make_disk(path):
    img = bytearray(DISK_SIZE)
    img[:len(DISK_MAGIC)] = DISK_MAGIC
    for i in range(len(DISK_MAGIC), SECTOR):
        img[i] = (7 * i + 3) & 0xff
    with open(path, "wb") as f:
        f.write(img)
    return bytes(img)


def check_disk(path, before):
    """What the image must hold after the program ran: a list of problems."""
    with open(path, "rb") as f:
        img = f.read()
    if len(img) != DISK_SIZE:
        return ["the image is %d bytes, want %d" % (len(img), DISK_SIZE)]
    want = bytearray(before)
    for s in range(FIRST_SECTOR, FIRST_SECTOR + SECTORS):
        want[s * SECTOR:(s + 1) * SECTOR] = sector_pattern(s)
    want[NOTE_OFFSET:NOTE_OFFSET + len(NOTE)] = NOTE
    if img == bytes(want):
        return []
    bad = next(i for i in range(DISK_SIZE) if img[i] != want[i])
    return ["the image differs from what was written, first at byte %d (sector %d): %#x, want %#x"
            % (bad, bad // SECTOR, img[bad], want[bad])]


BLK_WANT = [
    "virtio-blk: capacity 2048 sectors (1024 KiB), read-only false",
    'serial: "%s"' % SERIAL,
    "sector 0 pattern: ok",
    "wrote, flushed and read back sectors %d-%d: ok" % (FIRST_SECTOR, FIRST_SECTOR + SECTORS - 1),
    "partial-sector write at byte %d: ok" % NOTE_OFFSET,
    "read past the end refused: true",
    "virtio-blk: done",
]


def example_blk(t, elf):
    os.makedirs(BUILD, exist_ok=True)
    for name, args, mode in (("virtio-blk", "", "mode: interrupts; interrupts serviced > 0: true"),
                             ("virtio-blk-poll", "-poll", "mode: polling")):
        disk = os.path.join(BUILD, name + ".img")
        before = make_disk(disk)
        extra = "%s -drive file=%s,if=none,format=raw,id=hd0 -device virtio-blk-device,drive=hd0,serial=%s" % (
            VIRTIO_V2, disk, SERIAL)
        status, out, secs = boot(elf, "goose.quiet -- " + args, extra, RUN_TIMEOUT)
        check_boot(t, name, status, out, secs, BLK_WANT + [mode],
                   interrupt_note(out, "virtio-blk") + "; image checked on the host",
                   problems=check_disk(disk, before))


# --------------------------------------------------------------------- httpd

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Console:
    """A booted program whose output is read as it comes."""

    def __init__(self, cmd):
        self.lines, self.cond = [], threading.Condition()
        self.done = False
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.p.stdout:
            with self.cond:
                self.lines.append(raw.decode(errors="replace").rstrip("\r\n"))
                self.cond.notify_all()
        with self.cond:
            self.done = True
            self.cond.notify_all()

    def wait_for(self, pattern, timeout):
        """Waits for a line matching pattern; returns it, or None (timeout, or
        the program ended)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            seen = 0
            while True:
                for l in self.lines[seen:]:
                    if rx.search(l):
                        return l
                seen = len(self.lines)
                left = deadline - time.monotonic()
                if self.done or left <= 0:
                    return None
                self.cond.wait(left)

    def wait_exit(self, timeout):
        try:
            self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(self.p)
            self.p.wait()
            return None
        with self.cond:
            while not self.done:
                self.cond.wait(1)
        return self.p.returncode

    def kill(self):
        kill_group(self.p)

    def text(self):
        with self.cond:
            return "\n".join(self.lines) + "\n"


def curl(url, body_file=None, timeout=60, data_file=None):
    """Returns (HTTP status or None, body bytes, error text)."""
    cmd = ["curl", "-sS", "--max-time", str(timeout), "-o", body_file, "-w", "%{http_code}"]
    if data_file:
        cmd += ["--data-binary", "@" + data_file, "-H", "Content-Type: application/octet-stream"]
    cmd.append(url)
    verbose(" ".join(shlex.quote(w) for w in cmd))
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout + 10)
    except subprocess.TimeoutExpired:
        return None, b"", "curl did not finish in %ds" % (timeout + 10)
    try:
        with open(body_file, "rb") as f:
            body = f.read()
    except OSError:
        body = b""
    code = p.stdout.decode(errors="replace").strip()
    if p.returncode != 0:
        return None, body, "curl exited %d: %s" % (p.returncode, p.stderr.decode(errors="replace").strip())
    return int(code) if code.isdigit() else None, body, ""


def example_httpd(t, elf):
    if not shutil.which("curl"):
        t.fail("httpd", "no curl (Debian package curl; run `make deps`)")
        return
    tmp = tempfile.mkdtemp(prefix="goose-httpd-")
    try:
        httpd_session(t, elf, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def httpd_session(t, elf, tmp):
    name = "httpd"
    for attempt in range(2):
        port = free_port()
        extra = "%s -netdev user,id=n0,hostfwd=tcp:127.0.0.1:%d-:80 -device virtio-net-device,netdev=n0" % (
            VIRTIO_V2, port)
        # not goose.quiet: ci/qemu.py holds the console back until goose's
        # first line, and the program must be seen to be serving
        cmd = make_cmd(elf, "", extra, HTTPD_TIMEOUT)
        verbose(" ".join(shlex.quote(w) for w in cmd))
        start = time.monotonic()
        con = Console(cmd)
        ready = con.wait_for(r"^httpd: serving |Could not set up host forwarding|^goose: exit status", 120)
        if ready and "host forwarding" in ready and attempt == 0:
            con.wait_exit(30)
            continue  # the port was taken in between: another one
        break
    if not ready or not ready.startswith("httpd: serving"):
        con.kill()
        con.wait_exit(10)
        t.fail(name, "the server did not start (%.0fs)" % (time.monotonic() - start), con.text())
        return
    try:
        httpd_checks(t, name, con, port, tmp, start)
    finally:
        if con.p.poll() is None:
            con.kill()
            con.wait_exit(10)


def httpd_checks(t, name, con, port, tmp, start):
    boot_secs = time.monotonic() - start
    base = "http://127.0.0.1:%d" % port
    body_file = os.path.join(tmp, "body")
    problems, timings = [], []

    def get(path, want_status=200, data_file=None, retry=0):
        t0 = time.monotonic()
        for i in range(retry + 1):
            code, body, err = curl(base + path, body_file, data_file=data_file)
            if code is not None or i == retry:
                break
            time.sleep(0.5)
        timings.append((path, time.monotonic() - t0))
        if code is None:
            problems.append("GET %s: %s" % (path, err))
            return None
        if code != want_status:
            problems.append("%s %s: HTTP %d, want %d" % ("POST" if data_file else "GET", path, code, want_status))
            return None
        return body

    # the first request may meet the stack still resolving the gateway
    body = get("/", retry=10)
    if body is not None:
        text = body.decode(errors="replace")
        if "goose" not in text or not re.search(r"go1\.\d+", text):
            problems.append("/ says %r, want goose and a Go version" % text[:100])
    body = get("/sum?n=100")
    if body is not None and body != b"sum 1..100 = 5050\n":
        problems.append("/sum?n=100 says %r" % body[:80])
    body = get("/sum?n=1000000")
    if body is not None and body != b"sum 1..1000000 = 500000500000\n":
        problems.append("/sum?n=1000000 says %r" % body[:80])
    get("/sum?n=x", want_status=400)
    get("/no/such/page", want_status=404)
    n = 1 << 20
    body = get("/bytes?n=%d" % n)
    if body is not None:
        want = bytes(i % 251 for i in range(n))
        if body != want:
            problems.append("/bytes?n=%d: %d bytes, sha256 %s, want %s" % (
                n, len(body), hashlib.sha256(body).hexdigest()[:16], hashlib.sha256(want).hexdigest()[:16]))
    upload = os.urandom(300000)
    up = os.path.join(tmp, "upload")
    with open(up, "wb") as f:
        f.write(upload)
    body = get("/echo", data_file=up)
    if body is not None:
        want = b"%d bytes, sha256 %s\n" % (len(upload), hashlib.sha256(upload).hexdigest().encode())
        if body != want:
            problems.append("POST /echo says %r, want %r" % (body[:100], want))
    irqs = None
    body = get("/stats")
    if body is not None:
        m = re.search(rb"^interrupts (\d+)$", body, re.M)
        irqs = int(m.group(1)) if m else None
        if not irqs:
            problems.append("/stats shows no interrupts: %r" % body[:200])
    body = get("/quit")
    if body is not None and body != b"bye\n":
        problems.append("/quit says %r" % body[:80])
    code = con.wait_exit(60)
    out = con.text()
    secs = time.monotonic() - start
    if code is None:
        problems.append("the program did not stop after /quit")
    st = exit_status(out)
    if st != 0:
        problems.append("exit status %s, want 0" % st)
    if problems:
        t.fail(name, "; ".join(problems) + " (%.1fs)" % secs, out)
        return
    t.ok(name, "%.1fs: booted and serving in %.1fs, %d requests, 1 MiB down in %.2fs, 300 kB up in %.2fs, "
         "%s interrupts" % (secs, boot_secs, len(timings), dict(timings)["/bytes?n=%d" % n],
                            dict(timings)["/echo"], irqs))


# ---------------------------------------------------------------------- main

def main():
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--only", action="append", choices=["virtio-rng", "virtio-blk", "httpd"],
                    help="run only this example (repeatable)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print the commands run")
    a = ap.parse_args()
    VERBOSE = a.verbose
    examples = [("virtio-rng", example_rng), ("virtio-blk", example_blk), ("httpd", example_httpd)]
    examples = [(n, f) for n, f in examples if not a.only or n in a.only]
    t = Tally([n for n, _ in examples])
    start = time.monotonic()
    gobin = shutil.which("go") or "go"
    for name, run in examples:
        pkgdir = os.path.join(EXAMPLES, name)
        elf = os.path.join(BUILD, name + ".elf")
        if name == "httpd":
            v = go_version(gobin)
            if v is None or v < (1, 26, 3):
                t.skip(name, "gVisor needs Go 1.26.3 or newer; the machine's Go is %s"
                       % (".".join(map(str, v)) if v else "missing"))
                continue
        elif os.path.exists(GO119):
            err = build(GO119, pkgdir, os.path.join(BUILD, "go1.19", name + ".elf"))
            if err:
                t.fail(name + "-go1.19", "build failed: %s" % first_line(err), err)
            else:
                t.ok(name + "-go1.19", "builds with Go 1.19")
        else:
            t.unavailable(name + "-go1.19", "go1.19: %s not installed (make deps)" % GO119)
        err = build(gobin, pkgdir, elf)
        if err:
            t.unreached(name, "build failed: %s" % first_line(err))
            log("example-" + name + "-build", err)
            continue
        run(t, elf)
        t.unreached(name, "not reached (examples.py ended the example early)")
    say("# examples took %.0fs" % (time.monotonic() - start))
    return t.rep.finish()


if __name__ == "__main__":
    sys.exit(main())
