#!/usr/bin/env python3
"""Soak: runs conformance programs under goose many times, at each SMP, to
catch what fails only sometimes (a signal landing in a thread's first
instructions, a race between harts). `make soak-cgo` runs every cgo test
(test.conf cgo=static) 20 times at SMP 1 and at SMP 2:

  ci/soak.py [--runs N] [--smp 1,2] [--only PATTERN] [-j JOBS] [NAME ...]

Each program is built once with the machine's go (ci/gotest.py's build) and
checked as gotest checks a goose run (output, status, harts); the
qemu-riscv64 reference is gotest's business, not repeated here. Speaks
ci/report.py's protocol: "plan N", one ok/FAIL/skip line per run
(NAME@smpS#I), then "N passed, N failed"; a failed run leaves its log in
build/test-logs/soak-NAME-smpS-I.log. Without the cross compiler every run is
a skip naming it (a failure under GOOSE_REQUIRE_TOOLCHAINS=1).
"""

import argparse
import concurrent.futures
import fnmatch
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gotest  # noqa: E402
import report  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--runs", type=int, default=20, help="runs per program and SMP (default 20)")
    ap.add_argument("--smp", default="1,2", help="comma-separated hart counts (default 1,2)")
    ap.add_argument("--only", default="cgo_*", help="tests whose name matches this glob (default cgo_*)")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="runs at once (default 1)")
    ap.add_argument("tests", nargs="*", help="test names (default: --only's)")
    args = ap.parse_args()
    names = args.tests or [n for n in gotest.discover() if fnmatch.fnmatchcase(n, args.only)]
    if not names:
        sys.exit("soak: no tests selected")
    smps = [int(s) for s in args.smp.split(",") if s]
    tests = [gotest.Test(n) for n in names]
    rep = report.Report()
    rep.plan(len(tests) * len(smps) * args.runs)
    go = shutil.which("go")
    tc = gotest.Toolchain(None, go) if go else None
    runs = []
    for t in tests:
        why = None
        if t.error:
            why = ("FAIL", t.error)
        elif t.skip:
            why = ("skip", t.skip)
        elif not tc:
            why = ("unavailable", "no go on PATH")
        elif t.cgo and gotest.cgo_missing():
            why = ("unavailable", gotest.cgo_missing())
        elf = None
        if why is None:
            elf, err = gotest.build(tc, t, False)
            if err is not None:
                why = ("FAIL", "build failed: %s" % err.strip().splitlines()[-1][:100])
            else:
                # Its goose image, once, before runs side by side (-j):
                # two makes linking the same image at once clobber it.
                p = subprocess.run(["make", "-s", "--no-print-directory", "-C", gotest.REPO, "image", "KERNEL=" + elf],
                                   stdin=subprocess.DEVNULL, capture_output=True, text=True)
                if p.returncode:
                    why = ("FAIL", "make image failed: %s" % (p.stdout + p.stderr).strip()[-200:])
        for smp in smps:
            for i in range(1, args.runs + 1):
                label = "%s@smp%d#%d" % (t.name, smp, i)
                if why is None:
                    runs.append((t, elf, smp, i, label))
                elif why[0] == "FAIL":
                    rep.fail(label, why[1])
                elif why[0] == "skip":
                    rep.skip(label, why[1])
                else:
                    rep.unavailable(label, why[1])

    def one(t, elf, smp, i, label):
        # gotest.run_goose reads the hart count from gotest.SMP; it is passed
        # per run through the runner template instead, so runs at different
        # SMP can share the pool.
        runner = gotest.MAKE_RUNNER.replace("SMP={smp}", "SMP=%d" % smp)
        run = gotest.run_goose(runner, t, elf, False)
        problems = gotest.check("goose", run, t, t.expected(), True)
        if not run.timed_out:
            problems += gotest.hart_problems(run, smp)
        if not problems:
            return "ok", "ok   %s  (%.1fs)" % (label, run.secs)
        os.makedirs(gotest.LOGS, exist_ok=True)
        log = os.path.join(gotest.LOGS, "soak-%s-smp%d-%d.log" % (t.name, smp, i))
        gotest.write_log(log, run)
        return "FAIL", "FAIL %s: %s (log: %s)" % (label, "; ".join(problems), os.path.relpath(log, gotest.REPO))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for f in [ex.submit(one, *r) for r in runs]:
            rep.line(*f.result())
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
