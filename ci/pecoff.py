#!/usr/bin/env python3
"""Check that a goose image is both a RISC-V Linux image and a PE/COFF EFI
application, as UEFI firmware and booti read them.

  ci/pecoff.py IMAGE [--elf ELF]      the headers (and, with the ELF, that
                                      the entry is efi_main)
  ci/pecoff.py --objects OBJ ...      the EFI entry's objects reach nothing
                                      through an absolute address

The image checks follow Microsoft's PE Format specification (the MS-DOS
stub's e_lfanew at 0x3c, the COFF file header, the PE32+ optional header,
the section table) and Linux's Documentation/arch/riscv/boot-image-header.rst:
  - "MZ" at 0 (c.li s4, -13 as an instruction), "RSC\\x05" at 0x38;
  - the PE signature where e_lfanew says; Machine RISCV64 (0x5064);
    Characteristics EXECUTABLE_IMAGE and not RELOCS_STRIPPED (firmware
    loads the image wherever it likes; with no relocations to apply, the
    stripped flag would make EDK2 refuse any address but ImageBase);
  - PE32+ (0x20b), Subsystem EFI application (10), SizeOfOptionalHeader
    matching NumberOfRvaAndSizes (at most 16);
  - FileAlignment a power of two in 512..64K, SectionAlignment a power of two
    of at least the 4 KiB EFI page and at least FileAlignment; SizeOfImage a
    multiple of SectionAlignment; SizeOfHeaders a multiple of FileAlignment
    that covers the section table;
  - sections: virtual addresses aligned, ascending and adjacent from
    SizeOfHeaders to SizeOfImage; raw data aligned and inside the file;
    virtual size at least the raw size;
  - the entry point inside an executable section; SizeOfCode the code
    sections' raw size;
  - the Linux header's image_size equal to SizeOfImage (booti and UEFI
    reserve the same memory).
--objects: the relocations of every non-debug section must be pc-relative
(or differences of symbols): R_RISCV_32/64, HI20 and LO12_I/S would hold a
link-time address, and the EFI entry runs before goose is where it was linked.
Prints one line per image or object, exits 1 on a problem.
"""

import argparse
import re
import struct
import subprocess
import sys

OBJDUMP = "riscv64-unknown-elf-objdump"
NM = "riscv64-unknown-elf-nm"
MACHINE_RISCV64 = 0x5064
PE32PLUS = 0x20B
SUBSYSTEM_EFI_APPLICATION = 10
EFI_PAGE = 4096
FILE_RELOCS_STRIPPED, FILE_EXECUTABLE_IMAGE = 0x1, 0x2
SCN_CNT_CODE, SCN_MEM_EXECUTE = 0x20, 0x20000000
ABSOLUTE_RELOCS = {"R_RISCV_32", "R_RISCV_64", "R_RISCV_HI20", "R_RISCV_LO12_I", "R_RISCV_LO12_S"}


def pow2(v):
    return v > 0 and v & (v - 1) == 0


def align_up(v, a):
    return (v + a - 1) // a * a


def parse(data):
    """The headers as a dict, or raises ValueError."""
    if len(data) < 0x40:
        raise ValueError("shorter than the 64-byte image header")
    if data[:2] != b"MZ":
        raise ValueError("no MZ at 0 (not a PE/COFF image)")
    if data[0x38:0x3C] != b"RSC\x05":
        raise ValueError("no RSC\\x05 at 0x38 (booti would refuse it)")
    lfanew = struct.unpack_from("<I", data, 0x3C)[0]
    if lfanew + 24 > len(data) or data[lfanew:lfanew + 4] != b"PE\0\0":
        raise ValueError("no PE signature at e_lfanew 0x%x" % lfanew)
    coff = struct.unpack_from("<HHIIIHH", data, lfanew + 4)
    h = dict(zip(["machine", "nsections", "time", "symtab", "nsyms", "opt_size", "characteristics"], coff))
    opt = lfanew + 24
    fields = struct.unpack_from("<HBBIIIII QII HHHHHH IIIIHH QQQQ II", data, opt)
    names = ["magic", "lmaj", "lmin", "size_of_code", "size_of_idata", "size_of_udata", "entry", "base_of_code",
             "image_base", "section_alignment", "file_alignment", "osmaj", "osmin", "imgmaj", "imgmin", "submaj",
             "submin", "win32", "size_of_image", "size_of_headers", "checksum", "subsystem", "dll",
             "stack_reserve", "stack_commit", "heap_reserve", "heap_commit", "loader_flags", "nrva"]
    h.update(zip(names, fields))
    h["lfanew"] = lfanew
    h["section_table"] = opt + h["opt_size"]
    h["sections"] = []
    for i in range(h["nsections"]):
        off = h["section_table"] + 40 * i
        if off + 40 > len(data):
            raise ValueError("the section table runs past the file")
        name, vsize, va, rsize, rptr = struct.unpack_from("<8sIIII", data, off)
        flags = struct.unpack_from("<I", data, off + 36)[0]
        h["sections"].append(dict(name=name.rstrip(b"\0").decode(errors="replace"), vsize=vsize, va=va,
                                  rsize=rsize, rptr=rptr, flags=flags))
    h["linux_image_size"] = struct.unpack_from("<Q", data, 0x10)[0]
    return h


def check(data):
    """([problems], headers or None)."""
    try:
        h = parse(data)
    except (ValueError, struct.error) as e:
        return [str(e)], None
    p = []
    if h["machine"] != MACHINE_RISCV64:
        p.append("Machine 0x%x, not RISCV64 (0x5064)" % h["machine"])
    if not h["characteristics"] & FILE_EXECUTABLE_IMAGE:
        p.append("Characteristics lack EXECUTABLE_IMAGE")
    if h["characteristics"] & FILE_RELOCS_STRIPPED:
        p.append("Characteristics say RELOCS_STRIPPED: firmware could load it at ImageBase only")
    if h["magic"] != PE32PLUS:
        p.append("optional header magic 0x%x, not PE32+ (0x20b)" % h["magic"])
    if h["subsystem"] != SUBSYSTEM_EFI_APPLICATION:
        p.append("Subsystem %d, not EFI application (10)" % h["subsystem"])
    if h["nrva"] > 16 or h["opt_size"] != 112 + 8 * h["nrva"]:
        p.append("SizeOfOptionalHeader %d does not match %d data directories" % (h["opt_size"], h["nrva"]))
    fa, sa = h["file_alignment"], h["section_alignment"]
    if not pow2(fa) or not 512 <= fa <= 65536:
        p.append("FileAlignment 0x%x is not a power of two in 512..64K" % fa)
    if not pow2(sa) or sa < EFI_PAGE or sa < fa:
        p.append("SectionAlignment 0x%x is not a power of two of at least 4 KiB and FileAlignment" % sa)
    if sa and h["size_of_image"] % sa:
        p.append("SizeOfImage 0x%x is not a multiple of SectionAlignment" % h["size_of_image"])
    table_end = h["section_table"] + 40 * h["nsections"]
    if fa and (h["size_of_headers"] % fa or h["size_of_headers"] < table_end):
        p.append("SizeOfHeaders 0x%x is not a FileAlignment multiple covering the section table (0x%x)"
                 % (h["size_of_headers"], table_end))
    if not h["sections"]:
        p.append("no sections")
    expect_va = align_up(h["size_of_headers"], sa) if sa else 0
    code = 0
    for s in h["sections"]:
        n = s["name"]
        if sa and s["va"] % sa:
            p.append("section %s: VirtualAddress 0x%x is not SectionAlignment-aligned" % (n, s["va"]))
        if s["va"] != expect_va:
            p.append("section %s: VirtualAddress 0x%x, want 0x%x (sections ascending and adjacent)"
                     % (n, s["va"], expect_va))
        if fa and (s["rptr"] % fa or s["rsize"] % fa):
            p.append("section %s: raw data 0x%x+0x%x is not FileAlignment-aligned" % (n, s["rptr"], s["rsize"]))
        if s["rptr"] + s["rsize"] > len(data):
            p.append("section %s: raw data 0x%x+0x%x runs past the file (0x%x bytes)"
                     % (n, s["rptr"], s["rsize"], len(data)))
        if s["vsize"] < s["rsize"]:
            p.append("section %s: VirtualSize 0x%x is below its raw size 0x%x" % (n, s["vsize"], s["rsize"]))
        if s["flags"] & SCN_CNT_CODE:
            code += s["rsize"]
        expect_va = align_up(s["va"] + s["vsize"], sa) if sa else s["va"] + s["vsize"]
    if h["sections"] and expect_va != h["size_of_image"]:
        p.append("the sections end at 0x%x, SizeOfImage is 0x%x" % (expect_va, h["size_of_image"]))
    if code != h["size_of_code"]:
        p.append("SizeOfCode 0x%x, the code sections hold 0x%x" % (h["size_of_code"], code))
    if not any(s["flags"] & SCN_MEM_EXECUTE and s["va"] <= h["entry"] < s["va"] + s["vsize"] for s in h["sections"]):
        p.append("AddressOfEntryPoint 0x%x is in no executable section" % h["entry"])
    if h["linux_image_size"] != h["size_of_image"]:
        p.append("the Linux header's image_size 0x%x is not SizeOfImage 0x%x"
                 % (h["linux_image_size"], h["size_of_image"]))
    return p, h


def symbol_offsets(elf, names):
    out = subprocess.run([NM, elf], capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        w = line.split()
        if len(w) == 3 and w[2] in names:
            syms[w[2]] = int(w[0], 16)
    return syms


def check_objects(objs):
    problems = []
    for o in objs:
        out = subprocess.run([OBJDUMP, "-r", o], capture_output=True, text=True)
        if out.returncode:
            problems.append("%s: objdump failed: %s" % (o, out.stderr.strip()))
            continue
        section, bad = None, []
        for line in out.stdout.splitlines():
            m = re.match(r"RELOCATION RECORDS FOR \[(\S+)\]:", line)
            if m:
                section = m.group(1)
                continue
            w = line.split()
            if len(w) >= 3 and w[1] in ABSOLUTE_RELOCS and section and not section.startswith(".debug"):
                bad.append("%s %s %s" % (section, w[1], w[2]))
        if bad:
            problems.append("%s: %d absolute relocation%s (%s)" % (o, len(bad), "" if len(bad) == 1 else "s",
                                                                    "; ".join(bad[:4])))
        else:
            print("ok: %s: pc-relative only" % o)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image", nargs="?")
    ap.add_argument("--elf", help="the image's ELF: the entry must be efi_main")
    ap.add_argument("--objects", nargs="+", metavar="OBJ")
    a = ap.parse_args()
    if a.objects:
        problems = check_objects(a.objects)
        for p in problems:
            print("pecoff.py: " + p)
        return 1 if problems else 0
    if not a.image:
        ap.error("an image, or --objects")
    with open(a.image, "rb") as f:
        data = f.read()
    problems, h = check(data)
    if h and a.elf:
        syms = symbol_offsets(a.elf, {"_start", "efi_main"})
        if set(syms) != {"_start", "efi_main"}:
            problems.append("%s has no _start or efi_main" % a.elf)
        elif syms["efi_main"] - syms["_start"] != h["entry"]:
            problems.append("AddressOfEntryPoint 0x%x, efi_main is at 0x%x"
                            % (h["entry"], syms["efi_main"] - syms["_start"]))
    if problems:
        print("pecoff.py: %s: %s" % (a.image, "; ".join(problems)))
        return 1
    print("ok: %s: PE32+ EFI application, %d sections, entry 0x%x, SizeOfImage 0x%x; RSC\\x05 at 0x38"
          % (a.image, len(h["sections"]), h["entry"], h["size_of_image"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
