#!/usr/bin/env python3
"""payload/'s layering, checked: which folder may include which.

The folders of payload/ form one order, lowest first (docs/architecture.md
draws it). A file may include headers of its own folder and of folders
earlier in the order, never later: so no two folders include each other,
and the order can be drawn. sbi/ (outside payload/) sits with arch.

  ci/layers.py            check; print one line per violation, exit 1 if any
  ci/layers.py --graph    print the folder-to-folder edges found

Also refused: a .c or .S file directly in payload/, a source file over
1,000 lines (a file that big holds more than one thing), and an #include
that names a header by bare file name from another folder (write
"mm/vm.h", not "vm.h", so every edge shows where it goes).
"""

import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAYLOAD = os.path.join(REPO, "payload")
ORDER = ["include/uapi", "lib", "arch/riscv", "dev", "mm", "kernel", "fs", "net", "sys", "boot"]
EXTERNAL = {"sbi": "arch/riscv"}  # "sbi/sbi.h" (from the top): at arch's level
# Headers made at build time from payload/sys/syscalls.tbl (ci/mksyscalls.py).
GENERATED = {"include/uapi/unistd.h": "include/uapi", "sys/syscall_table.h": "sys"}
MAX_LINES = 1000
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of(path):
    rel = os.path.relpath(path, PAYLOAD)
    for f in sorted(ORDER, key=len, reverse=True):
        if rel.startswith(f + "/"):
            return f
    return None


def sources():
    for root, dirs, files in os.walk(PAYLOAD):
        dirs[:] = [d for d in dirs if d != "tests"]
        for f in sorted(files):
            if f.endswith((".c", ".h", ".S")):
                yield os.path.join(root, f)


def check():
    problems, edges = [], {}
    for path in sources():
        rel = os.path.relpath(path, REPO)
        here = folder_of(path)
        with open(path, errors="replace") as f:
            text = f.read()
        if os.path.dirname(path) == PAYLOAD and path.endswith((".c", ".S")):
            problems.append("%s: a source file directly in payload/ (it belongs in a folder)" % rel)
        if here is None and os.path.dirname(path) != PAYLOAD:
            problems.append("%s: folder not in ci/layers.py's ORDER" % rel)
            continue
        n = text.count("\n")
        if n > MAX_LINES:
            problems.append("%s: %d lines (over %d)" % (rel, n, MAX_LINES))
        for inc in INCLUDE_RE.findall(text):
            if inc.split("/")[0] in EXTERNAL and os.path.exists(os.path.join(REPO, inc)):
                there = EXTERNAL[inc.split("/")[0]]
            elif inc in GENERATED:
                there = GENERATED[inc]
            elif "/" in inc:
                there = folder_of(os.path.join(PAYLOAD, inc))
                if not os.path.exists(os.path.join(PAYLOAD, inc)):
                    problems.append("%s: #include \"%s\": no such file under payload/" % (rel, inc))
                    continue
            else:
                if not os.path.exists(os.path.join(os.path.dirname(path), inc)):
                    problems.append("%s: #include \"%s\": name the folder (\"<folder>/%s\")" % (rel, inc, inc))
                    continue
                there = here
            if there is None or here is None or there == here:
                continue
            edges.setdefault((here, there), rel + " -> " + inc)
            if ORDER.index(there) > ORDER.index(here):
                problems.append("%s: includes \"%s\" of %s/, a layer above %s/" % (rel, inc, there, here))
    return problems, edges


def main():
    problems, edges = check()
    if "--graph" in sys.argv:
        for (a, b), where in sorted(edges.items(), key=lambda e: (ORDER.index(e[0][0]), ORDER.index(e[0][1]))):
            print("%-12s -> %-12s (%s)" % (a, b, where))
        return 0
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
