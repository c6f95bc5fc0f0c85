#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the committed seed corpora under fuzz/corpus/ (small, deterministic).

    python3 fuzz/mkseeds.py          # from the repository root

elf/      hand-made RISC-V executables (< 4 KiB each) and a raw code block
cpio/     newc and crc archives: files, directories, symlinks, concatenation
bootargs/ command lines
fdt/      tiny trees compiled by dtc from the sources below (dtc needed)

The bigger seeds (dts/*.dts, payload/tests/data/*.dtb, a Go program) are
made at run time by ci/fuzz.sh instead of being committed.
"""
import os
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(ROOT, "corpus")


def write(kind, name, data):
    d = os.path.join(CORPUS, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- ELF (System V gABI, RISC-V psABI) ----

PT_LOAD, PT_NOTE, PT_PHDR, PT_GNU_STACK = 1, 4, 6, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4

# Code: every instruction length the scanner decodes, and ecalls in and out of step.
CODE = b"".join([
    struct.pack("<I", 0x00150513),      # addi a0,a0,1
    struct.pack("<I", 0x00000073),      # ecall
    struct.pack("<H", 0x0001),          # c.nop
    struct.pack("<I", 0x00000073),      # ecall (at a 2-byte offset)
    struct.pack("<HHH", 0x001F, 0, 0),  # a 48-bit instruction
    struct.pack("<HHHH", 0x003F, 0, 0, 0),  # a 64-bit instruction
    struct.pack("<H", 0x007F) + b"\0" * 8,  # an 80-bit instruction
    struct.pack("<H", 0x0073),          # ecall hidden behind a halfword ...
    struct.pack("<I", 0x00000073),      # ... that a function start re-syncs
    struct.pack("<I", 0x00008067),      # ret
    struct.pack("<I", 0x00100073),      # ebreak
    struct.pack("<I", 0x00000073),      # ecall
    struct.pack("<H", 0x8082),          # c.ret
])


def ehdr(entry, phnum, shoff=0, shnum=0, etype=2, machine=243):
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    return ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, 64, shoff, 0, 64, 56, phnum,
                               64 if shoff else 0, shnum, 0)


def phdr(ptype, flags, off, va, filesz, memsz, align=0x1000):
    return struct.pack("<IIQQQQQQ", ptype, flags, off, va, va, filesz, memsz, align)


def shdr(name, stype, off, size, link=0, info=0, entsize=0, flags=0, addr=0):
    return struct.pack("<IIQQQQIIQQ", name, stype, flags, addr, off, size, link, info, 8, entsize)


def sym(name, info, value, size, shndx=1):
    return struct.pack("<IBBHQQ", name, info, 0, shndx, value, size)


def elf_min():
    """Text (headers + code) at 0x10000, data at 0x11300 sharing no page bytes."""
    code_off = 0x200
    b = bytearray(0x380)
    phs = [phdr(PT_PHDR, PF_R, 64, 0x10040, 4 * 56, 4 * 56),
           phdr(PT_LOAD, PF_R | PF_X, 0, 0x10000, code_off + len(CODE), code_off + len(CODE)),
           phdr(PT_LOAD, PF_R | PF_W, 0x300, 0x11300, 0x80, 0x2000),
           phdr(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16)]
    b[0:64] = ehdr(0x10000 + code_off, len(phs))
    b[64:64 + 56 * len(phs)] = b"".join(phs)
    b[code_off:code_off + len(CODE)] = CODE
    b[0x300:0x310] = b"data" * 4
    return b


def elf_sym(shnum_in_section0=False):
    """elf_min plus .symtab/.strtab; function starts in and out of step with the code."""
    b = elf_min()
    strtab = bytearray(b"\0")
    syms = [sym(0, 0, 0, 0, 0)]

    def add(name, info, value, size):
        syms.append(sym(len(strtab), info, value, size))
        strtab.extend(name + b"\0")

    base = 0x10200
    add(b"main.main", 0x12, base, 0x10)
    add(b"main.inner", 0x12, base + 4, 0x4)
    add(b"_rt0_riscv64_linux", 0x12, base + 0x24, 0x10)   # the hidden ecall
    add(b"runtime.text", 0x12, base, 0)                   # size 0: not a function
    add(b"main.data", 0x11, 0x11300, 8)                  # STT_OBJECT
    add(b"main.after", 0x12, base + len(CODE) - 2, 2)
    add(b"local.fn", 0x02, base + 0x10, 0x14)             # STB_LOCAL
    add(b"far.away", 0x12, 0x7fff0000, 0x100)
    symtab = b"".join(syms)
    shstr = b"\0.text\0.symtab\0.strtab\0.shstrtab\0"
    off = len(b)
    b += symtab
    str_off = len(b)
    b += strtab
    shstr_off = len(b)
    b += shstr
    while len(b) % 8:
        b.append(0)
    shoff = len(b)
    nsh = 5
    shs = [shdr(0, 0, 0, nsh if shnum_in_section0 else 0),
           shdr(1, 1, 0x200, len(CODE), flags=6, addr=0x10200),
           shdr(7, 2, off, len(symtab), link=3, info=1, entsize=24),
           shdr(15, 3, str_off, len(strtab)),
           shdr(23, 3, shstr_off, len(shstr))]
    b += b"".join(shs)
    b[0:64] = ehdr(0x10200, 4, shoff, 0 if shnum_in_section0 else nsh)
    # e_shstrndx
    b[62:64] = struct.pack("<H", 4)
    return b


def elf_many():
    """16 PT_LOADs (the most elf.c takes), out of address order, some empty, sharing pages."""
    phs = []
    body = bytearray(0xc00)
    body[0x800:0x800 + len(CODE)] = CODE
    for i in range(16):
        va = 0x20000 + (15 - i) * 0x80 if i else 0x10800
        flags = PF_R | PF_X if i == 0 else PF_R | (PF_W if i % 2 else 0)
        memsz = 0 if i % 5 == 4 else 0x80
        phs.append(phdr(PT_LOAD, flags, 0x800 if i == 0 else (va & 0xfff), va,
                        len(CODE) if i == 0 else min(0x40, memsz), memsz if i else len(CODE)))
    phs.append(phdr(PT_NOTE, PF_R, 0, 0, 0, 0))
    b = bytearray(ehdr(0x10800, len(phs))) + b"".join(phs)
    b += body[len(b):]
    return b


def elf_variant(b, at, fmt, value):
    b = bytearray(b)
    struct.pack_into(fmt, b, at, value)
    return b


# ---- cpio newc/crc (buffer-format.rst) ----

def cpio_entry(name, mode, data=b"", crc=False, ino=1, nlink=1, mtime=1700000000, namesize=None):
    name = name.encode() + b"\0"
    chk = sum(data) & 0xffffffff if crc and mode & 0o170000 == 0o100000 else 0
    fields = [ino, mode, 0, 0, nlink, mtime, len(data), 8, 1, 0, 0,
              len(name) if namesize is None else namesize, chk]
    h = (b"070702" if crc else b"070701") + b"".join(b"%08X" % f for f in fields)
    out = h + name
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def cpio_archive(entries, crc=False, block=512, trailer=True):
    out = b"".join(cpio_entry(*e[:3], crc=crc, ino=i + 1) for i, e in enumerate(entries))
    if trailer:
        out += cpio_entry("TRAILER!!!", 0, crc=crc, ino=0, nlink=1, mtime=0)
    if block:
        out += b"\0" * (-len(out) % block)
    return out


TREE = [(".", 0o40755), ("dev", 0o40755), ("dev/console", 0o20600), ("init", 0o100755, b"#!/bin/hello\n"),
        ("bin", 0o40755), ("bin/hello", 0o100755, b"\x7fELF" + bytes(range(60))),
        ("sbin", 0o40755), ("sbin/init", 0o120777, b"../bin/hello"), ("etc/empty", 0o100644, b"")]


# ---- FDT sources (Devicetree Specification v0.4) ----

DTS = {
    "minimal": """/dts-v1/;
/ { #address-cells = <2>; #size-cells = <2>;
    memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x8000000>; };
};""",
    "full": """/dts-v1/;
/memreserve/ 0x80000000 0x20000;
/ { #address-cells = <2>; #size-cells = <2>; compatible = "riscv-virtio";
    aliases { serial0 = "/soc/serial@10000000"; };
    chosen { bootargs = "goose.trace=syscalls HOME=/ -- a b"; stdout-path = "serial0:115200n8";
             linux,initrd-start = <0x88000000>; linux,initrd-end = <0x0 0x88001000>; };
    cpus { #address-cells = <1>; #size-cells = <0>; timebase-frequency = <10000000>;
        cpu@0 { device_type = "cpu"; reg = <0>; status = "okay"; mmu-type = "riscv,sv48";
                riscv,isa = "rv64imafdc_zicsr_sstc"; };
        cpu@1 { device_type = "cpu"; reg = <1>; mmu-type = "riscv,sv39"; riscv,isa-base = "rv64i";
                riscv,isa-extensions = "i", "m", "a", "zkr", "sstc"; };
        cpu@2 { device_type = "cpu"; reg = <2>; status = "disabled"; riscv,isa = "rv64imac"; };
    };
    memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x4000000 0x1 0x0 0x0 0x1000000>; };
    reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
        mmode@80000000 { reg = <0x0 0x80000000 0x0 0x40000>; no-map; };
        shared@84000000 { reg = <0x0 0x84000000 0x0 0x1000>; };
    };
    soc { #address-cells = <2>; #size-cells = <2>; compatible = "simple-bus"; ranges;
        serial@10000000 { compatible = "ns16550a"; reg = <0x0 0x10000000 0x0 0x100>; reg-shift = <2>;
                          reg-io-width = <4>; clock-frequency = <3686400>; interrupts = <10>; };
        test@100000 { compatible = "sifive,test1", "sifive,test0"; reg = <0x0 0x100000 0x0 0x1000>; };
        rtc@101000 { compatible = "google,goldfish-rtc"; reg = <0x0 0x101000 0x0 0x1000>; };
        plic@c000000 { compatible = "sifive,plic-1.0.0", "riscv,plic0"; reg = <0x0 0xc000000 0x0 0x600000>; };
        clint@2000000 { compatible = "sifive,clint0", "riscv,clint0"; reg = <0x0 0x2000000 0x0 0x10000>; };
    };
};""",
    "cells32": """/dts-v1/;
/ { #address-cells = <1>; #size-cells = <1>;
    chosen@0 { linux,stdout-path = "/uart@10013000"; linux,initrd-start = <0x84000000>;
               linux,initrd-end = <0x84000200>; };
    uart@10013000 { compatible = "sifive,uart0"; reg = <0x10013000 0x1000>; status = "ok"; };
    mem { device_type = "memory"; reg = <0x80000000 0x4000000>; };
    cpus { #address-cells = <1>; #size-cells = <0>;
        cpu@0 { device_type = "cpu"; reg = <0>; timebase-frequency = <1000000>; mmu-type = "riscv,none"; };
    };
};""",
}


def main():
    # ELF
    write("elf", "min.elf", elf_min())
    write("elf", "sym.elf", elf_sym())
    write("elf", "sym-shnum0.elf", elf_sym(shnum_in_section0=True))
    write("elf", "many-segments.elf", elf_many())
    write("elf", "et-dyn.elf", elf_variant(elf_min(), 16, "<H", 3))
    write("elf", "x86-64.elf", elf_variant(elf_min(), 18, "<H", 62))
    write("elf", "code.bin", CODE * 4 + CODE[2:])
    # Go build information (src/debug/buildinfo): header, then uvarint-prefixed version and module info.
    write("elf", "buildinfo.bin", b"\0" * 16 + b"\xff Go buildinf:" + bytes([8, 2]) + b"\0" * 16 +
          bytes([8]) + b"go1.26.8" + bytes([0x85, 0x01]) + b"m" * 133)
    for name in os.listdir(os.path.join(CORPUS, "elf")):
        assert os.path.getsize(os.path.join(CORPUS, "elf", name)) < 4096, name

    # cpio
    write("cpio", "tree.cpio", cpio_archive(TREE))
    write("cpio", "tree-crc.cpio", cpio_archive(TREE, crc=True))
    write("cpio", "concat.cpio", cpio_archive(TREE[:4]) + cpio_archive(TREE[4:], crc=True, block=0) + b"\0" * 12)
    write("cpio", "no-trailer.cpio", cpio_archive(TREE[3:6], block=0, trailer=False))
    write("cpio", "trailer-only.cpio", cpio_archive([]))
    write("cpio", "leading-nuls.cpio", b"\0" * 8 + cpio_archive(TREE[:2], block=0))

    # bootargs
    for i, line in enumerate([
        "console=ttyS0 goose.trace=syscalls -- a b=c goose.x --",
        "goose.quiet HOME=/ TERM=linux init 'single quoted arg' \"double\" -- \"--\"",
        "a\"b c\"d '' \"\" K=\"v w\"\t\n\r\v\fx",
        "goose.a=1 goose.a=2 goose.a goose.=3 goose. =x x= -- -- --",
        "unterminated 'quote",
        " ".join("w%d" % i for i in range(130)),
    ]):
        write("bootargs", "line%d.txt" % i, line.encode())

    # FDT (needs dtc)
    for name, src in DTS.items():
        for ver in (17, 16):
            try:
                out = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-V", str(ver), "-"],
                                     input=src.encode(), capture_output=True, check=True).stdout
            except (OSError, subprocess.CalledProcessError) as e:
                sys.exit("mkseeds: dtc failed on %s: %s" % (name, e))
            write("fdt", "%s-v%d.dtb" % (name, ver), out)


if __name__ == "__main__":
    main()
