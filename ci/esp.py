#!/usr/bin/env python3
"""Write a disk holding an EFI system partition that UEFI firmware boots goose
from, without root.

  ci/esp.py --image build/.../goose.bin --out disk.img [--initrd FILE]
            [--bootargs "..."] [--no-cmdline]

The disk is what a board's SD card or USB stick holds for UEFI boot: an MBR
with one bootable partition of type 0xEF (EFI system partition, which EDK2
and U-Boot's EFI loader both take) at 1 MiB, holding a FAT file system made
with mtools (mformat, mmd, mcopy: no mount, no loop device) with

  /EFI/BOOT/BOOTRISCV64.EFI   the image: the default boot path of removable
                              media on RISC-V (UEFI spec 3.5.1.1), found by
                              the firmware's default boot with no boot entry
  /EFI/BOOT/goose.cmdline     the command line goose reads when it is started
                              with no load options (a default boot has
                              none): "initrd=\\goose\\initrd BOOTARGS"
                              (left out with --no-cmdline)
  /goose/initrd               --initrd, when given
  /goose/goose.dtb            --fdt, when given (U-Boot loads it for bootefi)

Bootargs may also come from the GOOSE_BOOTARGS environment variable.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import uboot_disk  # noqa: E402

MBR_PART_TYPE_ESP = 0xEF
BOOT_PATH = "EFI/BOOT/BOOTRISCV64.EFI"
CMDLINE_PATH = "EFI/BOOT/goose.cmdline"
INITRD_PATH = "goose/initrd"
FDT_PATH = "goose/goose.dtb"


def cmdline(bootargs, initrd):
    words = (["initrd=\\" + INITRD_PATH.replace("/", "\\")] if initrd else []) + ([bootargs] if bootargs else [])
    return " ".join(words)


def fat_size_mib(files):
    """Room for the files and FAT's own, at least 34 MiB (mformat then picks
    FAT32, which every UEFI FAT driver reads), in whole MiB."""
    data = sum(os.path.getsize(f) for f in files if f)
    return max(34, (data * 5 // 4 >> 20) + 4)


def mtools(tool, *args):
    exe = shutil.which(tool)
    if not exe:
        raise FileNotFoundError("%s not found (Debian package mtools; run `make deps`)" % tool)
    p = subprocess.run([exe] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
    if p.returncode:
        raise RuntimeError("%s %s: %s" % (tool, " ".join(args), p.stdout.decode(errors="replace").strip()))


def build(image, out, bootargs="", initrd=None, write_cmdline=True, fdt=None):
    """Write the disk image to out; returns out."""
    if "\n" in bootargs:
        raise ValueError("bootargs must be one line")
    for f in (image, initrd, fdt):
        if f and not os.path.isfile(f):
            raise FileNotFoundError("no such file: %s" % f)
    with open(image, "rb") as f:
        if f.read(2) != b"MZ":
            raise ValueError("%s is not a PE/COFF image (no MZ): UEFI cannot start it" % image)
    with tempfile.TemporaryDirectory(prefix="goose-esp-") as tmp:
        fs = os.path.join(tmp, "esp.img")
        mib = fat_size_mib([image, initrd, fdt])
        with open(fs, "wb") as f:
            f.truncate(mib << 20)
        mtools("mformat", "-i", fs, "-F", "-v", "GOOSE-ESP", "::")
        mtools("mmd", "-i", fs, "::/EFI", "::/EFI/BOOT", "::/goose")
        mtools("mcopy", "-i", fs, image, "::/" + BOOT_PATH)
        line = cmdline(bootargs, initrd)
        if write_cmdline and line:
            cl = os.path.join(tmp, "goose.cmdline")
            with open(cl, "w") as f:
                f.write(line + "\n")
            mtools("mcopy", "-i", fs, cl, "::/" + CMDLINE_PATH)
        if initrd:
            mtools("mcopy", "-i", fs, initrd, "::/" + INITRD_PATH)
        if fdt:
            mtools("mcopy", "-i", fs, fdt, "::/" + FDT_PATH)
        uboot_disk.write_disk(out, fs, MBR_PART_TYPE_ESP)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", required=True, help="goose.bin (a PE/COFF EFI application too)")
    ap.add_argument("--out", required=True, help="the disk image to write")
    ap.add_argument("--initrd", help="initrd file: a Go ELF or a cpio archive")
    ap.add_argument("--bootargs", help="goose's command line (default: $GOOSE_BOOTARGS)")
    ap.add_argument("--no-cmdline", action="store_true", help="no /EFI/BOOT/goose.cmdline")
    ap.add_argument("--fdt", help="a .dtb, as /goose/goose.dtb")
    a = ap.parse_args()
    try:
        build(a.image, a.out, a.bootargs if a.bootargs is not None else os.environ.get("GOOSE_BOOTARGS", ""),
              a.initrd, not a.no_cmdline, a.fdt)
    except (OSError, ValueError, RuntimeError) as e:
        sys.exit("esp.py: %s" % e)
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
