#!/usr/bin/env python3
"""goose started by UEFI (issue 20): `make test`'s suite "uefi".

  ci/uefi.py [-j N] [--only PATTERN ...] [--list]

First the image itself, on the host (ci/pecoff.py): build/goose.bin and
hello's image are PE/COFF EFI applications with the Linux header kept, the
PE entry is efi_main, the EFI entry's objects are pc-relative only, and
copies of the image broken in one field each are refused (the checker can
fail). Then boots, each a `make run` at SMP 2 whose program must print what
it prints under qemu-riscv64 (its expected file) and end in `goose: exit
status 0`, with "2 of 2 harts running", the EFI entry's "goose: UEFI:"
report naming the firmware, and goose's UEFI line naming where the program
and the command line came from:

  edk2-<v>/esp/<program>     QEMU 10, EDK2 2025.02 or 2026.08 in pflash, the
                             payload as \\EFI\\BOOT\\BOOTRISCV64.EFI on a FAT ESP
                             found by EDK2's default boot; program and bootargs
                             from \\EFI\\BOOT\\goose.cmdline (initrd=\\goose\\initrd)
  */make-run/<program>       `make run LOADER=uefi|uboot-efi`: the program
                             embedded in the image, no command line
  edk2-2025.02/kernel/args   EDK2's own QEMU loader (-kernel, -initrd,
                             -append): the initrd through LoadFile2, the
                             bootargs as load options (the program prints its
                             arguments)
  uboot-<v>/efi/<program>    U-Boot 2025.01 (trixie) or 2023.01 (Debian 12):
                             its distro boot runs bootefi on BOOTRISCV64.EFI
  uboot-2025.01/efi-no-rtc/time_wall
                             U-Boot hands goose QEMU's tree less its RTC: the
                             wall clock is UEFI's GetTime (and within 30 s of
                             the host's)
  uboot-2025.01/booti/hello  the same payload through booti (LOADER=uboot)
  uboot-2025.01/efi/initrd-missing
                             an initrd= naming no file: one "goose: UEFI:" line
                             naming it and EFI_NOT_FOUND, and back to U-Boot
The payload rows run ci/qemu.py directly (make run always embeds KERNEL).

The stacks come from ci/stacks.py (fetched on first use under build/stacks/);
a boot whose stack cannot be had is a skip naming why, a FAIL under
GOOSE_REQUIRE_TOOLCHAINS=1 (ci/report.py). Logs of failures go to
build/test-logs/uefi-*.log.
"""

import argparse
import concurrent.futures
import fnmatch
import os
import re
import shlex
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
import matrix  # noqa: E402
import pecoff  # noqa: E402
import qemu as qemupy  # noqa: E402
import report  # noqa: E402
import stacks  # noqa: E402

OUT = os.path.join(REPO, "build", "uefi")
TESTS = os.path.join(REPO, "go-kernel", "tests")
TIMEOUT = 150
EXIT0_RE = re.compile(r"^goose: exit status 0$")
PROGRAMS = {"hello": None, "signals_notify": "signals_notify", "args": "args"}


class Boot:
    def __init__(self, name, loader, program, firmware, route, vendor, kernel_mode=False, embedded=False,
                 no_rtc=False, bootargs=None, fails=None):
        self.name, self.loader, self.program, self.firmware = name, loader, program, firmware
        self.route, self.vendor, self.kernel_mode, self.embedded = route, vendor, kernel_mode, embedded
        # A device tree without QEMU's RTC (U-Boot hands it to goose): the
        # wall clock must come from UEFI's GetTime.
        self.no_rtc = no_rtc
        # A boot that must stop in the EFI entry with this line (and give
        # the firmware back), with these bootargs in place of the test's.
        self.bootargs, self.fails = bootargs, fails

    def stacks(self):
        need = ["qemu-10"]
        if self.firmware.startswith("edk2-") or self.firmware == "u-boot-2025.01":
            need.append(self.firmware)
        return need


def boots():
    esp = ("initrd \\goose\\initrd", "command line from goose.cmdline")
    embedded = ("initrd none", "command line from the FDT")
    lf2 = ("initrd from the loader (LoadFile2", "command line from load options")
    return [
        Boot("edk2-2025.02/esp/hello", "uefi", "hello", "edk2-2025.02", esp, "EDK II"),
        Boot("edk2-2025.02/esp/signals_notify", "uefi", "signals_notify", "edk2-2025.02", esp, "EDK II"),
        Boot("edk2-2026.08/esp/hello", "uefi", "hello", "edk2-2026.08", esp, "EDK II"),
        Boot("edk2-2026.08/make-run/signals_notify", "uefi", "signals_notify", "edk2-2026.08", embedded, "EDK II",
             embedded=True),
        Boot("edk2-2025.02/kernel/args", "uefi", "args", "edk2-2025.02", lf2, "EDK II", kernel_mode=True),
        Boot("uboot-2025.01/efi/hello", "uboot-efi", "hello", "u-boot-2025.01", esp, "Das U-Boot"),
        Boot("uboot-2025.01/make-run/signals_notify", "uboot-efi", "signals_notify", "u-boot-2025.01", embedded,
             "Das U-Boot", embedded=True),
        Boot("uboot-2023.01/efi/args", "uboot-efi", "args", "u-boot-2023.01", esp, "Das U-Boot"),
        Boot("uboot-2025.01/efi-no-rtc/time_wall", "uboot-efi", "time_wall", "u-boot-2025.01", esp, "Das U-Boot",
             no_rtc=True),
        Boot("uboot-2025.01/booti/hello", "uboot", "hello", "u-boot-2025.01", None, None),
        Boot("uboot-2025.01/efi/initrd-missing", "uboot-efi", "hello", "u-boot-2025.01", None, "Das U-Boot",
             bootargs="initrd=/goose/nothing-here",
             fails=r"^goose: UEFI: initrd=\\goose\\nothing-here: cannot read it from goose's own volume "
                   r"\(EFI_NOT_FOUND\)\r?$"),
    ]


def go_build(name):
    """The ELF of go-kernel/tests/<name>, built with the Go on PATH."""
    os.makedirs(OUT, exist_ok=True)
    elf = os.path.join(OUT, name + ".elf")
    p = subprocess.run(["go", "build", "-o", elf, "./tests/" + name], cwd=os.path.join(REPO, "go-kernel"),
                       env=dict(os.environ, GOOS="linux", GOARCH="riscv64", CGO_ENABLED="0"),
                       capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError("go build %s: %s" % (name, (p.stdout + p.stderr).strip()[-400:]))
    return elf


def test_conf(name):
    conf = {}
    path = os.path.join(TESTS, name, "test.conf")
    if os.path.exists(path):
        for line in open(path):
            k, _, v = line.strip().partition("=")
            if k:
                conf[k] = v
    return conf


def expected(name):
    if name == "hello":
        return None
    with open(os.path.join(TESTS, name, "expected")) as f:
        return f.read().splitlines()


def command(b, st, elfs, payload):
    """(argv, extra environment): `make run` for a program embedded in the
    image, else ci/qemu.py with the payload alone and the program as initrd."""
    s = lambda name, rel: st[name].path(rel)  # noqa: E731
    conf = test_conf(b.program)
    env = conf.get("env", "").replace("{hosttime}", "%d" % time.time())
    bootargs = " ".join(w for w in (env, "-- " + conf["args"] if conf.get("args") else "") if w)
    if b.bootargs is not None:
        bootargs = b.bootargs
    stack = {"QEMU": s("qemu-10", "usr/bin/qemu-system-riscv64"), "FIRMWARE": "default"}
    if b.firmware.startswith("edk2-"):
        stack["EDK2"] = s(b.firmware, stacks.EDK2 + "RISCV_VIRT_CODE.fd")
    elif b.firmware == "u-boot-2025.01":
        stack["UBOOT"] = s(b.firmware, "usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin")
    if b.embedded:
        return (["make", "-s", "--no-print-directory", "-C", REPO, "run", "KERNEL=" + elfs[b.program], "SMP=2",
                 "LOADER=" + b.loader, "TIMEOUT=%d" % TIMEOUT, "BOOTARGS=" + bootargs] +
                ["%s=%s" % kv for kv in sorted(stack.items())]), {}
    cmd = [sys.executable, os.path.join(REPO, "ci", "qemu.py"), "--image", payload] + \
        (["--initrd", elfs[b.program]] if not b.fails else []) + \
        ["--smp", "2", "--loader", b.loader, "--timeout", str(TIMEOUT)]
    cmd += ["--%s=%s" % (k.lower(), v) for k, v in sorted(stack.items())]
    if b.kernel_mode:
        cmd.append("--uefi-kernel")
    if b.no_rtc:
        cmd += ["--uboot-fdt", no_rtc_dtb(stack["QEMU"])]
    return cmd, {"GOOSE_BOOTARGS": bootargs}


def no_rtc_dtb(qemu):
    """QEMU virt's own tree (2 harts, 512 MiB) less its goldfish RTC."""
    dtb = os.path.join(OUT, "virt-no-rtc.dtb")
    args, env = qemupy.qemu_tree(qemu)
    p = subprocess.run([qemu] + args + ["-machine", "virt,dumpdtb=" + dtb, "-smp", "2", "-m", "512M", "-nographic"],
                       env=dict(os.environ, **env), capture_output=True, text=True)
    if p.returncode or not os.path.exists(dtb):
        raise RuntimeError("qemu dumpdtb: %s" % (p.stdout + p.stderr).strip()[-300:])
    rtcs = [n for n in subprocess.run(["fdtget", "-l", dtb, "/soc"], capture_output=True, text=True,
                                      check=True).stdout.split() if n.startswith("rtc@")]
    if not rtcs:
        raise RuntimeError("QEMU virt's tree has no rtc@ node under /soc")
    for n in rtcs:
        subprocess.run(["fdtput", "-r", dtb, "/soc/" + n], check=True)
    return dtb


def judge(b, status, out):
    text = out.replace("\r\n", "\n")
    goose = [l for l in text.splitlines() if l.startswith("goose: ")]
    problems = []
    if b.fails:
        if not re.search(b.fails, text, re.M):
            problems.append("no line matching %r" % b.fails)
        if any(l.startswith("goose: goose ") for l in goose):
            problems.append("goose went on to boot")
        return "; ".join(problems) or None
    if status != 0:
        problems.append("status %s" % ("timeout" if status is None else status))
    if not goose or not EXIT0_RE.match(goose[-1]):
        problems.append("its last goose line is %r, not 'goose: exit status 0'" % (goose[-1] if goose else None))
    if not any(re.search(r", 2 of 2 harts running", l) for l in goose):
        problems.append("no '2 of 2 harts running'")
    if b.vendor and not any(l.startswith("goose: UEFI: ") and b.vendor in l for l in goose):
        problems.append("no 'goose: UEFI: ... %s' from the EFI entry" % b.vendor)
    if b.no_rtc and not any(re.search(r"; clock UEFI GetTime$", l) for l in goose):
        problems.append("the boot report does not say 'clock UEFI GetTime'")
    if b.route:
        line = next((l for l in goose if l.startswith("goose: UEFI: initrd ")), "")
        for want in b.route:
            if want not in line:
                problems.append("goose's UEFI line %r does not say %r" % (line, want))
    elif b.loader == "uboot" and any(l.startswith("goose: UEFI: ") for l in goose):
        problems.append("booti started goose as an EFI application")
    want = expected(b.program)
    body = [l for l in text.splitlines() if not l.startswith("goose: ") and not l.startswith("qemu.py: ")]
    # What make prints before the machine (the build) is not the program's.
    body = body[next((i for i, l in enumerate(body) if l.startswith("$ ")), -1) + 1:]
    if want is None:
        if not any(re.match(r"^Hello from go\S+ on linux/riscv64 with 2 CPU\(s\)$", l) for l in body):
            problems.append("no 'Hello from go... with 2 CPU(s)'")
    elif body != want:
        diff = next((i for i in range(max(len(body), len(want)))
                     if i >= len(body) or i >= len(want) or body[i] != want[i]), 0)
        problems.append("output differs from go-kernel/tests/%s/expected at line %d: got %r, want %r" % (
            b.program, diff + 1, body[diff] if diff < len(body) else None, want[diff] if diff < len(want) else None))
    return "; ".join(problems) or None


def run_boot(b, st, elfs, payload):
    cmd, env = command(b, st, elfs, payload)
    status, out, secs = matrix.execute(cmd, env, TIMEOUT + 120)
    out = "$ %s%s\n%s" % ("".join("%s=%s " % kv for kv in env.items()),
                          " ".join(shlex.quote(w) for w in cmd), out)
    return judge(b, status, out), secs, out


# ------------------------------------------------------------ the image on the host

def broken_copies(data, h):
    """(what, bytes) of the image with one field wrong each."""
    def put(off, fmt, v):
        d = bytearray(data)
        pecoff.struct.pack_into(fmt, d, off, v)
        return bytes(d)
    opt = h["lfanew"] + 24
    sec0 = h["section_table"]
    return [
        ("no MZ", put(0, "<H", 0x9090)),
        ("no RSC\\x05", put(0x38, "<I", 0)),
        ("e_lfanew off by 4", put(0x3C, "<I", h["lfanew"] + 4)),
        ("Machine x86-64", put(h["lfanew"] + 4, "<H", 0x8664)),
        ("RELOCS_STRIPPED", put(h["lfanew"] + 22, "<H", h["characteristics"] | 1)),
        ("PE32 magic", put(opt, "<H", 0x10B)),
        ("entry outside .text", put(opt + 16, "<I", h["size_of_image"] - 4)),
        ("SectionAlignment 512", put(opt + 32, "<I", 512)),
        ("SizeOfImage off by a page", put(opt + 56, "<I", h["size_of_image"] + 4096)),
        ("Subsystem EFI boot service driver", put(opt + 68, "<H", 11)),
        (".data overlapping .text", put(sec0 + 40 + 12, "<I", h["sections"][1]["va"] - 4096)),
        ("raw data past the file", put(sec0 + 40 + 16, "<I", h["sections"][1]["rsize"] + 0x100000)),
        ("cut short", data[:len(data) - 4096]),
    ]


def host_checks(rep, images, elf_of, objects):
    for img in images:
        name = "pecoff/" + os.path.relpath(img, REPO)
        with open(img, "rb") as f:
            data = f.read()
        problems, h = pecoff.check(data)
        if h and elf_of.get(img):
            syms = pecoff.symbol_offsets(elf_of[img], {"_start", "efi_main"})
            if syms.get("efi_main", -1) - syms.get("_start", 0) != h["entry"]:
                problems.append("AddressOfEntryPoint 0x%x is not efi_main" % h["entry"])
        if problems:
            rep.fail(name, "; ".join(problems))
            continue
        rep.ok(name, "PE32+ EFI application, entry 0x%x, RSC\\x05 kept" % h["entry"])
        missed = [what for what, bad in broken_copies(data, h) if not pecoff.check(bad)[0]]
        if missed:
            rep.fail(name + "/broken", "the checker passes copies with: " + ", ".join(missed))
        else:
            rep.ok(name + "/broken", "%d broken copies refused" % len(broken_copies(data, h)))
    p = subprocess.run([sys.executable, os.path.join(REPO, "ci", "pecoff.py"), "--objects"] + objects,
                       capture_output=True, text=True)
    if p.returncode:
        rep.fail("pecoff/objects", p.stdout.strip().replace("\n", "; "))
    else:
        rep.ok("pecoff/objects", "the EFI entry's objects are pc-relative only")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--only", action="append", metavar="PATTERN")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    todo = [b for b in boots() if not a.only or any(fnmatch.fnmatchcase(b.name, p) for p in a.only)]
    if a.list:
        for b in todo:
            print(b.name)
        return 0
    rep = report.Report()
    host = not a.only
    rep.plan(len(todo) + (5 if host else 0))
    try:
        hello_elf, payload = matrix.build()
        elfs = {"hello": hello_elf}
        for prog in {b.program for b in todo} - {"hello"}:
            elfs[prog] = go_build(prog)
    except RuntimeError as e:
        for b in todo:
            rep.fail(b.name, str(e))
        if host:
            for n in range(5):
                rep.fail("pecoff/%d" % n, str(e))
        return rep.finish()
    hello_image = os.path.join(os.path.dirname(hello_elf), "goose.bin")
    if host:
        obj = os.path.join(REPO, "build", "obj", "payload")
        host_checks(rep, [payload, hello_image],
                    {payload: os.path.join(REPO, "build", "goose.elf"),
                     hello_image: os.path.join(os.path.dirname(hello_elf), "goose.elf")},
                    [os.path.join(obj, "boot", "efi.c.o"), os.path.join(obj, "lib", "efi.c.o"),
                     os.path.join(obj, "lib", "lib.c.o")])
    need = sorted({n for b in todo for n in b.stacks()})
    st = stacks.ensure(need) if need else {}
    for n in need:
        print("# " + st[n].line(), flush=True)
    runnable = []
    for b in todo:
        why = next(("stack %s unavailable: %s" % (n, st[n].why) for n in b.stacks() if not st[n].ok), None)
        if why:
            rep.unavailable(b.name, why)
        else:
            runnable.append(b)

    def one(b):
        try:
            why, secs, out = run_boot(b, st, elfs, payload)
        except Exception as e:  # a boot that cannot run has not passed
            why, secs, out = "%s: %s" % (type(e).__name__, e), 0, ""
        if why:
            rep.fail(b.name, "%s (log: %s)" % (why, matrix.log(b.name, out, "uefi-")))
        else:
            rep.ok(b.name, "%.1fs" % secs)

    with concurrent.futures.ThreadPoolExecutor(max(1, a.jobs)) as ex:
        list(ex.map(one, runnable))
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
