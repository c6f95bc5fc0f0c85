#!/usr/bin/env python3
"""docs/boards/board-check.md: what `make board-check` prints for every
device tree under dts/ and dts/variants/, made by running it.

  ci/mkboards.py           rewrite docs/boards/board-check.md (`make docs`)
  ci/mkboards.py --check   exit 1 when the file is stale, or when board-check
                           refuses a tree no refusal is expected of (make test)

board-check exits 1 only on a tree goose would refuse; REFUSED names the
trees that are meant to be refused (none today), so a parser change that
starts refusing a board's tree fails make test.
"""

import glob
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(REPO, "docs", "boards", "board-check.md")
TOOL = os.path.join(REPO, "build", "host", "board_check")
REFUSED = set()

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


def main():
    build()
    results = [check_one(t) for t in trees()]
    problems = ["dts/%s: board-check exited %d%s" % (rel, st, "" if st != 1 else " (refused: %s)" % txt.strip())
                for rel, st, txt in results if (st != 0) != (rel in REFUSED)]
    doc = render(results)
    if "--check" in sys.argv:
        with open(DOC) as f:
            if f.read() != doc:
                problems.append("docs/boards/board-check.md is stale: run make docs")
        for p in problems:
            print(p)
        return 1 if problems else 0
    with open(DOC, "w") as f:
        f.write(doc)
    for p in problems:
        print("mkboards: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
