#!/usr/bin/env python3
"""Write a disk image that U-Boot's distro boot starts goose from, without root.

  ci/uboot_disk.py --image build/.../goose.bin --out disk.img
                   [--initrd FILE] [--bootargs "..."] [--fdt FILE.dtb]

The disk is what a board's SD card or USB stick holds for distro boot: an MBR
partition table with one bootable Linux partition (type 0x83) starting at 1 MiB,
holding an ext2 file system made by `mke2fs -d` (e2fsprogs; no mount, no loop
device, no root) with

  /goose.bin                  the image (RISC-V Linux image header: booti takes it)
  /initrd                     --initrd, when given
  /goose.dtb                  --fdt, when given (else U-Boot passes its own FDT)
  /extlinux/extlinux.conf     LABEL goose / KERNEL /goose.bin / [INITRD /initrd]
                              [FDT /goose.dtb] / [APPEND <bootargs>]

U-Boot's distro boot (boot_targets ... virtio0 / mmc0 ...) scans the bootable
partition, finds /extlinux/extlinux.conf, loads the KERNEL at ${kernel_addr_r},
the INITRD at ${ramdisk_addr_r}, and runs `booti`, which moves the image to RAM
base + text_offset and enters it with a0 = hart id, a1 = FDT. The APPEND line
becomes ${bootargs}, then /chosen/bootargs. U-Boot expands ${...} in it, and
refuses the whole label when the line does not fit its command-line buffer
(CONFIG_SYS_CBSIZE: "bootarg overflow 1002+0+0+1 > 256", then "EXTLINUX
FAILED" with Debian's qemu-riscv64_smode build, seen), so this script refuses
bootargs over --max-append bytes (255 by default) and warns about "$".

Bootargs may also come from the GOOSE_BOOTARGS environment variable (so that
words like "--" need no quoting against this script's own options).

  ci/uboot_disk.py --check build/.../goose.bin [--elf build/.../goose.elf]

checks the image's 64-byte RISC-V Linux image header the way booti reads it
(Documentation/arch/riscv/boot-image-header.rst): magic2 "RSC\x05" at 0x38,
text_offset 0x200000, image_size non-zero, flags 0 (little-endian), version
0.2; with --elf, image_size must equal the memory the image's PT_LOAD
segments span (text to the end of BSS), since booti copies that many bytes
and the loader must leave that much room. Prints one line, exits 1 on a
problem.
"""

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile

SECTOR = 512
PART_START = 2048               # LBA of the partition: 1 MiB, as partitioning tools align
MBR_PART_TYPE_LINUX = 0x83
MBR_ACTIVE = 0x80               # "bootable": U-Boot's `part list -bootable` picks it
MBR_DISK_SIGNATURE = 0x60053e00
# The longest APPEND line Debian's U-Boot 2023.01 (qemu-riscv64_smode,
# CONFIG_SYS_CBSIZE 256) accepts; boards' builds may allow more.
APPEND_MAX = 255

# RISC-V Linux image header (Documentation/arch/riscv/boot-image-header.rst).
IMAGE_HEADER = struct.Struct("<IIQQQIIQ8sII")   # code0 code1 text_offset image_size flags version res1 res2 magic magic2 res3
IMAGE_MAGIC2 = 0x05435352                       # "RSC\x05" at 0x38: what booti checks
IMAGE_TEXT_OFFSET = 0x200000
IMAGE_VERSION = 0x2                             # 0.2


def image_header(path):
    """The header's fields as a dict (ValueError when the file is too short)."""
    with open(path, "rb") as f:
        raw = f.read(IMAGE_HEADER.size)
    if len(raw) < IMAGE_HEADER.size:
        raise ValueError("%s: %d bytes, too short for a RISC-V image header" % (path, len(raw)))
    names = ("code0", "code1", "text_offset", "image_size", "flags", "version", "res1", "res2", "magic",
             "magic2", "res3")
    return dict(zip(names, IMAGE_HEADER.unpack(raw)))


def elf_memory_size(path):
    """Bytes from the lowest PT_LOAD address to the end of the highest (BSS included)."""
    with open(path, "rb") as f:
        e = f.read()
    if e[:4] != b"\x7fELF" or e[4] != 2 or e[5] != 1:
        raise ValueError("%s: not a little-endian ELF64 file" % path)
    phoff, = struct.unpack_from("<Q", e, 32)
    phentsize, phnum = struct.unpack_from("<HH", e, 54)
    lo, hi = None, 0
    for i in range(phnum):
        p_type, _, _, vaddr, _, _, memsz, _ = struct.unpack_from("<IIQQQQQQ", e, phoff + i * phentsize)
        if p_type == 1 and memsz:
            lo = vaddr if lo is None else min(lo, vaddr)
            hi = max(hi, vaddr + memsz)
    if lo is None:
        raise ValueError("%s: no PT_LOAD segment" % path)
    return hi - lo


def check_image(path, elf=None):
    """Problems booti (or a loader honouring the header) would have with the image; [] when none."""
    h = image_header(path)
    problems = []
    if h["magic2"] != IMAGE_MAGIC2:
        problems.append("magic2 at 0x38 is 0x%08x, not 0x%08x (\"RSC\\x05\")" % (h["magic2"], IMAGE_MAGIC2))
    if h["text_offset"] != IMAGE_TEXT_OFFSET:
        problems.append("text_offset is 0x%x, not 0x%x" % (h["text_offset"], IMAGE_TEXT_OFFSET))
    if not h["image_size"]:
        problems.append("image_size is 0 (booti refuses: \"Image lacks image_size field\")")
    elif h["image_size"] < os.path.getsize(path):
        problems.append("image_size 0x%x is smaller than the file (0x%x bytes)" % (h["image_size"], os.path.getsize(path)))
    if h["flags"] & 1:
        problems.append("flags 0x%x says big-endian" % h["flags"])
    if h["version"] != IMAGE_VERSION:
        problems.append("version is 0x%x, not 0x%x" % (h["version"], IMAGE_VERSION))
    if elf:
        size = elf_memory_size(elf)
        if h["image_size"] != size:
            problems.append("image_size 0x%x is not the image's memory size 0x%x (%s)" % (h["image_size"], size, elf))
    return problems


def extlinux_conf(bootargs, initrd, fdt):
    """The syslinux-style file U-Boot's pxe/sysboot code reads (doc/README.pxe)."""
    lines = [
        "# Written by goose's ci/uboot_disk.py: U-Boot distro boot starts goose with booti.",
        "DEFAULT goose",
        "TIMEOUT 0",
        "",
        "LABEL goose",
        "\tKERNEL /goose.bin",
    ]
    if initrd:
        lines.append("\tINITRD /initrd")
    if fdt:
        lines.append("\tFDT /goose.dtb")
    if bootargs.strip():
        lines.append("\tAPPEND " + bootargs)
    return "\n".join(lines) + "\n"


def mbr(start_lba, nsectors, part_type=MBR_PART_TYPE_LINUX):
    """A classic MBR (one partition entry, CHS fields saturated as for LBA disks)."""
    m = bytearray(SECTOR)
    struct.pack_into("<I", m, 440, MBR_DISK_SIGNATURE)
    entry = struct.pack("<B3sB3sII", MBR_ACTIVE, b"\xfe\xff\xff", part_type, b"\xfe\xff\xff",
                        start_lba, nsectors)
    m[446:446 + 16] = entry
    m[510:512] = b"\x55\xaa"
    return bytes(m)


def fs_size_kib(files):
    """Room for the files plus ext2 metadata, at least 8 MiB, in whole MiB."""
    data = sum(os.path.getsize(f) for f in files if f)
    kib = (data * 5 // 4) // 1024 + 4096
    return max(8192, (kib + 1023) // 1024 * 1024)


def build(image, out, bootargs="", initrd=None, fdt=None, max_append=APPEND_MAX):
    """Write the disk image to out; returns out."""
    if "\n" in bootargs or "\r" in bootargs:
        raise ValueError("bootargs must be one line (extlinux.conf's APPEND)")
    if len(bootargs.encode()) > max_append:
        raise ValueError("bootargs are %d bytes; U-Boot's extlinux support refuses an APPEND line over %d "
                         "(its command-line buffer) and the boot fails" % (len(bootargs.encode()), max_append))
    if "$" in bootargs:
        print("uboot_disk.py: warning: U-Boot expands ${...} in bootargs", file=sys.stderr)
    for f in (image, initrd, fdt):
        if f and not os.path.isfile(f):
            raise FileNotFoundError("no such file: %s" % f)
    problems = check_image(image)
    if problems:
        raise ValueError("%s is no image booti takes: %s" % (image, "; ".join(problems)))
    mke2fs = shutil.which("mke2fs") or "/sbin/mke2fs"
    if not os.path.exists(mke2fs):
        raise FileNotFoundError("mke2fs not found (Debian package e2fsprogs; run `make deps`)")
    with tempfile.TemporaryDirectory(prefix="goose-uboot-") as tmp:
        root = os.path.join(tmp, "root")
        os.makedirs(os.path.join(root, "extlinux"))
        shutil.copyfile(image, os.path.join(root, "goose.bin"))
        if initrd:
            shutil.copyfile(initrd, os.path.join(root, "initrd"))
        if fdt:
            shutil.copyfile(fdt, os.path.join(root, "goose.dtb"))
        with open(os.path.join(root, "extlinux", "extlinux.conf"), "w") as f:
            f.write(extlinux_conf(bootargs, initrd, fdt))
        fs = os.path.join(tmp, "fs.img")
        kib = fs_size_kib([image, initrd, fdt])
        # ext2: no journal, read by every U-Boot's ext4 driver; -d copies the tree in.
        p = subprocess.run([mke2fs, "-q", "-F", "-t", "ext2", "-L", "goose", "-E", "root_owner=0:0",
                            "-d", root, fs, "%dk" % kib], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            raise RuntimeError("mke2fs failed: " + p.stdout.decode(errors="replace").strip())
        write_disk(out, fs)
    return out


def write_disk(out, fs, part_type=MBR_PART_TYPE_LINUX):
    """out: an MBR disk whose one partition, at PART_START, holds the file
    system image fs (written to a temporary name, then moved into place)."""
    tmp_out = out + ".tmp"
    with open(tmp_out, "wb") as d, open(fs, "rb") as src:
        d.write(mbr(PART_START, os.path.getsize(fs) // SECTOR, part_type))
        d.seek(PART_START * SECTOR)
        shutil.copyfileobj(src, d, 1 << 20)
    os.replace(tmp_out, out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", help="goose.bin (raw image with the RISC-V Linux image header)")
    ap.add_argument("--out", help="the disk image to write")
    ap.add_argument("--initrd", help="initrd file: a Go ELF or a cpio archive")
    ap.add_argument("--fdt", help="a .dtb for U-Boot to pass instead of its own")
    ap.add_argument("--bootargs", help="extlinux APPEND line (default: $GOOSE_BOOTARGS)")
    ap.add_argument("--max-append", type=int, default=APPEND_MAX,
                    help="longest APPEND line the target U-Boot takes (CONFIG_SYS_CBSIZE - 1; default %(default)s)")
    ap.add_argument("--check", metavar="IMAGE", help="only check IMAGE's header, as booti reads it")
    ap.add_argument("--elf", help="with --check: the image's ELF, whose memory size image_size must equal")
    a = ap.parse_args()
    try:
        if a.check:
            problems = check_image(a.check, a.elf)
            if problems:
                print("uboot_disk.py: %s: %s" % (a.check, "; ".join(problems)))
                return 1
            h = image_header(a.check)
            print("ok: %s: magic2 RSC\\x05, text_offset 0x%x, image_size 0x%x%s" % (
                a.check, h["text_offset"], h["image_size"], " (= the ELF's memory size)" if a.elf else ""))
            return 0
        if not a.image or not a.out:
            ap.error("--image and --out are required (or --check IMAGE)")
        bootargs = a.bootargs if a.bootargs is not None else os.environ.get("GOOSE_BOOTARGS", "")
        build(a.image, a.out, bootargs, a.initrd, a.fdt, a.max_append)
    except (OSError, ValueError, RuntimeError) as e:
        sys.exit("uboot_disk.py: %s" % e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
