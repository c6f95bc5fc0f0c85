#!/usr/bin/env python3
"""Broken programs for goose to refuse: each case is a file booted as KERNEL,
and goose must print exactly one "goose: " line naming what is wrong (plus its
"goose: exit status 125"), and stop with status 125 within seconds.

Cases are made from a real Go ELF (go-kernel/examples/hello) by editing
fields, so each differs from a good program in one way only.
"""

import os
import re
import struct
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOOSE_FAILURE = 125
MAX_SECONDS = 30

# Elf64_Ehdr and Elf64_Phdr field offsets (System V gABI).
E_IDENT_CLASS, E_IDENT_DATA = 4, 5
E_TYPE, E_MACHINE, E_ENTRY, E_PHOFF, E_PHENTSIZE, E_PHNUM = 16, 18, 24, 32, 54, 56
P_TYPE, P_FLAGS, P_OFFSET, P_VADDR, P_FILESZ, P_MEMSZ = 0, 4, 8, 16, 32, 40
PT_LOAD, PF_X, PF_W = 1, 1, 2


class Case:
    def __init__(self, name, data, want, mem="512M"):
        self.name, self.data, self.want, self.mem = name, data, re.compile(want), mem
        self.path = None

    def error_lines(self, out):
        return [l.rstrip("\r") for l in out.splitlines()
                if l.startswith("goose: ") and not l.startswith("goose: exit status")]

    def error_line(self, out):
        lines = self.error_lines(out)
        return lines[0] if lines else ""

    def check(self, status, out, secs):
        """status is `make run`'s: it must fail; the program's status is the
        one goose's exit line gives (QEMU's own, which ci/qemu.py checks)."""
        problems = []
        errors = self.error_lines(out)
        if status == 0:
            problems.append("make run succeeded")
        if "goose: exit status %d" % GOOSE_FAILURE not in out:
            problems.append("no 'goose: exit status %d' line" % GOOSE_FAILURE)
        if len(errors) != 1:
            problems.append("%d goose error lines, want exactly 1" % len(errors))
        elif not self.want.search(errors[0]):
            problems.append("error line %r does not match %r" % (errors[0], self.want.pattern))
        if secs > MAX_SECONDS:
            problems.append("took %.0fs" % secs)
        return problems


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
        Case("phnum-zero", edit(good, E_PHNUM, "<H", 0), r"elf: e_phnum is 0"),
        Case("phnum-absurd", edit(good, E_PHNUM, "<H", 65535), r"elf: e_phnum is 65535"),
        Case("phentsize", edit(good, E_PHENTSIZE, "<H", 32), r"elf: e_phentsize is 32"),
        Case("segment-offset", edit(good, data + P_OFFSET, "<Q", 1 << 40), r"elf: segment \d+: p_offset"),
        Case("filesz-over-memsz", edit(good, data + P_FILESZ, "<Q", 1 << 30),
             r"elf: segment \d+: p_offset .* past the end|p_filesz .* > p_memsz"),
        Case("memsz-terabytes", edit(good, data + P_MEMSZ, "<Q", 1 << 42), r"elf: segment \d+: .*beyond the address limit"),
        Case("memsz-wraps", edit(good, data + P_MEMSZ, "<Q", (1 << 64) - 4096), r"elf: segment \d+: .*overflows"),
        Case("overlapping", edit(good, data + P_VADDR, "<Q", text_vaddr + 0x1000), r"elf: segment .* (overlaps|differ modulo)"),
        Case("page-zero", edit(good, text + P_VADDR, "<Q", 0), r"elf: segment \d+: p_vaddr 0x0 is in page 0"),
        Case("entry-outside-text", edit(good, E_ENTRY, "<Q", 0x10), r"elf: e_entry 0x10 is not inside an executable segment"),
        Case("no-exec-segment", all_nox, r"elf: no executable PT_LOAD segment"),
        Case("too-big-for-ram", edit(good, data + P_MEMSZ, "<Q", 200 << 20), r"out of memory", mem="128M"),
    ]
    for c in cs:
        c.path = os.path.join(work, c.name + ".elf")
        old = None
        if os.path.exists(c.path):
            with open(c.path, "rb") as f:
                old = f.read()
        if old != c.data:
            with open(c.path, "wb") as f:
                f.write(c.data)
    return cs
