#!/usr/bin/env python3
"""goose's `make test`: every suite, one line per test, then "N passed, N failed".

Suites (run in this order; --only picks some):
  harness  the harness's own judges given known-bad inputs (ci/selftest.py)
  docs     docs/syscalls.md is what payload/sys/syscalls.tbl makes, and
           hostile_syscalls gives each hostile arguments or says why not
  lint     payload/'s layering (ci/layers.py), cppcheck and clang-tidy on
           payload/ and sbi/*.c (ci/lint.sh)
  gopkg    go-kernel's packages: go vet and go test on the host, each Go
  host     payload's parsers, allocators, file tree, pipes, epoll and
           sockets on the host, with ASan/UBSan (payload/tests/)
  fuzz     the libFuzzer harnesses replayed over their corpora (ci/fuzz.sh --replay)
  boot     QEMU boots: the hello example, ci/goose-exec under go test -exec (ci/exectest),
           and broken inputs that must fail cleanly
  matrix   hello on other stacks (ci/matrix.py --short): OpenSBI 1.1-1.9, QEMU 7.2
           and 10, -cpu max and rva23s64, AIA, 8 harts with 8 GiB, sifive_u,
           U-Boot 2025.01, QEMU's own firmware and the README's no-toolchain
           command; the newer stacks are fetched once into build/stacks/
           (ci/stacks.py), and known goose defects are counted xfail skips
  uefi     goose as an EFI application (ci/uefi.py): its PE/COFF header checked
           on the host, then boots by EDK2 2025.02 and 2026.08 (an ESP's
           default boot, and QEMU's -kernel through EDK2) and U-Boot's bootefi
  go       the Go conformance programs under goose and qemu-riscv64 (ci/gotest.py),
           with every toolchain: the machine's Go, golang-1.19, the newest release
  smp      the conformance programs again with 2 and 4 harts (the machine's Go),
           at 4 under the lock checker (GOOSE_DEBUG=locks)
  soak     make soak's stress programs once each at 2 and 4 harts under the lock
           checker (make soak boots them 120 times)
  console  the console's conformance programs again on a virtio console
           (CONSOLE=virtio: payload/dev/virtio_console.c)
  std      a short list of Go's own package tests (ci/stdtest.py --short; the
           full list is `make stdtest`), with every toolchain

Every driver speaks ci/report.py's protocol, and a driver that breaks it
(a crash, a lost summary, fewer results than planned) fails its suite.
GOOSE_REQUIRE_TOOLCHAINS=1 (CI sets it) makes a Go toolchain that cannot be
had a failure rather than a skip. Logs of failures go to build/test-logs/.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
import gotest  # noqa: E402
from examples import free_port  # noqa: E402
import hostile  # noqa: E402
import report  # noqa: E402

BUILD = os.path.join(REPO, "build")
LOGS = os.path.join(BUILD, "test-logs")


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def result(self, ok, line):
        if ok is None:
            self.skipped += 1
        elif ok:
            self.passed += 1
        else:
            self.failed += 1
        print(line, flush=True)


def run(cmd, timeout=None, env=None, cwd=REPO):
    p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace")


def log(name, text):
    os.makedirs(LOGS, exist_ok=True)
    path = os.path.join(LOGS, name + ".log")
    with open(path, "w") as f:
        f.write(text)
    return os.path.relpath(path, REPO)


def implemented_calls():
    """The calls payload/sys/syscalls.tbl gives a handler."""
    return subprocess.run([sys.executable, os.path.join(REPO, "ci", "mksyscalls.py"), "--implemented"],
                          capture_output=True, text=True, check=True).stdout.split()


def unavailable(t, label, why):
    """A result lost to a missing toolchain: skip, or FAIL under
    GOOSE_REQUIRE_TOOLCHAINS=1 (ci/report.py)."""
    if report.require_toolchains():
        t.result(False, "FAIL %s: %s (GOOSE_REQUIRE_TOOLCHAINS=1)" % (label, why))
    else:
        t.result(None, "skip %s: %s" % (label, why))


def suite_harness(t):
    suite_driver(t, "harness", [sys.executable, os.path.join(REPO, "ci", "selftest.py")])
    # make mutants' catalogue against today's code: a patch that no longer
    # applies tests nothing (three went stale when mm/vm.c was split).
    stale = []
    patches = sorted(glob.glob(os.path.join(REPO, "ci", "mutants", "*.patch")))
    for patch in patches:
        status, out = run(["git", "apply", "--check", patch])
        if status:
            stale.append("%s (%s)" % (os.path.basename(patch), (out.strip().splitlines() or ["?"])[0]))
    if stale:
        t.result(False, "FAIL harness/mutants-apply: make them again against today's code: %s" % "; ".join(stale))
    else:
        t.result(True, "ok   harness/mutants-apply  (%d mutants of ci/mutants/ apply to this tree)" % len(patches))


def suite_docs(t):
    # docs/syscalls.md is made from the system-call table: never stale.
    status, out = run([sys.executable, os.path.join(REPO, "ci", "mksyscalls.py"), "--check"])
    if status:
        t.result(False, "FAIL docs/syscalls: %s" % out.strip())
    else:
        t.result(True, "ok   docs/syscalls  (made from payload/sys/syscalls.tbl: %d calls implemented)"
                 % len(implemented_calls()))
    status, out = run([sys.executable, os.path.join(REPO, "ci", "mkoptions.py"), "--check"])
    if status:
        t.result(False, "FAIL docs/options: %s" % out.strip())
    else:
        t.result(True, "ok   docs/options  (docs/boot.md's table is the BOOT_OPTION declarations)")
    status, out = run([sys.executable, os.path.join(REPO, "ci", "layers.py"), "--check"])
    if status:
        t.result(False, "FAIL docs/layers: %s" % out.strip())
    else:
        t.result(True, "ok   docs/layers  (docs/layers.dot is payload/'s include graph)")
    status, out = run([sys.executable, os.path.join(REPO, "ci", "mkboards.py"), "--check"])
    if status:
        t.result(False, "FAIL docs/board-check: %s" % "; ".join(out.strip().splitlines()))
    else:
        t.result(True, "ok   docs/board-check  (make board-check on every tree under dts/: none refused, "
                       "docs/boards/board-check.md current)")
    suite_errno_names(t)
    suite_hostile_coverage(t)


def suite_errno_names(t):
    """goose.trace names every errno include/uapi/errno.h defines (kernel/trace.c)."""
    with open(os.path.join(REPO, "payload", "include", "uapi", "errno.h")) as f:
        defined = set(re.findall(r"^#define (E[A-Z0-9]+)\b", f.read(), re.M))
    with open(os.path.join(REPO, "payload", "kernel", "trace.c")) as f:
        named = set(re.findall(r"\[(E[A-Z0-9]+)\] = \"\1\"", f.read()))
    missing = sorted(defined - named)
    if missing:
        t.result(False, "FAIL docs/errno-names: kernel/trace.c's errno_names lacks %s" % " ".join(missing))
    else:
        t.result(True, "ok   docs/errno-names  (%d errnos, each named in goose.trace's output)" % len(defined))


def suite_hostile_coverage(t):
    """Every implemented call is given hostile arguments by hostile_syscalls
    (against the reference) or hostile_syscalls_goose (goose only, where
    qemu-user is not Linux), or is named in hostile_syscalls/omitted with a
    reason; the first word of each expected line is the call."""
    impl = set(implemented_calls())
    tests = os.path.join(REPO, "go-kernel", "tests")
    covered = set()
    for name in ("hostile_syscalls", "hostile_syscalls_goose"):
        with open(os.path.join(tests, name, "expected")) as f:
            covered |= {l.split()[0] for l in f if l.strip()}
    with open(os.path.join(tests, "hostile_syscalls", "omitted")) as f:
        omitted = {l.split(":")[0].strip() for l in f if l.strip() and not l.startswith("#")}
    problems = []
    for what, names in (("neither covered nor omitted", impl - covered - omitted),
                        ("both covered and omitted", covered & omitted),
                        ("omitted but not implemented", omitted - impl),
                        ("covered but not implemented", covered - impl)):
        if names:
            problems.append("%s: %s" % (what, " ".join(sorted(names))))
    if problems:
        t.result(False, "FAIL docs/hostile-coverage: %s" % "; ".join(problems))
    else:
        t.result(True, "ok   docs/hostile-coverage  (%d calls: %d given hostile arguments, %d omitted with a reason)"
                 % (len(impl), len(impl & covered), len(omitted)))


def suite_gopkg(t):
    """go-kernel's packages: go vet and their host tests, with each Go; and
    the network provider's module (go-kernel/net: gVisor needs a newer Go
    than 1.19), with the machine's Go, its tests under the race detector."""
    gos = [("go", shutil.which("go")), ("go1.19", gotest.GO119)]
    for name, gobin in gos:
        if not gobin or not os.path.exists(gobin):
            for what in ("vet", "test"):
                unavailable(t, "gopkg/%s/%s" % (name, what), "%s not installed" % name)
            continue
        env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-buildvcs=false")
        modules = [("", os.path.join(REPO, "go-kernel"), [])]
        if name == "go":
            modules.append(("net/", os.path.join(REPO, "go-kernel", "net"), ["-race"]))
        for prefix, moddir, test_flags in modules:
            for what, cmd in (("vet", [gobin, "vet", "./..."]),
                              ("test", [gobin, "test", "-count=1"] + test_flags + ["./..."])):
                start = time.monotonic()
                status, out = run(cmd, env=env, cwd=moddir, timeout=900)
                # The unsafe.Pointer conversions vet warns of are the point of
                # the fault tests (addresses no Go object has).
                if what == "vet":
                    lines = [l for l in out.splitlines() if l.strip() and not l.startswith("#")
                             and "possible misuse of unsafe.Pointer" not in l]
                    ok = not lines
                else:
                    ok = status == 0
                label = "gopkg/%s%s/%s" % (prefix, name, what)
                if ok:
                    t.result(True, "ok   %s  (%.0fs)" % (label, time.monotonic() - start))
                else:
                    t.result(False, "FAIL %s (log: %s)" % (label, log(label.replace("/", "-"), out)))


def suite_lint(t):
    # "ok   lint/<tool>  (...)" or "FAIL lint/<tool>: ..." with the findings
    # indented below.
    suite_driver(t, "lint", ["bash", os.path.join(REPO, "ci", "lint.sh")])


def host_go_elfs(t):
    """go-kernel/tests/stdlib built with every toolchain into build/host-go/
    for test_elf and test_gosym (<goversion>.elf, the go binary in
    <goversion>.elf.gobin), and each ELF's ecall sites as riscv64 objdump
    disassembles them (<goversion>.elf.ecalls): test_elf's scanner must find
    exactly those."""
    d = os.path.join(BUILD, "host-go")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    tcs, missing = gotest.default_toolchains()
    for m in missing:
        unavailable(t, "host/go-elf/%s" % m.name, "%s %s" % (m.name, m.why))
    for tc in tcs:
        elf = os.path.join(d, tc.goversion + ".elf")
        env = dict(os.environ, GOOS="linux", GOARCH="riscv64", CGO_ENABLED="0", GOTOOLCHAIN="local",
                   GOFLAGS="-trimpath -buildvcs=false")
        p = subprocess.run([tc.gobin, "build", "-o", elf, "./tests/stdlib"], cwd=os.path.join(REPO, "go-kernel"),
                           env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        dis = subprocess.run(["riscv64-unknown-elf-objdump", "-d", elf], capture_output=True, text=True) \
            if p.returncode == 0 else None
        sites = re.findall(r"^\s*([0-9a-f]+):\s+00000073\s+ecall\s*$", dis.stdout, re.M) if dis else []
        if p.returncode != 0 or not sites:
            why = "go build failed" if p.returncode else "objdump found no ecall"
            t.result(False, "FAIL host/go-elf/%s: %s (log: %s)" % (
                tc.name, why, log("host-go-elf-" + tc.name, p.stdout + p.stderr + (dis.stderr if dis else ""))))
            continue
        with open(elf + ".gobin", "w") as f:
            f.write(tc.gobin + "\n")
        with open(elf + ".ecalls", "w") as f:
            f.write("".join(a + "\n" for a in sites))
        t.result(True, "ok   host/go-elf/%s  (%s: %d ecall sites by objdump)" % (tc.name, tc.goversion, len(sites)))
    return d


def suite_host(t):
    tests = sorted(f[5:-2] for f in os.listdir(os.path.join(REPO, "payload", "tests"))
                   if f.startswith("test_") and f.endswith(".c"))
    go_elfs = host_go_elfs(t) if SELECT is None or SELECT & {"elf", "gosym"} else ""
    for name in tests:
        if not want(name):
            continue
        target = "build/host/test_" + name
        status, out = run(["make", "-s", "--no-print-directory", target])
        if status != 0:
            t.result(False, "FAIL host/%s: build failed (log: %s)" % (name, log("host-" + name, out)))
            continue
        status, out = run([os.path.join(REPO, target), os.path.join(REPO, "payload", "tests", "data"),
                           os.path.join(BUILD, "dtb"), go_elfs], timeout=600)
        last = out.strip().splitlines()[-1] if out.strip() else ""
        if status == 0:
            t.result(True, "ok   host/%s  (%s)" % (name, last))
        else:
            t.result(False, "FAIL host/%s: %s (log: %s)" % (name, last, log("host-" + name, out)))


def suite_fuzz(t):
    suite_driver(t, "fuzz", ["bash", os.path.join(REPO, "ci", "fuzz.sh"), "--replay"])


def make_run(kernel, bootargs="", mem="512M", extra=None, timeout=120, fw="dynamic", smp=1, debug=""):
    cmd = ["make", "-s", "--no-print-directory", "run", "KERNEL=" + kernel, "MEM=" + mem, "FW=" + fw,
           "SMP=%d" % smp, "BOOTARGS=" + bootargs, "TIMEOUT=%d" % timeout] + (["GOOSE_DEBUG=" + debug] if debug else [])
    if extra:
        cmd.append("QEMU_EXTRA=" + extra)
    start = time.monotonic()
    status, out = run(cmd, timeout=timeout + 60)
    return status, out, time.monotonic() - start


def qemu_run(image, *args, timeout=120):
    """ci/qemu.py directly: its status is the program's (make would say 2)."""
    cmd = [sys.executable, os.path.join(REPO, "ci", "qemu.py"), "--image", image, "--timeout", str(timeout)]
    start = time.monotonic()
    status, out = run(cmd + list(args), timeout=timeout + 60)
    return status, out, time.monotonic() - start


def boot_case(t, name, ok, secs, out, why=""):
    if ok:
        t.result(True, "ok   boot/%s  (%.1fs)" % (name, secs))
    else:
        t.result(False, "FAIL boot/%s: %s (log: %s)" % (name, why or "unexpected output", log("boot-" + name, out)))


# --tests: the names a suite runs (None: all of them).
SELECT = None


def want(name):
    return SELECT is None or name in SELECT


def image_of(kernel):
    """The image `make image` builds for KERNEL."""
    _, out = run(["make", "-s", "--no-print-directory", "image", "KERNEL=" + kernel])
    return os.path.join(REPO, out.strip().splitlines()[-1])


def boot_cgo_dynamic(t):
    """cgo's default, dynamically linked build: goose refuses it in one line
    and a status other than 0 (it has no dynamic loader; docs/compat.md)."""
    why = gotest.cgo_missing()
    if why:
        unavailable(t, "boot/cgo-dynamic", why)
        return
    elf = os.path.join(BUILD, "cgo-dynamic.elf")
    env = dict(os.environ, GOOS="linux", GOARCH="riscv64", CGO_ENABLED="1", CC=gotest.CGO_CC,
               GOFLAGS="-trimpath -buildvcs=false", GOTOOLCHAIN="local")
    status, out = run([shutil.which("go") or "go", "build", "-o", elf, "./tests/cgo_call"], env=env,
                      cwd=os.path.join(REPO, "go-kernel"))
    if status != 0:
        boot_case(t, "cgo-dynamic", False, 0, out, "go build failed")
        return
    status, out, secs = make_run(elf)
    want_line = "goose: elf: dynamically linked (PT_INTERP /lib/ld-linux-riscv64-lp64d.so.1), and goose has no dynamic loader"
    boot_case(t, "cgo-dynamic", status != 0 and want_line in out and "goose: exit status 0" not in out, secs, out,
              "status %d, want the PT_INTERP line and a failure" % status)


# goose.trace=boot's phases, in the order goose_main goes through them
# (payload/boot/main.c and kernel/loader.c mark each one's end).
BOOT_PHASES = ("entry", "fdt", "direct map", "console, clock", "memory", "files, devices", "find program",
               "elf parse", "elf segments", "ecall rewrite", "vdso", "stack, auxv", "harts", "report")


def suite_boot(t):
    # The default example, as `make run` boots it, and the other flows a
    # board uses (docs/boards/): each must carry the program's exit status out.
    if want("hello"):
        status, out, secs = make_run("go-kernel/examples/hello")
        boot_case(t, "hello", status == 0 and "Hello from go" in out and "goose: exit status 0" in out, secs, out,
                  "status %d" % status)
    if want("hello-16m"):
        # Memory is committed on touch: Go's reservations it never touches
        # (a 32 MiB heap-arena index) fit a 16 MiB machine.
        status, out, secs = make_run("go-kernel/examples/hello", mem="16M")
        boot_case(t, "hello-16m", status == 0 and "Bye!" in out and "goose: exit status 0" in out, secs, out,
                  "status %d" % status)
    if want("oom-16m"):
        # And when the RAM does run out there, the one clear report (goose's,
        # or Go's own when its mmap is refused), never a hang or corruption.
        status, out, secs = make_run("go-kernel/tests/oom", mem="16M", timeout=60)
        said = re.search(r"^(goose: out of memory: no page left for address 0x[0-9a-f]+ \(.*\)|fatal error: out of "
                         r"memory)\r?$", out, re.M)
        boot_case(t, "oom-16m", status in (137, 2) and said is not None and "still running" not in out, secs, out,
                  "status %d" % status)
    if want("bss-over-ram"):
        # The program's .bss is committed on touch too: 200 MiB of it on a
        # 128 MiB machine, untouched, cost nothing.
        work = os.path.join(BUILD, "hostile")
        os.makedirs(work, exist_ok=True)
        status, out, secs = make_run(hostile.big_bss(work), mem="128M")
        boot_case(t, "bss-over-ram", status == 0 and "Bye!" in out, secs, out, "status %d" % status)
    if want("fw-jump"):
        status, out, secs = make_run("go-kernel/examples/hello", extra=None, fw="jump")
        boot_case(t, "fw-jump", status == 0 and "Hello from go" in out, secs, out, "status %d" % status)
    if want("smp4"):
        status, out, secs = make_run("go-kernel/examples/hello", smp=4)
        boot_case(t, "smp4", status == 0 and "with 4 CPU(s)" in out and "4 of 4 harts running" in out, secs, out,
                  "status %d" % status)
    img = image_of("go-kernel/tests/exit_codes")
    hello = image_of("go-kernel/examples/hello")
    run(["make", "-s", "--no-print-directory", "payload"])
    for name, image in (("embedded", img), ("payload", os.path.join(BUILD, "goose.bin"))):
        if want("image-header-" + name):
            status, out = run([sys.executable, os.path.join(REPO, "ci", "uboot_disk.py"), "--check", image,
                               "--elf", image[:-len(".bin")] + ".elf"])
            boot_case(t, "image-header-" + name, status == 0, 0, out, out.strip())
    if want("uboot"):
        status, out, secs = qemu_run(img, "--loader", "uboot")
        boot_case(t, "uboot", status == 7 and "goose: exit status 7" in out, secs, out, "status %d" % status)
    if want("sifive_u"):
        status, out, secs = qemu_run(img, "--machine", "sifive_u", "--smp", "2")
        boot_case(t, "sifive_u", status == 7 and re.search(r"boot hart [1-9]", out) is not None, secs, out,
                  "status %d" % status)
    if want("load-addr-0x80600000"):
        status, out, secs = qemu_run(hello, "--load-addr", "0x80600000", "--firmware-log")
        boot_case(t, "load-addr-0x80600000", status == 0 and "Next Address      : 0x0000000080600000" in out
                  and "Hello from go" in out, secs, out, "status %d" % status)
    if want("initrd-elf"):
        status, out, secs = qemu_run(os.path.join(BUILD, "goose.bin"), "--initrd",
                                     hello[:-len("goose.bin")] + "hello.elf")
        boot_case(t, "initrd-elf", status == 0 and "Hello from go" in out, secs, out, "status %d" % status)
    if want("goose-exec") or want("goose-exec-fail"):
        suite_goose_exec(t)
    if want("cgo-dynamic"):
        boot_cgo_dynamic(t)
    work = os.path.join(BUILD, "hostile")
    os.makedirs(work, exist_ok=True)
    if want("initrd-stale"):
        # A range /chosen names that holds no initrd (firmware left it):
        # said once and ignored; the embedded program runs.
        with open(os.path.join(work, "stale.initrd"), "wb") as f:
            f.write(bytes(range(256)) * 64)
        status, out, secs = qemu_run(hello, "--initrd", os.path.join(work, "stale.initrd"))
        said = re.findall(r"^goose: the initrd 0x[0-9a-f]+-0x[0-9a-f]+ \(16 KiB\) is neither an ELF nor a cpio "
                          r"archive \(a stale linux,initrd-\* from the firmware\?\): ignored\r*$", out, re.M)
        boot_case(t, "initrd-stale", status == 0 and "Hello from go" in out and len(said) == 1, secs, out,
                  "status %d" % status)
    if want("fdt-no-console"):
        # A tree whose stdout-path names nothing goose can drive: the SBI console.
        dts = re.sub(r'stdout-path = "[^"]*"', 'stdout-path = "/soc/no-such-uart@0"',
                     hostile.qemu_dts(work, "512M"))
        with open(os.path.join(work, "no-console.dts"), "w") as f:
            f.write(dts)
        run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", os.path.join(work, "no-console.dtb"),
             os.path.join(work, "no-console.dts")])
        status, out, secs = qemu_run(hello, "--", "-dtb", os.path.join(work, "no-console.dtb"))
        boot_case(t, "fdt-no-console", status == 0 and "console sbi-legacy" in out and "Hello from go" in out,
                  secs, out, "status %d" % status)
    if want("fdt-sstc-closed"):
        # The tree promises Sstc, the CPU has none: stimecmp is an illegal
        # instruction; its probe's fixup leaves the timer to SBI, said once.
        dts = hostile.qemu_dts(work, "512M")
        if "_sstc" not in dts:
            dts = re.sub(r'(riscv,isa = "[^"]*)"', r'\1_sstc"', dts)
        with open(os.path.join(work, "sstc.dts"), "w") as f:
            f.write(dts)
        run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", os.path.join(work, "sstc.dtb"),
             os.path.join(work, "sstc.dts")])
        status, out, secs = qemu_run(hello, "--cpu", "rv64,sstc=false", "--", "-dtb", os.path.join(work, "sstc.dtb"))
        boot_case(t, "fdt-sstc-closed", status == 0 and "slept 10ms" in out
                  and len(re.findall(r"^goose: hart 0: sstc: stimecmp traps .*: the timer goes through SBI\r?$",
                                     out, re.M)) == 1, secs, out, "status %d" % status)
    for name, reg in (("fdt-console-absent", "0x00 0x13000000"), ("fdt-console-high", "0x70 0x40000000")):
        if not want(name):
            continue
        # The console node names registers with nothing behind them (below
        # the direct map's end, and above it, where ioremap's window maps
        # them): one line saying so, the SBI console, never a fault.
        dts = hostile.qemu_dts(work, "512M").replace("reg = <0x00 0x10000000 0x00 0x100>;", "reg = <%s 0x00 0x100>;"
                                                     % reg, 1)
        with open(os.path.join(work, name + ".dts"), "w") as f:
            f.write(dts)
        run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", os.path.join(work, name + ".dtb"),
             os.path.join(work, name + ".dts")])
        # The firmware would drive that UART too, and die on it: U-Boot hands
        # goose the tree (a board's flow), OpenSBI and U-Boot keep QEMU's.
        status, out, secs = qemu_run(hello, "--loader", "uboot", "--uboot-fdt", os.path.join(work, name + ".dtb"))
        pa = "0x%x" % int(reg.replace("0x", "").replace(" ", ""), 16)
        said = re.findall(r"^goose: console: (serial@10000000|the stdout-path node) at %s \(ns16550a\): nothing answers there \(an access "
                          r"fault\); the sbi-\S+ console instead\r*$" % pa, out, re.M)
        boot_case(t, name, status == 0 and "Hello from go" in out and len(said) == 1
                  and re.search(r"console sbi-\S+;", out) is not None, secs, out, "status %d" % status)
    if want("zkr-closed"):
        # OpenSBI before 1.4 keeps seed from S-mode whatever the ISA says:
        # the read traps, its fixup says so once, and the boot goes on.
        # From 1.4 on (GOOSE_FIRMWARE) seed is open, and used without a word.
        status, out, secs = qemu_run(hello, "--cpu", "rv64,zkr=true")
        m = re.search(r"on OpenSBI (\d+)\.(\d+)", out)
        said = len(re.findall(r"^goose: hart 0: zkr: ", out, re.M))
        want_said = 1 if m and (int(m.group(1)), int(m.group(2))) < (1, 4) else 0
        boot_case(t, "zkr-closed", status == 0 and "Hello from go" in out and m is not None and said == want_said
                  and (not said or re.search(r"^goose: hart 0: zkr: the seed CSR traps", out, re.M)),
                  secs, out, "status %d, %d zkr lines (want %d)" % (status, said, want_said))
    if want("crash-report-goose"):
        # A fault inside goose: its own function, file and line.
        status, out, secs = make_run("go-kernel/examples/hello", bootargs="goose.crashtest")
        boot_case(t, "crash-report-goose", "goose: exit status 125" in out
                  and re.search(r"pc 0xffffffff[0-9a-f]+ boot_crashtest\+0x[0-9a-f]+ \(payload/boot/main\.c:\d+\)", out),
                  secs, out)
    if want("lock-order"):
        # The lock checker (GOOSE_DEBUG=locks) reports two locks taken
        # against their ranks, with both call sites; without it the option
        # says what it needs.
        status, out, secs = make_run("go-kernel/examples/hello", bootargs="goose.crashtest=locks", debug="locks")
        plain = make_run("go-kernel/examples/hello", bootargs="goose.crashtest=locks")
        boot_case(t, "lock-order", "goose: exit status 125" in out and re.search(
            r"^goose: lock order: hart 0 takes crashtest-inner \(rank 20\) at payload/boot/main\.c:\d+, holding "
            r"crashtest-outer \(rank 40\) at payload/boot/main\.c:\d+\r?$", out, re.M)
            and "goose.crashtest=locks needs a build with the lock checker" in plain[1], secs, out + plain[1])
    if want("spin-nap"):
        # A wait for a spinlock that naps must wake, even on the boot hart
        # before it enables interrupts (arch/riscv/smp.c: spin_lock_slow):
        # hart 1 holds a lock until the boot hart's wait has napped once.
        status, out, secs = make_run("go-kernel/examples/hello", bootargs="goose.crashtest=nap", smp=2, timeout=30)
        m = re.search(r"^goose: goose\.crashtest=nap: waited \d+ us for the lock hart 1 held, (\d+) naps\r?$", out, re.M)
        boot_case(t, "spin-nap", status == 0 and m and int(m.group(1)) >= 1 and "Bye!" in out, secs, out)
    boot_harts_parked(t)
    if want("events"):
        boot_events(t)
    if want("gdb"):
        suite_debug(t)
    if want("trace"):
        # goose.trace: strace-like lines, decoded where cheap, faults and signals.
        status, out, secs = make_run("go-kernel/tests/signals_segv", bootargs="goose.trace=all")
        boot_case(t, "trace", status == 0
                  and re.search(r'^goose: \[1\] openat\(AT_FDCWD, "/[^"]*", ', out, re.M)
                  and re.search(r"^goose: \[\d+\] mmap\(0x0, 0x[0-9a-f]+, PROT_READ\|PROT_WRITE, "
                                r"MAP_PRIVATE\|MAP_ANONYMOUS, -1,", out, re.M)
                  and re.search(r"^goose: \[\d+\] thread clone: \d+", out, re.M)
                  and re.search(r"^goose: \[\d+\] fault: load page fault at 0x0, pc 0x[0-9a-f]+ main\.", out, re.M)
                  and re.search(r"^goose: \[\d+\] signal deliver: 11 \(SIGSEGV\)", out, re.M)
                  and re.search(r"^goose: \[\d+\] rt_sigreturn\(\) = 0x0", out, re.M)
                  # The runtime's clock reads go through the vDSO: never a system call.
                  and "clock_gettime(" not in out, secs, out)
    if want("trace-boot"):
        # goose.trace=boot: every boot phase, in order, with its instructions,
        # and a total that is their sum (what the numbers are is make bench's
        # business, not a test's).
        status, out, secs = make_run("go-kernel/examples/hello", bootargs="goose.trace=boot")
        phases = re.findall(r"^goose: boot: (\S.*?) +(\d+) instructions\b", out, re.M)
        names = [p[0] for p in phases]
        want_names = list(BOOT_PHASES) + ["total"]
        total_ok = len(phases) > 1 and sum(int(p[1]) for p in phases[:-1]) == int(phases[-1][1])
        boot_case(t, "trace-boot", status == 0 and "Hello from go" in out and names == want_names and total_ok,
                  secs, out, "status %d, phases %r (want %r), total is the sum: %s" % (status, names, want_names,
                                                                                     total_ok))
    if want("bootargs-dollar"):
        # make run passes BOOTARGS as given: a $ (a test filter's anchor) is no make variable.
        status, out, secs = make_run("go-kernel/tests/args", bootargs='-- -test.run=^TestX$ a$$b "c d$"')
        got = [l for l in out.replace("\r\n", "\n").splitlines() if l.startswith("os.Args[")]
        boot_case(t, "bootargs-dollar", status == 0 and got == ['os.Args[1] = "-test.run=^TestX$"',
                                                                'os.Args[2] = "a$$b"', 'os.Args[3] = "c d$"'],
                  secs, out, "args %r" % got)
    if want("trace-enosys"):
        # goose.trace=enosys names each unimplemented call once, by its Linux
        # name (syscalls.tbl lists every riscv64 number), or says there is none.
        status, out, secs = make_run("go-kernel/tests/unknown_syscalls", bootargs="goose.trace=enosys")
        lines = [l for l in out.replace("\r\n", "\n").splitlines() if "unimplemented syscall" in l]
        want_lines = ["goose: unimplemented syscall %d (no such call on linux/riscv64): ENOSYS" % n
                      for n in (38, 500, 1024, 2**64 - 1)]
        boot_case(t, "trace-enosys", status == 0 and all(w in lines for w in want_lines)
                  and all("(?)" not in l for l in lines), secs, out, "lines: %r" % lines[:6])
    # goose.vdso=0 (make bench's "before"): the clock is the system call,
    # and time is as right as through the vDSO.
    if want("vdso-off-trace"):
        status, out, secs = make_run("go-kernel/examples/hello", bootargs="goose.vdso=0 goose.trace=syscalls")
        calls = len(re.findall(r"^goose: \[\d+\] clock_gettime\(0x1, 0x[0-9a-f]+\) = 0x0", out, re.M))
        boot_case(t, "vdso-off-trace", status == 0 and calls >= 2 and "Hello from go" in out, secs, out,
                  "status %d, %d clock_gettime(CLOCK_MONOTONIC) calls traced" % (status, calls))
    if want("vdso-off-time"):
        status, out, secs = make_run("go-kernel/tests/time_wall",
                                     bootargs="goose.vdso=0 HOST_UNIX_TIME=%d" % time.time())
        with open(os.path.join(REPO, "go-kernel", "tests", "time_wall", "expected")) as f:
            missing = [l for l in f.read().splitlines() if l not in out.replace("\r\n", "\n").splitlines()]
        boot_case(t, "vdso-off-time", status == 0 and not missing, secs, out,
                  "status %d, missing %r" % (status, missing[:3]))
    if want("crash-report"):
        # A fault nobody handles: registers and the Go function in the report.
        status, out, secs = make_run("go-kernel/tests/fault_unhandled")
        boot_case(t, "crash-report", "goose: exit status 139" in out and " sp " in out
                  and re.search(r"pc 0x[0-9a-f]+ main\.poke\+0x[0-9a-f]+ \(\S*fault_unhandled/main\.go:19\)", out)
                  and re.search(r"ra 0x[0-9a-f]+ main\.main\+0x[0-9a-f]+ \(\S*main\.go:29\)", out), secs, out)
    # Broken inputs: exactly one goose error line, then the failure exit.
    for case in hostile.cases(work):
        name = "bad-" + case.name
        if not want(name):
            continue
        status, out, secs = hostile.run(case, work)
        problems = case.check(status, out, secs)
        if problems:
            t.result(False, "FAIL boot/%s: %s (log: %s)" % (name, "; ".join(problems), log("boot-" + name, out)))
        else:
            t.result(True, "ok   boot/%s  (%s)" % (name, case.error_line(out)))


def suite_matrix(t):
    # Other QEMUs, firmware, CPUs and loaders (ci/matrix.py): with --tests,
    # the rows named (shell patterns).
    only = [w for n in sorted(SELECT) for w in ("--only", n)] if SELECT is not None else []
    suite_driver(t, "matrix", [sys.executable, os.path.join(REPO, "ci", "matrix.py"), "--short"] + only, "matrix/")


def suite_uefi(t):
    # UEFI boots (ci/uefi.py): with --tests, the boots named (shell patterns).
    only = [w for n in sorted(SELECT) for w in ("--only", n)] if SELECT is not None else []
    suite_driver(t, "uefi", [sys.executable, os.path.join(REPO, "ci", "uefi.py")] + only, "uefi/")


def suite_modules(t):
    # Third-party modules' own tests (ci/modules.txt's short lines: make
    # modules runs them all), through go test -exec ci/goose-exec.
    suite_driver(t, "modules", [sys.executable, os.path.join(REPO, "ci", "modules.py"), "--short"], "modules/")


def suite_examples(t):
    # The device examples (ci/examples.py): virtio-rng, virtio-blk, httpd.
    suite_driver(t, "examples", [sys.executable, os.path.join(REPO, "ci", "examples.py")])


def suite_net(t):
    # Stock Go networking (ci/net.py): unchanged net/http programs over
    # virtio-net through goose's provider, QEMU's user network restricted.
    suite_driver(t, "net", [sys.executable, os.path.join(REPO, "ci", "net.py")])


def suite_debug(t):
    """make debug's flow, scripted: QEMU waits, gdb loads goose's and the
    program's symbols, stops in goose's trap handler and at main.main."""
    port = free_port()
    _, img = run(["make", "-s", "--no-print-directory", "image", "KERNEL=go-kernel/examples/hello"])
    img = os.path.join(REPO, img.strip().splitlines()[-1])
    kdir = os.path.dirname(img)
    script = os.path.join(BUILD, "debug-test.gdb")
    _, text = run([sys.executable, os.path.join(REPO, "ci", "gdbinit.py"), os.path.join(kdir, "goose.elf"),
                   os.path.join(kdir, "hello.elf"), str(port)])
    with open(script, "w") as f:
        f.write(text + "break trap_handler\ncontinue\ndelete\nbreak main.main\ncontinue\nbt 2\nlist 12,12\nkill\n")
    q = subprocess.Popen([sys.executable, os.path.join(REPO, "ci", "qemu.py"), "--image", img, "--gdb", str(port),
                          "--timeout", "120"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    start = time.monotonic()
    try:
        time.sleep(1)
        status, out = run(["gdb-multiarch", "-q", "-batch", "-x", script], timeout=120)
    finally:
        q.kill()
        q.wait()
    ok = (re.search(r"Breakpoint 1, trap_handler \(f=0x[0-9a-f]+", out)
          and re.search(r"Breakpoint 2, main\.main \(\) at goose/go-kernel/examples/hello/main\.go:12", out)
          and "runtime.main" in out and "func main()" in out)
    boot_case(t, "gdb", bool(ok), time.monotonic() - start, out, "gdb did not stop at trap_handler and main.main")


def parked_states(machine, smp, bootargs, parked):
    """One boot for boot_harts_parked: (output, the state gdb shows for
    each vCPU parked(boot hart id) names), read while the program waits
    for its input."""
    import threading
    port = free_port()
    q = subprocess.Popen(["make", "-s", "--no-print-directory", "run", "KERNEL=go-kernel/tests/stdin_lines",
                          "SMP=%d" % smp, "MACHINE=" + machine, "BOOTARGS=" + bootargs, "TIMEOUT=60",
                          "QEMU_EXTRA=-gdb tcp:127.0.0.1:%d" % port],
                         cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, running = [], threading.Event()

    def read():
        for line in q.stdout:
            lines.append(line.decode(errors="replace"))
            if "to the Go program" in lines[-1]:
                running.set()
        running.set()
    threading.Thread(target=read, daemon=True).start()
    gdb = ""
    try:
        if running.wait(120) and q.poll() is None:
            _, gdb = run(["gdb-multiarch", "-q", "-batch", "-ex", "set architecture riscv:rv64",
                          "-ex", "target remote 127.0.0.1:%d" % port, "-ex", "info threads", "-ex", "detach"],
                         timeout=60)
        q.stdin.close()
        q.wait(90)
    finally:
        q.kill()
        q.wait()
    out = "".join(lines) + gdb
    boot = re.search(r"boot hart (\d+), 1 of %d harts running" % smp, out)
    if not boot or "goose: exit status 0" not in out:
        return out, ["not booted"]
    return out, [m.group(1) if m else "not shown by gdb" for m in (re.search(p, gdb) for p in parked(int(boot.group(1))))]


def boot_harts_parked(t):
    """A hart goose leaves alone must wait halted (payload/boot/main.c:
    park_hart; OpenSBI 1.1 leaves it in a wfi that cannot halt, spinning a
    host CPU): the harts past goose.harts=1 on virt, and sifive_u's E51,
    which has no MMU. A hart that reached the firmware's wait for the cold
    boot late has no IPI pending and halts anyway, so sifive_u boots three
    times (its E51 was late in about one boot of six)."""
    cases = [("harts-parked", "virt", 4, "goose.harts=1", 1,
              lambda boot: [r"CPU#%d \[(\w+) *\]" % i for i in range(4) if i != boot]),
             ("harts-parked-e51", "sifive_u", 2, "", 3,
              lambda boot: [r"sifive-e51-riscv-cpu harts\[0\] \[(\w+) *\]"])]
    for name, machine, smp, bootargs, boots, parked in cases:
        if not want(name):
            continue
        start = time.monotonic()
        for _ in range(boots):
            out, states = parked_states(machine, smp, bootargs, parked)
            if states != ["halted"] * len(states):
                break
        boot_case(t, name, states == ["halted"] * len(states), time.monotonic() - start, out,
                  "the harts goose did not start: " + ", ".join(states))


def boot_events(t):
    """GOOSE_DEBUG=events and ci/events.py: the map/touch/unmap loop on two
    harts; every hart's time adds up, munmaps were seen, and the fences are
    named by the functions that made them."""
    start = time.monotonic()
    status, out, _ = make_run("go-kernel/bench/scale", bootargs="-- -only churn -ms 100", smp=2, debug="events")
    logfile = os.path.join(BUILD, "events-test.log")
    with open(logfile, "w") as f:
        f.write(out)
    _, img = run(["make", "-s", "--no-print-directory", "image", "KERNEL=go-kernel/bench/scale", "GOOSE_DEBUG=events"])
    elf = os.path.join(os.path.dirname(os.path.join(REPO, img.strip().splitlines()[-1])), "goose.elf")
    rc, summary = run([sys.executable, os.path.join(REPO, "ci", "events.py"), logfile, "--elf", elf, "--per", "munmap"])
    harts = re.findall(r"^hart (\d+): program ([\d.]+)%, goose ([\d.]+)%, idle ([\d.]+)%", summary, re.M)
    munmaps = [int(n) for n in re.findall(r"^  munmap +(\d+) ", summary, re.M)]
    boot_case(t, "events", status == 0 and rc == 0 and [h[0] for h in harts] == ["0", "1"]
              and all(abs(sum(float(x) for x in h[1:]) - 100) < 0.5 for h in harts)
              and sum(munmaps) > 0 and re.search(r"^ +\d+  (smp_tlb_\w+|defer_unmap)$", summary, re.M),
              time.monotonic() - start, out[-3000:] + summary)


def suite_goose_exec(t):
    """ci/goose-exec, as `go test -exec` runs it, on ci/exectest: testdata by
    a relative path, arguments with blanks, quotes, `$` and backslashes
    unchanged, no goose: line in go test's output; and a failing test's
    status carried out exactly."""
    go = shutil.which("go")
    if not go:
        for name in ("goose-exec", "goose-exec-fail"):
            unavailable(t, "boot/" + name, "go not installed")
        return
    pkg = os.path.join(REPO, "ci", "exectest")
    goose_exec = os.path.join(REPO, "ci", "goose-exec")
    env = dict(os.environ, GOOS="linux", GOARCH="riscv64", CGO_ENABLED="0", GOTOOLCHAIN="local",
               GOFLAGS="-buildvcs=false")
    args = ["a b", "$HOME", "q\"uo'te", "back\\slash", "", "--", "x=$y"]
    if want("goose-exec"):
        start = time.monotonic()
        status, out = run([go, "test", "-count=1", "-v", "-exec", goose_exec, ".", "-args"] + args,
                          env=env, cwd=pkg, timeout=300)
        boot_case(t, "goose-exec", status == 0 and "--- PASS: TestTestdata" in out and "--- PASS: TestArgs" in out
                  and re.search(r"^ok\s+goose-exectest", out, re.M) and "goose: " not in out,
                  time.monotonic() - start, out, "status %d" % status)
    if want("goose-exec-fail"):
        start = time.monotonic()
        elf = os.path.join(BUILD, "exectest.test")
        status, out = run([go, "test", "-c", "-o", elf, "."], env=env, cwd=pkg, timeout=300)
        if status == 0:
            env_fail = dict(os.environ, EXECTEST_FAIL="1", GOOSE_EXEC_ENV="EXECTEST_FAIL", PWD=pkg)
            status, out = run([goose_exec, elf, "-test.v", "-test.run=^TestFail$"], env=env_fail, cwd=pkg,
                              timeout=300)
            ok = status == 1 and "--- FAIL: TestFail" in out and "failing on purpose" in out
        else:
            ok = False
        boot_case(t, "goose-exec-fail", ok, time.monotonic() - start, out, "status %d, want 1" % status)


def suite_driver(t, suite, cmd, prefix="", env=None):
    """A driver speaking ci/report.py's protocol. Its results count as they
    come; a driver that breaks the protocol (a crash, a lost summary, fewer
    results than planned, exit 1 without a FAIL line) is a FAIL of its own,
    so it can never read as green. Returns the driver's exit status."""
    p = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, errors="replace",
                         env=dict(os.environ, **env) if env else None)
    r = report.Reader()
    tail = []
    for line in p.stdout:
        line = line.rstrip("\n")
        tail = (tail + [line])[-40:]
        kind, _ = r.feed(line)
        if kind in ("ok", "skip", "FAIL"):
            word, _, rest = line.partition(" ")
            t.result({"ok": True, "skip": None, "FAIL": False}[word], "%-4s %s%s" % (word, prefix, rest.lstrip()))
        elif kind is None:
            print(line, flush=True)
    status = p.wait()
    problems = r.problems(status)
    if problems:
        t.result(False, "FAIL %s: the driver (%s) broke ci/report.py's protocol: %s (log: %s)" % (
            suite, " ".join(os.path.relpath(w, REPO) if w.startswith(REPO) else w for w in cmd[:3]),
            "; ".join(problems), log("driver-" + suite, "\n".join(tail))))
    return status


def suite_go(t, jobs, extra=(), suite="go", env=None):
    suite_driver(t, suite, [sys.executable, os.path.join(REPO, "ci", "gotest.py"), "-j", str(jobs)] + list(extra),
                 "go/" if suite in ("go", "smp2", "smp4") else suite + "/", env)


# What the console suite runs on a virtio console: input, end of input,
# output by every write path.
CONSOLE_TESTS = ["stdin_lines", "stdin_bulk", "stdin_eof", "stdin_null", "stdout_calls", "hello_exit"]


SUITES = ["harness", "docs", "lint", "gopkg", "host", "fuzz", "boot", "matrix", "uefi", "examples", "net", "modules",
          "go", "smp", "console", "soak", "std"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", choices=SUITES, help="run only this suite (repeatable)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--tests", nargs="+", metavar="NAME",
                    help="only these tests, by each suite's own names: host/boot/harness check names (elf, "
                         "bad-filesz-over-memsz), Go conformance tests (stdin_lines), std packages (bufio); "
                         "use with --only (ci/mutants.py runs its killers this way)")
    a = ap.parse_args()
    global SELECT
    if a.tests:
        SELECT = set(a.tests)
    gotests = [n for n in gotest.discover() if want(n)]
    stdpkgs = [n for n in (a.tests or []) if n not in gotests and re.fullmatch(r"[a-z0-9/]+", n)]
    t = Tally()
    start = time.monotonic()
    for s in SUITES:
        if a.only and s not in a.only:
            continue
        if SELECT is not None and s in ("go", "smp", "console") and not gotests:
            continue
        if SELECT is not None and s == "std" and not stdpkgs:
            continue
        names = gotests if SELECT is not None else []
        if s == "go":
            suite_go(t, a.jobs, names)
        elif s == "console":
            # The console tests again on a virtio console (CONSOLE=virtio;
            # ci/qemu.py fails a run whose boot report names another).
            names = [n for n in CONSOLE_TESTS if SELECT is None or n in SELECT]
            if names:
                suite_go(t, a.jobs, ["--no-reference", "--go", "=" + shutil.which("go")] + names,
                         "console-virtio", env={"GOOSE_CONSOLE": "virtio"})
        elif s == "smp":
            # Several harts: the suite again with the machine's Go (the
            # toolchains are tested at SMP=1 above).
            # At 4 harts, under the lock checker (GOOSE_DEBUG=locks).
            for n in (2, 4):
                suite_go(t, a.jobs, ["--smp", str(n), "--no-reference", "--go", "=" + shutil.which("go")] + names,
                         "smp%d" % n, env={"GOOSE_DEBUG": "locks"} if n == 4 else None)
        elif s == "soak":
            # make soak's programs once each at 2 and 4 harts, under the lock checker.
            progs = re.search(r"^SOAK_PROGRAMS := (.*)$", open(os.path.join(REPO, "Makefile")).read(), re.M)
            names = [n for n in progs.group(1).split() if SELECT is None or n in SELECT]
            if names:
                suite_driver(t, "soak", [sys.executable, os.path.join(REPO, "ci", "soak.py"), "--runs", "1", "--smp",
                                         "2,4", "-j", str(a.jobs)] + names, "soak/", env={"GOOSE_DEBUG": "locks"})
        elif s == "std":
            pkgs = ["--pkgs", " ".join(stdpkgs)] if SELECT is not None else ["--short"]
            suite_driver(t, "std", [sys.executable, os.path.join(REPO, "ci", "stdtest.py"), "-j", str(a.jobs)] + pkgs,
                         "std/")
        else:
            globals()["suite_" + s](t)
    summary = "%d passed, %d failed" % (t.passed, t.failed)
    if t.skipped:
        summary += ", %d skipped" % t.skipped
    print("# make test took %.0fs" % (time.monotonic() - start))
    print(summary, flush=True)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
