#!/usr/bin/env python3
"""Popular third-party modules' own tests under goose and the reference:
`make modules [MODULES="bbolt uuid ..."] [SHORT=1]`.

ci/modules.txt names each module, its pinned version and the packages whose
tests run. This script writes a scratch module in build/modules/ that
requires exactly those versions (`go get -t`, through the Go module proxy;
the sources stay in the module cache), then hands the packages to
ci/pkgtest.py (`go test -exec ci/goose-exec` and `-exec qemu-riscv64`),
whose report lines and `N passed, N failed` it prints. --short (make test)
takes only the lines marked "short"; names select lines by a module path's
substring. A module the proxy cannot serve is a FAIL of its own.
"""

import argparse
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIST = os.path.join(REPO, "ci", "modules.txt")
WORK = os.path.join(REPO, "build", "modules")


def entries():
    """[(module, version, [packages], short)] from ci/modules.txt."""
    out = []
    with open(LIST) as f:
        for n, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            short = words[-1] == "short"
            words = words[:-1] if short else words
            if len(words) < 3 or not words[1].startswith("v"):
                sys.exit("modules: %s:%d: want 'module version packages... [short]'" % (LIST, n))
            out.append((words[0], words[1], words[2:], short))
    return out


def setup(go, chosen):
    """The scratch module requiring every chosen version: [] or the problems."""
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, "go.mod"), "w") as f:
        f.write("module goose.test/modules\n\ngo 1.22\n")
    open(os.path.join(WORK, "go.sum"), "w").close()
    env = dict(os.environ, GOOS="linux", GOARCH="riscv64", CGO_ENABLED="0", GOFLAGS="-mod=mod")
    problems = []
    for mod, ver, pkgs, _ in chosen:
        p = subprocess.run([go, "get", "-t"] + ["%s@%s" % (pkg, ver) for pkg in pkgs], cwd=WORK, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if p.returncode:
            problems.append("%s@%s: go get: %s" % (mod, ver, " ".join(p.stderr.split())[:300]))
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
    chosen = [e for e in entries() if (not a.short or e[3]) and (not a.names or any(n in e[0] for n in a.names))]
    if a.list:
        for mod, ver, pkgs, short in chosen:
            print("%s %s %s%s" % (mod, ver, " ".join(pkgs), " (short)" if short else ""))
        return 0
    if not chosen:
        sys.exit("modules: no module of ci/modules.txt matches %s" % " ".join(a.names))
    problems = setup(a.go, chosen)
    if problems:
        print("plan %d" % len(problems))
        for p in problems:
            print("FAIL " + p)
        print("0 passed, %d failed" % len(problems))
        return 1
    pkgs = [pkg for _, _, ps, _ in chosen for pkg in ps]
    return subprocess.run([sys.executable, os.path.join(REPO, "ci", "pkgtest.py"), "--dir", WORK, "--go", a.go,
                           "--timeout", str(a.timeout)] + pkgs).returncode


if __name__ == "__main__":
    sys.exit(main())
