#!/usr/bin/env python3
"""docs/boot.md's table of goose.* options, made from the BOOT_OPTION lines
of payload/ (lib/bootargs.h): each option is declared once, beside the code
that acts on it, and goose's own check of a command line, its "goose knows
..." message and this table all come from those declarations.

  ci/mkoptions.py           rewrite the table in docs/boot.md (`make docs`)
  ci/mkoptions.py --check   exit 1 when docs/boot.md's table is stale (make test)
  ci/mkoptions.py --list    the options, one a line

The table sits between the lines BEGIN and END below in docs/boot.md.
"""

import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAYLOAD = os.path.join(REPO, "payload")
DOC = os.path.join(REPO, "docs", "boot.md")
BEGIN = "<!-- goose.* options: made by `make docs` (ci/mkoptions.py) from payload/'s BOOT_OPTION lines -->"
END = "<!-- end of the options -->"
STRINGS = r'((?:\s*"(?:\\.|[^"\\])*")+)'
OPTION_RE = re.compile(r"BOOT_OPTION\(\s*(\w+)\s*," + STRINGS + r"\s*," + STRINGS + r"\s*," + STRINGS + r"\s*\)")


def c_string(lits):
    """Adjacent C string literals, joined and unescaped (\\" and \\\\ only)."""
    s = "".join(re.findall(r'"((?:\\.|[^"\\])*)"', lits))
    return re.sub(r"\\(.)", r"\1", s)


def options():
    found = []
    for root, dirs, files in os.walk(PAYLOAD):
        dirs[:] = sorted(d for d in dirs if d != "tests")
        for f in sorted(files):
            if not f.endswith(".c"):
                continue
            path = os.path.join(root, f)
            with open(path) as fh:
                text = fh.read()
            for m in OPTION_RE.finditer(text):
                found.append((c_string(m.group(2)), c_string(m.group(3)), c_string(m.group(4)),
                              os.path.relpath(path, REPO)))
    names = [o[0] for o in found]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        sys.exit("mkoptions: option declared twice: %s" % " ".join(dup))
    return sorted(found)


def table(opts):
    rows = ["| option | meaning | declared in |", "| --- | --- | --- |"]
    rows += ["| `%s` | %s | %s |" % (usage, doc, where) for _, usage, doc, where in opts]
    return "\n".join([BEGIN] + rows + [END])


def rewritten(doc, opts):
    i, j = doc.find(BEGIN), doc.find(END)
    if i < 0 or j < i:
        sys.exit("mkoptions: docs/boot.md has no %r ... %r block" % (BEGIN, END))
    return doc[:i] + table(opts) + doc[j + len(END):]


def main():
    opts = options()
    if "--list" in sys.argv:
        print("\n".join(o[0] for o in opts))
        return 0
    with open(DOC) as f:
        doc = f.read()
    new = rewritten(doc, opts)
    if "--check" in sys.argv:
        if new != doc:
            print("docs/boot.md's option table is stale: run `make docs` and commit it", file=sys.stderr)
            return 1
        return 0
    if new != doc:
        with open(DOC, "w") as f:
            f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
