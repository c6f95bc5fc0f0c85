#!/usr/bin/env python3
"""make mutants: deliberate bugs the test suite must catch.

Each file ci/mutants/NAME.patch is one small bug (a unified diff, most of one
line) with a header of "key: value" lines before the diff:

  what: console read returns EOF when no byte is waiting
  test: python3 ci/gotest.py --go =go stdin_lines
  (more test: lines run in turn; the mutant is killed when any fails)

For each mutant, this script copies the working tree (tracked and untracked
files, less build/) to a scratch directory outside the repository, applies
the patch there, runs its test commands in the copy (a word "=go" in a
command is "=" and the go on PATH), logs to build/mutants/NAME.log, and says

  killed   NAME  (by: <command>, exit N)        when a command failed
  SURVIVED NAME: <what>                         when every command passed
  ERROR    NAME: <why>                          the patch does not apply, ...

then "N killed, N survived" (", N errors"). Before the mutants, each distinct
test command runs once on an unpatched copy and must pass (a command that
fails anyway kills nothing); --no-baseline skips that.

It exits 0 only when every mutant was killed. It is not part of `make test`
(each mutant rebuilds goose and boots QEMU); run it after changing a test or
the harness, and add a mutant with every bug fixed (ci/mutants/README.md).
"""

import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MUTANTS = os.path.join(REPO, "ci", "mutants")
LOGS = os.path.join(REPO, "build", "mutants")
# Scratch copies live outside the repository: inside it, git apply would
# take the patch's paths as the repository's own.
SCRATCH = None
HEADER_RE = re.compile(r"^(what|test|issue): (.*)$")
print_lock = threading.Lock()


def say(line):
    with print_lock:
        print(line, flush=True)


class Mutant:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-len(".patch")]
        self.what, self.tests = "", []
        with open(path) as f:
            for line in f:
                if line.startswith(("--- ", "diff ")):
                    break
                m = HEADER_RE.match(line.rstrip("\n"))
                if m and m.group(1) == "what":
                    self.what = m.group(2)
                elif m and m.group(1) == "test":
                    self.tests.append(m.group(2))


def copy_tree(dst):
    """The working tree as it is (committed or not), without build/."""
    shutil.rmtree(dst, ignore_errors=True)
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for rel in files:
        if not rel or rel.startswith("build/"):
            continue
        src = os.path.join(REPO, rel)
        if not os.path.lexists(src):
            continue  # deleted in the working tree
        out = os.path.join(dst, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copy2(src, out, follow_symlinks=False)
    # git describe in the copy (the banner's version) needs no repository.
    return dst


def command(cmd):
    go = shutil.which("go") or "go"
    return [w.replace("=go", "=" + go) if w == "=go" else w for w in shlex.split(cmd)]


def run_tests(tree, tests, log, timeout):
    """Runs tests in tree; returns (failing command or None, its status)."""
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    env.pop("MAKELEVEL", None)
    with open(log, "a") as f:
        for cmd in tests:
            f.write("\n$ %s\n" % cmd)
            f.flush()
            try:
                p = subprocess.run(["bash", "-c", " ".join(shlex.quote(w) for w in command(cmd))], cwd=tree,
                                   env=env, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                                   timeout=timeout)
                status = p.returncode
            except subprocess.TimeoutExpired:
                status = "timeout"
            f.write("# exit %s\n" % status)
            if status != 0:
                return cmd, status
    return None, 0


def try_mutant(m, timeout):
    tree = copy_tree(os.path.join(SCRATCH, m.name))
    log = os.path.join(LOGS, m.name + ".log")
    with open(log, "w") as f:
        f.write("# %s: %s\n" % (m.name, m.what))
    if not m.tests:
        return "ERROR", "ERROR    %s: no test: line" % m.name
    p = subprocess.run(["git", "apply", "--whitespace=nowarn", m.path], cwd=tree, capture_output=True, text=True)
    if p.returncode != 0:
        shutil.rmtree(tree, ignore_errors=True)
        return "ERROR", "ERROR    %s: the patch does not apply: %s" % (m.name, (p.stderr.strip() or "?").splitlines()[0])
    cmd, status = run_tests(tree, m.tests, log, timeout)
    shutil.rmtree(tree, ignore_errors=True)
    if cmd is None:
        return "survived", "SURVIVED %s: %s (log: %s)" % (m.name, m.what, os.path.relpath(log, REPO))
    return "killed", "killed   %s  (by: %s, exit %s)" % (m.name, cmd, status)


def baseline(tests, timeout):
    """Every distinct test command must pass on the unpatched tree."""
    tree = copy_tree(os.path.join(SCRATCH, "baseline"))
    log = os.path.join(LOGS, "baseline.log")
    open(log, "w").close()
    bad = []
    for cmd in tests:
        failed, status = run_tests(tree, [cmd], log, timeout)
        if failed:
            bad.append("%s (exit %s)" % (cmd, status))
    shutil.rmtree(tree, ignore_errors=True)
    return bad, log


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("names", nargs="*", help="mutants to try (default: every ci/mutants/*.patch)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="mutants at once (default 2)")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per test command (default 1800)")
    ap.add_argument("--no-baseline", action="store_true", help="do not first run the commands unpatched")
    ap.add_argument("--list", action="store_true", help="print the catalog and exit")
    a = ap.parse_args()
    mutants = [Mutant(os.path.join(MUTANTS, f)) for f in sorted(os.listdir(MUTANTS)) if f.endswith(".patch")]
    if a.names:
        unknown = set(a.names) - {m.name for m in mutants}
        if unknown:
            sys.exit("mutants: no such mutant: %s" % " ".join(sorted(unknown)))
        mutants = [m for m in mutants if m.name in a.names]
    if a.list:
        for m in mutants:
            print("%-28s %s" % (m.name, m.what))
        return 0
    global SCRATCH
    os.makedirs(LOGS, exist_ok=True)
    SCRATCH = tempfile.mkdtemp(prefix="goose-mutants-")
    try:
        return run_all(a, mutants)
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)


def run_all(a, mutants):
    start = time.monotonic()
    if not a.no_baseline:
        cmds = list(dict.fromkeys(c for m in mutants for c in m.tests))
        say("# baseline: %d test commands on the unpatched tree" % len(cmds))
        bad, log = baseline(cmds, a.timeout)
        if bad:
            for b in bad:
                say("ERROR    baseline: fails without a mutant: %s" % b)
            say("# log: %s" % os.path.relpath(log, REPO))
            return 2
        say("# baseline passed (%.0fs)" % (time.monotonic() - start))
    counts = {"killed": 0, "survived": 0, "ERROR": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        for kind, line in ex.map(lambda m: try_mutant(m, a.timeout), mutants):
            counts[kind] += 1
            say(line)
    say("# mutants took %.0fs" % (time.monotonic() - start))
    summary = "%d killed, %d survived" % (counts["killed"], counts["survived"])
    if counts["ERROR"]:
        summary += ", %d errors" % counts["ERROR"]
    say(summary)
    return 0 if counts["killed"] == len(mutants) else 1


if __name__ == "__main__":
    sys.exit(main())
