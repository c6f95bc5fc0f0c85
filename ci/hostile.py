#!/usr/bin/env python3
"""Broken inputs for goose to refuse: a program (the ELF embedded in the
image), the command line, the initrd, the device tree. For each, goose must
print exactly one "goose: " line naming what is wrong (plus its "goose: exit
status 125") and stop with status 125 within seconds.

Broken programs are made from a real Go ELF (go-kernel/examples/hello) by
editing fields, broken trees from the one QEMU itself makes, so that each case
differs from a good boot in one way only.
"""

import hashlib
import os
import re
import struct
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOOSE_FAILURE = 125
MAX_SECONDS = 30

# Elf64_Ehdr and Elf64_Phdr field offsets (System V gABI).
E_IDENT_CLASS, E_IDENT_DATA = 4, 5
E_TYPE, E_MACHINE, E_ENTRY, E_PHOFF, E_PHENTSIZE, E_PHNUM = 16, 18, 24, 32, 54, 56
P_TYPE, P_FLAGS, P_OFFSET, P_VADDR, P_FILESZ, P_MEMSZ = 0, 4, 8, 16, 32, 40
PT_LOAD, PF_X, PF_W = 1, 1, 2


class Case:
    """data: the program to embed (None: none, the initrd brings it);
    bootargs, initrd (bytes), dts (a function editing QEMU's own tree)."""

    def __init__(self, name, data, want, mem="512M", bootargs="", initrd=None, dts=None):
        self.name, self.data, self.want, self.mem = name, data, re.compile(want), mem
        self.bootargs, self.initrd, self.dts = bootargs, initrd, dts
        self.path = None

    def error_lines(self, out):
        return [l.rstrip("\r") for l in out.splitlines()
                if l.startswith("goose: ") and not l.startswith("goose: exit status")]

    def error_line(self, out):
        lines = self.error_lines(out)
        return lines[0] if lines else ""

    def check(self, status, out, secs):
        """status is ci/qemu.py's: the program's, from goose's exit line."""
        problems = []
        errors = self.error_lines(out)
        if status != GOOSE_FAILURE:
            problems.append("status %d, want %d" % (status, GOOSE_FAILURE))
        if "goose: exit status %d" % GOOSE_FAILURE not in out:
            problems.append("no 'goose: exit status %d' line" % GOOSE_FAILURE)
        if len(errors) != 1:
            problems.append("%d goose error lines, want exactly 1" % len(errors))
        elif not self.want.search(errors[0]):
            problems.append("error line %r does not match %r" % (errors[0], self.want.pattern))
        if secs > MAX_SECONDS:
            problems.append("took %.0fs" % secs)
        return problems


def qemu_dts(work, mem):
    """QEMU virt's own device tree for this memory size, as source."""
    # The QEMU the boots use (GOOSE_QEMU, ci/qemu.py), whose virt it is.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import qemu as qemupy
    q = qemupy.env_default("QEMU", qemupy.QEMU)
    tag = "" if q == qemupy.QEMU else "-" + hashlib.md5(q.encode()).hexdigest()[:8]
    dtb = os.path.join(work, "virt-%s%s.dtb" % (mem, tag))
    if not os.path.exists(dtb):
        args, env = qemupy.qemu_tree(q)
        subprocess.run([q] + args + ["-machine", "virt,dumpdtb=" + dtb, "-m", mem, "-smp", "1", "-nographic"],
                       check=True, capture_output=True, env=dict(os.environ, **env))
    return subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb], check=True, capture_output=True,
                          text=True).stdout


def set_chosen(dts, props):
    return dts.replace("\tchosen {\n", "\tchosen {\n" + "".join("\t\t%s;\n" % p for p in props), 1)


def set_memory(dts, reg):
    return re.sub(r"(memory@80000000 \{.*?reg = )<[^>]*>", r"\g<1>" + reg, dts, count=1, flags=re.S)


def cpio(entries):
    """A newc archive of (name, mode, data) entries plus the trailer."""
    out = bytearray()
    for name, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        nb = name.encode() + b"\0"
        out += b"070701" + b"".join(b"%08X" % v for v in (len(out), mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out += nb + b"\0" * (-(len(out) + len(nb)) % 4)
        out = out[:len(out)]
        out += data + b"\0" * (-len(data) % 4)
    return bytes(out)


def run(case, work):
    """Boot the case through ci/qemu.py: (status, output, seconds)."""
    if case.data is not None:
        image = subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO, "image", "KERNEL=" + case.path],
                               capture_output=True, text=True).stdout.strip().splitlines()[-1]
        image = os.path.join(REPO, image)
    else:
        image = os.path.join(REPO, "build", "goose.bin")
    cmd = [sys.executable, os.path.join(REPO, "ci", "qemu.py"), "--image", image, "--mem", case.mem,
           "--timeout", str(MAX_SECONDS)]
    if case.initrd is not None:
        initrd = os.path.join(work, case.name + ".initrd")
        with open(initrd, "wb") as f:
            f.write(case.initrd)
        cmd += ["--initrd", initrd]
    if case.dts:
        src, dtb = os.path.join(work, case.name + ".dts"), os.path.join(work, case.name + ".dtb")
        with open(src, "w") as f:
            f.write(case.dts(qemu_dts(work, case.mem)))
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, src], check=True)
        cmd += ["--", "-dtb", dtb]
    env = dict(os.environ, GOOSE_BOOTARGS=case.bootargs)
    start = time.monotonic()
    p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=MAX_SECONDS + 60)
    return p.returncode, p.stdout.decode(errors="replace"), time.monotonic() - start


def hello_elf(work):
    elf = os.path.join(work, "hello.elf")
    src = os.path.join(REPO, "go-kernel", "examples", "hello")
    if not os.path.exists(elf) or os.path.getmtime(elf) < os.path.getmtime(os.path.join(src, "main.go")):
        env = dict(os.environ, GOOS="linux", GOARCH="riscv64", CGO_ENABLED="0", GOFLAGS="-trimpath")
        subprocess.run(["go", "build", "-o", elf, "."], cwd=src, env=env, check=True)
    with open(elf, "rb") as f:
        return f.read()


def loads(b):
    """(index, header offset) of each PT_LOAD."""
    phoff, = struct.unpack_from("<Q", b, E_PHOFF)
    phnum, = struct.unpack_from("<H", b, E_PHNUM)
    out = []
    for i in range(phnum):
        off = phoff + 56 * i
        if struct.unpack_from("<I", b, off + P_TYPE)[0] == PT_LOAD:
            out.append((i, off))
    return out


def edit(b, off, fmt, value):
    b = bytearray(b)
    struct.pack_into(fmt, b, off, value)
    return bytes(b)


def interp(b, ph):
    """b with program header ph made a PT_INTERP naming glibc's riscv64
    loader, its path appended to the file."""
    path = b"/lib/ld-linux-riscv64-lp64d.so.1\0"
    b = edit(b, ph + P_TYPE, "<I", 3)
    b = edit(b, ph + P_OFFSET, "<Q", len(b))
    b = edit(b, ph + P_FILESZ, "<Q", len(path))
    return b + path


def big_bss(work):
    """hello with a 200 MiB .bss (its data segment's p_memsz), written to
    work: a boot test's program, not a hostile case, since memory is
    committed on touch (it runs on 128 MiB)."""
    good = hello_elf(work)
    data = next(off for i, off in loads(good) if struct.unpack_from("<I", good, off + P_FLAGS)[0] & PF_W)
    path = os.path.join(work, "big-bss.elf")
    with open(path, "wb") as f:
        f.write(edit(good, data + P_MEMSZ, "<Q", 200 << 20))
    return path


def cases(work):
    good = hello_elf(work)
    ld = loads(good)
    text = next(off for i, off in ld if struct.unpack_from("<I", good, off + P_FLAGS)[0] & PF_X)
    data = next(off for i, off in ld if struct.unpack_from("<I", good, off + P_FLAGS)[0] & PF_W)
    text_vaddr, = struct.unpack_from("<Q", good, text + P_VADDR)
    all_nox = good
    for i, off in ld:
        flags, = struct.unpack_from("<I", good, off + P_FLAGS)
        all_nox = edit(all_nox, off + P_FLAGS, "<I", flags & ~PF_X)
    cs = [
        Case("empty-file", b"", r"no program to run"),
        Case("not-elf", b"#!/bin/sh\necho this is a shell script, not a Go program\n" * 20, r"elf: bad magic"),
        Case("truncated-header", good[:40], r"elf: file is 40 bytes"),
        Case("truncated-phdrs", good[:100], r"elf: program headers .* past the end of the file"),
        Case("truncated-segment", good[:len(good) // 2], r"elf: segment \d+: p_offset .* past the end of the file"),
        Case("elf32", edit(good, E_IDENT_CLASS, "B", 1), r"elf: EI_CLASS is 1"),
        Case("big-endian", edit(good, E_IDENT_DATA, "B", 2), r"elf: EI_DATA is 2"),
        Case("x86-64", edit(good, E_MACHINE, "<H", 62), r"elf: e_machine is 62 \(x86-64\)"),
        Case("aarch64", edit(good, E_MACHINE, "<H", 183), r"elf: e_machine is 183 \(AArch64\)"),
        Case("object-file", edit(good, E_TYPE, "<H", 1), r"elf: e_type is 1"),
        Case("pie", edit(good, E_TYPE, "<H", 3), r"elf: e_type is 3"),
        # cgo's default build: a PT_INTERP naming glibc's loader (the last program header turned into one).
        Case("dynamic", interp(good, ld[-1][1]),
             r"elf: dynamically linked \(PT_INTERP /lib/ld-linux-riscv64-lp64d\.so\.1\), and goose has no dynamic "
             r"loader: build with CGO_ENABLED=0, or link statically"),
        Case("phnum-zero", edit(good, E_PHNUM, "<H", 0), r"elf: e_phnum is 0"),
        Case("phnum-absurd", edit(good, E_PHNUM, "<H", 65535), r"elf: e_phnum is 65535"),
        Case("phentsize", edit(good, E_PHENTSIZE, "<H", 32), r"elf: e_phentsize is 32"),
        Case("segment-offset", edit(good, data + P_OFFSET, "<Q", 1 << 40), r"elf: segment \d+: p_offset"),
        # The file holds the bytes (filesz is the real one); memsz is cut
        # below it, so only the filesz > memsz check can refuse it.
        Case("filesz-over-memsz", edit(good, data + P_MEMSZ, "<Q", struct.unpack_from("<Q", good, data + P_FILESZ)[0] - 8),
             r"^goose: elf: segment \d+: p_filesz 0x[0-9a-f]+ > p_memsz 0x[0-9a-f]+$"),
        Case("memsz-terabytes", edit(good, data + P_MEMSZ, "<Q", 1 << 42), r"elf: segment \d+: .*beyond the address limit"),
        Case("memsz-wraps", edit(good, data + P_MEMSZ, "<Q", (1 << 64) - 4096), r"elf: segment \d+: .*overflows"),
        Case("overlapping", edit(good, data + P_VADDR, "<Q", text_vaddr + 0x1000), r"elf: segment .* (overlaps|differ modulo)"),
        Case("page-zero", edit(good, text + P_VADDR, "<Q", 0), r"elf: segment \d+: p_vaddr 0x0 is in page 0"),
        Case("entry-outside-text", edit(good, E_ENTRY, "<Q", 0x10), r"elf: e_entry 0x10 is not inside an executable segment"),
        Case("no-exec-segment", all_nox, r"elf: no executable PT_LOAD segment"),
        # The command line.
        Case("bootargs-too-long", good, r"bootargs: longer than 4095 bytes", bootargs="x" * 5000),
        Case("bootargs-quote", good, r"bootargs: unterminated quote at offset 7", bootargs='-- a b "c d'),
        Case("bootargs-words", good, r"bootargs: more than 128 words", bootargs=" ".join(["w"] * 200)),
        Case("bootargs-unknown-option", good, r"bootargs: unknown option goose\.qiet", bootargs="goose.qiet"),
        Case("bootargs-trace", good, r"goose\.trace: unknown event class \"everything\"",
             bootargs="goose.trace=syscalls,everything"),
        Case("bootargs-harts", good, r"goose\.harts=0", bootargs="goose.harts=0"),
        Case("bootargs-stdin", good, r"goose\.stdin=/dev/tty0: want console or null", bootargs="goose.stdin=/dev/tty0"),
        Case("bootargs-vdso", good, r"goose\.vdso=yes: want 0 or 1", bootargs="goose.vdso=yes"),
        Case("bootargs-faultahead", good, r"goose\.faultahead=513: want a number of pages, 0 to 512",
             bootargs="goose.faultahead=513"),
        Case("bootargs-faultahead-word", good, r"goose\.faultahead=16k: want a number of pages, 0 to 512",
             bootargs="goose.faultahead=16k"),
        Case("bootargs-idlepoll", good, r"goose\.idlepoll=20000: want microseconds, 0 to 10000",
             bootargs="goose.idlepoll=20000"),
        Case("bootargs-tlbdefer", good, r"goose\.tlbdefer=on: want 0 or 1", bootargs="goose.tlbdefer=on"),
        Case("bootargs-cwd", good, r"goose\.cwd=/no/such/dir: no such directory", bootargs="goose.cwd=/no/such/dir"),
        # The initrd, with no program embedded.
        Case("initrd-garbage", None, r"no program to run: none is embedded in the image, and the initrd "
             r"0x[0-9a-f]+-0x[0-9a-f]+ \(4 KiB\) is neither an ELF nor a cpio archive", initrd=bytes(range(256)) * 16),
        Case("initrd-elf-bad", None, r"elf: ", initrd=b"\x7fELF" + bytes(range(252)) * 16),
        Case("initrd-truncated-elf", None, r"elf: segment \d+: p_offset .* past the end", initrd=good[:len(good) // 3]),
        Case("initrd-cpio-truncated", None, r"initramfs: cpio: entry at offset",
             initrd=cpio([("init", 0o100755, good)])[:5000]),
        Case("initrd-cpio-absurd-size", None, r"initramfs: cpio: .*c_filesize",
             initrd=cpio([("init", 0o100755, b"x" * 100)]).replace(b"%08X" % 100, b"FFFFFFF0", 1)),
        Case("initrd-cpio-bad-hex", None, r"initramfs: cpio: .*(hex|digit)",
             initrd=cpio([("init", 0o100755, b"x")]).replace(b"070701", b"070701zz", 1)[:-2]),
        Case("initrd-cpio-no-init", None, r"no program to run: .*the initramfs has no /init",
             initrd=cpio([("etc", 0o40755, b""), ("etc/motd", 0o100644, b"hello\n")])),
        Case("initrd-cpio-init-missing", None, r"the initramfs has no /bin/prog",
             initrd=cpio([("init", 0o100755, good)]), bootargs="goose.init=/bin/prog"),
        # The device tree.
        Case("fdt-no-memory", good, r"fdt: no /memory node: the firmware must add one",
             dts=lambda d: re.sub(r"\tmemory@80000000 \{.*?\};\n", "", d, count=1, flags=re.S)),
        Case("fdt-memory-tiny", good, r"(no free RAM|out of memory)",
             dts=lambda d: set_memory(d, "<0x00 0x80000000 0x00 0x100000>")),
        Case("fdt-initrd-outside-ram", good, r"fdt: /chosen: initrd 0x100000000-0x100100000 is not inside RAM",
             dts=lambda d: set_chosen(d, ["linux,initrd-start = <0x01 0x00>", "linux,initrd-end = <0x01 0x100000>"])),
        Case("fdt-initrd-backwards", good, r"fdt: /chosen: linux,initrd-end 0x88000000 is below",
             dts=lambda d: set_chosen(d, ["linux,initrd-start = <0x89000000>", "linux,initrd-end = <0x88000000>"])),
        Case("fdt-initrd-half", good, r"fdt: /chosen: linux,initrd-start without linux,initrd-end",
             dts=lambda d: set_chosen(d, ["linux,initrd-start = <0x89000000>"])),
    ]
    for c in cs:
        if c.data is None:
            continue
        c.path = os.path.join(work, c.name + ".elf")
        old = None
        if os.path.exists(c.path):
            with open(c.path, "rb") as f:
                old = f.read()
        if old != c.data:
            with open(c.path, "wb") as f:
                f.write(c.data)
    return cs
