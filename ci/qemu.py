#!/usr/bin/env python3
"""Boot a goose image on QEMU and exit with the Go program's status.

  GOOSE_BOOTARGS="..." ci/qemu.py --image build/.../goose.bin
             [--machine virt|sifive_u] [--smp N] [--mem 512M] [--fw jump|dynamic]
             [--initrd FILE] [--timeout SECONDS] [--firmware-log]
             [-- more qemu arguments]

The bootargs come from the environment (GOOSE_BOOTARGS) so that words such as
"--" reach goose untouched. What the firmware prints before goose (OpenSBI's
banner, U-Boot's messages) is left out unless --firmware-log: output is held
until goose's first "goose: " line, then shown from the end of the firmware's
last line on ("Boot HART ..." for OpenSBI, "Starting kernel ..." for U-Boot),
so a program booted with goose.quiet loses nothing. When goose never speaks,
the held output goes to stderr. The status is the N of goose's last
"goose: exit status N" line: on QEMU virt the test device ends QEMU with that
same status; on sifive_u (no shutdown device) this line is the only carrier.
Without such a line the status is QEMU's own, or 124 on a timeout, or 1.
Messages of this script go to stderr and start "qemu.py: ".
"""

import argparse
import os
import re
import shlex
import signal
import subprocess
import sys
import time

FW_DIR = "/usr/lib/riscv64-linux-gnu/opensbi/generic"
EXIT_RE = re.compile(rb"goose: exit status (-?\d+)\r?$")
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


def qemu_command(a):
    fw = os.path.join(FW_DIR, "fw_%s.bin" % a.fw)
    if not os.path.exists(fw):
        sys.exit("qemu.py: no firmware %s (run `make deps`)" % fw)
    cmd = ["qemu-system-riscv64", "-machine", a.machine, "-m", a.mem, "-smp", str(a.smp),
           "-nographic", "-no-reboot", "-bios", fw, "-kernel", a.image]
    bootargs = os.environ.get("GOOSE_BOOTARGS", "")
    if bootargs.strip():
        cmd += ["-append", bootargs]
    if a.initrd:
        cmd += ["-initrd", a.initrd]
    return cmd + a.qemu_extra


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", required=True)
    ap.add_argument("--machine", default="virt", choices=["virt", "sifive_u"])
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--fw", default="dynamic", choices=["jump", "dynamic"])
    ap.add_argument("--loader", default="opensbi", choices=["opensbi"],
                    help="opensbi: OpenSBI starts goose itself")
    ap.add_argument("--firmware-log", action="store_true",
                    help="also show what the firmware prints before goose")
    ap.add_argument("--initrd")
    ap.add_argument("--timeout", type=float, default=0, help="seconds; 0 = none")
    ap.add_argument("--print-command", action="store_true")
    ap.add_argument("qemu_extra", nargs="*")
    a = ap.parse_args()

    if not os.path.exists(a.image):
        sys.exit("qemu.py: no image %s" % a.image)
    if a.fw == "jump" and os.path.getsize(a.image) > FW_JUMP_MAX_IMAGE:
        sys.exit("qemu.py: image %s is %d MiB; under fw_jump an image over 32 MiB overwrites the FDT "
                 "(use FW=dynamic)" % (a.image, os.path.getsize(a.image) >> 20))
    if a.machine == "sifive_u" and a.smp < 2:
        say("sifive_u hart 0 is an E51 without an MMU; using -smp 2")
        a.smp = 2
    cmd = qemu_command(a)
    if a.print_command:
        print(" ".join(shlex.quote(w) for w in cmd))
        return 0

    stdin = None if sys.stdin.isatty() else sys.stdin
    p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, start_new_session=True)
    status, timed_out = None, False
    firmware = None if a.firmware_log else b""
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
            if firmware is not None:
                firmware += chunk
                at = firmware.find(b"goose: ")
                if at < 0 or (at > 0 and firmware[at - 1:at] != b"\n"):
                    continue
                chunk, firmware = firmware[firmware_cut(firmware[:at]):], None
            out.write(chunk)
            out.flush()
            line += chunk
            *done, line = line.split(b"\n")
            for l in done:
                m = EXIT_RE.search(l)
                if m:
                    status = int(m.group(1))
        m = EXIT_RE.search(line)
        if m:
            status = int(m.group(1))
    except TimeoutError:
        timed_out = True
    except KeyboardInterrupt:
        os.killpg(p.pid, signal.SIGKILL)
        return 130
    finally:
        if deadline:
            signal.setitimer(signal.ITIMER_REAL, 0)
    if timed_out:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        say("timeout after %gs" % a.timeout)
        return 124
    qemu_status = p.wait()
    if firmware:
        say("goose printed nothing; the firmware said:")
        sys.stderr.buffer.write(firmware)
        sys.stderr.flush()
    if status is None:
        say("no 'goose: exit status N' line; QEMU exited %d" % qemu_status)
        return qemu_status if qemu_status else 1
    if a.machine == "virt" and qemu_status != status:
        say("goose said exit status %d but QEMU exited %d" % (status, qemu_status))
    return status


if __name__ == "__main__":
    sys.exit(main())
