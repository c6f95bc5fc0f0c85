#!/usr/bin/env python3
"""Conformance test driver for goose: Go programs run under goose and under
qemu-riscv64 (the Linux reference) must behave the same.

Each test is a directory go-kernel/tests/<name>/ with a main.go, a test.conf and
(usually) an `expected` file. test.conf holds key=value lines ('#' starts a
comment):

  args=a b            words after "--" on the goose command line / argv[1:]
  goose=goose.x=y     goose's own options (goose only: first on the command line)
  files=DIR           the test directory's DIR goes to goose as a cpio initramfs
                      (at /DIR, the working directory: goose.cwd=/DIR); the
                      reference runs in DIR
  env=K=V K2=V2       the program's environment
  mem=512M            QEMU -m (default 512M)
  exit=0              expected exit status (default 0)
  timeout=120         seconds, per run (default 120)
  output=exact        exact (default): stdout+stderr, less goose's boot report
                      (BOOT_RE) and exit line, must equal `expected` byte for
                      byte; contains: each line of `expected` must equal a
                      whole line of the output, in order (a line "re:PATTERN"
                      must match a whole line as a regular expression)
  stdin=FILE          the test directory's FILE is the program's standard
                      input on both sides (goose: piped into `make run`, so
                      it reaches the console, then end of input as ^D)
  reference=yes       yes (default): the same ELF also runs under qemu-riscv64
                      and must pass the same checks; no: goose only
  go=all              all (default), or a version such as 1.26: the oldest Go
                      that can build the test (older toolchains skip it)
  skip=reason         the test is skipped (counted as skipped, not passed)
  cpu=MODEL           QEMU -cpu for the goose runs when the stack names none
                      (GOOSE_CPU unset): a test that needs a CPU feature
                      (vector_state: V) says which CPU has it
  cgo=static          a cgo test: built with CGO_ENABLED=1, CC=riscv64-linux-gnu-gcc
                      (Debian gcc-riscv64-linux-gnu, glibc from
                      libc6-dev-riscv64-cross) and -ldflags '-linkmode external
                      -extldflags -static'; without that compiler each result
                      is a skip naming it (a failure under
                      GOOSE_REQUIRE_TOOLCHAINS=1)

In env and args, {hosttime} becomes this machine's time (Unix seconds) when
the run starts, so a program can compare its clock with the host's.

Every goose run must print goose's boot report, whose line
"N of M harts running" must say N = M = --smp: a run on fewer harts than
asked for fails. Any other "goose: " line is part of the output.

Each test is built with every toolchain into build/go/<GOVERSION>/<name>.elf
(GOOS=linux GOARCH=riscv64 CGO_ENABLED=0 -trimpath), then run.

Runner contract (the default, --runner make):
  make -s --no-print-directory -C <repo> run KERNEL=<elf> \\
       BOOTARGS='<env words> -- <args words>' MEM=<mem>
prints the program's output plus lines starting "goose: ", the last of which is
"goose: exit status N"; N is the program's status, and make fails exactly when N
is not 0. --runner ref runs qemu-riscv64 in goose's place (to test the tests);
any other --runner value is a command template whose words may contain {repo},
{elf}, {bootargs}, {mem}, {name}, {timeout}, {smp}, {initrd}.

The stack is make run's: its QEMU, FIRMWARE, FW, CPU, MACHINE, LOADER and
UBOOT default from GOOSE_QEMU, GOOSE_FIRMWARE, ... in the environment, so
`GOOSE_QEMU=... GOOSE_CPU=rva23s64 ci/gotest.py` runs the suite on that stack
(docs/boot.md).

Speaks ci/report.py's protocol: "plan N", one line per test and toolchain
(a toolchain that cannot be had gives each test a skip line naming why, a
failure under GOOSE_REQUIRE_TOOLCHAINS=1), then "N passed, N failed" (plus
", N skipped"); exits 1 when any test failed.
"""

import argparse
import concurrent.futures
import fnmatch
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
import report  # noqa: E402
MODULE = os.path.join(REPO, "go-kernel")
TESTS = os.path.join(MODULE, "tests")
BUILD = os.path.join(REPO, "build")
LOGS = os.path.join(BUILD, "test-logs")
GO119 = "/usr/lib/go-1.19/bin/go"
# The newest Go release the module proxy serves (checked 2026-11-23); fetched
# with GOTOOLCHAIN, and left out with a note when the proxy cannot give it.
NEWEST = "go1.27.4"
MAKE_RUNNER = ("make -s --no-print-directory -C {repo} run KERNEL={elf} "
               "BOOTARGS={bootargs} MEM={mem} SMP={smp} INITRD={initrd}")
REF_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/"}
EXIT_RE = re.compile(rb"^goose: exit status (-?\d+)\s*$")
# goose's boot report (payload/boot/main.c boot_report and goose_main): the only
# "goose: " lines left out of the output a test compares.
BOOT_RE = re.compile(rb"^goose: (goose \S+ on .*, \d+ of \d+ harts? running, |RAM 0x|memory: \d+ MiB of |"
                     rb"program \S+: |\d+ us and \d+ instret from goose's entry|"
                     # An optional CSR the FDT names that traps (arch/riscv/extable.h).
                     rb"hart \d+: (zkr|sstc): )")
HARTS_RE = re.compile(rb"^goose: goose .*, (\d+) of (\d+) harts? running, ", re.M)
KEYS = {"args", "goose", "files", "env", "mem", "exit", "timeout", "output", "stdin", "reference", "go", "skip",
        "cpu", "cgo"}
# The C cross compiler cgo tests are built with (ci/deps.sh installs it).
CGO_CC = "riscv64-linux-gnu-gcc"
CGO_STATIC_LDFLAGS = "-linkmode external -extldflags -static"


def cgo_missing():
    """Why cgo tests cannot be built here, or None."""
    if shutil.which(CGO_CC):
        return None
    return "%s not installed (Debian gcc-riscv64-linux-gnu, libc6-dev-riscv64-cross; make deps)" % CGO_CC


class ConfigError(Exception):
    pass


# ---------------------------------------------------------------- toolchains

class Toolchain:
    def __init__(self, name, gobin):
        self.gobin = gobin
        env = dict(os.environ, GOTOOLCHAIN="local")
        out = subprocess.run([gobin, "env", "GOVERSION"], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        self.goversion = out.split()[0] if out else "unknown"
        m = re.match(r"go(\d+)\.(\d+)", self.goversion)
        self.version = (int(m.group(1)), int(m.group(2))) if m else (999, 0)
        self.name = name or (("go%d.%d" % self.version) if m else self.goversion)
        self.outdir = os.path.join(BUILD, "go", self.goversion)


class Missing:
    """A toolchain the tests want but cannot have: each of its results is a
    skip naming why (a failure under GOOSE_REQUIRE_TOOLCHAINS=1)."""

    def __init__(self, name, why):
        self.name, self.why = name, why
        m = re.match(r"go(\d+)\.(\d+)", name)
        self.version = (int(m.group(1)), int(m.group(2))) if m else (999, 0)


def fetched_toolchain(version):
    """The go binary of a release fetched through the module proxy, or the
    reason it cannot be had."""
    go = shutil.which("go")
    if not go:
        return None, "no go on PATH to fetch it with"
    try:
        p = subprocess.run([go, "env", "GOROOT"], env=dict(os.environ, GOTOOLCHAIN=version),
                           capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None, "GOTOOLCHAIN=%s timed out (module proxy)" % version
    gobin = os.path.join(p.stdout.strip(), "bin", "go") if p.returncode == 0 else ""
    if not os.path.exists(gobin):
        err = (p.stderr.strip().splitlines() or ["no go binary"])[-1][:120]
        return None, "not available through GOTOOLCHAIN (module proxy): %s" % err
    return gobin, None


def default_toolchains():
    """(toolchains, missing): the machine's go, Debian's Go 1.19 and NEWEST
    (one each per Go version); missing holds a Missing for each that cannot
    be had."""
    gobins, missing = [], []
    if shutil.which("go"):
        gobins.append(shutil.which("go"))
    else:
        missing.append(Missing("go", "no go on PATH"))
    if os.path.exists(GO119):
        gobins.append(GO119)
    else:
        missing.append(Missing("go1.19", "%s not installed (Debian golang-1.19-go; make deps)" % GO119))
    newest, why = fetched_toolchain(NEWEST)
    if newest:
        gobins.append(newest)
    else:
        missing.append(Missing(NEWEST, why))
    tcs, seen = [], set()
    for g in gobins:
        tc = Toolchain(None, g)
        if tc.goversion not in seen:
            seen.add(tc.goversion)
            tcs.append(tc)
    return tcs, missing


# --------------------------------------------------------------------- tests

class Test:
    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(TESTS, name)
        self.args, self.env, self.goose = [], [], []
        self.files = None
        self.mem, self.exit, self.timeout = "512M", 0, 120
        self.output, self.reference = "exact", True
        self.stdin = None
        self.min_go, self.skip = None, None
        self.cpu = None
        self.cgo = None
        self.error = None
        try:
            self._parse()
        except (ConfigError, ValueError) as e:
            self.error = "test.conf: %s" % e

    def _parse(self):
        with open(os.path.join(self.dir, "test.conf")) as f:
            lines = f.read().splitlines()
        for n, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, eq, val = line.partition("=")
            key, val = key.strip(), val.strip()
            if not eq or key not in KEYS:
                raise ConfigError("line %d: unknown setting %r" % (n, line))
            if key == "args":
                self.args = shlex.split(val)
            elif key == "files":
                if not re.fullmatch(r"[A-Za-z0-9_.-]+", val) or val in (".", ".."):
                    raise ConfigError("files must name a directory of the test")
                if not os.path.isdir(os.path.join(self.dir, val)):
                    raise ConfigError("files=%s: no such directory" % val)
                self.files = val
            elif key == "goose":
                self.goose = shlex.split(val)
                for w in self.goose:
                    if not w.startswith("goose."):
                        raise ConfigError("goose word %r is not a goose.* option" % w)
            elif key == "env":
                self.env = shlex.split(val)
                for w in self.env:
                    if "=" not in w or w.startswith("="):
                        raise ConfigError("env word %r is not KEY=VALUE" % w)
            elif key == "mem":
                self.mem = val
            elif key == "exit":
                self.exit = int(val)
            elif key == "timeout":
                self.timeout = float(val)
            elif key == "output":
                if val not in ("exact", "contains"):
                    raise ConfigError("output must be exact or contains")
                self.output = val
            elif key == "stdin":
                if not re.fullmatch(r"[A-Za-z0-9_.-]+", val) or not os.path.isfile(os.path.join(self.dir, val)):
                    raise ConfigError("stdin=%s: want a file of the test directory" % val)
                self.stdin = os.path.join(self.dir, val)
            elif key == "reference":
                if val not in ("yes", "no"):
                    raise ConfigError("reference must be yes or no")
                self.reference = val == "yes"
            elif key == "go":
                if val != "all":
                    m = re.fullmatch(r"(?:go)?(\d+)\.(\d+)", val)
                    if not m:
                        raise ConfigError("go must be all or a version like 1.26")
                    self.min_go = (int(m.group(1)), int(m.group(2)))
            elif key == "skip":
                self.skip = val or "skipped"
            elif key == "cpu":
                if not re.fullmatch(r"[A-Za-z0-9_.,=-]+", val):
                    raise ConfigError("cpu must be a QEMU -cpu model")
                self.cpu = val
            elif key == "cgo":
                if val != "static":
                    raise ConfigError("cgo must be static (goose refuses a dynamically linked ELF)")
                self.cgo = val

    def expected(self):
        try:
            with open(os.path.join(self.dir, "expected"), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def words(self, which, fields):
        """env or args with {hosttime} and friends filled in at launch."""
        return [w.format(**fields) if "{" in w else w for w in which]

    def bootargs(self, fields):
        def q(w):
            if w and not re.search(r"[\s'\"]", w):
                return w
            return "'%s'" % w if '"' in w else '"%s"' % w
        goose = self.goose + (["goose.cwd=/" + self.files] if self.files else [])
        return " ".join([q(w) for w in goose + self.words(self.env, fields)] + ["--"] +
                        [q(w) for w in self.words(self.args, fields)])


def discover():
    if not os.path.isdir(TESTS):
        return []
    return sorted(d for d in os.listdir(TESTS)
                  if os.path.isfile(os.path.join(TESTS, d, "test.conf")))


# --------------------------------------------------------------------- build

def newest_source(test):
    newest = 0.0
    for root, dirs, files in os.walk(MODULE):
        if root == TESTS:
            dirs[:] = [d for d in dirs if d == test.name]
        for f in files:
            if f.endswith(".go") or f in ("go.mod", "go.sum") or root == test.dir:
                newest = max(newest, os.path.getmtime(os.path.join(root, f)))
    return newest


def build(tc, test, verbose):
    """Returns (elf path, None) or (None, error text)."""
    elf = os.path.join(tc.outdir, test.name + ".elf")
    try:
        if os.path.getmtime(elf) >= newest_source(test):
            return elf, None
    except OSError:
        pass
    os.makedirs(tc.outdir, exist_ok=True)
    tmp = "%s.tmp%d.%d" % (elf, os.getpid(), threading.get_ident())
    env = dict(os.environ, GOOS="linux", GOARCH="riscv64", CGO_ENABLED="0",
               GOFLAGS="-trimpath -buildvcs=false", GOTOOLCHAIN="local")
    cmd = [tc.gobin, "build", "-o", tmp]
    if test.cgo == "static":
        env.update(CGO_ENABLED="1", CC=CGO_CC)
        cmd += ["-ldflags", CGO_STATIC_LDFLAGS]
    cmd.append("./tests/" + test.name)
    if verbose:
        say("# (cd %s && %s)" % (MODULE, " ".join(cmd)))
    p = subprocess.run(cmd, cwd=MODULE, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        return None, p.stdout.decode(errors="replace")
    os.replace(tmp, elf)
    return elf, None


# ----------------------------------------------------------------------- run

live = set()
live_lock = threading.Lock()
print_lock = threading.Lock()


def say(line):
    with print_lock:
        print(line, flush=True)


class Run:
    def __init__(self, cmd, out, status, secs, timed_out):
        self.cmd, self.out, self.status = cmd, out, status
        self.secs, self.timed_out = secs, timed_out
        self.stderr = b""


def execute(cmd, env, timeout, verbose, merge_stderr=True, cwd=None, stdin=None):
    """Runs cmd; its output is stdout, plus stderr when merge_stderr (a Linux
    process's stderr is part of what it printed; goose's runner prints the
    whole console on stdout, and its stderr holds only make's and QEMU's own
    messages, which are kept in the log but not compared)."""
    if verbose:
        say("# " + " ".join(shlex.quote(w) for w in cmd))
    start = time.monotonic()
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    p = subprocess.Popen(cmd, env=env, stdin=fin, cwd=cwd,
                         stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                         start_new_session=True)
    with live_lock:
        live.add(p)
    timed_out = False
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(p)
        out, err = p.communicate()
    finally:
        with live_lock:
            live.discard(p)
        if stdin:
            fin.close()
    run = Run(cmd, out, p.returncode, time.monotonic() - start, timed_out)
    run.stderr = err or b""
    return run


def kill_group(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def launch_fields():
    """What {name} in a test's env and args becomes, as a run starts."""
    return {"hosttime": str(int(time.time()))}


def run_reference(test, elf, verbose):
    fields = launch_fields()
    env = dict(REF_ENV)
    env.update(w.split("=", 1) for w in test.words(test.env, fields))
    cwd = os.path.join(test.dir, test.files) if test.files else None
    return execute(["qemu-riscv64", elf] + test.words(test.args, fields), env, test.timeout, verbose, cwd=cwd,
                   stdin=test.stdin)


def cpio_newc(root, prefix):
    """The files under root as a cpio (newc) archive, names starting prefix/
    (Linux's Documentation/driver-api/early-userspace/buffer-format.rst)."""
    out = bytearray()

    def entry(name, mode, data=b""):
        name_b = name.encode() + b"\0"
        hdr = b"070701" + b"".join(b"%08X" % v for v in (
            len(out), mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
        out.extend(hdr + name_b)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    entry(prefix, 0o40755)
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        rel = os.path.relpath(dirpath, root)
        base = prefix if rel == "." else prefix + "/" + rel
        for d in dirs:
            entry(base + "/" + d, 0o40755)
        for f in sorted(files):
            with open(os.path.join(dirpath, f), "rb") as fh:
                entry(base + "/" + f, 0o100644, fh.read())
    entry("TRAILER!!!", 0)
    return bytes(out)


def run_goose(runner, test, elf, verbose):
    if runner == "ref":
        return run_reference(test, elf, verbose)
    initrd = ""
    if test.files:
        initrd = elf[:-len(".elf")] + ".cpio"
        with open(initrd, "wb") as f:
            f.write(cpio_newc(os.path.join(test.dir, test.files), test.files))
    fields = {"repo": REPO, "elf": elf, "bootargs": test.bootargs(launch_fields()), "mem": test.mem,
              "name": test.name, "timeout": str(int(test.timeout)), "smp": str(SMP), "initrd": initrd}
    template = MAKE_RUNNER if runner == "make" else runner
    cmd = [w.format(**fields) for w in shlex.split(template)]
    env = dict(os.environ)
    if test.cpu and not env.get("GOOSE_CPU"):
        env["GOOSE_CPU"] = test.cpu
    return execute(cmd, env, test.timeout, verbose, merge_stderr=False, stdin=test.stdin)


# ------------------------------------------------------------------- compare

def short(b, n=60):
    s = b.rstrip(b"\r\n").decode(errors="replace")
    return repr(s if len(s) <= n else s[:n] + "...")


def program_output(run, goose_side):
    """Returns (output without goose's boot report and exit lines, status
    from the last 'goose: exit status N' line or None). Every other
    "goose: " line stays: goose has nothing else to say in a good run."""
    out = run.out.replace(b"\r\n", b"\n") if goose_side else run.out
    kept, status = [], None
    for line in out.splitlines(keepends=True):
        if goose_side and line.startswith(b"goose: "):
            m = EXIT_RE.match(line.rstrip(b"\n"))
            if m:
                status = int(m.group(1))
                continue
            if BOOT_RE.match(line):
                continue
        kept.append(line)
    return b"".join(kept), status


def hart_problems(run, smp):
    """A goose run must say that it runs on every hart asked for."""
    m = HARTS_RE.search(run.out)
    if not m:
        return ["goose: no 'N of M harts running' boot report line"]
    n, total = int(m.group(1)), int(m.group(2))
    if n != smp or total != smp:
        return ["goose: %d of %d harts running, want %d of %d" % (n, total, smp, smp)]
    return []


def line_matches(want, got):
    """An expected line against a whole output line: equal, or for
    "re:PATTERN" a full regular-expression match."""
    if want.startswith(b"re:"):
        return re.fullmatch(want[3:], got) is not None
    return want == got


def contains_problem(side, got_lines, want_lines):
    """Each expected line must match a whole output line, in order."""
    j = 0
    for w in want_lines:
        w = w.rstrip(b"\r\n")
        if not w:
            continue
        while j < len(got_lines) and not line_matches(w, got_lines[j].rstrip(b"\r\n")):
            j += 1
        if j == len(got_lines):
            return "%s: output lacks line %s (in order)" % (side, short(w))
        j += 1
    return None


def check(side, run, test, expected, needs_exit_line):
    """Returns a list of problems (strings) for one run."""
    if run.timed_out:
        return ["%s: timeout after %gs" % (side, test.timeout)]
    out, line_status = program_output(run, side == "goose")
    problems = []
    if line_status is None:
        if needs_exit_line:
            problems.append("%s: no 'goose: exit status N' line (runner exited %d)"
                            % (side, run.status))
        status = test.exit if needs_exit_line else run.status
    else:
        status = line_status
        if (run.status == 0) != (line_status == 0):
            problems.append("%s: runner exited %d but goose said exit status %d"
                            % (side, run.status, line_status))
    if status != test.exit:
        problems.append("%s: status %d, want %d" % (side, status, test.exit))
    if expected is None:
        problems.append("%s: no expected file" % side)
        return problems
    got_lines = out.splitlines(keepends=True)
    want_lines = expected.splitlines(keepends=True)
    if test.output == "exact":
        if out != expected:
            i = 0
            while i < len(got_lines) and i < len(want_lines) and got_lines[i] == want_lines[i]:
                i += 1
            got = short(got_lines[i]) if i < len(got_lines) else "<end of output>"
            want = short(want_lines[i]) if i < len(want_lines) else "<end of output>"
            problems.append("%s: output line %d is %s, want %s" % (side, i + 1, got, want))
    else:
        p = contains_problem(side, got_lines, want_lines)
        if p:
            problems.append(p)
    return problems


def write_log(path, run):
    with open(path, "wb") as f:
        if run is not None:
            f.write(("# %s\n# status %s%s, %.1fs\n" % (
                " ".join(shlex.quote(w) for w in run.cmd), run.status,
                " (killed: timeout)" if run.timed_out else "", run.secs)).encode())
            f.write(run.out)
            if run.stderr:
                f.write(b"# stderr:\n" + run.stderr)


# ---------------------------------------------------------------------- main

def run_one(tc, test, args):
    """Returns ('ok'|'FAIL'|'skip', line)."""
    label = "%s/%s" % (tc.name, test.name) + ("@smp%d" % SMP if SMP != 1 else "")
    if test.error:
        return "FAIL", "FAIL %s: %s" % (label, test.error)
    if test.skip:
        return "skip", "skip %s: %s" % (label, test.skip)
    if test.min_go and tc.version < test.min_go:
        return "skip", "skip %s: needs go%d.%d or newer" % ((label,) + test.min_go)
    if args.runner == "ref" and not test.reference:
        return "skip", "skip %s: goose only (reference=no)" % label
    if test.cgo and cgo_missing():
        if report.require_toolchains():
            return "FAIL", "FAIL %s: %s (GOOSE_REQUIRE_TOOLCHAINS=1)" % (label, cgo_missing())
        return "skip", "skip %s: %s" % (label, cgo_missing())
    base = os.path.join(LOGS, "%s-%s" % (tc.name, test.name) + ("-smp%d" % SMP if SMP != 1 else ""))
    for ext in (".goose.log", ".ref.log", ".build.log"):
        if os.path.exists(base + ext):
            os.remove(base + ext)
    elf, err = build(tc, test, args.verbose)
    if err is not None:
        os.makedirs(LOGS, exist_ok=True)
        with open(base + ".build.log", "w") as f:
            f.write(err)
        first = next((l for l in err.splitlines() if l and not l.startswith("#")), "")
        return "FAIL", "FAIL %s: build failed: %s (log: %s)" % (
            label, first[:100], os.path.relpath(base + ".build.log", REPO))
    expected = test.expected()
    goose = run_goose(args.runner, test, elf, args.verbose)
    problems = check("goose", goose, test, expected, args.runner == "make")
    if args.runner == "make" and not goose.timed_out:
        problems += hart_problems(goose, SMP)
    ref = None
    if test.reference and not args.no_reference:
        ref = run_reference(test, elf, args.verbose)
        problems += check("ref", ref, test, expected, False)
    times = "goose %.1fs" % goose.secs + (", ref %.1fs" % ref.secs if ref else "")
    if not problems:
        return "ok", "ok   %s  (%s)" % (label, times)
    os.makedirs(LOGS, exist_ok=True)
    write_log(base + ".goose.log", goose)
    logs = os.path.relpath(base + ".goose.log", REPO)
    if ref is not None:
        write_log(base + ".ref.log", ref)
        logs = os.path.relpath(base, REPO) + ".{goose,ref}.log"
    return "FAIL", "FAIL %s: %s (%s; logs: %s)" % (label, "; ".join(problems), times, logs)


def parse_args():
    ap = argparse.ArgumentParser(
        description="Run goose's Go conformance tests.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--go", action="append", default=[], metavar="NAME=/path/to/go",
                    help="a Go toolchain to build with (repeatable; replaces the defaults)")
    ap.add_argument("--only", metavar="PATTERN",
                    help="only tests whose name matches (glob, or substring)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="tests run at once (default 2)")
    ap.add_argument("--runner", default="make",
                    help="make (default), ref, or a command template (see below)")
    ap.add_argument("--smp", type=int, default=1, help="harts for goose (make run SMP=, default 1)")
    ap.add_argument("--no-reference", action="store_true",
                    help="goose only: skip the qemu-riscv64 runs (their output is the same whatever goose does)")
    ap.add_argument("--list", action="store_true", help="print the test names and exit")
    ap.add_argument("--verbose", "-v", action="store_true", help="print the commands run")
    ap.add_argument("tests", nargs="*", help="test names (default: all)")
    return ap.parse_args()


SMP = 1


def main():
    global SMP
    args = parse_args()
    SMP = args.smp
    names = discover()
    if args.tests:
        unknown = [t for t in args.tests if t not in names]
        if unknown:
            sys.exit("gotest: no such test: %s" % " ".join(unknown))
        names = args.tests
    if args.only:
        pat = args.only
        if not any(c in pat for c in "*?["):
            pat = "*%s*" % pat
        names = [n for n in names if fnmatch.fnmatchcase(n, pat)]
    if args.list:
        for n in names:
            print(n)
        return 0
    if not names:
        sys.exit("gotest: no tests selected")

    missing = []
    if args.go:
        tcs = []
        for spec in args.go:
            name, eq, path = spec.rpartition("=")
            tcs.append(Toolchain(name or None, path))
    else:
        tcs, missing = default_toolchains()
    if not tcs:
        sys.exit("gotest: no Go toolchain found")

    tests = [Test(n) for n in names]
    tasks = [(tc, t) for t in tests for tc in tcs]
    lost = [(tc, t) for t in tests for tc in missing]
    rep = report.Report()
    rep.plan(len(tasks) + len(lost))
    for tc, t in lost:
        label = "%s/%s" % (tc.name, t.name) + ("@smp%d" % SMP if SMP != 1 else "")
        if t.skip:
            rep.skip(label, t.skip)
        elif t.min_go and tc.version < t.min_go:
            rep.skip(label, "needs go%d.%d or newer" % t.min_go)
        else:
            rep.unavailable(label, "%s %s" % (tc.name, tc.why))

    def one(tc, t):
        try:
            return run_one(tc, t, args)
        except Exception:  # a harness bug: a FAIL of its own, never a lost line
            label = "%s/%s" % (tc.name, t.name) + ("@smp%d" % SMP if SMP != 1 else "")
            return "FAIL", "FAIL %s: gotest crashed: %s" % (label, traceback.format_exc().strip().splitlines()[-1])

    ex = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        # Under make, run one test on its own first, so that the payload is built
        # once before tests run side by side.
        if args.runner == "make" and args.jobs > 1:
            first = next((i for i, (tc, t) in enumerate(tasks)
                          if not t.skip and not t.error), None)
            if first is not None:
                rep.line(*one(*tasks.pop(first)))
        futures = [ex.submit(one, tc, t) for tc, t in tasks]
        for f in concurrent.futures.as_completed(futures):
            rep.line(*f.result())
    except KeyboardInterrupt:
        ex.shutdown(wait=False, cancel_futures=True)
        with live_lock:
            for p in list(live):
                kill_group(p)
        return 130
    ex.shutdown()
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
