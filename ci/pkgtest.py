#!/usr/bin/env python3
"""Any module's package tests under goose (`go test -exec ci/goose-exec`) and
under qemu-riscv64 (`go test -exec qemu-riscv64`, user-mode Linux) as the
reference: `make gotest PKG=<pattern> [DIR=<module dir>] [GO=go]`.

For each package `go list` matches in DIR (GOOS=linux GOARCH=riscv64
CGO_ENABLED=0), it runs, in DIR,

  go test -count=1 -timeout <T>s -exec <goose>/ci/goose-exec <pkg>
  go test -count=1 -timeout <T>s -exec qemu-riscv64 <pkg>

and prints one ci/report.py line: "ok   <pkg> goose=<s> ref=<s>" when the
goose run passes (the reference failing too is said, not held against goose),
"FAIL <pkg> ..." when it fails while the reference passes, "skip <pkg>: fails
under the reference too" when both fail, "skip <pkg>: no test files"; a
package go list cannot load is a FAIL. Then "N passed, N failed". The output
of both runs is in build/gotest-logs/<pkg>.{goose,ref}.log.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
import report  # noqa: E402

LOGS = os.path.join(REPO, "build", "gotest-logs")
GO_ENV = {"GOOS": "linux", "GOARCH": "riscv64", "CGO_ENABLED": "0"}


def list_packages(go, pkgs, cwd):
    """[(import path, number of test files, error)]; dies when go list does."""
    fmt = "{{.ImportPath}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}\t{{if .Error}}{{.Error}}{{end}}"
    p = subprocess.run([go, "list", "-e", "-f", fmt] + pkgs, cwd=cwd, env=dict(os.environ, **GO_ENV),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    out = []
    for line in p.stdout.splitlines():
        f = line.split("\t")
        if len(f) == 4:
            out.append((f[0], int(f[1]) + int(f[2]), f[3].strip().replace("\n", " ")))
    if p.returncode != 0 and not out:
        sys.exit("pkgtest: go list %s in %s failed: %s" % (" ".join(pkgs), cwd, p.stderr.strip()))
    return out


def go_test(go, pkg, execer, cwd, timeout, log, flags=(), env=None):
    """(passed, seconds, the output's telling line) of one go test run."""
    cmd = [go, "test", "-count=1", "-timeout", "%ds" % timeout] + list(flags) + ["-exec", execer, pkg]
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=dict(os.environ, GOOSE_REPO=REPO, **GO_ENV, **(env or {})),
                           stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout + 120)
        status, out = p.returncode, p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        status, out = None, (e.stdout or b"").decode(errors="replace") + "\npkgtest: killed after %ds\n" % (
            timeout + 120)
    secs = time.monotonic() - start
    with open(log, "w") as f:
        f.write("# (cd %s && %s)\n# status %s, %.1fs\n%s" % (cwd, " ".join(cmd), status, secs, out))
    lines = [l for l in out.splitlines() if l.strip()]
    why = next((l.strip() for l in lines if re.match(r"\s*--- FAIL|panic: |goose-exec: |goose: ", l)),
               lines[-1].strip() if lines else "no output")
    return status == 0, secs, why


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pkgs", nargs="+", help="package patterns, as go test takes them (./..., example.com/x)")
    ap.add_argument("--dir", default=".", help="the module directory go runs in (default: here)")
    ap.add_argument("--go", default="go", help="the go command (default: go on PATH)")
    ap.add_argument("--timeout", type=int, default=600, help="go test -timeout, seconds (default 600)")
    a = ap.parse_args()
    cwd = os.path.abspath(a.dir)
    go = shutil.which(a.go) or a.go
    pkgs = list_packages(go, [w for p in a.pkgs for w in p.split()], cwd)
    rep = report.Report()
    rep.plan(len(pkgs))
    run_packages(rep, go, pkgs, cwd, a.timeout)
    return rep.finish()


def run_packages(rep, go, pkgs, cwd, timeout, flags=(), env=None):
    """One report line for each of pkgs (list_packages' tuples): go test
    under goose (env: more of its GOOSE_* knobs) and under the reference,
    flags given to both."""
    os.makedirs(LOGS, exist_ok=True)
    goose_exec = os.path.join(REPO, "ci", "goose-exec")
    ref_exec = shutil.which("qemu-riscv64")
    for path, ntests, error in pkgs:
        if error:
            rep.fail(path, "go list: " + error[:200])
            continue
        if not ntests:
            rep.skip(path, "no test files")
            continue
        base = os.path.join(LOGS, path.replace("/", "_"))
        g_ok, g_secs, g_why = go_test(go, path, goose_exec, cwd, timeout, base + ".goose.log", flags, env)
        if ref_exec:
            r_ok, r_secs, r_why = go_test(go, path, ref_exec, cwd, timeout, base + ".ref.log", flags)
            ref = "ref=%.1fs" % r_secs if r_ok else "ref=FAIL %.1fs (%s)" % (r_secs, r_why)
        else:
            r_ok, ref = None, "ref=not run (no qemu-riscv64)"
        logs = os.path.relpath(base, REPO) + ".{goose,ref}.log"
        if g_ok:
            rep.line("ok", "ok   %s goose=%.1fs %s" % (path, g_secs, ref))
        elif r_ok is False:
            rep.skip(path, "fails under the reference too: goose=FAIL %.1fs (%s) %s (logs: %s)"
                     % (g_secs, g_why, ref, logs))
        else:
            rep.line("FAIL", "FAIL %s goose=FAIL %.1fs (%s) %s (logs: %s)" % (path, g_secs, g_why, ref, logs))


if __name__ == "__main__":
    sys.exit(main())
