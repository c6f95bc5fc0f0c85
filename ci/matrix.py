#!/usr/bin/env python3
"""goose on other stacks: the hello example booted under each QEMU, OpenSBI,
firmware kind, CPU model, machine and loader (issue 16).

  ci/matrix.py [--short | --full] [-j N] [--only PATTERN ...] [--doc FILE] [--list]

--short (the default; `make test`'s suite "matrix"): a row or two of each kind,
a few seconds each:
  every OpenSBI once (Debian's 1.1, 1.5, 1.6, 1.9; fw_dynamic and fw_jump,
  QEMU 7.2 and 10), -cpu max on QEMU 10 with OpenSBI 1.1 and 1.9 (QEMU 7.2 has
  no -cpu max: there its rv64,zkr=true, the part of max goose trips on),
  -cpu rva23s64 with 4 harts, virt,aia=aplic-imsic, 8 harts with 8 GiB,
  sifive_u, U-Boot 2025.01 booti, `make run FIRMWARE=default` (QEMU's own
  firmware), and the README's no-toolchain command line, word for word
  (`qemu-system-riscv64 -M virt ... -bios default -kernel goose.bin -initrd
  hello.elf -append ...`) with QEMU 10 and 7.2.
--full (`make matrix`): the cross product, QEMU 7.2 and 10 x OpenSBI 1.1, 1.5,
  1.6, 1.9 x fw_dynamic and fw_jump x every CPU model the QEMU has (rv64,
  rv64,zkr=true, rva22s64, rva23s64, max, sifive-u54, thead-c906, veyron-v1),
  and per QEMU and OpenSBI: AIA, 8 harts with 6 and 8 GiB, sifive_u, U-Boot
  2023.01 (Debian 12's) and 2025.01; with --doc it writes that table
  (docs/compat-firmware.md), generated, with the date and the commands.

Each row is one `make run KERNEL=<hello.elf> QEMU=... FIRMWARE=... CPU=...
MACHINE=... SMP=... MEM=... LOADER=... UBOOT=... FIRMWARE_LOG=1` (the README rows: the
QEMU command itself), and passes when its output ends in `goose: exit status
0` (and QEMU's status is 0), the program ran ("Hello from go... with N
CPU(s)", N the harts the machine can use), goose's boot report says "N of N
harts running" and names the OpenSBI the row asked for, and U-Boot rows show
that U-Boot's banner. The rows ignore the GOOSE_QEMU, GOOSE_FIRMWARE, ...
variables: each names its whole stack.

The newer stacks come from ci/stacks.py (fetched on first use, under
build/stacks/). A row whose stack cannot be had is a skip naming why, or a
FAIL under GOOSE_REQUIRE_TOOLCHAINS=1 (ci/report.py).

Known defects (DEFECTS below: goose's, or a stack's own) are expected failures: a row marked with
one whose output shows that defect's symptom is a skip line "xfail: ...",
counted and named, never a pass; the same row passing (the defect fixed) is a
FAIL asking for the mark to go, and a row failing any other way is a FAIL. A
defect that strikes only sometimes (flaky) gets up to two more boots, and a
pass after one says so in its ok line.

Speaks ci/report.py's protocol; logs of failures go to build/test-logs/matrix-*.log.
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
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
import qemu as qemupy  # noqa: E402
import report  # noqa: E402
import stacks  # noqa: E402

LOGS = os.path.join(REPO, "build", "test-logs")
HELLO = "go-kernel/examples/hello"
ROW_TIMEOUT = 120        # seconds of QEMU for a row (8 harts on a busy 2-core machine are slow)
HANG_TIMEOUT = 20        # rows known to hang before goose's first line
# The README's no-toolchain line, less the QEMU binary and the two files.
README_WORDS = ["-M", "virt", "-m", "512M", "-nographic", "-bios", "default"]
README_APPEND = "GREETING=hi -- a b"
EXIT0_RE = re.compile(r"^goose: exit status 0\r?$")
STACK_VARS = ("QEMU", "FIRMWARE", "FW", "CPU", "MACHINE", "LOADER", "UBOOT")

QEMU_CPUS = {
    "7.2": ["rv64", "rv64,zkr=true", "sifive-u54"],
    "10": ["rv64", "rv64,zkr=true", "rva22s64", "rva23s64", "max", "sifive-u54", "thead-c906", "veyron-v1"],
}
ALL_CPUS = QEMU_CPUS["10"]
OPENSBIS = ["1.1", "1.5", "1.6", "1.9"]
UBOOTS = ["2023.01", "2025.01"]


class Defect:
    """A known defect: what it is, where, and the symptom a row shows. whose:
    "goose", or the stack's ("QEMU 7.2 + OpenSBI"): seen without goose too."""

    def __init__(self, key, what, symptom, flaky=False, whose="goose"):
        self.key, self.what, self.symptom, self.flaky = key, what, re.compile(symptom, re.M), flaky
        self.whose = whose

    def seen(self, out):
        return self.symptom.search(out) is not None


# goose's own: none known now. The first full run found three, since fixed:
# seed-trap (the seed CSR read trapped where OpenSBI < 1.4 keeps it from
# S-mode: now behind an exception fixup, payload/arch/riscv/extable.h),
# seed-opst (an unbounded wait on seed's OPST, unmasked against QEMU's
# sign-extended value: boot_seed_zkr) and sifive-uart-exit (QEMU 10's sifive
# UART lost the exit line's last bytes to the reset: power_drain in
# payload/dev/power.c). What is left is the stacks' own.
DEFECTS = {d.key: d for d in [
    # `qemu-system-riscv64 -M virt -cpu rv64,zkr=true -bios <OpenSBI 1.5+
    # fw_dynamic.bin>` with no kernel at all prints nothing, forever: -d int
    # shows OpenSBI's illegal-instruction traps at its CSR probes, then
    # silence. QEMU 10 with the same firmware boots.
    Defect("qemu72-zkr-opensbi", "OpenSBI 1.5 and later hang before their banner on QEMU 7.2 with zkr=true, with "
           "or without goose", r"\A(?![\s\S]*^OpenSBI v)[\s\S]*qemu\.py: timeout after", whose="QEMU 7.2 + OpenSBI"),
]}


class Row:
    def __init__(self, qemu, sbi, fw="dynamic", cpu="", machine="virt", smp=1, mem="512M", loader="opensbi",
                 uboot="", readme=False, defect=None, timeout=ROW_TIMEOUT, table="cpu", column=""):
        self.qemu, self.sbi, self.fw, self.cpu, self.machine = qemu, sbi, fw, cpu, machine
        self.smp, self.mem, self.loader, self.uboot, self.readme = smp, mem, loader, uboot, readme
        # A key of DEFECTS, or a Defect (the harness's own checks make some).
        self.defect = DEFECTS[defect] if isinstance(defect, str) else defect
        self.timeout = timeout
        self.table, self.column = table, column
        parts = ["qemu-" + qemu, "opensbi-" + sbi if sbi != "bundled" else "bundled"]
        if sbi != "bundled":
            parts.append("fw_" + fw)
        if readme:
            parts.append("readme-no-toolchain")
        elif loader == "uboot":
            parts.append("uboot-" + uboot)
        else:
            v = ["cpu=" + cpu] if cpu else []
            if machine != "virt":
                v.append(machine)
            if smp != 1 or machine != "virt":
                v.append("smp=%d" % smp)
            if mem != "512M":
                v.append("mem=" + mem)
            parts.append(",".join(v) or ("firmware=default" if sbi == "bundled" else "default"))
        self.name = "/".join(parts)

    def stacks(self):
        """The ci/stacks.py names this row needs."""
        need = ["qemu-10"] if self.qemu == "10" else []
        if self.sbi not in ("1.1", "bundled"):
            need.append("opensbi-" + self.sbi)
        if self.loader == "uboot" and self.uboot != "2023.01":
            need.append("u-boot-" + self.uboot)
        return need

    def harts(self):
        """Harts goose can run on: sifive_u's hart 0 is an E51 with no MMU."""
        return self.smp - 1 if self.machine.split(",")[0] == "sifive_u" else self.smp


def short_rows():
    return [
        Row("7.2", "1.1", "dynamic"),
        Row("7.2", "1.5", "jump"),
        Row("10", "1.6", "dynamic"),
        Row("10", "1.9", "jump"),
        Row("7.2", "1.1", cpu="rv64,zkr=true"),
        Row("10", "1.1", cpu="max"),
        Row("10", "1.9", cpu="max"),
        Row("10", "1.9", cpu="rva23s64", smp=4),
        Row("10", "1.9", machine="virt,aia=aplic-imsic", smp=2),
        Row("10", "1.9", smp=8, mem="8G"),
        Row("10", "1.9", machine="sifive_u", smp=2),
        Row("10", "1.9", loader="uboot", uboot="2025.01"),
        Row("10", "bundled"),
        Row("10", "bundled", readme=True),
        Row("7.2", "bundled", readme=True),
    ]


def full_rows():
    rows = []
    for q in ("7.2", "10"):
        for sbi in OPENSBIS:
            for fw in ("dynamic", "jump"):
                for cpu in QEMU_CPUS[q]:
                    d = "qemu72-zkr-opensbi" if (q, cpu) == ("7.2", "rv64,zkr=true") and sbi != "1.1" else None
                    rows.append(Row(q, sbi, fw, cpu=cpu, defect=d, timeout=HANG_TIMEOUT if d else ROW_TIMEOUT,
                                    table="cpu", column=cpu))
            for column, kw in (("virt,aia=aplic-imsic, 2 harts", dict(machine="virt,aia=aplic-imsic", smp=2)),
                               ("8 harts, 6 GiB", dict(smp=8, mem="6G")),
                               ("8 harts, 8 GiB", dict(smp=8, mem="8G")),
                               ("sifive_u, 2 harts", dict(machine="sifive_u", smp=2)),
                               ("U-Boot 2023.01 booti", dict(loader="uboot", uboot="2023.01")),
                               ("U-Boot 2025.01 booti", dict(loader="uboot", uboot="2025.01"))):
                rows.append(Row(q, sbi, "dynamic", table="machine", column=column, **kw))
        rows.append(Row(q, "bundled", table="bundled", column="make run FIRMWARE=default"))
        rows.append(Row(q, "bundled", readme=True, table="bundled", column="README's qemu-system-riscv64 line"))
    return rows


# ------------------------------------------------------------------ stacks

class Stacks:
    """Paths and versions of what the rows boot with: Debian 12's own, or
    ci/stacks.py's."""

    def __init__(self, results):
        self.results = results

    def missing(self, row):
        """Why row cannot run, or None."""
        for name in row.stacks():
            r = self.results.get(name)
            if r is None or not r.ok:
                return "stack %s unavailable: %s" % (name, r.why if r else "not fetched")
        if row.loader == "uboot" and row.uboot == "2023.01" and not os.path.exists(qemupy.UBOOT):
            return "no %s (Debian package u-boot-qemu; make deps)" % qemupy.UBOOT
        return None

    def qemu(self, row):
        if row.qemu == "10":
            return self.results["qemu-10"].path("usr/bin/qemu-system-riscv64")
        return qemupy.QEMU

    def firmware(self, row):
        if row.sbi == "bundled":
            return "default"
        if row.sbi == "1.1":
            return os.path.join(qemupy.FW_DIR, "fw_%s.bin" % row.fw)
        return self.results["opensbi-" + row.sbi].path(stacks.OPENSBI + "fw_%s.bin" % row.fw)

    def uboot(self, row):
        if row.uboot == "2023.01":
            return qemupy.UBOOT
        return self.results["u-boot-" + row.uboot].path("usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin")


def version_of(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.strip().splitlines()[0] if out.strip() else "?"


# ------------------------------------------------------------------- runs

def clean_env():
    """The environment less the stack variables: a row names its whole stack."""
    return {k: v for k, v in os.environ.items() if k not in ["GOOSE_" + s for s in STACK_VARS]}


def row_command(row, st, elf, payload):
    """(argv, extra environment) of one row."""
    if row.readme:
        # Word for word the README's line; an unpacked QEMU also needs its
        # own data directory (-L, where -bios default is) and modules.
        tree_args, env = qemupy.qemu_tree(st.qemu(row))
        return ([st.qemu(row)] + tree_args + README_WORDS + ["-kernel", payload, "-initrd", elf,
                                                           "-append", README_APPEND]), env
    cmd = ["make", "-s", "--no-print-directory", "-C", REPO, "run", "KERNEL=" + elf, "QEMU=" + st.qemu(row),
           "FIRMWARE=" + st.firmware(row), "CPU=" + row.cpu, "MACHINE=" + row.machine, "SMP=%d" % row.smp,
           "MEM=" + row.mem, "LOADER=" + row.loader, "FIRMWARE_LOG=1", "TIMEOUT=%d" % row.timeout]
    if row.loader == "uboot":
        cmd.append("UBOOT=" + st.uboot(row))
    return cmd, {}


def execute(cmd, env, timeout):
    """(status, output, seconds); status None on a timeout of the command."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, cwd=REPO, env=dict(clean_env(), **env), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        status = p.returncode
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, _ = p.communicate()
        status = None
        out += b"\nqemu.py: timeout after %ds (the matrix's own limit)\n" % timeout
    return status, out.decode(errors="replace"), time.monotonic() - start


def sbi_version(row, st):
    """The OpenSBI version the row's boot report must name ("1.9"), or None."""
    if row.sbi == "bundled":
        return None
    if row.sbi == "1.1":
        return "1.1"
    return ".".join(st.results["opensbi-" + row.sbi].version().split(".")[:2])


def judge(row, status, out, want_sbi=None):
    """None when the row passed, else why not."""
    text = out.replace("\r\n", "\n")
    goose = [l.rstrip("\r") for l in text.splitlines() if l.startswith("goose: ")]
    problems = []
    if status != 0:
        problems.append("status %s" % ("timeout" if status is None else status))
    if not goose or not EXIT0_RE.match(goose[-1]):
        problems.append("its last goose line is %r, not 'goose: exit status 0'" % (goose[-1] if goose else None))
    n = row.harts()
    if not re.search(r"^Hello from go\S+ on linux/riscv64 with %d CPU\(s\)$" % n, text, re.M):
        problems.append("no 'Hello from go... with %d CPU(s)'" % n)
    report_line = next((l for l in goose if re.match(r"goose: goose \S+ on ", l)), None)
    if report_line is None:
        problems.append("no boot report")
    else:
        if not re.search(r", %d of %d harts? running" % (n, row.smp), report_line):
            problems.append("boot report: %r, not %d of %d harts running" % (report_line, n, row.smp))
        if want_sbi and " on OpenSBI %s " % want_sbi not in report_line:
            problems.append("boot report names another firmware than OpenSBI %s: %r" % (want_sbi, report_line))
    # An optional CSR goose found closed and left alone (arch/riscv/extable.h):
    # QEMU's stimecmp is open under every OpenSBI here, seed from 1.4 on.
    m = re.search(r" on OpenSBI (\d+)\.(\d+)", report_line or "")
    for l in goose:
        note = re.match(r"goose: hart \d+: (zkr|sstc): ", l)
        if note and (note.group(1) == "sstc" or (m and (int(m.group(1)), int(m.group(2))) >= (1, 4))):
            problems.append("goose left %s alone where the firmware opens it: %r" % (note.group(1), l))
    if row.loader == "uboot" and not re.search(r"^U-Boot %s" % re.escape(row.uboot), text, re.M):
        problems.append("no 'U-Boot %s' banner" % row.uboot)
    return "; ".join(problems) or None


def verdict(row, attempts):
    """(kind, detail) from a row's boots [(why or None, output), ...] (more
    than one only for a flaky defect): ok, xfail (a skip), or FAIL."""
    why, out = attempts[-1]
    d = row.defect
    if why is None:
        if d and not d.flaky:
            return "FAIL", "passes now (xpass): drop its mark %r in ci/matrix.py (%s)" % (d.key, d.what)
        hit = len(attempts) - 1
        if hit:
            return "ok", "known flaky defect %r struck %d of %d boots: %s" % (d.key, hit, len(attempts), d.what)
        return "ok", ""
    if d and d.seen(out):
        return "xfail", "xfail: known %s defect %r: %s" % (d.whose, d.key, d.what)
    return "FAIL", why


def run_row(row, st, elf, payload):
    """Boots row (again, for a flaky defect's symptom); returns (kind, detail,
    seconds, output of the last boot)."""
    attempts, secs = [], 0.0
    want = sbi_version(row, st)
    for _ in range(3 if row.defect and row.defect.flaky else 1):
        cmd, env = row_command(row, st, elf, payload)
        status, out, s = execute(cmd, env, row.timeout + 120)
        secs += s
        out = "$ %s\n%s" % (" ".join(shlex.quote(w) for w in cmd), out)
        why = judge(row, status, out, want)
        attempts.append((why, out))
        if why is None or not (row.defect and row.defect.flaky and row.defect.seen(out)):
            break
    kind, detail = verdict(row, attempts)
    return kind, detail, secs, attempts[-1][1]


def log(name, text, prefix="matrix-"):
    """Writes a failed run's output to build/test-logs/<prefix><name>.log;
    returns that path, relative to the repository."""
    os.makedirs(LOGS, exist_ok=True)
    path = os.path.join(LOGS, prefix + re.sub(r"[^A-Za-z0-9_.=-]+", "_", name) + ".log")
    with open(path, "w") as f:
        f.write(text)
    return os.path.relpath(path, REPO)


def build():
    """(hello ELF, its image, goose.bin with no program) or raises RuntimeError."""
    def make(*args):
        p = subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO] + list(args), env=clean_env(),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("make %s failed: %s" % (" ".join(args), (p.stdout + p.stderr).strip()[-500:]))
        return p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    image = os.path.join(REPO, make("image", "KERNEL=" + HELLO))
    elf = os.path.join(os.path.dirname(image), "hello.elf")
    # The rows boot the ELF (no Go build each): its image, built once here,
    # is then up to date for rows running side by side.
    make("image", "KERNEL=" + elf)
    make("payload")
    return elf, os.path.join(REPO, "build", "goose.bin")


# -------------------------------------------------------------------- doc

CELL = {"ok": "ok", "xfail": "xfail", "FAIL": "**FAIL**", "skip": "skip"}


def write_doc(path, rows, results, st, elapsed, argv):
    """docs/compat-firmware.md: the full matrix as tables."""
    def cell(row):
        kind, detail = results[row.name][:2]
        c = CELL[kind]
        if kind == "xfail" or (kind == "ok" and detail):
            c += " [%s]" % row.defect.key
        return c

    goose = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True,
                           text=True).stdout.strip()
    gover = subprocess.run(["go", "env", "GOVERSION"], capture_output=True, text=True).stdout.strip()
    q72 = version_of([qemupy.QEMU, "--version"])
    q10 = version_of([st.qemu(Row("10", "1.9")), "--version"]) if st.results["qemu-10"].ok else "unavailable"
    counts = {k: sum(1 for r in rows if results[r.name][0] == k) for k in CELL}
    L = []
    L.append("# goose across QEMU, OpenSBI, CPU models and machines")
    L.append("")
    L.append("Generated by `make matrix` (`%s`) on %s: do not edit by hand, run it again." % (
        " ".join(argv), time.strftime("%Y-%m-%d")))
    L.append("goose `%s`; the program is go-kernel/examples/hello, built with %s." % (goose, gover or "go"))
    L.append("%d rows in %.0f s: %d ok, %d xfail (known defects, below), %d FAIL, %d skipped." % (
        len(rows), elapsed, counts["ok"], counts["xfail"], counts["FAIL"], counts["skip"]))
    L.append("")
    L.append("Each cell is one boot, `make run KERNEL=<hello.elf> QEMU=... FIRMWARE=... CPU=... MACHINE=... "
             "SMP=... MEM=... LOADER=... UBOOT=... FIRMWARE_LOG=1` (the commands are at the end). **ok**: it "
             "ended in `goose: exit status 0` with QEMU's status 0, the program printed its greeting with as many "
             "CPUs as the machine has usable harts, and goose's boot report named that many harts running and the "
             "OpenSBI asked for. **xfail [key]**: a known defect (goose's or the stack's), its symptom seen (see Defects). "
             "**ok [key]**: a flaky defect struck at least one boot first. "
             "`make test` boots a short list of these rows (ci/matrix.py --short).")
    L.append("")
    L.append("## The stacks")
    L.append("")
    L.append("| | version | from |")
    L.append("| --- | --- | --- |")
    L.append("| QEMU 7.2 | %s | Debian 12 (qemu-system-misc), installed by `make deps` |" % q72)
    r = st.results["qemu-10"]
    L.append("| QEMU 10 | %s | %s |" % (q10, "bookworm-backports qemu-system-riscv %s, unpacked by `make stacks`"
                                        % r.versions.get("qemu-system-riscv") if r.ok else r.why))
    sbi11 = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "opensbi"], capture_output=True,
                           text=True).stdout.strip()
    L.append("| OpenSBI 1.1 | %s | Debian 12 (opensbi), `%s` |" % (sbi11 or "?", qemupy.FW_DIR))
    for v in OPENSBIS[1:]:
        r = st.results["opensbi-" + v]
        L.append("| OpenSBI %s | %s | %s |" % (v, r.versions.get("opensbi", "-") if r.ok else "unavailable",
                                             "%s, unpacked by `make stacks`%s" % (r.stack.suite, "; " + r.note
                                                                                  if r.note else "")
                                             if r.ok else r.why))
    ub = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "u-boot-qemu"], capture_output=True,
                        text=True).stdout.strip()
    L.append("| U-Boot 2023.01 | %s | Debian 12 (u-boot-qemu, qemu-riscv64_smode) |" % (ub or "?"))
    r = st.results["u-boot-2025.01"]
    L.append("| U-Boot 2025.01 | %s | %s |" % (r.versions.get("u-boot-qemu", "-") if r.ok else "unavailable",
                                              "trixie, unpacked by `make stacks`" if r.ok else r.why))
    L.append("| bundled firmware | QEMU's `-bios default` | QEMU 7.2: Debian 12's qemu-system-data copy of OpenSBI "
             "1.1; QEMU 10: the opensbi its package depends on (bookworm-backports 1.5.1) |")
    L.append("")

    L.append("## CPU models (QEMU virt, 1 hart, 512 MiB)")
    L.append("")
    L.append("`-` : the QEMU has no such CPU model (QEMU 7.2 has no max, rva22s64, rva23s64, thead-c906 or "
             "veyron-v1; `rv64,zkr=true` is QEMU 7.2's nearest to max: the part of it that tests goose's probe of the seed CSR).")
    L.append("")
    L.append("| QEMU | OpenSBI | firmware | " + " | ".join("`%s`" % c for c in ALL_CPUS) + " |")
    L.append("| --- | --- | --- | " + " | ".join("---" for _ in ALL_CPUS) + " |")
    by = {(r.qemu, r.sbi, r.fw, r.column): r for r in rows if r.table == "cpu"}
    for q in ("7.2", "10"):
        for sbi in OPENSBIS:
            for fw in ("dynamic", "jump"):
                cells = [cell(by[(q, sbi, fw, c)]) if (q, sbi, fw, c) in by else "-" for c in ALL_CPUS]
                L.append("| %s | %s | fw_%s | %s |" % (q, sbi, fw, " | ".join(cells)))
    L.append("")
    L.append("## Machines and loaders (fw_dynamic, default CPU)")
    L.append("")
    cols = []
    for r in rows:
        if r.table == "machine" and r.column not in cols:
            cols.append(r.column)
    L.append("| QEMU | OpenSBI | " + " | ".join(cols) + " |")
    L.append("| --- | --- | " + " | ".join("---" for _ in cols) + " |")
    by = {(r.qemu, r.sbi, r.column): r for r in rows if r.table == "machine"}
    for q in ("7.2", "10"):
        for sbi in OPENSBIS:
            L.append("| %s | %s | %s |" % (q, sbi, " | ".join(cell(by[(q, sbi, c)]) if (q, sbi, c) in by else "-"
                                                               for c in cols)))
    L.append("")
    L.append("## QEMU's own firmware (`-bios default`)")
    L.append("")
    L.append("| QEMU | `make run FIRMWARE=default` | the README's `qemu-system-riscv64 -M virt -bios default "
             "-kernel goose.bin -initrd hello.elf -append ...` |")
    L.append("| --- | --- | --- |")
    by = {(r.qemu, r.column): r for r in rows if r.table == "bundled"}
    for q in ("7.2", "10"):
        L.append("| %s | %s | %s |" % (q, cell(by[(q, "make run FIRMWARE=default")]),
                                       cell(by[(q, "README's qemu-system-riscv64 line")])))
    L.append("")
    L.append("## Defects")
    L.append("")
    used = [d for d in DEFECTS.values() if any(r.defect is d for r in rows)]
    for d in used:
        n = sum(1 for r in rows if r.defect is d and results[r.name][0] == "xfail")
        struck = sum(1 for r in rows if r.defect is d and results[r.name][0] == "ok" and results[r.name][1])
        mine = sum(1 for r in rows if r.defect is d)
        flaky = ", flaky: struck %d of %d rows this run, each then booted again" % (struck, mine) if d.flaky else ""
        L.append("- **%s** (%s; %d rows xfail%s): %s." % (d.key, d.whose, n, flaky, d.what))
    fails = [r for r in rows if results[r.name][0] in ("FAIL", "skip")]
    if fails:
        L.append("")
        L.append("Rows that failed or were skipped:")
        L.append("")
        for r in fails:
            L.append("- `%s`: %s %s" % (r.name, results[r.name][0], results[r.name][1]))
    L.append("")
    L.append("## Commands")
    L.append("")
    L.append("Regenerate: `make stacks` (fetches the newer stacks, once), then `make matrix`. Each row, as run "
             "(`make -s run` from the repository; paths relative to it; `<hello.elf>` is go-kernel/examples/hello "
             "as `make image KERNEL=go-kernel/examples/hello` builds it, beside the image it prints):")
    L.append("")
    L.append("```")
    for r in rows:
        cmd = results[r.name][3]
        if not cmd:
            L.append("%-58s (skipped: %s)" % (r.name, results[r.name][1]))
            continue
        words = []
        for w in cmd:
            if w in ("-s", "--no-print-directory", "-C", REPO) or w.endswith("="):
                continue
            w = w.replace(REPO + "/", "")
            w = re.sub(r"build/k/[^/ ]+/hello\.elf", "<hello.elf>", w)
            words.append(w if w.startswith("<") or "=<" in w else shlex.quote(w))
        L.append("%-58s %s" % (r.name, " ".join(words)))
    L.append("```")
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


# ------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--short", action="store_true", help="make test's rows (the default)")
    g.add_argument("--full", action="store_true", help="the cross product (make matrix)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--only", action="append", metavar="PATTERN",
                    help="rows whose name matches this shell pattern (repeatable)")
    ap.add_argument("--doc", help="write the table here (with --full and every row only)")
    ap.add_argument("--list", action="store_true", help="print the row names and exit")
    a = ap.parse_args()
    rows = full_rows() if a.full else short_rows()
    if a.only:
        rows = [r for r in rows if any(fnmatch.fnmatchcase(r.name, p) for p in a.only)]
    if a.list:
        for r in rows:
            print(r.name + ("  [%s]" % r.defect.key if r.defect else ""))
        return 0
    if a.doc and (not a.full or a.only):
        sys.exit("matrix: --doc wants --full and every row")

    rep = report.Report()
    rep.plan(len(rows))
    if not rows:
        return rep.finish()
    start = time.monotonic()
    need = sorted({n for r in rows for n in r.stacks()})
    results = {}
    st = Stacks(stacks.ensure(need) if need else {})
    for name in need:
        print("# " + st.results[name].line(), flush=True)
    try:
        elf, payload = build()
    except RuntimeError as e:
        for r in rows:
            rep.fail(r.name, str(e))
        return rep.finish()

    runnable = []
    for r in rows:
        why = st.missing(r)
        if why:
            rep.unavailable(r.name, why)
            results[r.name] = ("skip", why, 0, [])
        else:
            runnable.append(r)

    def one(r):
        try:
            kind, detail, secs, out = run_row(r, st, elf, payload)
        except Exception as e:  # a row that cannot run has not passed
            kind, detail, secs, out = "FAIL", "%s: %s" % (type(e).__name__, e), 0, ""
        results[r.name] = (kind, detail, secs, row_command(r, st, elf, payload)[0])
        if kind == "ok":
            rep.ok(r.name, "%.1fs%s" % (secs, "; " + detail if detail else ""))
        elif kind == "xfail":
            rep.skip(r.name, detail)
        else:
            rep.fail(r.name, "%s (log: %s)" % (detail, log(r.name, out)))

    # The slow rows (8 harts) first, so that two jobs end together.
    runnable.sort(key=lambda r: -r.smp)
    with concurrent.futures.ThreadPoolExecutor(max(1, a.jobs)) as ex:
        list(ex.map(one, runnable))
    if a.doc:
        write_doc(a.doc, rows, results, st, time.monotonic() - start, ["ci/matrix.py"] + sys.argv[1:])
        print("# wrote %s" % os.path.relpath(os.path.abspath(a.doc), REPO), flush=True)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
