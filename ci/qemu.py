#!/usr/bin/env python3
"""Boot a goose image on QEMU and exit with the Go program's status.

  GOOSE_BOOTARGS="..." ci/qemu.py --image build/.../goose.bin
             [--qemu qemu-system-riscv64] [--firmware FILE|default] [--fw jump|dynamic]
             [--cpu MODEL] [--machine virt|sifive_u[,options]] [--smp N] [--mem 512M]
             [--loader opensbi|uboot|uefi|uboot-efi] [--uboot u-boot.bin]
             [--edk2 RISCV_VIRT_CODE.fd] [--uefi-kernel] [--load-addr ADDR]
             [--initrd FILE] [--timeout SECONDS] [--firmware-log]
             [--net user|user-open|none] [--hostfwd HOST[:GUEST],...]
             [-- more qemu arguments]

The bootargs come from the environment (GOOSE_BOOTARGS) so that words such as
"--" reach goose untouched. What the firmware prints before goose (OpenSBI's
banner, U-Boot's messages) is left out unless --firmware-log: output is held
until goose's first "goose: " line, then shown from the end of the firmware's
last line on ("Boot HART ..." for OpenSBI, "Starting kernel ..." for U-Boot),
so a program booted with goose.quiet loses nothing. Piped input (not a
terminal) reaches the console once the firmware is done with the UART, and
its end arrives as ^D, which goose's console reads as end of file. When goose never speaks,
the held output goes to stderr. The status is the N of goose's last
"goose: exit status N" line: on QEMU virt the test device ends QEMU with that
same status; on sifive_u (no shutdown device) this line is the only carrier.
Without such a line the status is QEMU's own, or 124 on a timeout, or 1.
Messages of this script go to stderr and start "qemu.py: ".

The stack (every one has a default, Debian 12's; each also comes from an
environment variable, so a whole test suite runs on another stack with no
change to its drivers: `make run` defaults its variables from the same ones):
  --qemu      GOOSE_QEMU      qemu-system-riscv64 to run (default: the one on
                              PATH). A QEMU unpacked from a .deb (dpkg -x; see
                              ci/stacks.py) is run with its own data directory
                              (-L PREFIX/share/qemu, where -bios default finds
                              the OpenSBI it ships), its own modules
                              (QEMU_MODULE_DIR) and any libraries unpacked
                              beside it (LD_LIBRARY_PATH).
  --firmware  GOOSE_FIRMWARE  an OpenSBI fw_dynamic or fw_jump image, or
                              "default": QEMU's own bundled firmware
                              (-bios default, a fw_dynamic). Default: Debian's
                              /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_$FW.bin,
                              and where that is missing -bios default (said on
                              stderr).
  --fw        GOOSE_FW        jump|dynamic: which kind the firmware is. The file
                              name tells (fw_jump*, *dynamic*); --fw is needed
                              only when it does not. Default dynamic. It decides
                              the 32 MiB image limit (fw_jump copies the FDT to
                              RAM base + 0x2200000) and --load-addr (fw_dynamic).
  --cpu       GOOSE_CPU       QEMU's -cpu model (rv64, rva23s64, max, ...);
                              default: the machine's.
  --machine   GOOSE_MACHINE   virt or sifive_u, with QEMU machine options after
                              a comma (virt,aia=aplic-imsic); the name before
                              the comma decides what this script does.
  --loader    GOOSE_LOADER    opensbi (default), uboot, uefi or uboot-efi (below).
  --uboot     GOOSE_UBOOT     the S-mode U-Boot for --loader uboot and
                              uboot-efi (default: Debian's qemu-riscv64_smode
                              build).
  --edk2      GOOSE_EDK2      EDK2's RISCV_VIRT_CODE.fd for --loader uefi
                              (RISCV_VIRT_VARS.fd is copied from beside it).

Loaders (what starts goose):
  opensbi  OpenSBI (-bios fw_jump / fw_dynamic) enters goose.bin (-kernel) at
           RAM base + 0x200000, or at --load-addr: with fw_dynamic, QEMU puts a
           raw -kernel at the first 2 MiB boundary past the firmware, so a copy
           of fw_dynamic.bin padded to end just past ADDR - 2 MiB puts goose at
           ADDR (and tells fw_dynamic to jump there).
  uboot    the boards' flow: OpenSBI starts U-Boot (Debian's qemu-riscv64_smode
           build, -kernel), whose distro boot finds /extlinux/extlinux.conf on a
           virtio disk (ci/uboot_disk.py: goose.bin, the initrd, the bootargs as
           APPEND) and starts goose with booti, passing U-Boot's own FDT. QEMU
           virt only. When this script's stdin is not a terminal, it presses a
           key at U-Boot's "Hit any key to stop autoboot" and types
           `boot; poweroff`, so the 2 s countdown is skipped and a failed
           distro boot ends QEMU; the caller's stdin reaches the program only
           after U-Boot's "Starting kernel ...". On a terminal the countdown
           runs (press a key to get U-Boot's prompt). --print-command keeps
           the disk (and padded firmware) it names in a temporary directory.
  uefi     EDK2 (--edk2, in pflash; QEMU 8.0 or later, virt with acpi=off)
           starts goose as an EFI application: from a virtio disk with an EFI
           system partition (ci/esp.py: \EFI\BOOT\BOOTRISCV64.EFI, the
           initrd, and goose.cmdline with initrd= and the bootargs), found
           by EDK2's default boot; or, with --uefi-kernel, as QEMU's -kernel
           with -initrd (EDK2's LoadFile2) and -append (the load options).
  uboot-efi  U-Boot's distro boot runs bootefi on that same disk's
           BOOTRISCV64.EFI (keys as for uboot); with --uboot-fdt, it first
           loads that tree to ${fdt_addr_r}, which bootefi then hands over.
  Under both, firmware output is held until goose's first "goose: " (the
  EFI entry's "goose: UEFI:" lines), and piped input is passed on from
  goose's boot report, so goose.quiet leaves it unpassed (and the held
  output on stderr).
"""

import argparse
import glob
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import esp  # noqa: E402
import uboot_disk  # noqa: E402

FW_DIR = "/usr/lib/riscv64-linux-gnu/opensbi/generic"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
QEMU = "qemu-system-riscv64"
MACHINES = ("virt", "sifive_u")
RAM_BASE = 0x80000000           # QEMU virt and sifive_u
LOAD_ALIGN = 0x200000           # QEMU puts a raw -kernel on a 2 MiB boundary (rv64)
# U-Boot's countdown prompt, and its last line before it jumps to the image.
UBOOT_AUTOBOOT = b"Hit any key to stop autoboot"
UBOOT_STARTING = b"Starting kernel ..."
# Typed at U-Boot's prompt once the countdown is stopped: the board's bootcmd
# (distro boot), and a power-off if it ever returns, so a failed boot ends
# QEMU at once instead of waiting at the prompt.
UBOOT_COMMAND = b"boot; poweroff\n"
# With --uboot-fdt under uboot-efi: distro boot's bootefi hands over the
# tree at ${fdt_addr_r} when there is one there.
UBOOT_EFI_FDT_COMMAND = b"load virtio 0:1 ${fdt_addr_r} " + b"goose/goose.dtb; "
# goose's own report once it runs (the EFI entry's "goose: UEFI: " lines
# come before ExitBootServices, while the firmware still owns the UART).
GOOSE_RUNNING_RE = re.compile(rb"goose: (?!UEFI: )")
EFI_LOADERS = ("uefi", "uboot-efi")
# The QEMU EDK2's RISC-V virt firmware starts on (7.2 runs it but it never
# prints a byte; 8.0 added acpi=off, which it needs to give a device tree).
UEFI_QEMU_MIN = (8, 0)
# OpenSBI's last banner line: the UART is goose's from then on.
OPENSBI_DONE = b"Boot HART MEDELEG"
# SBI's legacy console adds its own CR before each LF: hence \r*.
EXIT_RE = re.compile(rb"goose: exit status (-?\d+)\r*$")
# The boot report's console (under --console virtio it must be the virtio one).
CONSOLE_RE = re.compile(rb"^goose: memory: .*; console (\S+); ")
# fw_jump copies the FDT to RAM base + 0x2200000 (FACTS.md): a bigger image
# loaded at RAM base + 0x200000 would overwrite it.
FW_JUMP_MAX_IMAGE = 0x2000000
# The last lines firmware prints before the next stage runs.
FIRMWARE_END_RE = re.compile(rb"^(Boot HART [^\n]*|Starting kernel \.\.\.)\r?$", re.M)


def firmware_cut(held):
    """Offset in held just past the firmware's last line (0: none seen)."""
    cut = 0
    for m in FIRMWARE_END_RE.finditer(held):
        cut = m.end()
    while held[cut:cut + 1] in (b"\r", b"\n"):
        cut += 1
    return cut


def say(msg):
    print("qemu.py: " + msg, file=sys.stderr, flush=True)


def die_with_parent():
    """In QEMU's child, before exec: die when this script dies, whatever kills
    it (a test driver's timeout), so no machine is left behind."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def padded_firmware(fw, load_addr, workdir):
    """A copy of fw_dynamic.bin long enough that QEMU's next 2 MiB boundary past
    it, where it loads a raw -kernel and tells fw_dynamic to jump, is load_addr.
    OpenSBI's own memory is fixed by its link, not by the file, so the padding
    is just zeros in RAM goose may use."""
    size = load_addr - RAM_BASE - LOAD_ALIGN + 0x1000
    if size < os.path.getsize(fw):
        sys.exit("qemu.py: --load-addr 0x%x is too close to the firmware" % load_addr)
    out = os.path.join(workdir, "fw_dynamic-0x%x.bin" % load_addr)
    shutil.copyfile(fw, out)
    with open(out, "r+b") as f:
        f.truncate(size)
    return out


def env_default(name, default=None):
    """GOOSE_<NAME> from the environment, when set and not empty."""
    v = os.environ.get("GOOSE_" + name, "")
    return v if v else default


def fw_kind_of(path):
    """jump or dynamic as the firmware file's name says, else None."""
    base = os.path.basename(path).lower()
    jump, dynamic = "jump" in base, "dynamic" in base
    return "jump" if jump and not dynamic else "dynamic" if dynamic and not jump else None


def resolve_firmware(a):
    """(the -bios argument, its kind: jump|dynamic) from --firmware and --fw."""
    if a.firmware == "default":
        if a.fw == "jump":
            sys.exit("qemu.py: --firmware default is QEMU's bundled fw_dynamic; --fw jump wants a fw_jump file")
        return "default", "dynamic"
    if a.firmware:
        if not os.path.isfile(a.firmware):
            sys.exit("qemu.py: no firmware %s" % a.firmware)
        named = fw_kind_of(a.firmware)
        if named and a.fw and named != a.fw:
            sys.exit("qemu.py: firmware %s is a fw_%s by its name, but --fw %s" % (a.firmware, named, a.fw))
        if not named and not a.fw:
            say("cannot tell fw_jump from fw_dynamic by the name %s; taking dynamic (FW=jump|dynamic says)"
                % a.firmware)
        return os.path.abspath(a.firmware), named or a.fw or "dynamic"
    kind = a.fw or "dynamic"
    fw = os.path.join(FW_DIR, "fw_%s.bin" % kind)
    if os.path.exists(fw):
        return fw, kind
    if kind == "jump":
        sys.exit("qemu.py: no firmware %s (Debian package opensbi; run `make deps`), and QEMU's own bundled "
                 "firmware is a fw_dynamic" % fw)
    say("no Debian OpenSBI at %s: using QEMU's own bundled firmware (-bios default)" % fw)
    return "default", "dynamic"


def qemu_tree(qemu):
    """(extra arguments, extra environment) for the QEMU binary: one unpacked
    from a .deb outside /usr (PREFIX/bin/qemu-system-riscv64) would otherwise
    read the system's data directory (firmware for -bios default, option ROMs)
    and load the system QEMU's modules, of another build."""
    path = shutil.which(qemu) or qemu
    real = os.path.realpath(path)
    prefix = os.path.dirname(os.path.dirname(real))
    if os.path.basename(os.path.dirname(real)) != "bin" or prefix in ("/usr", "/usr/local", "/"):
        return [], {}
    args, env = [], {}
    data = os.path.join(prefix, "share", "qemu")
    if os.path.isdir(data):
        args = ["-L", data]
    mods = [d for pat in ("lib/*-linux-gnu/qemu", "lib/qemu") for d in glob.glob(os.path.join(prefix, pat))
            if os.path.isdir(d)]
    # No modules of its own: an empty directory rather than the system's.
    env["QEMU_MODULE_DIR"] = mods[0] if mods else os.path.join(prefix, "lib", "qemu")
    libs = sorted({os.path.dirname(f) for pat in ("lib/*-linux-gnu/lib*.so*", "lib/lib*.so*")
                   for f in glob.glob(os.path.join(prefix, pat))})
    if libs:
        env["LD_LIBRARY_PATH"] = ":".join(libs + [p for p in os.environ.get("LD_LIBRARY_PATH", "").split(":") if p])
    # Its default audio backend would still load modules it lacks from the
    # system's directory ("Only modules from the same build can be loaded"):
    # no audio, where this QEMU has -audio (8.2 on).
    try:
        usage = subprocess.run([real, "-help"], env=dict(os.environ, **env), capture_output=True, text=True,
                               timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        usage = ""
    if re.search(r"^-audio ", usage, re.M):
        args += ["-audio", "none"]
    return args, env


def qemu_version(qemu):
    """(major, minor) of the QEMU binary, or None."""
    args, env = qemu_tree(qemu)
    try:
        out = subprocess.run([shutil.which(qemu) or qemu, "-version"], env=dict(os.environ, **env),
                             capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"version (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


SERIAL_LOG = "serial.log"


def console_args(console, loader, workdir):
    """The console's QEMU arguments. uart: -nographic (the UART on stdio,
    with QEMU's Ctrl-A keys). virtio: a virtio console too, which goose
    prefers when the machine has one (payload/dev/virtio_console.c). Under
    OpenSBI stdio is the virtio console's alone, and the UART (the
    firmware's, and goose's until it finds the virtio console) writes to a
    file that boot() shows after the run. Not QEMU's mux of one stdio
    between both, which U-Boot and EDK2 still get (this script answers
    them on their UART): the mux keeps a frontend's input in a 32-byte ring,
    and when the ring is full it passes on the frontend's room but queues
    there all the same (char-mux.c), overwriting bytes not yet taken; a test
    saw bytes of a later line in place of earlier ones."""
    if console == "virtio" and loader == "opensbi":
        return ["-display", "none", "-monitor", "none", "-serial", "file:" + os.path.join(workdir, SERIAL_LOG),
                "-chardev", "stdio,id=cons", "-device", "virtio-serial-device", "-device", "virtconsole,chardev=cons"]
    if console == "virtio":
        return ["-display", "none", "-chardev", "stdio,id=cons,mux=on", "-serial", "chardev:cons",
                "-monitor", "none", "-device", "virtio-serial-device", "-device", "virtconsole,chardev=cons"]
    return ["-nographic"]


def net_args(net, hostfwd):
    """A virtio-net device on QEMU's user network (make run NET=, HOSTFWD=).
    user: restricted (restrict=on: the guest reaches nothing but QEMU's own
    DHCP and the forwards), what tests use; user-open: the guest may also
    reach the host's networks through QEMU. hostfwd: "HOST[:GUEST],..."
    ports, each forwarded from the host's 127.0.0.1:HOST to the guest's
    GUEST (TCP). A Go program gets the device with the blank import of
    goose/go-kernel/net/virtio (docs/networking.md)."""
    if not net or net == "none":
        if hostfwd:
            sys.exit("qemu.py: --hostfwd needs --net user or user-open (NET=user)")
        return []
    if net not in ("user", "user-open"):
        sys.exit("qemu.py: --net %s (NET=): want user, user-open or none" % net)
    opts = ["user", "id=goosenet"] + (["restrict=on"] if net == "user" else [])
    for spec in (hostfwd or "").split(","):
        if not spec:
            continue
        m = re.fullmatch(r"(\d+)(?::(\d+))?", spec)
        ports = [int(x) for x in m.groups() if x] if m else []
        if not ports or not all(0 < p < 65536 for p in ports):
            sys.exit("qemu.py: --hostfwd %s (HOSTFWD=): want HOSTPORT[:GUESTPORT],... (TCP ports 1-65535)" % spec)
        opts.append("hostfwd=tcp:127.0.0.1:%d-:%d" % (ports[0], ports[-1]))
    return ["-global", "virtio-mmio.force-legacy=false", "-netdev", ",".join(opts),
            "-device", "virtio-net-device,netdev=goosenet"]


def qemu_command(a, workdir):
    """(argv, extra environment) of the QEMU that boots goose."""
    fw = a.bios
    tree_args, env = qemu_tree(a.qemu)
    debug = ["-S", "-gdb", "tcp:127.0.0.1:%d" % a.gdb] if a.gdb else []
    cpu = ["-cpu", a.cpu] if a.cpu else []
    bootargs = os.environ.get("GOOSE_BOOTARGS", "")
    base = [a.qemu] + tree_args + ["-machine", a.machine] + cpu + ["-m", a.mem, "-smp", str(a.smp),
                                                                   "-no-reboot"] + console_args(a.console, a.loader, workdir) + \
        net_args(a.net, a.hostfwd)
    if a.loader == "uboot":
        if not os.path.exists(a.uboot):
            sys.exit("qemu.py: no U-Boot %s (Debian package u-boot-qemu; run `make deps`)" % a.uboot)
        disk = os.path.join(workdir, "uboot-disk.img")
        try:
            uboot_disk.build(a.image, disk, bootargs, a.initrd, fdt=a.uboot_fdt)
        except (OSError, ValueError, RuntimeError) as e:
            sys.exit("qemu.py: cannot write the U-Boot disk: %s" % e)
        cmd = base + ["-bios", fw, "-kernel", a.uboot,
                      "-drive", "file=%s,format=raw,if=none,id=hd0" % disk,
                      "-device", "virtio-blk-device,drive=hd0"]
        return cmd + debug + a.qemu_extra, env
    if a.loader == "uefi":
        vars_fd = os.path.join(workdir, "RISCV_VIRT_VARS.fd")
        shutil.copyfile(a.edk2_vars, vars_fd)
        # acpi=off: EDK2 gives a device tree only then.
        cmd = [w if w != a.machine else a.machine + ",acpi=off" for w in base] + [
            "-bios", fw,
            "-drive", "if=pflash,unit=0,format=raw,readonly=on,file=%s" % os.path.abspath(a.edk2),
            "-drive", "if=pflash,unit=1,format=raw,file=%s" % vars_fd]
        if a.uefi_kernel:
            # EDK2's own QEMU loader: the image as an EFI application with
            # -append as its load options and -initrd through LoadFile2.
            cmd += ["-kernel", a.image] + (["-append", bootargs] if bootargs.strip() else []) + \
                (["-initrd", a.initrd] if a.initrd else [])
        else:
            cmd += esp_drive(a, workdir, bootargs, True)
        return cmd + debug + a.qemu_extra, env
    if a.loader == "uboot-efi":
        if not os.path.exists(a.uboot):
            sys.exit("qemu.py: no U-Boot %s" % a.uboot)
        cmd = base + ["-bios", fw, "-kernel", a.uboot] + esp_drive(a, workdir, bootargs, True)
        return cmd + debug + a.qemu_extra, env
    if a.load_addr is not None:
        fw = padded_firmware(fw, a.load_addr, workdir)
    cmd = base + ["-bios", fw, "-kernel", a.image]
    if bootargs.strip():
        cmd += ["-append", bootargs]
    if a.initrd:
        cmd += ["-initrd", a.initrd]
    return cmd + debug + a.qemu_extra, env


def esp_drive(a, workdir, bootargs, cmdline):
    """QEMU arguments for a virtio disk with an EFI system partition holding
    goose (ci/esp.py); cmdline: with /EFI/BOOT/goose.cmdline."""
    disk = os.path.join(workdir, "esp.img")
    try:
        esp.build(a.image, disk, bootargs, a.initrd, cmdline, fdt=a.uboot_fdt if a.loader == "uboot-efi" else None)
    except (OSError, ValueError, RuntimeError) as e:
        sys.exit("qemu.py: cannot write the EFI system partition: %s" % e)
    return ["-drive", "file=%s,format=raw,if=none,id=hd0" % disk, "-device", "virtio-blk-device,drive=hd0"]


# What the console sends for end of input (a terminal's VEOF, ^D): goose's
# console reads end there (payload/fs/devfs.c), as a pipe's end.
CONSOLE_EOF = b"\x04"


def forward_stdin(dst):
    """Copy this script's stdin into QEMU's, then ^D: the program reads
    what was piped in, then end of file."""
    try:
        fd = sys.stdin.fileno()
        while True:
            data = os.read(fd, 65536)
            if not data:
                break
            dst.write(data)
            dst.flush()
        dst.write(CONSOLE_EOF)
        dst.flush()
    except (OSError, ValueError):
        pass
    finally:
        try:
            dst.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", required=True)
    ap.add_argument("--qemu", default=env_default("QEMU", QEMU), help="qemu-system-riscv64 to run (GOOSE_QEMU)")
    ap.add_argument("--firmware", default=env_default("FIRMWARE"),
                    help="OpenSBI fw_dynamic/fw_jump image, or 'default' for QEMU's bundled one "
                         "(GOOSE_FIRMWARE; default Debian's)")
    ap.add_argument("--machine", default=env_default("MACHINE", "virt"),
                    help="virt or sifive_u, options after a comma: virt,aia=aplic-imsic (GOOSE_MACHINE)")
    ap.add_argument("--cpu", default=env_default("CPU"), help="QEMU -cpu model (GOOSE_CPU)")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--fw", default=env_default("FW"), choices=["jump", "dynamic"],
                    help="which kind --firmware is when its name does not tell (GOOSE_FW; default dynamic)")
    ap.add_argument("--loader", default=env_default("LOADER", "opensbi"),
                    choices=["opensbi", "uboot", "uefi", "uboot-efi"],
                    help="opensbi: OpenSBI starts goose itself; uboot: OpenSBI starts U-Boot, "
                         "whose distro boot starts goose from a virtio disk with booti; uefi: EDK2 (--edk2) "
                         "starts goose.efi from an EFI system partition; uboot-efi: U-Boot starts it with "
                         "bootefi (GOOSE_LOADER)")
    ap.add_argument("--edk2", default=env_default("EDK2"),
                    help="EDK2's RISCV_VIRT_CODE.fd for --loader uefi (GOOSE_EDK2; RISCV_VIRT_VARS.fd is "
                         "taken from beside it); `make stacks` fetches Debian's")
    ap.add_argument("--uefi-kernel", action="store_true",
                    help="with --loader uefi: hand goose to EDK2 as QEMU's -kernel (with -initrd and -append) "
                         "instead of on a disk")
    ap.add_argument("--uboot", default=env_default("UBOOT", UBOOT),
                    help="the S-mode U-Boot image for --loader uboot (GOOSE_UBOOT)")
    ap.add_argument("--uboot-fdt", metavar="DTB",
                    help="with --loader uboot or uboot-efi: the device tree U-Boot hands goose (extlinux FDT, or "
                         "bootefi's), while the firmware and U-Boot keep QEMU's own: a board's tree, or one goose "
                         "alone must survive")
    ap.add_argument("--load-addr", type=lambda v: int(v, 0),
                    help="with --loader opensbi --fw dynamic: where goose is loaded and entered "
                         "(a 2 MiB boundary above RAM base + 0x200000)")
    ap.add_argument("--console", default=env_default("CONSOLE", "uart"), choices=["uart", "virtio"],
                    help="uart: the machine's UART; virtio: a virtio console too, which goose then uses "
                         "(output not capped at the UART's byte-at-a-time speed) (GOOSE_CONSOLE)")
    ap.add_argument("--firmware-log", action="store_true",
                    help="also show what the firmware prints before goose")
    ap.add_argument("--net", help="user, user-open or none: a virtio-net device on "
                    "QEMU's user network (restricted for user); make run NET=")
    ap.add_argument("--hostfwd", metavar="HOST[:GUEST],...",
                    help="TCP ports forwarded from the host's 127.0.0.1 to the guest (with --net); make run HOSTFWD=")
    ap.add_argument("--initrd")
    ap.add_argument("--timeout", type=float, default=0, help="seconds; 0 = none")
    ap.add_argument("--print-command", action="store_true")
    ap.add_argument("--gdb", type=int, metavar="PORT",
                    help="stop before the first instruction and wait for gdb on 127.0.0.1:PORT")
    ap.add_argument("qemu_extra", nargs="*")
    a = ap.parse_args()

    if not os.path.exists(a.image):
        sys.exit("qemu.py: no image %s" % a.image)
    if a.fw not in (None, "jump", "dynamic"):
        sys.exit("qemu.py: --fw %s (GOOSE_FW): want jump or dynamic" % a.fw)
    a.machine_name = a.machine.split(",")[0]
    if a.machine_name not in MACHINES:
        sys.exit("qemu.py: --machine %s: want %s, options after a comma" % (a.machine, " or ".join(MACHINES)))
    if not shutil.which(a.qemu):
        sys.exit("qemu.py: no QEMU %s%s" % (a.qemu, " (Debian package qemu-system-misc; run `make deps`)"
                                            if a.qemu == QEMU else ""))
    a.bios, a.fw = resolve_firmware(a)
    if a.loader == "opensbi" and a.fw == "jump" and os.path.getsize(a.image) > FW_JUMP_MAX_IMAGE:
        sys.exit("qemu.py: image %s is %d MiB; under fw_jump an image over 32 MiB overwrites the FDT "
                 "(use FW=dynamic)" % (a.image, os.path.getsize(a.image) >> 20))
    if a.machine_name == "sifive_u" and a.smp < 2:
        say("sifive_u hart 0 is an E51 without an MMU; using -smp 2")
        a.smp = 2
    if a.uboot_fdt and a.loader not in ("uboot", "uboot-efi"):
        sys.exit("qemu.py: --uboot-fdt needs --loader uboot")
    if a.loader == "uboot" and a.machine_name != "virt":
        sys.exit("qemu.py: --loader uboot needs --machine virt (Debian's S-mode U-Boot is built for QEMU virt)")
    if a.loader in EFI_LOADERS and a.machine_name != "virt":
        sys.exit("qemu.py: --loader %s needs --machine virt" % a.loader)
    if a.uefi_kernel and a.loader != "uefi":
        sys.exit("qemu.py: --uefi-kernel needs --loader uefi")
    if a.loader == "uefi":
        if not a.edk2:
            sys.exit("qemu.py: --loader uefi needs --edk2 RISCV_VIRT_CODE.fd (EDK2=; `make stacks` fetches "
                     "Debian's into build/stacks/edk2-*)")
        a.edk2_vars = os.path.join(os.path.dirname(a.edk2), "RISCV_VIRT_VARS.fd")
        for f in (a.edk2, a.edk2_vars):
            if not os.path.isfile(f):
                sys.exit("qemu.py: no %s" % f)
        v = qemu_version(a.qemu)
        if v and v < UEFI_QEMU_MIN:
            sys.exit("qemu.py: --loader uefi needs QEMU %d.%d or later (this is %d.%d): QEMU=... names one "
                     "(`make stacks` fetches QEMU 10)" % (UEFI_QEMU_MIN + v))
    if a.load_addr is not None:
        if a.loader != "opensbi" or a.fw != "dynamic":
            sys.exit("qemu.py: --load-addr needs --loader opensbi --fw dynamic (fw_jump's address is fixed, "
                     "and U-Boot's booti moves the image to RAM base + 0x200000)")
        if a.load_addr % LOAD_ALIGN or a.load_addr <= RAM_BASE + LOAD_ALIGN:
            sys.exit("qemu.py: --load-addr 0x%x: want a 2 MiB boundary above 0x%x"
                     % (a.load_addr, RAM_BASE + LOAD_ALIGN))
        if a.load_addr == RAM_BASE + LOAD_ALIGN:
            a.load_addr = None
        elif a.bios == "default":
            sys.exit("qemu.py: --load-addr pads a copy of the firmware file; -bios default has none "
                     "(give --firmware)")
    workdir = None
    if a.loader != "opensbi" or a.load_addr is not None or a.console == "virtio":
        workdir = tempfile.mkdtemp(prefix="goose-qemu-")
    try:
        return boot(a, workdir)
    finally:
        if workdir and not a.print_command:
            shutil.rmtree(workdir, ignore_errors=True)


def uart_file_lines(a, workdir):
    """Under --console virtio, what went to the UART: shown after the run,
    all of it with --firmware-log, else goose's own lines (a boot that stops
    before goose takes the virtio console says why there)."""
    if a.console != "virtio" or a.loader != "opensbi":
        return []
    try:
        with open(os.path.join(workdir, SERIAL_LOG), "rb") as f:
            lines = f.read().splitlines(keepends=True)
    except OSError:
        return []
    shown = lines if a.firmware_log else [l for l in lines if l.startswith(b"goose: ")]
    if shown:
        say("the UART (a file under --console virtio) said:")
        sys.stdout.buffer.write(b"".join(shown))
        sys.stdout.flush()
    return lines


def boot(a, workdir):
    cmd, env = qemu_command(a, workdir)
    if a.print_command:
        # With an environment of its own: `env VAR=value ... qemu ...`, a
        # command line either way (bench.py runs it word for word).
        pre = ["env"] + ["%s=%s" % kv for kv in sorted(env.items())] if env else []
        print(" ".join(shlex.quote(w) for w in pre + cmd))
        return 0

    # With no terminal, this script holds its stdin until the firmware is
    # done with the UART (OpenSBI 1.1 swallows a byte that is already there)
    # and goose runs, then hands it on; under U-Boot it also answers the
    # autoboot countdown.
    piped = not sys.stdin.isatty()
    efi = a.loader in EFI_LOADERS
    uboot_keys = a.loader in ("uboot", "uboot-efi") and piped
    stdin = subprocess.PIPE if piped else None
    # QEMU stays in our process group, and dies with us (PR_SET_PDEATHSIG):
    # a test driver that kills its runner must not leave a machine behind.
    p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, preexec_fn=die_with_parent,
                         env=dict(os.environ, **env) if env else None)
    recent, answered, forwarding, console_seen = b"", False, False, None
    status, timed_out = None, False
    firmware = None if a.firmware_log else b""
    if a.console == "virtio" and a.loader == "opensbi":
        # The firmware has the UART (a file here): nothing on stdio is
        # its, and it never reads the virtio console's input.
        firmware = None
        if piped:
            forwarding = True
            threading.Thread(target=forward_stdin, args=(p.stdin,), daemon=True).start()
    deadline = time.monotonic() + a.timeout if a.timeout > 0 else None
    out = sys.stdout.buffer
    try:
        if deadline:
            signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError()))
            signal.setitimer(signal.ITIMER_REAL, a.timeout)
        line = b""
        while True:
            chunk = p.stdout.read1(65536)
            if not chunk:
                break
            if piped and not forwarding:
                recent = (recent + chunk)[-4096:]
                if uboot_keys and not answered and UBOOT_AUTOBOOT in recent:
                    answered = True
                    try:
                        p.stdin.write(b" " + (UBOOT_EFI_FDT_COMMAND if efi and a.uboot_fdt else b"") +
                                      UBOOT_COMMAND)
                        p.stdin.flush()
                    except OSError:
                        pass
                if (GOOSE_RUNNING_RE.search(recent) if efi else
                        (UBOOT_STARTING if uboot_keys else OPENSBI_DONE) in recent or b"goose: " in recent):
                    forwarding = True
                    threading.Thread(target=forward_stdin, args=(p.stdin,), daemon=True).start()
            if firmware is not None:
                firmware += chunk
                at = firmware.find(b"goose: ")
                if at >= 0 and efi:
                    # UEFI firmware draws its screen with escape sequences
                    # and no last line to cut at: goose's first words start it.
                    chunk, firmware = firmware[at:], None
                elif efi:
                    continue
                elif at >= 0 and (at == 0 or firmware[at - 1:at] == b"\n"):
                    chunk, firmware = firmware[firmware_cut(firmware[:at]):], None
                else:
                    # The firmware's last line, complete: goose runs now, and
                    # (under goose.quiet) the program may print long before
                    # goose does.
                    done = re.search(re.escape(UBOOT_STARTING if a.loader == "uboot" else OPENSBI_DONE)
                                     + rb"[^\n]*\n", firmware)
                    if not done:
                        continue
                    chunk, firmware = firmware[firmware_cut(firmware[:done.end()]):], None
            out.write(chunk)
            out.flush()
            line += chunk
            *done, line = line.split(b"\n")
            for l in done:
                m = EXIT_RE.search(l)
                if m:
                    status = int(m.group(1))
                m = CONSOLE_RE.search(l)
                if m:
                    console_seen = m.group(1).decode(errors="replace")
        m = EXIT_RE.search(line)
        if m:
            status = int(m.group(1))
        if piped and not forwarding:
            p.stdin.close()
    except TimeoutError:
        timed_out = True
    except KeyboardInterrupt:
        p.kill()
        return 130
    finally:
        if deadline:
            signal.setitimer(signal.ITIMER_REAL, 0)
    if timed_out:
        p.kill()
        p.wait()
        say("timeout after %gs" % a.timeout)
        return 124
    qemu_status = p.wait()
    serial = uart_file_lines(a, workdir)
    if status is None:
        for l in serial:
            m = EXIT_RE.search(l)
            status = int(m.group(1)) if m else status
    if firmware:
        say("goose printed nothing; the firmware said:")
        sys.stderr.buffer.write(firmware)
        sys.stderr.flush()
    if a.console == "virtio" and console_seen not in (None, "virtio-console"):
        say("--console virtio, but goose's console is %s" % console_seen)
        return 1
    if status is None:
        say("no 'goose: exit status N' line; QEMU exited %d" % qemu_status)
        return qemu_status if qemu_status else 1
    if a.machine_name == "virt" and qemu_status != status:
        say("goose said exit status %d but QEMU exited %d" % (status, qemu_status))
    return status


if __name__ == "__main__":
    sys.exit(main())
