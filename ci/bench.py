#!/usr/bin/env python3
"""goose's `make bench`: the same Go ELFs timed under goose and under qemu-riscv64.

Each benchmark is a Go program in go-kernel/bench/<name>/ that times itself
with time.Now and prints result lines

  bench <name> <value> <unit>

so the one ELF gives numbers that mean the same thing under goose (QEMU
system emulation, `qemu-system-riscv64 ... -kernel goose.bin`, the command
ci/qemu.py builds) and under the Linux reference (`qemu-riscv64 <elf>`, Debian's
qemu-user on the host kernel). A few numbers are measured from outside: the
wall time of the whole QEMU process for hello, goose's boot report, the
smallest -m that still runs hello, and the size of build/goose.bin.

Every program runs BENCH_REPS times (default 5) on each side, goose and
reference taking turns, one QEMU process at a time; the table gives the median
and the spread (min-max over the repetitions) and goose/reference, the ratio of
the medians (for times > 1 means goose is slower, for MiB/s and speedups < 1
does). Programs other than `parallel` run with GOMAXPROCS=1 on both sides, so
that both schedule goroutines the same way (qemu-riscv64 would otherwise see
the host's cores); `parallel` runs under goose with SMP=1, 2, 4 (GOMAXPROCS left
to default to the CPUs Go sees) and under the reference with GOMAXPROCS=1, 2, 4.

  ci/bench.py [--reps N] [--quick] [--only NAME,...] [--out DIR]

The vector rows (go-kernel/bench/vector: bytes.IndexByte, bytes.Equal, copy)
run goose on a CPU with V (VECTOR_CPU unless GOOSE_CPU names one), once as
it is and once with goose.vector=0, where Go's bytealg takes its scalar code.
Under QEMU's TCG the vector versions are much slower than the scalar ones
(each vector instruction is a helper call): seen 33 vs 2074 MiB/s for
IndexByte on QEMU 7.2, 246 vs 2826 on QEMU 10 -cpu rva23s64, with one
first-use trap per thread, so the rows measure QEMU, not silicon.

The network rows (go-kernel/net/bench/httpd, a stock net/http server with
the provider's blank import) are measured from the host by one client
(net_client): requests/s over 4 keep-alive connections with latency
percentiles, and one bulk GET. Under goose the server runs at SMP=2 behind
virtio-net, the provider (gVisor's netstack) and QEMU's user network
(restrict=on, hostfwd from 127.0.0.1); under the reference, GOMAXPROCS=2 on
the host kernel's own loopback. So the ratio is goose's whole network path
against none at all: docs/networking.md says where the time goes.

The console rows run at most BENCH_CONSOLE_REPS times (default 3): under
goose 4 MiB take about half a minute on virt and a minute on sifive_u.

BENCH_QUICK=1 (or --quick) is a smoke run: one repetition, smaller sizes,
shorter loops, and its report goes to build/bench/ instead of docs/. The full
run writes docs/perf.md (table and machine), docs/perf.dat (the ratios) and
docs/perf-ratios.png (drawn by gnuplot from docs/perf.gp). Raw output of every
run is in build/bench/logs/. Exits 0 when the table was written, even when
benchmarks failed or the vDSO check says FAIL (the table says so).
"""

import argparse
import ctypes
import datetime
import http.client
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
from examples import free_port  # noqa: E402
MODULE = os.path.join(REPO, "go-kernel")
NET_MODULE = os.path.join(MODULE, "net")
BUILD = os.path.join(REPO, "build", "bench")
LOGS = os.path.join(BUILD, "logs")
DOCS = os.path.join(REPO, "docs")
HELLO = os.path.join(MODULE, "examples", "hello")
REF_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/"}
# The CPU of the vector rows when the stack names none: QEMU 7.2 has RVV 1.0.
VECTOR_CPU = "rv64,v=true,vlen=256,vext_spec=v1.0"
RESULT_RE = re.compile(r"^bench (\S+) (\S+) (\S+)\s*$")
INFO_RE = re.compile(r"^bench-info (\S+) (.*?)\s*$")
EXIT_RE = re.compile(r"^goose: exit status (-?\d+)\s*$")
# The boot report's line, as goose prints it now and as it did before.
REPORT_RE = re.compile(r"^goose: (?:(?P<us>\d+) us and (?P<ins>\d+) instret|(?P<ins2>\d+) instructions, "
                       r"(?P<us2>\d+) us) from goose's entry to the Go program")
BANNER_RE = re.compile(r"^goose: goose (\S+) on (OpenSBI [^,]*)")
VDSO_FACTOR = 10
STARTED = time.monotonic()
LOAD_AT_START = os.getloadavg()
LOWER_IS_BETTER = {"ns/op", "ns/page", "ns/roundtrip", "ms", "bytes", "MiB", "instret", "us", "insns", "insns/op",
                   "insns/page"}


def say(msg=""):
    print(msg, flush=True)


def note(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ settings

class Settings:
    def __init__(self, quick, reps):
        self.quick = quick
        self.reps = reps
        t = "-target=50ms" if quick else "-target=100ms"
        self.args = {
            "syscall": [t],
            "sched": [t],
            "vector": [t],
            "gcchurn": ["-total-mib=256", "-live-mib=32"] if quick else ["-total-mib=1024", "-live-mib=64"],
            "heapgrow": ["-mib=64"] if quick else ["-mib=256"],
            "console": ["-mib=1"] if quick else ["-mib=4"],
            "parallel": ["-goroutines=8", "-blocks=12"] if quick else ["-goroutines=8", "-blocks=48"],
            "scale": ["-ms=100"] if quick else ["-ms=300"],
            "loopback": ["-rounds=500", "-mib=8"] if quick else ["-rounds=2000", "-mib=32"],
        }
        self.smps = [1, 2] if quick else [1, 2, 4]
        # The network rows: seconds of requests, and the bulk transfer's size.
        self.net_secs = 2 if quick else 5
        self.net_bulk_mib = 4 if quick else 16
        # Under goose the console moves ~0.1-0.2 MiB/s: 4 MiB on virt and on
        # sifive_u take a minute or more per repetition, so fewer of them.
        self.console_reps = min(reps, int(os.environ.get("BENCH_CONSOLE_REPS", "3")))
        self.mem_step = 4 if quick else 1      # MiB: resolution of the smallest-MEM search
        self.mem_lo, self.mem_hi = 4, 512


# --------------------------------------------------------------------- build

def go_binary():
    return os.environ.get("GO") or shutil.which("go") or "go"


def go_version(gobin):
    try:
        out = subprocess.run([gobin, "env", "GOVERSION"], capture_output=True, text=True,
                             env=dict(os.environ, GOTOOLCHAIN="local")).stdout.strip()
        return out or "unknown"
    except OSError:
        return "missing"


def build_program(gobin, pkgdir, name, module=MODULE):
    os.makedirs(BUILD, exist_ok=True)
    elf = os.path.join(BUILD, name + ".elf")
    env = dict(os.environ, GOOS="linux", GOARCH="riscv64", CGO_ENABLED="0",
               GOFLAGS="-trimpath -buildvcs=false", GOTOOLCHAIN="local")
    p = subprocess.run([gobin, "build", "-o", elf, "./" + os.path.relpath(pkgdir, module)],
                       cwd=module, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.exit("bench: building %s failed:\n%s" % (name, p.stdout))
    return elf


class MakeError(Exception):
    pass


def make(*args):
    p = subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO] + list(args),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if p.returncode != 0:
        raise MakeError("make %s failed:\n%s%s" % (" ".join(args), p.stdout, p.stderr))
    return p.stdout.strip()


def goose_image(elf):
    return os.path.join(REPO, make("image", "KERNEL=" + elf).splitlines()[-1])


# ----------------------------------------------------------------------- run

class Run:
    """One process: its wall time, status, results and facts."""

    def __init__(self, label, cmd, text, status, secs, cpu, timed_out, goose):
        self.label, self.cmd, self.text = label, cmd, text
        self.secs, self.cpu, self.timed_out = secs, cpu, timed_out
        self.results, self.info, self.report = {}, {}, None
        self.banner = None
        exit_line = None
        for line in text.splitlines():
            line = line.rstrip("\r")
            m = RESULT_RE.match(line)
            if m:
                try:
                    self.results[m.group(1)] = (float(m.group(2)), m.group(3))
                except ValueError:
                    pass
                continue
            m = INFO_RE.match(line)
            if m:
                self.info[m.group(1)] = m.group(2)
                continue
            if goose:
                m = EXIT_RE.match(line)
                if m:
                    exit_line = int(m.group(1))
                m = REPORT_RE.match(line)
                if m:
                    self.report = (int(m.group("ins") or m.group("ins2")), int(m.group("us") or m.group("us2")))
                m = BANNER_RE.match(line)
                if m:
                    self.banner = (m.group(1), m.group(2))
        # goose's status is the N of its last "goose: exit status N" line (on
        # sifive_u that line is the only carrier); the reference's is its own.
        if goose and not timed_out:
            self.status = exit_line if exit_line is not None else ("no exit line, QEMU %d" % status)
        else:
            self.status = "timeout" if timed_out else status
        self.ok = self.status == 0

    def why(self):
        return "timeout" if self.timed_out else "status %s" % self.status


def log_name(label):
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", label)


def save_log(run, rep):
    os.makedirs(LOGS, exist_ok=True)
    path = os.path.join(LOGS, "%s.%d.log" % (log_name(run.label), rep))
    text = run.text
    if len(text) > 256 << 10:  # the console benchmark's 4 MiB: keep both ends
        text = "%s\n... [%d bytes left out] ...\n%s" % (text[:64 << 10], len(text) - (128 << 10),
                                                       text[-(64 << 10):])
    with open(path, "w") as f:
        f.write("# %s\n# %s, %.3fs\n" % (" ".join(shlex.quote(w) for w in run.cmd), run.why(), run.secs))
        f.write(text)
    return os.path.relpath(path, REPO)


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


PR_SET_THP_DISABLE = 41


def host_small_pages():
    """In goose's QEMU before exec: no transparent huge pages for its guest
    RAM (prctl PR_SET_THP_DISABLE, inherited by exec). QEMU madvises guest
    RAM for huge pages, Go's heap under the reference is not (the host's THP
    mode "madvise"), so with them the two sides got host memory differently,
    and goose's memory rows swung with the host: heap growth 96 ms in one run
    and 700 ms in the next, all of it host system time, depending on what the
    run before had freed. Without them both sides take 4 KiB host pages."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)


def execute(label, cmd, env, timeout, goose):
    """Runs cmd alone (nothing else of ours runs meanwhile, so the growth of
    our children's rusage is its CPU time)."""
    cpu0 = children_cpu()
    start = time.monotonic()
    p = subprocess.Popen(cmd, env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True,
                         preexec_fn=host_small_pages if goose else None)
    timed_out = False
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(p.pid, 9)
        except ProcessLookupError:
            pass
        out, _ = p.communicate()
    secs = time.monotonic() - start
    return Run(label, cmd, out.decode(errors="replace"), p.returncode, secs, children_cpu() - cpu0,
               timed_out, goose)


def qemu_command(image, machine, smp, mem, bootargs, console="uart"):
    """The QEMU command line ci/qemu.py (make run) would use."""
    env = dict(os.environ, GOOSE_BOOTARGS=bootargs)
    p = subprocess.run([sys.executable, os.path.join(REPO, "ci", "qemu.py"), "--image", image,
                        "--machine", machine, "--smp", str(smp), "--mem", mem, "--console", console,
                        "--print-command"],
                       env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("bench: ci/qemu.py --print-command failed: %s" % p.stderr.strip())
    return shlex.split(p.stdout.strip())


def run_goose(label, image, args=(), env_words=(), quiet=True, machine="virt", smp=1, mem="512M",
              timeout=300, qemu_extra=(), console="uart"):
    words = (["goose.quiet"] if quiet else []) + list(env_words) + ["--"] + list(args)
    cmd = qemu_command(image, machine, smp, mem, " ".join(shlex.quote(w) for w in words), console) + \
        list(qemu_extra)
    return execute(label, cmd, dict(os.environ), timeout, True)


def run_ref(label, elf, args=(), env=None, timeout=300):
    e = dict(REF_ENV)
    e.update(env or {})
    return execute(label, ["qemu-riscv64", elf] + list(args), e, timeout, False)


# ------------------------------------------------------------------- metrics

class Samples:
    """Values of one metric on one side, over the repetitions."""

    def __init__(self):
        self.values, self.failures = [], []

    def add(self, v):
        self.values.append(v)

    def fail(self, why):
        self.failures.append(why)

    def median(self):
        return statistics.median(self.values) if self.values else None

    def cell(self, unit):
        if not self.values:
            return "failed (%s)" % "; ".join(sorted(set(self.failures))) if self.failures else "n/a"
        m = fmt(self.median(), unit)
        if len(self.values) > 1:
            m += " [%s-%s]" % (fmt(min(self.values), unit), fmt(max(self.values), unit))
        if self.failures:
            m += " (%d of %d failed: %s)" % (len(self.failures), len(self.failures) + len(self.values),
                                             "; ".join(sorted(set(self.failures))))
        return m


def fmt(v, unit):
    if v is None:
        return "n/a"
    if unit in ("bytes", "instret", "insns", "us", "MiB"):
        s = "{:,}".format(int(round(v)))
    elif abs(v) >= 1000:
        s = "%.0f" % v
    elif abs(v) >= 100:
        s = "%.1f" % v
    elif abs(v) >= 1:
        s = "%.2f" % v
    else:
        s = "%.3g" % v
    return s


class Row:
    def __init__(self, key, title, unit, goose_only=False, better=None):
        self.key, self.title, self.unit = key, title, unit
        self.goose, self.ref = Samples(), Samples()
        self.goose_only = goose_only
        self.better = better or ("lower" if unit in LOWER_IS_BETTER else "higher")
        self.verdict = None  # a PASS/FAIL row puts it in the ratio column

    def ratio(self):
        g, r = self.goose.median(), self.ref.median()
        if self.goose_only or g is None or r is None or r == 0:
            return None
        return g / r

    def goose_worse(self):
        q = self.ratio()
        if q is None:
            return None
        return q > 1 if self.better == "lower" else q < 1


class Table:
    def __init__(self):
        self.rows, self.by_key = [], {}

    def row(self, key, title, unit, **kw):
        if key not in self.by_key:
            r = Row(key, title, unit, **kw)
            self.rows.append(r)
            self.by_key[key] = r
        return self.by_key[key]


# ---------------------------------------------------------------- benchmarks

class ExampleProbe:
    """What ci/examples.py's checks report to (its Tally's methods), kept
    to say whether all of them passed."""

    def __init__(self):
        self.oks, self.fails = 0, []

    def ok(self, name, detail):
        self.oks += 1

    def fail(self, name, why, out=None):
        self.fails.append("%s: %s" % (name, why))

    def skip(self, name, why):
        self.fails.append("%s skipped: %s" % (name, why))

    unavailable = skip

    def unreached(self, example, why):
        self.fails.append("%s: %s" % (example, why))

    def passed(self):
        return self.oks > 0 and not self.fails

    def why(self):
        return "; ".join(self.fails)[:200]


# ------------------------------------------------------------------- network

def net_client(port, secs, bulk_mib, workers):
    """HTTP against 127.0.0.1:port: workers keep-alive connections sending
    GET / for secs seconds (requests/s, latency percentiles), then one GET of
    bulk_mib MiB (MiB/s). Every body is checked."""
    lat, errors = [], []
    stop = time.monotonic() + secs

    def worker():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        try:
            while time.monotonic() < stop:
                t0 = time.monotonic()
                c.request("GET", "/")
                body = c.getresponse().read()
                mine.append(time.monotonic() - t0)
                if body != b"hello, bench\n":
                    raise ValueError("GET / answered %r" % body[:40])
        except (OSError, ValueError, http.client.HTTPException) as e:
            errors.append(str(e))
        finally:
            c.close()
            lat.extend(mine)

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t0
    if errors:
        raise ValueError(errors[0])
    if not lat:
        raise ValueError("no request was answered")
    lat.sort()
    n = bulk_mib << 20
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t1 = time.monotonic()
    c.request("GET", "/bytes?n=%d" % n)
    resp = c.getresponse()
    got = 0
    while True:
        b = resp.read(1 << 16)
        if not b:
            break
        got += len(b)
    bulk_secs = time.monotonic() - t1
    c.close()
    if got != n:
        raise ValueError("the bulk GET gave %d bytes of %d" % (got, n))
    return {"net_rps": len(lat) / elapsed, "net_p50": lat[len(lat) // 2] * 1000,
            "net_p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, "net_bulk": got / (1 << 20) / bulk_secs}


class Bench:
    def __init__(self, settings, only):
        self.s = settings
        self.only = only
        self.t = Table()
        self.elfs, self.images = {}, {}
        self.facts = {}
        self.failed_logs = []

    def wanted(self, name):
        return not self.only or name in self.only

    def record(self, run, rep, side_samples, metric):
        """Adds run's value of metric to side_samples, or its failure."""
        if not run.ok:
            side_samples.fail(run.why())
            self.failed_logs.append(save_log(run, rep))
            return False
        if metric not in run.results:
            side_samples.fail("no result line")
            self.failed_logs.append(save_log(run, rep))
            return False
        side_samples.add(run.results[metric][0])
        return True

    def pair(self, rep, goose_fn, ref_fn):
        """Runs both sides, goose first on even repetitions, the reference first
        on odd ones, so that a change of load on the machine hits both alike."""
        if rep % 2 == 0:
            g = goose_fn()
            r = ref_fn()
        else:
            r = ref_fn()
            g = goose_fn()
        for run in (g if isinstance(g, tuple) else (g,)) + (r,):
            save_log(run, rep)
        return g, r

    # --- the programs -------------------------------------------------------

    def hello(self, rep):
        t = self.t
        wall = t.row("boot", "boot to exit of hello (QEMU process wall time)", "ms")
        cpu = t.row("boot_cpu", "boot to exit of hello (QEMU process CPU time, user+sys)", "ms")
        ins = t.row("boot_ins", "goose: instret from entry to the Go program (boot report)",
                    "instret", goose_only=True)
        us = t.row("boot_us", "goose: time from entry to the Go program (boot report)", "us",
                   goose_only=True)
        g, r = self.pair(rep, lambda: run_goose("hello.goose", self.images["hello"], quiet=False, timeout=120),
                         lambda: run_ref("hello.ref", self.elfs["hello"], timeout=120))
        for run, side, cpu_side in ((g, wall.goose, cpu.goose), (r, wall.ref, cpu.ref)):
            if run.ok and "Bye!" in run.text:
                side.add(run.secs * 1000)
                cpu_side.add(run.cpu * 1000)
            else:
                side.fail(run.why())
                cpu_side.fail(run.why())
                self.failed_logs.append(save_log(run, rep))
        if g.report:
            ins.goose.add(g.report[0])
            us.goose.add(g.report[1])
        else:
            ins.goose.fail("no boot report")
            us.goose.fail("no boot report")
        if g.banner:
            self.facts["goose"], self.facts["opensbi"] = g.banner

    def boot_icount(self, rep):
        """hello's boot report under -icount shift=0, where instret counts
        guest instructions: goose's own cost from its entry to the Go
        program's first instruction, on a small and a large machine (it
        should not grow with RAM)."""
        for mem in ("128M", "512M", "8G"):
            row = self.t.row("boot_insns_" + mem, "goose: instructions from entry to the Go program, hello, "
                             "-m %s (-icount)" % mem, "insns", goose_only=True)
            g = run_goose("hello.icount.%s.goose" % mem, self.images["hello"], quiet=False, mem=mem, timeout=120,
                          qemu_extra=["-icount", "shift=0"])
            save_log(g, rep)
            if g.ok and g.report:
                row.goose.add(g.report[0])
            else:
                row.goose.fail(g.why() if not g.ok else "no boot report")
                self.failed_logs.append(save_log(g, rep))

    def simple(self, rep, prog, metrics):
        """A program whose result lines are the metrics, GOMAXPROCS=1 on both sides."""
        args = self.s.args[prog]
        g, r = self.pair(rep,
                         lambda: run_goose(prog + ".goose", self.images[prog], args, ["GOMAXPROCS=1"]),
                         lambda: run_ref(prog + ".ref", self.elfs[prog], args, {"GOMAXPROCS": "1"}))
        for key, title, unit in metrics:
            row = self.t.row(key, title, unit)
            self.record(g, rep, row.goose, key)
            self.record(r, rep, row.ref, key)
        return g, r

    def syscall(self, rep):
        metrics = [
            ("getpid", "syscall round trip: syscall.Getpid", "ns/op"),
            ("time_now", "time.Now()", "ns/op"),
            ("rdtime", "one rdtime instruction (the clock goose's vDSO reads)", "ns/op"),
            ("sleep0", "time.Sleep(0)", "ns/op"),
            ("sleep_1us", "time.Sleep(1us)", "ns/op"),
            ("gosched", "runtime.Gosched() (one goroutine)", "ns/op"),
            ("page_fault", "first touch of an anonymous page (mmap 16 MiB, touch, munmap)", "ns/page"),
        ]
        # The "before" of the vDSO, its row right after time.Now's: the same
        # loop with goose.vdso=0, where Go makes two clock_gettime calls.
        for key, title, unit in metrics[:2]:
            self.t.row(key, title, unit)
        before = self.t.row("time_now_novdso", "time.Now() with goose.vdso=0 (two clock_gettime syscalls)",
                            "ns/op", goose_only=True)
        g = run_goose("syscall.novdso.goose", self.images["syscall"], self.s.args["syscall"] + ["-only=time_now"],
                      ["GOMAXPROCS=1", "goose.vdso=0"])
        save_log(g, rep)
        self.record(g, rep, before.goose, "time_now")
        self.simple(rep, "syscall", metrics)

    def icount(self, rep):
        """The syscall program under -icount shift=0: QEMU's clock then
        advances 1 ns per guest instruction, so ns/op is instructions per op:
        the cost on a core where rdtime is one cheap instruction, as on the
        boards, instead of TCG's helper call."""
        prog, icount = "syscall", ["-icount", "shift=0"]
        args = self.s.args[prog]
        g = run_goose("syscall.icount.goose", self.images[prog], args + ["-only=getpid,time_now,page_fault"],
                      ["GOMAXPROCS=1"], qemu_extra=icount)
        b = run_goose("syscall.icount-novdso.goose", self.images[prog], args + ["-only=time_now"],
                      ["GOMAXPROCS=1", "goose.vdso=0"], qemu_extra=icount)
        for run, key, metric, title, unit in (
                (g, "getpid_insns", "getpid", "syscall round trip: syscall.Getpid, guest instructions (-icount)",
                 "insns/op"),
                (g, "time_now_insns", "time_now", "time.Now(), guest instructions (-icount)", "insns/op"),
                (b, "time_now_novdso_insns", "time_now", "time.Now() with goose.vdso=0, guest instructions (-icount)",
                 "insns/op"),
                (g, "page_fault_insns", "page_fault", "first touch of an anonymous page, guest instructions (-icount)",
                 "insns/page")):
            save_log(run, rep)
            row = self.t.row(key, title, unit, goose_only=True)
            self.record(run, rep, row.goose, metric)

    def sched(self, rep):
        self.simple(rep, "sched", [
            ("pingpong", "goroutine ping-pong, unbuffered channels", "ns/roundtrip"),
            ("mutex", "sync.Mutex, 4 goroutines contending", "ns/op"),
        ])

    def vector(self, rep):
        """The byte routines with vector versions: goose on a CPU with V
        (VECTOR_CPU unless the stack names a CPU), then the same with
        goose.vector=0 (Go takes its scalar code); the reference has no
        riscv_hwprobe, so Go is scalar there."""
        prog, args = "vector", self.s.args["vector"]
        extra = () if os.environ.get("GOOSE_CPU") else ("-cpu", VECTOR_CPU)
        metrics = [("indexbyte", "bytes.IndexByte, 64 KiB"), ("equal", "bytes.Equal, 64 KiB"),
                   ("memmove", "copy (memmove), 64 KiB")]
        rows = {}
        for key, title in metrics:
            rows[key] = (self.t.row("v_" + key, title + ", V on (reference: scalar)", "MiB/s"),
                         self.t.row("v_" + key + "_off", title + ", goose.vector=0 (scalar)", "MiB/s",
                                    goose_only=True))
        g, r = self.pair(rep,
                         lambda: run_goose(prog + ".goose", self.images[prog], args, ["GOMAXPROCS=1"],
                                           qemu_extra=extra),
                         lambda: run_ref(prog + ".ref", self.elfs[prog], args, {"GOMAXPROCS": "1"}))
        off = run_goose(prog + ".off.goose", self.images[prog], args, ["GOMAXPROCS=1", "goose.vector=0"],
                        qemu_extra=extra)
        save_log(off, rep)
        for key, _ in metrics:
            on_row, off_row = rows[key]
            self.record(g, rep, on_row.goose, key)
            self.record(r, rep, on_row.ref, key)
            self.record(off, rep, off_row.goose, key)

    def gc(self, rep):
        a = self.s.args["gcchurn"]
        total, live = (int(x.split("=")[1]) for x in a)
        self.simple(rep, "gcchurn", [
            ("gc_churn", "GC churn: allocate %d MiB in 4 KiB objects, %d MiB live" % (total, live), "ms")])
        mib = int(self.s.args["heapgrow"][0].split("=")[1])
        self.simple(rep, "heapgrow", [
            ("heap_grow", "heap growth to %d MiB live (64 KiB objects)" % mib, "ms")])

    def console(self, rep):
        if rep >= self.s.console_reps:
            return
        prog = "console"
        args = self.s.args[prog]
        mib = args[0].split("=")[1]
        virt = self.t.row("console_virt", "console: %s MiB to stdout, 64 KiB writes; goose: ns16550a on virt" % mib,
                          "MiB/s")
        sifive = self.t.row("console_sifive", "console: same; goose: sifive,uart0 on sifive_u (SMP=2)", "MiB/s")
        virtio = self.t.row("console_virtio", "console: same; goose: virtio-console on virt (CONSOLE=virtio)",
                            "MiB/s")

        def goose_all():
            v = run_goose("console.virt.goose", self.images[prog], args, ["GOMAXPROCS=1"], timeout=600)
            s = run_goose("console.sifive_u.goose", self.images[prog], args, ["GOMAXPROCS=1"],
                          machine="sifive_u", smp=2, timeout=600)
            vio = run_goose("console.virtio.goose", self.images[prog], args, ["GOMAXPROCS=1"], timeout=600,
                            console="virtio")
            return v, s, vio

        (v, s, vio), r = self.pair(rep, goose_all,
                                   lambda: run_ref("console.ref", self.elfs[prog], args, {"GOMAXPROCS": "1"}))
        self.record(v, rep, virt.goose, "console_write")
        self.record(s, rep, sifive.goose, "console_write")
        self.record(vio, rep, virtio.goose, "console_write")
        for row in (virt, sifive, virtio):
            self.record(r, rep, row.ref, "console_write")

    def parallel(self, rep):
        prog = "parallel"
        args = self.s.args[prog]
        runs = {}
        for n in self.s.smps:
            row = self.t.row("par%d" % n, "parallel SHA-256, 8 goroutines: goose SMP=%d / ref GOMAXPROCS=%d"
                             % (n, n), "ms")
            g, r = self.pair(rep,
                             lambda: run_goose("parallel.smp%d.goose" % n, self.images[prog], args, smp=n),
                             lambda: run_ref("parallel.gomaxprocs%d.ref" % n, self.elfs[prog], args,
                                             {"GOMAXPROCS": str(n)}))
            self.record(g, rep, row.goose, "parallel_sha256")
            self.record(r, rep, row.ref, "parallel_sha256")
            runs[n] = (g, r)
            cpus = self.facts.setdefault("parallel_cpus", {})
            if g.ok:
                cpus.setdefault(n, set()).add("%s/%s" % (g.info.get("numcpu", "?"), g.info.get("gomaxprocs", "?")))
        # Speedups, from the runs of this repetition.
        for n in self.s.smps[1:]:
            row = self.t.row("speedup%d" % n, "parallel speedup %d vs 1 CPU (time(1)/time(%d))" % (n, n),
                             "x", better="higher")
            for i, side in ((0, row.goose), (1, row.ref)):
                one, many = runs[1][i], runs[n][i]
                if one.ok and many.ok and "parallel_sha256" in one.results and "parallel_sha256" in many.results:
                    side.add(one.results["parallel_sha256"][0] / many.results["parallel_sha256"][0])
                else:
                    side.fail("a run failed")

    # go-kernel/bench/scale: goose's own paths with one goroutine per CPU.
    SCALE = [("scale_syscall", "getppid system calls", "ops/ms"),
             ("scale_fault", "first-touch page faults (map 4 MiB, touch, unmap)", "faults/ms"),
             ("scale_churn", "map 64 KiB, touch one page, unmap", "ops/ms"),
             ("scale_churn_raw", "the same, mmap/munmap called directly (no syscall.Mmap mutex)", "ops/ms"),
             ("scale_gc", "goroutines allocating and dropping 64 KiB slices", "MiB/ms")]

    def scale(self, rep):
        prog = "scale"
        args = self.s.args[prog]
        runs = {}
        for n in self.s.smps:
            runs[n] = self.pair(rep, lambda: run_goose("scale.smp%d.goose" % n, self.images[prog], args, smp=n),
                                lambda: run_ref("scale.gomaxprocs%d.ref" % n, self.elfs[prog], args,
                                                {"GOMAXPROCS": str(n)}))
            for key, what, unit in self.SCALE:
                row = self.t.row("%s%d" % (key, n), "scaling: %s, one goroutine per CPU: goose SMP=%d / ref "
                                 "GOMAXPROCS=%d" % (what, n, n), unit, better="higher")
                self.record(runs[n][0], rep, row.goose, key)
                self.record(runs[n][1], rep, row.ref, key)
        # n CPUs against 1, from this repetition's runs: the scaling itself.
        for n in self.s.smps[1:]:
            for key, what, _ in self.SCALE:
                row = self.t.row("%s_x%d" % (key, n), "scaling: %s, %d CPUs / 1" % (what, n), "x", better="higher")
                for i, side in ((0, row.goose), (1, row.ref)):
                    one, many = runs[1][i], runs[n][i]
                    if one.ok and many.ok and key in one.results and key in many.results:
                        side.add(many.results[key][0] / one.results[key][0])
                    else:
                        side.fail("a run failed")

    # --- the network ------------------------------------------------------------

    NET_WORKERS = 4

    def net_serve(self, label, cmd, goose, port):
        """Starts the server (cmd), waits for it to serve on 127.0.0.1:port,
        measures it with net_client, asks it to quit: a Run with the results."""
        start = time.monotonic()
        cpu0 = children_cpu()
        p = subprocess.Popen(cmd, env=dict(os.environ) if goose else dict(REF_ENV, GOMAXPROCS="2"), cwd=REPO,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True, preexec_fn=host_small_pages if goose else None)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(p.stdout), daemon=True)
        reader.start()
        results, problem = {}, None
        deadline = time.monotonic() + 180
        while not any(b"serving on" in l for l in list(lines)) and p.poll() is None:
            if time.monotonic() > deadline:
                problem = "the server did not start in 180 s"
                break
            time.sleep(0.1)
        if problem is None and p.poll() is None:
            try:
                results = net_client(port, self.s.net_secs, self.s.net_bulk_mib, self.NET_WORKERS)
            except (OSError, ValueError, http.client.HTTPException) as e:
                problem = "client: %s" % e
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("GET", "/quit")
                c.getresponse().read()
                c.close()
            except (OSError, http.client.HTTPException):
                pass
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
            problem = problem or "did not quit"
        reader.join(10)
        text = b"".join(lines).decode(errors="replace")
        if problem:
            text += "\nbench: %s\n" % problem
        run = Run(label, cmd, text, p.returncode, time.monotonic() - start, children_cpu() - cpu0, False, goose)
        if problem:
            run.ok, run.status = False, problem
        for k, v in results.items():
            run.results[k] = (v, "")
        return run

    def net(self, rep):
        """A stock net/http server (go-kernel/net/bench/httpd): under goose
        through the provider, virtio-net and QEMU's user network (hostfwd
        from the host's loopback), SMP=2; under the reference on the host's
        own sockets, GOMAXPROCS=2. The same client measures both."""
        t = self.t
        rows = [("net_rps", "HTTP: requests/s, %d keep-alive connections, GET / (13 bytes)" % self.NET_WORKERS,
                 "req/s", "higher"),
                ("net_p50", "HTTP: request latency, median", "ms", None),
                ("net_p99", "HTTP: request latency, 99th percentile", "ms", None),
                ("net_bulk", "HTTP: one %d MiB GET, one connection" % self.s.net_bulk_mib, "MiB/s", "higher")]

        def goose_side():
            port = free_port()
            cmd = qemu_command(self.images["nethttpd"], "virt", 2, "512M", "goose.quiet -- -addr :8080") + [
                "-global", "virtio-mmio.force-legacy=false",
                "-netdev", "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:%d-:8080" % port,
                "-device", "virtio-net-device,netdev=n0"]
            return self.net_serve("net.goose", cmd, True, port)

        def ref_side():
            port = free_port()
            return self.net_serve("net.ref", ["qemu-riscv64", self.elfs["nethttpd"], "-addr",
                                              "127.0.0.1:%d" % port], False, port)

        g, r = self.pair(rep, goose_side, ref_side)
        for key, title, unit, better in rows:
            row = t.row(key, title, unit, **({"better": better} if better else {}))
            self.record(g, rep, row.goose, key)
            self.record(r, rep, row.ref, key)

    def loopback(self, rep):
        """TCP on 127.0.0.1 within one program (go-kernel/net/bench/loopback),
        GOMAXPROCS=2 on both sides, goose at SMP=2: goose's own sockets
        (GOOSE_NET=off keeps the provider out) and the provider's netstack
        loopback, each against the host's."""
        args = self.s.args["loopback"]
        net = ["-global", "virtio-mmio.force-legacy=false", "-netdev", "user,id=n0,restrict=on",
               "-device", "virtio-net-device,netdev=n0"]
        own = run_goose("loopback.own.goose", self.images["loopback"], args, ["GOOSE_NET=off"], smp=2)
        prov = run_goose("loopback.provider.goose", self.images["loopback"], args,
                         ["GOOSE_NET_ADDR=10.0.2.15/24"], smp=2, qemu_extra=net)
        ref = run_ref("loopback.ref", self.elfs["loopback"], args, {"GOMAXPROCS": "2"})
        for run in (own, prov, ref):
            save_log(run, rep)
        for key, what, unit in (("loop_rtt", "a 64-byte message and its echo", "us"),
                                ("loop_bulk", "one connection's bulk transfer", "MiB/s")):
            for side, g in (("own", own), ("provider", prov)):
                row = self.t.row("%s_%s" % (key, side), "TCP loopback: %s; goose: %s" % (
                    what, "its own sockets" if side == "own" else "the provider's netstack"), unit,
                    better="lower" if unit == "us" else "higher")
                self.record(g, rep, row.goose, key)
                self.record(ref, rep, row.ref, key)

    # --- measured once --------------------------------------------------------

    def min_mem_search(self, key, title, ok_at):
        """Binary search over -m (MiB, step mem_step) for the smallest that
        ok_at(mib) -> (ok, why) accepts; its row, and what was tried."""
        row = self.t.row(key, title, "MiB", goose_only=True)
        tried, failures = {}, {}

        def ok(mib):
            if mib not in tried:
                tried[mib], why = ok_at(mib)
                if not tried[mib]:
                    failures[mib] = why
            return tried[mib]

        lo, hi, step = self.s.mem_lo, self.s.mem_hi, self.s.mem_step
        if not ok(hi):
            row.goose.fail("fails even with %d MiB: %s" % (hi, failures.get(hi, "?")))
            return
        if ok(lo):
            row.goose.add(lo)
            self.facts.setdefault("min_mem", []).append("%s: ran with the smallest size tried, %d MiB" % (key, lo))
            return
        # ok(hi) and not ok(lo): halve the gap down to step.
        while hi - lo > step:
            mid = (lo + hi) // 2
            mid -= (mid - lo) % step
            if mid <= lo:
                mid = lo + step
            if ok(mid):
                hi = mid
            else:
                lo = mid
        row.goose.add(hi)
        self.facts.setdefault("min_mem", []).append(
            "%s: tried %s%s" % (key, ", ".join("%dM %s" % (m, "ok" if v else "fails") for m, v in sorted(tried.items())),
                                "; with %d MiB: %s" % (lo, failures[lo]) if lo in failures else ""))

    def min_mem(self):
        """The smallest -m each example of go-kernel/examples runs with:
        hello to its last line, the device examples passing ci/examples.py's
        own checks (virtio-rng and virtio-blk in both modes, httpd's session
        with curl)."""
        image = self.images["hello"]

        def hello_at(mib):
            r = run_goose("min_mem.hello.%dM" % mib, image, mem="%dM" % mib, timeout=60)
            save_log(r, 0)
            if r.ok and "Bye!" in r.text:
                return True, ""
            return False, next((l.strip() for l in r.text.splitlines()
                                if l.startswith(("fatal error:", "goose: out of memory", "goose: fatal", "runtime: ",
                                                 "qemu"))), r.why())

        self.min_mem_search("min_mem", "smallest QEMU -m that runs hello (step %d MiB)" % self.s.mem_step, hello_at)
        import examples
        examples.RUN_TIMEOUT, examples.HTTPD_TIMEOUT = 30, 90
        gobin = go_binary()
        for name, fn in (("virtio-rng", examples.example_rng), ("virtio-blk", examples.example_blk),
                         ("httpd", examples.example_httpd)):
            elf = os.path.join(examples.BUILD, name + ".elf")
            err = examples.build(gobin, os.path.join(examples.EXAMPLES, name), elf)
            if err:
                self.t.row("min_mem_" + name, "smallest QEMU -m that runs example %s" % name, "MiB",
                           goose_only=True).goose.fail("build failed")
                continue

            def example_at(mib, fn=fn, elf=elf):
                probe = ExampleProbe()
                examples.MEM = "%dM" % mib
                fn(probe, elf)
                return probe.passed(), probe.why()

            self.min_mem_search("min_mem_" + name, "smallest QEMU -m that runs example %s (its ci/examples.py checks)"
                                % name, example_at)
        examples.MEM = "512M"

    def image_size(self):
        row = self.t.row("image", "goose image without a program: build/goose.bin", "bytes", goose_only=True)
        try:
            make("payload")
        except MakeError as e:
            note(str(e))
            row.goose.fail("make payload failed")
            return
        row.goose.add(os.path.getsize(os.path.join(REPO, "build", "goose.bin")))

    def vdso_check(self):
        g_now, g_pid = self.t.by_key.get("time_now"), self.t.by_key.get("getpid")
        row = self.t.row("vdso", "vDSO check: syscall round trip / time.Now() (goose must be >= %d)"
                         % VDSO_FACTOR, "x", better="higher")
        row.goose_only = True
        if not g_now or not g_pid:
            return
        for side, dst in (("goose", row.goose), ("ref", row.ref)):
            now, pid = getattr(g_now, side).median(), getattr(g_pid, side).median()
            if now and pid:
                dst.add(pid / now)
        v = row.goose.median()
        row.verdict = "n/a" if v is None else ("PASS" if v >= VDSO_FACTOR else "FAIL")
        # The same ratio in guest instructions (-icount): what it would be
        # where reading the clock costs one instruction. Then what the vDSO
        # gains: time.Now() without it (goose.vdso=0) over time.Now() with it.
        for key, title, num, den in (
                ("vdso_insns", "vDSO ratio in guest instructions (-icount): syscall round trip / time.Now()",
                 "getpid_insns", "time_now_insns"),
                ("vdso_gain", "vDSO speedup: time.Now() without / with the vDSO", "time_now_novdso", "time_now"),
                ("vdso_gain_insns", "vDSO speedup, guest instructions (-icount): time.Now() without / with",
                 "time_now_novdso_insns", "time_now_insns")):
            n, d = self.t.by_key.get(num), self.t.by_key.get(den)
            if n and d and n.goose.median() and d.goose.median():
                self.t.row(key, title, "x", goose_only=True, better="higher").goose.add(
                    n.goose.median() / d.goose.median())

    # Issue 18's "memory at the floor": each memory row's goose/ref against
    # the computation row's (parallel SHA-256 at one CPU: QEMU's own floor).
    FLOOR_LIMIT = 1.3

    def floor_check(self):
        compute = self.t.by_key.get("par1")
        base = compute.ratio() if compute else None
        for key, what in (("heap_grow", "heap growth"), ("gc_churn", "GC churn"), ("page_fault", "page fault")):
            mem = self.t.by_key.get(key)
            row = self.t.row("floor_" + key, "floor: %s goose/ref over computation goose/ref (at most %.1f)"
                             % (what, self.FLOOR_LIMIT), "x", goose_only=True, better="lower")
            r = mem.ratio() if mem else None
            if r is None or not base:
                row.verdict = "n/a"
                continue
            row.goose.add(r / base)
            row.verdict = "PASS" if r / base <= self.FLOOR_LIMIT else "FAIL"

    # --- everything -------------------------------------------------------------

    def run(self):
        gobin = go_binary()
        self.facts["go"] = go_version(gobin)
        if os.path.exists("/usr/lib/go-1.19/bin/go"):
            self.facts["go_other"] = go_version("/usr/lib/go-1.19/bin/go")
        note("building the programs with %s (%s) and their goose images" % (gobin, self.facts["go"]))
        progs = ["syscall", "sched", "gcchurn", "heapgrow", "console", "parallel", "vector", "scale"]
        self.elfs["hello"] = build_program(gobin, HELLO, "hello")
        if self.wanted("net"):
            self.elfs["nethttpd"] = build_program(gobin, os.path.join(NET_MODULE, "bench", "httpd"), "nethttpd",
                                                  NET_MODULE)
        if self.wanted("loopback"):
            self.elfs["loopback"] = build_program(gobin, os.path.join(NET_MODULE, "bench", "loopback"), "loopback",
                                                  NET_MODULE)
        for p in progs:
            self.elfs[p] = build_program(gobin, os.path.join(MODULE, "bench", p), p)
        try:
            for name, elf in self.elfs.items():
                self.images[name] = goose_image(elf)
        except MakeError as e:
            sys.exit("bench: cannot build goose: " + str(e))

        steps = [("hello", self.hello), ("boot_icount", self.boot_icount), ("syscall", self.syscall),
                 ("icount", self.icount), ("sched", self.sched), ("vector", self.vector), ("gc", self.gc),
                 ("console", self.console), ("parallel", self.parallel), ("scale", self.scale),
                 ("net", self.net), ("loopback", self.loopback)]
        steps = [(n, f) for n, f in steps if self.wanted(n)]
        for rep in range(self.s.reps):
            for name, f in steps:
                t0 = time.monotonic()
                f(rep)
                note("repetition %d/%d: %s done in %.1fs" % (rep + 1, self.s.reps, name, time.monotonic() - t0))
        if self.wanted("min_mem"):
            t0 = time.monotonic()
            self.min_mem()
            note("smallest MEM search done in %.1fs" % (time.monotonic() - t0))
        if self.wanted("image"):
            self.image_size()
        self.vdso_check()
        self.floor_check()
        self.facts["elapsed"] = time.monotonic() - STARTED


# ------------------------------------------------------------------- reports

def machine_facts(facts):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
        except (OSError, IndexError):
            return "unknown"

    def dpkg(pkg):
        out = first_line(["dpkg-query", "-W", "-f=${Version}", pkg])
        return out if out else "unknown"

    return [
        ("date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("CPU", cpu),
        ("cores", str(os.cpu_count())),
        ("host", "%s %s" % (platform.system(), platform.release())),
        ("load average (1, 5, 15 min)", "%.2f %.2f %.2f at the start, %.2f %.2f %.2f at the end"
         % (LOAD_AT_START + os.getloadavg())),
        ("QEMU", "%s; %s" % (first_line(["qemu-system-riscv64", "--version"]),
                             first_line(["qemu-riscv64", "--version"]))),
        ("OpenSBI", "%s (Debian package opensbi %s)" % (facts.get("opensbi", "unknown"), dpkg("opensbi"))),
        ("goose", facts.get("goose", "unknown")),
        ("Go", "%s builds the programs%s" % (
            facts.get("go"), "; also installed: %s" % facts["go_other"] if facts.get("go_other") else "")),
    ]


def table_lines(t, markdown):
    head = ["benchmark", "unit", "goose", "reference", "goose/ref"]
    body = []
    for r in t.rows:
        if r.verdict is not None:
            ratio = r.verdict
        else:
            q = r.ratio()
            ratio = "n/a" if q is None else ("%.2f" % q if q >= 0.1 else "%.2g" % q)
        ref = "n/a" if r.goose_only and r.key != "vdso" else r.ref.cell(r.unit)
        if r.key == "vdso" and ref != "n/a":
            ref += " (info)"
        body.append([r.title, r.unit + (" (higher=better)" if r.better == "higher" else ""),
                     r.goose.cell(r.unit), ref, ratio])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join([" --- "] * 2 + [" ---: "] * 3) + "|"]
        for b in body:
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in b) + " |")
        return lines
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    widths[0] = min(widths[0], 72)
    lines = []
    for x in [head] + body:
        cells = [x[0][:widths[0]].ljust(widths[0]), x[1].ljust(widths[1])] + \
                [c.rjust(w) for c, w in zip(x[2:], widths[2:])]
        lines.append("  ".join(cells).rstrip())
        if x is head:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def plot_label(r):
    short = {
        "boot": "boot hello (wall)", "boot_cpu": "boot hello (CPU)", "getpid": "getpid",
        "page_fault": "page fault", "time_now": "time.Now",
        "rdtime": "rdtime", "sleep0": "Sleep(0)", "sleep_1us": "Sleep(1us)", "gosched": "Gosched",
        "pingpong": "chan ping-pong", "mutex": "mutex x4", "gc_churn": "GC churn",
        "heap_grow": "heap growth", "console_virt": "console ns16550a (MiB/s)",
        "console_virtio": "console virtio (MiB/s)",
        "console_sifive": "console sifive (MiB/s)",
    }
    if r.key in short:
        return short[r.key]
    m = re.match(r"par(\d+)$", r.key)
    if m:
        return "SHA-256 %s CPU" % m.group(1)
    m = re.match(r"speedup(\d+)$", r.key)
    if m:
        return "speedup %s CPU" % m.group(1)
    return r.key


def write_dat(t, path):
    """Writes the ratios gnuplot draws; returns how many."""
    n = 0
    with open(path, "w") as f:
        f.write("# goose/reference ratios of the medians, written by ci/bench.py; plotted by docs/perf.gp.\n"
                "# label  ratio  color (red: goose worse, green: goose better)\n")
        for r in t.rows:
            q = r.ratio()
            if q is None:
                continue
            color = "0xcc3333" if r.goose_worse() else "0x339944"
            f.write('"%s" %.6g %s\n' % (plot_label(r), q, color))
            n += 1
    return n


BEFORE = os.path.join(DOCS, "perf-before.tsv")


def read_before():
    """docs/perf-before.tsv: [(key, value, commit, change)]."""
    rows = []
    try:
        with open(BEFORE) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                key, value, commit, change = line.rstrip("\n").split("\t")
                rows.append((key, float(value), commit, change))
    except OSError:
        pass
    return rows


def before_after_lines(t):
    """The changes' before (docs/perf-before.tsv) beside this run's goose median."""
    lines = ["| change | benchmark | unit | before | after (this run) | after/before |",
             "| --- | --- | --- | ---: | ---: | ---: |"]
    for key, value, commit, change in read_before():
        r = t.by_key.get(key)
        if not r:
            continue
        after = r.goose.median()
        lines.append("| %s | %s | %s | %s (%s) | %s | %s |" % (
            change, r.title.replace("|", "\\|"), r.unit, fmt(value, r.unit), commit, fmt(after, r.unit),
            "%.3g" % (after / value) if after is not None and value else "n/a"))
    return lines if len(lines) > 2 else []


def write_md(t, facts, path, settings, failed_logs):
    lines = [
        "# goose performance, side by side",
        "",
        "Written by `make bench` (ci/bench.py); do not edit by hand. Every Go program",
        "in go-kernel/bench/ times itself with `time.Now()` and prints `bench <name>",
        "<value> <unit>`; the same ELF runs under goose (QEMU virt unless said, SMP=1,",
        "512M) and under the Linux reference `qemu-riscv64` (Debian's qemu-user on the host",
        "kernel). Each cell is the median of %d repetition(s) [min-max]; goose/ref is the" % settings.reps,
        "ratio of the medians (for ms and ns > 1 means goose is slower, for MiB/s and",
        "speedups < 1 does). Programs other than `parallel` run with GOMAXPROCS=1 on both",
        "sides. A ns/op value is, inside each run, the fastest of 3 timed loops of at",
        "least %s each (after a warm-up that sizes the loop); ms and MiB/s values are" % (
            "50 ms" if settings.quick else "100 ms"),
        "one timed pass per run; the console rows have %d repetition(s) (BENCH_CONSOLE_REPS)." % (
            settings.console_reps),
        "One QEMU process ran at a time, goose and reference",
        "taking turns; the machine is shared, so the load average below matters.",
        "",
        "![goose/reference ratios](perf-ratios.png)",
        "",
    ]
    lines += table_lines(t, True)
    ba = before_after_lines(t)
    if ba:
        lines += ["", "## Before and after", "",
                  "Each change's row before it (docs/perf-before.tsv, measured at the commit named, which says "
                  "how) and in this run.",
                  ""] + ba
    lines += ["", "## What is compared", "",
              "- **host memory**: goose's QEMU runs without the host's transparent huge pages for "
              "guest RAM (prctl PR_SET_THP_DISABLE; QEMU asks for them, Go's heap under the "
              "reference does not), so both sides take 4 KiB host pages. With them, goose's heap "
              "growth measured 96 ms in one run and 700 ms in the next, the difference all host "
              "system time, depending on what the run before had freed.",
              "- **boot**: wall time of the whole process, from spawning it to its exit: "
              "`qemu-system-riscv64` (QEMU start, OpenSBI, goose, the hello program, power-off) "
              "against `qemu-riscv64 hello.elf`. hello sleeps 10 ms on both sides. The CPU time "
              "(user+sys of the process, all its threads) is less at the mercy of the machine's load.",
              "- **boot report**: goose's line `goose: T us and N instret from goose's entry to "
              "the Go program` (without goose.quiet). Under QEMU TCG without -icount the `instret` "
              "counter reads the host's cycle counter, so N is about T times the host's TSC "
              "frequency, not a count of guest instructions.",
              "- **syscall round trip**: `syscall.Getpid()` in a loop: under goose an `ebreak` "
              "trap into goose and `sret` back; under the reference qemu-user's syscall emulation "
              "and a host system call.",
              "- **vector**: go-kernel/bench/vector's bytes.IndexByte, bytes.Equal and copy over 64 KiB, under goose on a CPU with V (Go 1.26 takes its vector code once riscv_hwprobe says V) and once more with goose.vector=0 (its scalar code); the reference's CPU has no V. Under QEMU's TCG each vector instruction is a helper call, so the vector code is far slower than the scalar code there: that is the emulator, not goose, and says nothing of hardware.",
              "- **page fault**: the first write to each page of a fresh 16 MiB anonymous mmap "
              "(then munmap), per page: under goose a page-fault trap, a page taken and zeroed "
              "by goose; under the reference the host kernel's fault and qemu-user's bookkeeping.",
              "- **time.Now()**: under goose the vDSO (no trap); qemu-riscv64 %s has no riscv64 vDSO, so the "
              "reference makes two `clock_gettime` system calls." % (
                  first_word_version("qemu-riscv64")),
              "- **rdtime**: one `rdtime` instruction in a Go assembly loop: under goose QEMU "
              "reads its virtual clock, under qemu-user the host's clock. Go's time.Now() calls "
              "clock_gettime twice (wall and monotonic), so under goose it costs two of these "
              "plus two vDSO calls.",
              "- **time.Sleep(0)** returns at once in Go (no system call); **time.Sleep(1us)** "
              "goes through Go's timers and a `futex`/`epoll_pwait` with a timeout.",
              "- **console**: the program writes the same bytes (128-byte lines of text, 64 KiB per "
              "`os.Stdout.Write`) on both sides and times the writes. Both stdouts end in a pipe "
              "that ci/bench.py drains: under goose the UART's bytes (or, in the virtio row, the virtio console's, CONSOLE=virtio), via QEMU's stdio chardev; "
              "under the reference the process's own stdout. goose also turns each `\\n` into "
              "`\\r\\n` (ONLCR), 1/128 more bytes than counted.",
              "- **parallel**: 8 goroutines hash 64 KiB blocks with SHA-256; goose boots with "
              "SMP=1, 2, 4 (GOMAXPROCS default), the reference runs with GOMAXPROCS=1, 2, 4 on "
              "a %d-core host. Speedup = time at 1 CPU / time at N, per repetition. At one CPU this "
              "is computation only, so its goose/ref ratio is the floor that QEMU's system emulation "
              "(a soft TLB on every load and store, against qemu-user's direct host access) puts "
              "under every row: goose itself does not run at all between timer ticks." % (os.cpu_count() or 0),
              ]
    cpus = facts.get("parallel_cpus")
    if cpus:
        lines.append("- CPUs / GOMAXPROCS the Go program saw under goose: " +
                     ", ".join("SMP=%d: %s" % (n, " ".join(sorted(v))) for n, v in sorted(cpus.items())) + ".")
    lines.append("- **smallest MEM**: binary search over `-m` for each example of go-kernel/examples under goose "
                 "(hello: exit status 0 and its last line; virtio-rng, virtio-blk and httpd: every check "
                 "ci/examples.py makes of them, the devices attached as there). " +
                 " ".join("%s." % f for f in facts.get("min_mem", [])))
    lines.append("- **boot instructions (-icount)**: hello booted with `-icount shift=0` and its boot report read: "
                 "instret then counts guest instructions, from goose's first instruction to the Go program's, "
                 "on a 128 MiB, a 512 MiB and an 8 GiB machine (`goose.trace=boot` splits it into phases: "
                 "docs/debugging.md).")
    lines.append("- **vDSO check**: goose's median getpid ns/op over its median time.Now ns/op must be at "
                 "least %d; the reference's ratio is shown for information." % VDSO_FACTOR)
    lines.append("- **without the vDSO**: the syscall program's time.Now() loop once more under goose with "
                 "`goose.vdso=0`, which leaves `__vdso_clock_gettime` out of the vDSO's symbols, so Go "
                 "makes its two clock_gettime calls as system calls: the \"before\" of the vDSO. The "
                 "vDSO speedup rows divide that by time.Now() with the vDSO.")
    lines.append("- **guest instructions (-icount)**: the syscall program's getpid, time.Now() and page-fault "
                 "loops once more under goose with `-icount shift=0` (and time.Now() once with `goose.vdso=0`), "
                 "where QEMU's clock advances 1 ns per guest instruction, so their ns are instructions. "
                 "time.Now() reads the clock without a trap: Go's own code (time.Now, two calls into the "
                 "vDSO with a switch to the g0 stack around each, building the Time) and the vDSO's "
                 "instructions twice. A Getpid round trip is a few instructions of Go's raw system call "
                 "(no entersyscall) around goose's trap path: saving and restoring the registers, the "
                 "dispatch, sret. Go's part of time.Now() alone is most of a goose system call, so the "
                 "ratio stays below 2 however cheap the vDSO and rdtime are: the 10x of the check would "
                 "need a system call ten times dearer than goose's. Under TCG each rdtime is a helper "
                 "call (the rdtime row), which is why time.Now costs more in ns than in instructions.")
    if failed_logs:
        lines += ["", "Failed runs (logs in build/bench/logs/, not kept in git): " +
                  ", ".join("`%s`" % os.path.basename(p) for p in sorted(set(failed_logs)))]
    lines += ["", "## Machine", "", "| | |", "| --- | --- |"]
    for k, v in machine_facts(facts):
        lines.append("| %s | %s |" % (k, v.replace("|", "\\|")))
    lines.append("| repetitions | %d%s; `make bench` took %.0f s |" % (
        settings.reps, " (BENCH_QUICK=1)" if settings.quick else "", facts.get("elapsed", 0)))
    lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def first_word_version(prog):
    try:
        out = subprocess.run([prog, "--version"], capture_output=True, text=True).stdout
        m = re.search(r"version (\S+)", out)
        return m.group(1) if m else ""
    except OSError:
        return ""


def plot(dat, png):
    if not shutil.which("gnuplot"):
        note("no gnuplot (make deps installs gnuplot-nox): %s not drawn" % png)
        return False
    p = subprocess.run(["gnuplot", "-e", "datafile='%s'; outfile='%s'" % (dat, png),
                        os.path.join(DOCS, "perf.gp")], capture_output=True, text=True)
    if p.returncode != 0:
        note("gnuplot failed: %s" % p.stderr.strip())
        return False
    return True


# ---------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--reps", type=int, help="repetitions (default BENCH_REPS, or 5; 1 when quick)")
    ap.add_argument("--quick", action="store_true", help="a fast smoke run (BENCH_QUICK=1)")
    ap.add_argument("--only", help="comma-separated: hello,boot_icount,syscall,icount,sched,gc,console,parallel,"
                                   "scale,net,loopback,min_mem,image")
    ap.add_argument("--out", help="directory for perf.md, perf.dat, perf-ratios.png "
                                  "(default docs/, or build/bench/ when quick)")
    a = ap.parse_args()
    quick = a.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    reps = a.reps or int(os.environ.get("BENCH_REPS", "0") or 0) or (1 if quick else 5)
    settings = Settings(quick, max(1, reps))
    only = set(a.only.split(",")) if a.only else None
    out = a.out or (BUILD if quick or only else DOCS)
    os.makedirs(out, exist_ok=True)
    if os.path.isdir(LOGS):
        shutil.rmtree(LOGS)

    b = Bench(settings, only)
    b.run()

    say()
    for line in table_lines(b.t, False):
        say(line)
    dat = os.path.join(out, "perf.dat")
    png = os.path.join(out, "perf-ratios.png")
    md = os.path.join(out, "perf.md")
    if write_dat(b.t, dat):
        plot(dat, png)
    write_md(b.t, b.facts, md, settings, b.failed_logs)
    say()
    say("bench: wrote %s, %s, %s (%.0f s)" % tuple(
        [os.path.relpath(p, REPO) for p in (md, dat, png)] + [b.facts.get("elapsed", 0)]))
    if b.failed_logs:
        say("bench: %d run(s) failed; logs: %s" % (len(set(b.failed_logs)), os.path.relpath(LOGS, REPO)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
