#!/usr/bin/env python3
"""payload/'s layering, checked: which folder may include which.

The folders of payload/ form one order, lowest first (docs/architecture.md
draws it). A file may include headers of its own folder and of folders
earlier in the order, never later: so no two folders include each other,
and the order can be drawn. sbi/ (outside payload/) sits with arch.

  ci/layers.py            check; print one line per violation, exit 1 if any
  ci/layers.py --graph    print the folder-to-folder edges found
  ci/layers.py --dot      write docs/layers.dot: the picture docs/architecture.md
                          shows (`make docs` draws docs/layers.svg from it)
  ci/layers.py --check    fail when docs/layers.dot is not what --dot writes

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
# What each folder is, for the picture.
ABOUT = {
    "boot": "goose_main: the boot, in order;\nthe program embedded in the image",
    "sys": "system-call entry points: decode, copy, call down;\nsyscalls.tbl -> dispatch table, names, docs",
    "net": "sockets: socket.c, msg.c, stream.c, and one file per\nfamily (unix.c, inet.c, raw.c, netlink.c)",
    "fs": "files: fds, namei (paths), tmpfs, tree, devfs,\nprocfs, pipes, epoll, eventfd, /dev/mem, /dev/irq",
    "kernel": "threads, scheduler, traps, signals, clock,\nloader, vDSO, credentials, trace",
    "mm": "pmem (pages), kmem (objects), kmap (direct map),\nvm (the program's mappings, faults, uaccess)",
    "dev": "drivers as data: console + UARTs + SBI consoles,\nPLIC, power-off, RTC, entropy",
    "arch/riscv": "entry.S, trap.S, frame, harts, SMP,\nspinlocks, CSRs, link script, vDSO text",
    "lib": "pure code, fuzzed: fdt, elf, gosym, cpio,\nbootargs, registries, strings",
    "include/uapi": "Linux's ABI: numbers and layouts,\neach defined once (with its Linux source)",
}
DOT = os.path.join(REPO, "docs", "layers.dot")
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


def reduced(edges):
    """The edges no longer path implies (the transitive reduction)."""
    succ = {}
    for a, b in edges:
        succ.setdefault(a, set()).add(b)

    def reach(a, skip):
        seen, todo = set(), [n for n in succ.get(a, ()) if (a, n) != skip]
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(succ.get(n, ()))
        return seen

    return sorted((e for e in edges if e[1] not in reach(e[0], e)),
                  key=lambda e: (-ORDER.index(e[0]), -ORDER.index(e[1])))


def dot(edges):
    out = ["// payload/'s layers: written by ci/layers.py --dot (make docs), which draws",
           "// docs/layers.svg from it. An arrow: includes headers of (arrows that others",
           "// imply are left out). Do not edit; make docs.",
           "digraph layers {",
           '\tgraph [rankdir=TB, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.3, bgcolor="white"];',
           '\tnode [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fillcolor="#fdf1d6"];',
           '\tedge [color="#777777", arrowsize=0.7];']
    for f in reversed(ORDER):
        fill = {"boot": "#dde8f6", "sys": "#fbe3e3", "include/uapi": "#dff3df", "lib": "#dff3df"}.get(f, "#fdf1d6")
        out.append('\t"%s" [label="%s/\\n%s", fillcolor="%s"];' % (f, f, ABOUT[f].replace("\n", "\\n"), fill))
    for a, b in reduced(edges):
        out.append('\t"%s" -> "%s";' % (a, b))
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    problems, edges = check()
    if "--dot" in sys.argv or "--check" in sys.argv:
        want = dot(edges)
        if "--dot" in sys.argv:
            with open(DOT, "w") as f:
                f.write(want)
            return 0
        with open(DOT) as f:
            if f.read() != want:
                print("docs/layers.dot is stale: run make docs")
                return 1
        return 0
    if "--graph" in sys.argv:
        for (a, b), where in sorted(edges.items(), key=lambda e: (ORDER.index(e[0][0]), ORDER.index(e[0][1]))):
            print("%-12s -> %-12s (%s)" % (a, b, where))
        return 0
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
