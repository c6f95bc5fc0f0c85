#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Shrink a Go linux/riscv64 executable into a small, still valid ELF seed.

    python3 fuzz/elf_shrink.py IN OUT [MAX_BYTES]

A Go program is megabytes; libFuzzer cuts seeds at -max_len, and a cut ELF
has its segments and section headers past the end, so it only exercises the
first checks. This keeps the real structure in a few pages:
  - the ELF and program headers, with the first page of the text segment as
    its own PT_LOAD so that PT_PHDR still points at mapped file bytes;
  - a window of the text around e_entry (the real code, ecalls included);
  - the first bytes of every other PT_LOAD (bss sizes untouched);
  - .symtab with the function symbols in the text window (and a few data
    objects), its .strtab, and .shstrtab;
each segment placed at a file offset congruent to its address modulo 4096.
Layouts: System V gABI ("ELF Header", "Program Header", "Sections",
"Symbol Table").
"""
import struct
import sys

PAGE = 0x1000
PT_LOAD, PT_PHDR = 1, 6
PF_X = 1
SHT_SYMTAB, SHT_STRTAB = 2, 3
STT_FUNC, STT_OBJECT = 2, 1


def page_down(x):
    return x & ~(PAGE - 1)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 60 * 1024
    b = open(src, "rb").read()
    if b[:4] != b"\x7fELF" or b[4] != 2 or b[5] != 1:
        sys.exit("elf_shrink: %s is not a little-endian ELF64 file" % src)
    (etype, machine, version, entry, phoff, shoff, flags, ehsize, phentsize, phnum, shentsize, shnum,
     shstrndx) = struct.unpack_from("<HHIQQQIHHHHHH", b, 16)
    phdrs = [list(struct.unpack_from("<IIQQQQQQ", b, phoff + i * 56)) for i in range(phnum)]
    shdrs = [struct.unpack_from("<IIQQQQIIQQ", b, shoff + i * 64) for i in range(shnum)]

    text_window = 3 * PAGE
    other_window = 0x800
    out_ph = []     # [type, flags, new_vaddr, memsz, source bytes]
    keep_func = []  # (lo, hi) of kept text
    keep_data = []
    for p in phdrs:
        ptype, pflags, off, va, pa, filesz, memsz, align = p
        if ptype != PT_LOAD:
            out_ph.append([ptype, pflags, va, memsz, None, p])
            continue
        if pflags & PF_X and va <= entry < va + filesz:
            # The header page, then the window around the entry.
            hdr_len = min(filesz, 64 + 56 * (phnum + 1))
            out_ph.append([PT_LOAD, 4, va, hdr_len, "headers", p])
            ws = max(page_down(entry) - PAGE, page_down(va) + PAGE)
            we = min(ws + text_window, va + filesz)
            out_ph.append([PT_LOAD, pflags, ws, va + memsz - ws, b[off + (ws - va):off + (we - va)], p])
            keep_func.append((ws, we))
        else:
            n = min(filesz, other_window)
            out_ph.append([PT_LOAD, pflags, va, memsz, b[off:off + n], p])
            keep_data.append((va, va + n))

    # Symbols: functions in the kept text, a few objects in kept data.
    symtab = next((s for s in shdrs if s[1] == SHT_SYMTAB), None)
    syms = [bytes(24)]
    strtab = bytearray(b"\0")
    if symtab:
        strsh = shdrs[symtab[6]]
        sstr = b[strsh[4]:strsh[4] + strsh[5]]
        nobj = 0
        for i in range(1, symtab[5] // 24):
            name, info, other, shndx, value, size = struct.unpack_from("<IBBHQQ", b, symtab[4] + i * 24)
            t = info & 0xf
            keep = (t == STT_FUNC and any(lo <= value < hi for lo, hi in keep_func)) or \
                   (t == STT_OBJECT and nobj < 32 and any(lo <= value < hi for lo, hi in keep_data))
            if not keep:
                continue
            nobj += t == STT_OBJECT
            end = sstr.index(b"\0", name)
            syms.append(struct.pack("<IBBHQQ", len(strtab), info, other, shndx, value, size))
            strtab += sstr[name:end + 1]
    shstr = b"\0.symtab\0.strtab\0.shstrtab\0"

    # Layout: headers, section headers, symbol tables, then the segments.
    nph = len(out_ph)
    o = 64 + 56 * nph
    new_shoff = o
    o += 4 * 64
    sym_off = o
    o += 24 * len(syms)
    str_off = o
    o += len(strtab)
    shstr_off = o
    o += len(shstr)
    placed = []
    for ph in out_ph:
        data = ph[4]
        if ph[4] == "headers":
            placed.append((0, ph[3]))
            continue
        if data is None:
            placed.append(None)
            continue
        start = page_down(o) + (ph[2] & (PAGE - 1))
        if start < o:
            start += PAGE
        placed.append((start, len(data)))
        o = start + len(data)
    out = bytearray(o)
    for ph, pl in zip(out_ph, placed):
        if pl and ph[4] != "headers":
            out[pl[0]:pl[0] + pl[1]] = ph[4]

    out[0:64] = b[0:64]
    struct.pack_into("<QQ", out, 32, 64, new_shoff)
    struct.pack_into("<HHHHHH", out, 52, 64, 56, nph, 64, 4, 3)
    for i, (ph, pl) in enumerate(zip(out_ph, placed)):
        ptype, pflags, va, memsz, data, orig = ph
        if pl is None:
            if ptype == PT_PHDR:
                orig = orig[:2] + [64, orig[3], orig[4], 56 * nph, 56 * nph, orig[7]]
            out[64 + 56 * i:64 + 56 * (i + 1)] = struct.pack("<IIQQQQQQ", *orig)
            continue
        filesz = pl[1]
        struct.pack_into("<IIQQQQQQ", out, 64 + 56 * i, ptype, pflags, pl[0], va, va, filesz,
                         max(memsz, filesz), PAGE)
    shs = [bytes(64),
           struct.pack("<IIQQQQIIQQ", 1, SHT_SYMTAB, 0, 0, sym_off, 24 * len(syms), 2, 1, 8, 24),
           struct.pack("<IIQQQQIIQQ", 9, SHT_STRTAB, 0, 0, str_off, len(strtab), 0, 0, 1, 0),
           struct.pack("<IIQQQQIIQQ", 17, SHT_STRTAB, 0, 0, shstr_off, len(shstr), 0, 0, 1, 0)]
    out[new_shoff:new_shoff + 4 * 64] = b"".join(shs)
    out[sym_off:sym_off + 24 * len(syms)] = b"".join(syms)
    out[str_off:str_off + len(strtab)] = strtab
    out[shstr_off:shstr_off + len(shstr)] = shstr
    if len(out) > limit:
        sys.exit("elf_shrink: result is %d bytes, more than %d" % (len(out), limit))
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
