"""The line protocol every test driver speaks, and ci/test.py checks.

A driver (ci/gotest.py, ci/stdtest.py, ci/examples.py, ci/lint.sh,
ci/fuzz.sh --replay) prints, in this order:

  plan N                              how many results will follow, before any
  ok   NAME  (detail)                 one line per result: passed,
  FAIL NAME: why                      failed,
  skip NAME: why                      or left out, with the reason
  N passed, N failed[, N skipped]     the summary, last

and exits 0 when no result failed, 1 when some did. Any other line is free
text. ci/test.py turns a suite red when its driver breaks the protocol: a
missing plan or summary, a summary that disagrees with the lines, fewer or
more results than planned, or an exit status other than 0 or 1, or 1 with no
FAIL line (a driver that crashed). So a driver that dies halfway can never
read as green.

GOOSE_REQUIRE_TOOLCHAINS=1 (set by .ci/run) turns every "toolchain not
available" skip into a failure: CI must test with every Go it names.
"""

import os
import re
import sys
import threading

SUMMARY_RE = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$")
PLAN_RE = re.compile(r"^plan (\d+)\s*$")
RESULT_RE = re.compile(r"^(ok|FAIL|skip) ")


def require_toolchains():
    """Whether a toolchain that cannot be had is a failure, not a skip."""
    return os.environ.get("GOOSE_REQUIRE_TOOLCHAINS", "") not in ("", "0")


def summary_line(passed, failed, skipped):
    s = "%d passed, %d failed" % (passed, failed)
    return s + (", %d skipped" % skipped if skipped else "")


class Report:
    """Prints results as the protocol wants them, thread-safe; keeps count."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.counts = {"ok": 0, "FAIL": 0, "skip": 0}
        self.lock = threading.Lock()

    def say(self, line):
        with self.lock:
            print(line, file=self.out, flush=True)

    def plan(self, n):
        self.say("plan %d" % n)

    def line(self, kind, line):
        """A result already formatted ("ok   x  (...)", "FAIL x: ...", "skip x: ...")."""
        assert kind in self.counts and line.startswith(kind), (kind, line)
        with self.lock:
            self.counts[kind] += 1
            print(line, file=self.out, flush=True)

    def ok(self, name, detail=""):
        self.line("ok", "ok   %s%s" % (name, "  (%s)" % detail if detail else ""))

    def fail(self, name, why):
        self.line("FAIL", "FAIL %s: %s" % (name, why))

    def skip(self, name, why):
        self.line("skip", "skip %s: %s" % (name, why))

    def unavailable(self, name, why):
        """A result lost to a missing toolchain: skip, or FAIL under
        GOOSE_REQUIRE_TOOLCHAINS=1."""
        if require_toolchains():
            self.fail(name, why + " (GOOSE_REQUIRE_TOOLCHAINS=1)")
        else:
            self.skip(name, why)

    def finish(self):
        """Prints the summary; returns the driver's exit status."""
        c = self.counts
        self.say(summary_line(c["ok"], c["FAIL"], c["skip"]))
        return 1 if c["FAIL"] else 0


class Reader:
    """Checks one driver's output against the protocol, line by line;
    problems() says what is wrong once the driver has exited."""

    def __init__(self):
        self.plan = None
        self.counts = {"ok": 0, "FAIL": 0, "skip": 0}
        self.summary = None
        self.errors = []

    def feed(self, line):
        """Returns (kind, line) for a result, ('summary'|'plan', line), or (None, line)."""
        m = PLAN_RE.match(line)
        if m:
            if self.plan is not None:
                self.errors.append("a second plan line")
            elif sum(self.counts.values()):
                self.errors.append("plan after %d results" % sum(self.counts.values()))
            self.plan = int(m.group(1))
            return "plan", line
        m = SUMMARY_RE.match(line)
        if m:
            if self.summary is not None:
                self.errors.append("a second summary line")
            self.summary = tuple(int(g or 0) for g in m.groups())
            return "summary", line
        m = RESULT_RE.match(line)
        if m:
            kind = m.group(1)
            if self.summary is not None:
                self.errors.append("a result after the summary")
            if self.plan is None and not self.errors:
                self.errors.append("a result before the plan")
            self.counts[kind] += 1
            return kind, line
        return None, line

    def problems(self, status):
        p = list(self.errors)
        c = self.counts
        n = sum(c.values())
        if self.plan is None:
            p.append("no plan line")
        elif n != self.plan:
            p.append("%d results, plan %d" % (n, self.plan))
        if self.summary is None:
            p.append("no summary line")
        elif self.summary != (c["ok"], c["FAIL"], c["skip"]):
            p.append("summary says %s, lines say %s" % (summary_line(*self.summary),
                                                         summary_line(c["ok"], c["FAIL"], c["skip"])))
        if status not in (0, 1):
            p.append("exited %d" % status)
        elif status == 1 and not c["FAIL"]:
            p.append("exited 1 with no FAIL line")
        elif status == 0 and c["FAIL"]:
            p.append("exited 0 after %d FAIL lines" % c["FAIL"])
        return p
