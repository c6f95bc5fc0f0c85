#!/usr/bin/env python3
"""docs/boards/board-check.md: what `make board-check` prints for every
device tree under dts/ and dts/variants/, made by running it.

  ci/mkboards.py           rewrite docs/boards/board-check.md and the
                           board-check blocks of the board pages (`make docs`)
  ci/mkboards.py --check   exit 1 when the file is stale, or when board-check
                           refuses a tree no refusal is expected of (make test)

board-check exits 1 only on a tree goose would refuse; REFUSED names the
trees that are meant to be refused (none today), so a parser change that
starts refusing a board's tree fails make test.
"""

import glob
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(REPO, "docs", "boards", "board-check.md")
TOOL = os.path.join(REPO, "build", "host", "board_check")
REFUSED = set()

# What board-check must say of each board tree, from the boards' public facts
# (issue 17), not from its output: the console driver and address, the usable
# harts, the interrupt controller, RAM or the warning for its absence. A
# line is a prefix the output must hold; every tree under dts/ (variants
# aside) needs an entry, so a new board comes with its facts.
UART = "console: uart16550 "
DW = UART + "snps,dw-apb-uart @"
SIFIVE = "console: uart-sifive sifive,uart0 @0x10010000 "
PLIC = "irq: plic sifive,plic-1.0.0 @0xc000000 "
NO_MEMORY = "warning: no /memory node: the firmware must add one"
EXPECT = {
    "qemu-virt.dts": [UART + "ns16550a @0x10000000 ", "harts: 2 usable (0 1)", PLIC, "poweroff: sifive,test0",
                      "clock: goldfish-rtc"],
    "sifive_u.dts": [SIFIVE, "harts: 1 usable (1); skipped: 0 (no MMU)", PLIC],
    "unmatched.dts": [SIFIVE, "harts: 4 usable (1 2 3 4); skipped: 0 (no MMU)", PLIC,
                      "ram: 0x80000000-0x47fffffff (16384 MiB)"],
    "hifive-unleashed.dts": [SIFIVE, "harts: 4 usable (1 2 3 4); skipped: 0 (no MMU)", PLIC,
                             "ram: 0x80000000-0x27fffffff (8192 MiB)"],
    "visionfive2.dts": [DW + "0x10000000 reg-shift 2 reg-io-width 4", "harts: 4 usable (1 2 3 4); skipped: 0",
                        PLIC, "ram: 0x40000000-0x13fffffff", "timebase: 4000000 Hz"],
    "visionfive2-v1.2a.dts": [DW + "0x10000000 reg-shift 2 reg-io-width 4", "harts: 4 usable (1 2 3 4); skipped: 0",
                              PLIC, "ram: 0x40000000-"],
    "visionfive2-lite.dts": [DW + "0x10000000 reg-shift 2 reg-io-width 4", "harts: 4 usable (1 2 3 4); skipped: 0",
                             PLIC, "ram: 0x40000000-"],
    "polarfire-icicle.dts": [UART + "ns16550a @0x20100000 reg-shift 2 reg-io-width 4",
                             "harts: 4 usable (1 2 3 4); skipped: 0", PLIC, "ram: 0x80000000-"],
    "milkv-pioneer.dts": [DW + "0x7040000000 ", "harts: 64 usable (0 1 2", "irq: plic thead,c900-plic @0x7090000000 ",
                          NO_MEMORY, "timebase: 50000000 Hz"],
    "sophgo-sg2044.dts": [DW + "0x7030001000 ", "harts: 64 usable (0 1 2", "irq: plic thead,c900-plic @0x6d40000000 ",
                          "ram: 0x80000000-"],
    "lichee-pi-4a.dts": [DW + "0xffe7014000 ", "harts: 4 usable (0 1 2 3)", "irq: plic thead,c900-plic @0xffd8000000 ",
                         "timebase: 3000000 Hz", "ram: 0x0-0x1ffffffff"],
    "bananapi-f3.dts": [UART + "spacemit,k1-uart @0xd4017000 reg-shift 2 reg-io-width 4",
                        "harts: 8 usable (0 1 2 3 4 5 6 7)", "irq: plic sifive,plic-1.0.0 @0xe0000000 ", NO_MEMORY,
                        "timebase: 24000000 Hz"],
    "hifive-premier-p550.dts": [DW + "0x50900000 ", "harts: 4 usable (0 1 2 3)", PLIC, NO_MEMORY],
}

HEAD = """# What board-check says of each tree

Made by `make docs` (ci/mkboards.py): `make board-check DTB=<tree>` for every
device tree under [dts/](../../dts), as goose would boot on it. Do not edit;
make test fails when it is stale. What the lines mean: [README.md](README.md#before-you-flash-make-board-check).
"""


def trees():
    return sorted(glob.glob(os.path.join(REPO, "dts", "*.dts"))) + \
        sorted(glob.glob(os.path.join(REPO, "dts", "variants", "*.dts")))


def build():
    subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO, "dtbs", "build/host/board_check"], check=True,
                   stdout=subprocess.DEVNULL)


def check_one(dts):
    rel = os.path.relpath(dts, os.path.join(REPO, "dts"))
    dtb = os.path.join(REPO, "build", "dtb", rel[:-len(".dts")] + ".dtb")
    p = subprocess.run([TOOL, dtb], capture_output=True, text=True)
    return rel, p.returncode, p.stdout + p.stderr


def render(results):
    out = [HEAD]
    for rel, status, text in results:
        out.append("## dts/%s\n" % rel)
        out.append("```\n%s```\n" % text)
    return "\n".join(out)


BLOCK = re.compile(r"(<!-- board-check (dts/[^ ]+) -->\n)(.*?)(<!-- end board-check -->)", re.S)


def pages(outputs):
    """Each board page (docs/boards/*.md) with its board-check blocks filled:
    between "<!-- board-check dts/<tree> -->" and "<!-- end board-check -->"
    goes what board-check prints for that tree. Returns {path: (old, new)}
    and the trees named that do not exist."""
    out, unknown = {}, []
    for path in sorted(glob.glob(os.path.join(os.path.dirname(DOC), "*.md"))):
        if path == DOC:
            continue
        with open(path) as f:
            old = f.read()

        def fill(m):
            rel = m.group(2)[len("dts/"):]
            if rel not in outputs:
                unknown.append("%s names %s, which is no tree under dts/" % (os.path.relpath(path, REPO), m.group(2)))
                return m.group(0)
            return m.group(1) + "```\n" + outputs[rel] + "```\n" + m.group(4)
        out[path] = (old, BLOCK.sub(fill, old))
    return out, unknown


def main():
    build()
    results = [check_one(t) for t in trees()]
    boards, unknown = pages({rel: txt for rel, _, txt in results})
    problems = ["dts/%s: board-check exited %d%s" % (rel, st, "" if st != 1 else " (refused: %s)" % txt.strip())
                for rel, st, txt in results if (st != 0) != (rel in REFUSED)]
    for rel, _, txt in results:
        if "/" in rel:
            continue
        if rel not in EXPECT:
            problems.append("dts/%s: no EXPECT entry in ci/mkboards.py (what board-check must say of it)" % rel)
        lines = txt.splitlines()
        for want in EXPECT.get(rel, []):
            if not any(line.startswith(want) for line in lines):
                problems.append("dts/%s: board-check does not say %r" % (rel, want))
    problems += unknown
    doc = render(results)
    if "--check" in sys.argv:
        with open(DOC) as f:
            if f.read() != doc:
                problems.append("docs/boards/board-check.md is stale: run make docs")
        problems += ["%s: its board-check output is stale: run make docs" % os.path.relpath(p, REPO)
                     for p, (old, new) in boards.items() if old != new]
        for p in problems:
            print(p)
        return 1 if problems else 0
    with open(DOC, "w") as f:
        f.write(doc)
    for path, (old, new) in boards.items():
        if old != new:
            with open(path, "w") as f:
                f.write(new)
    for p in problems:
        print("mkboards: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
