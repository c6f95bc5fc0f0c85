#!/usr/bin/env python3
"""Popular third-party modules' own tests under goose and the reference:
`make modules [MODULES="bbolt uuid ..."] [SHORT=1]`.

ci/modules.txt names each module, its pinned version, the packages whose
tests run, go test flags for them (-short, -run=...) and goose's memory
(mem=2G: GOOSE_MEM for ci/goose-exec; the tests' files live in RAM). This script writes a scratch module in build/modules/ that
requires exactly those versions (`go get -t`, through the Go module proxy;
the sources stay in the module cache), then hands the packages to
ci/pkgtest.py's runner (`go test -exec ci/goose-exec` and `-exec
qemu-riscv64`): one report line a package, then `N passed, N failed`. --short (make test)
takes only the lines marked "short"; names select lines by a module path's
substring. A module the proxy cannot serve is a FAIL of its own.
"""

import argparse
import os
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
import pkgtest  # noqa: E402
import report  # noqa: E402

LIST = os.path.join(REPO, "ci", "modules.txt")
WORK = os.path.join(REPO, "build", "modules")


class Entry:
    """A line of ci/modules.txt: module version packages... [options]."""

    def __init__(self, words, where):
        self.module, self.version = words[0], words[1]
        self.pkgs, self.flags, self.mem, self.short = [], [], None, False
        for w in words[2:]:
            if w == "short":
                self.short = True
            elif w.startswith("mem="):
                self.mem = w[4:]
            elif w.startswith("-"):
                self.flags.append(w)
            else:
                self.pkgs.append(w)
        if not self.version.startswith("v") or not self.pkgs:
            sys.exit("modules: %s: want 'module version packages... [-flag] [mem=SIZE] [short]'" % where)


def entries():
    """Every line of ci/modules.txt."""
    out = []
    with open(LIST) as f:
        for n, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if words:
                out.append(Entry(words, "%s:%d" % (LIST, n)))
    return out


def setup(go, chosen):
    """The scratch module requiring every chosen version: [] or the problems."""
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, "go.mod"), "w") as f:
        f.write("module goose.test/modules\n\ngo 1.22\n")
    open(os.path.join(WORK, "go.sum"), "w").close()
    env = dict(os.environ, GOOS="linux", GOARCH="riscv64", CGO_ENABLED="0", GOFLAGS="-mod=mod")
    problems = []
    for e in chosen:
        p = subprocess.run([go, "get", "-t"] + ["%s@%s" % (pkg, e.version) for pkg in e.pkgs], cwd=WORK, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if p.returncode:
            problems.append("%s@%s: go get: %s" % (e.module, e.version, " ".join(p.stderr.split())[:300]))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="only modules whose path contains one of these")
    ap.add_argument("--short", action="store_true", help="only the lines marked short (make test)")
    ap.add_argument("--go", default="go", help="the go command")
    ap.add_argument("--timeout", type=int, default=900, help="go test -timeout per package, seconds")
    ap.add_argument("--list", action="store_true", help="print the list and exit")
    a = ap.parse_args()
    chosen = [e for e in entries() if (not a.short or e.short) and (not a.names or any(n in e.module for n in a.names))]
    if a.list:
        for e in chosen:
            print("%s %s %s%s" % (e.module, e.version, " ".join(e.pkgs + e.flags), " (short)" if e.short else ""))
        return 0
    if not chosen:
        sys.exit("modules: no module of ci/modules.txt matches %s" % " ".join(a.names))
    rep = report.Report()
    problems = setup(a.go, chosen)
    if problems:
        rep.plan(len(problems))
        for p in problems:
            rep.fail(p.split(":")[0], p)
        return rep.finish()
    # -mod=mod: go test may add the go.sum lines of a package's test-only
    # imports, which go get -t leaves out for a dependency's package.
    os.environ["GOFLAGS"] = "-mod=mod"
    go = shutil.which(a.go) or a.go
    lists = [(e, pkgtest.list_packages(go, e.pkgs, WORK)) for e in chosen]
    rep.plan(sum(len(pkgs) for _, pkgs in lists))
    for e, pkgs in lists:
        pkgtest.run_packages(rep, go, pkgs, WORK, a.timeout, e.flags, {"GOOSE_MEM": e.mem} if e.mem else None)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
