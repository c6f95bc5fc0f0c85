#!/usr/bin/env python3
"""The test harness's own tests: the parts of ci/ that judge goose must be
able to say "no". Each check feeds a judge a known-bad input (a driver that
crashes, a summary that lies, an si_code one digit off, a run that lost its
output, a test that skips only under goose, an SMP run on one hart, a lost
toolchain) and must see it refused, and a known-good one accepted.

Runs in seconds with no QEMU; `make test` runs it first (suite "harness").
Speaks ci/report.py's protocol.
"""

import io
import os
import subprocess
import sys
import tempfile
import textwrap

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
import gotest  # noqa: E402
import matrix  # noqa: E402
import qemu as qemupy  # noqa: E402
import report  # noqa: E402
import stacks  # noqa: E402
import stdtest  # noqa: E402

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


# ------------------------------------------------------------ the protocol

def fake_driver(body):
    """Runs a Python driver body; returns (exit status, report.Reader fed its output)."""
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(body)], capture_output=True, text=True)
    r = report.Reader()
    for line in p.stdout.splitlines():
        r.feed(line)
    return p.returncode, r


GOOD = """
    print("plan 3"); print("ok   a  (fine)"); print("FAIL b: broken"); print("skip c: why")
    print("1 passed, 1 failed, 1 skipped"); raise SystemExit(1)
"""


@check
def every_suite_has_its_runner():
    """Each suite make test names has a function that runs it (one went
    missing in a rewrite once: make test died in a traceback)."""
    import test as testpy
    inline = {"go", "smp", "console", "soak", "std"}  # run by main() itself, with their arguments
    missing = [s for s in testpy.SUITES if s not in inline and not callable(getattr(testpy, "suite_" + s, None))]
    return not missing, missing


@check
def protocol_good_driver():
    """A driver that keeps the protocol, failures and all, is accepted."""
    status, r = fake_driver(GOOD)
    return r.problems(status) == [], r.problems(status)


@check
def protocol_crash_after_first_result():
    """An exception after the first result (exit 1, a traceback) is refused."""
    status, r = fake_driver('print("plan 5"); print("ok   a"); raise RuntimeError("boom")')
    p = r.problems(status)
    return status == 1 and any("no FAIL line" in x for x in p) and any("plan 5" in x for x in p), p


@check
def protocol_sys_exit_message():
    """sys.exit("no tests selected") (exit 1, no plan) is refused."""
    status, r = fake_driver('import sys; sys.exit("gotest: no tests selected")')
    p = r.problems(status)
    return any("no plan" in x for x in p) and any("no FAIL line" in x for x in p), p


@check
def protocol_lying_summary():
    """A summary that disagrees with the result lines is refused."""
    status, r = fake_driver('print("plan 2"); print("ok   a"); print("FAIL b: x"); print("2 passed, 0 failed")')
    p = r.problems(status)
    return any("summary says" in x for x in p) and any("exited 0 after" in x for x in p), p


@check
def protocol_fewer_results_than_planned():
    status, r = fake_driver('print("plan 4"); print("ok   a"); print("ok   b"); print("2 passed, 0 failed")')
    return r.problems(status) == ["2 results, plan 4"], r.problems(status)


@check
def protocol_missing_summary():
    status, r = fake_driver('print("plan 1"); print("ok   a")')
    return r.problems(status) == ["no summary line"], r.problems(status)


@check
def protocol_killed_driver():
    """A driver killed by a signal (status -9) is refused."""
    status, r = fake_driver('import os, signal; print("plan 1", flush=True); os.kill(os.getpid(), signal.SIGKILL)')
    return any("exited -9" in x for x in r.problems(status)), r.problems(status)


@check
def suite_driver_turns_red():
    """ci/test.py's suite_driver counts a crashed driver as a failure."""
    import test as testpy
    t = testpy.Tally()
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write('print("plan 3"); print("ok   a  (1s)"); raise RuntimeError("driver bug")\n')
    out = io.StringIO()
    old, sys.stdout = sys.stdout, out
    try:
        testpy.suite_driver(t, "selftest", [sys.executable, f.name], "x/")
    finally:
        sys.stdout = old
        os.unlink(f.name)
    return t.passed == 1 and t.failed == 1 and "broke ci/report.py's protocol" in out.getvalue(), out.getvalue()


@check
def toolchain_unavailable_is_failure_when_required():
    out = io.StringIO()
    r = report.Report(out)
    old = os.environ.get("GOOSE_REQUIRE_TOOLCHAINS")
    try:
        os.environ["GOOSE_REQUIRE_TOOLCHAINS"] = "1"
        r.unavailable("go1.19/x", "go1.19 not installed")
        os.environ["GOOSE_REQUIRE_TOOLCHAINS"] = "0"
        r.unavailable("go1.19/y", "go1.19 not installed")
    finally:
        if old is None:
            os.environ.pop("GOOSE_REQUIRE_TOOLCHAINS", None)
        else:
            os.environ["GOOSE_REQUIRE_TOOLCHAINS"] = old
    return r.counts == {"ok": 0, "FAIL": 1, "skip": 1}, out.getvalue()


@check
def toolchain_missing_is_named():
    """default_toolchains names a toolchain it cannot have, never drops it."""
    old = gotest.GO119
    gotest.GO119 = "/nonexistent/go-1.19/bin/go"
    try:
        tcs, missing = gotest.default_toolchains()
    finally:
        gotest.GO119 = old
    return any(m.name == "go1.19" and m.version == (1, 19) for m in missing), [m.name for m in missing]


@check
def host_test_with_no_check_fails():
    """A host test whose checks never ran fails (payload/tests/test.h test_done)."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "t.c")
        with open(src, "w") as f:
            f.write('#include "test.h"\nint main(void) { return test_done("empty"); }\n')
        subprocess.run(["gcc", "-I", os.path.join(REPO, "payload", "tests"), "-o", os.path.join(d, "t"), src],
                       check=True)
        p = subprocess.run([os.path.join(d, "t")], capture_output=True, text=True)
    return p.returncode == 1, p.stdout


# --------------------------------------------------------- gotest's judges

class FakeRun:
    def __init__(self, out, status=0):
        self.out, self.status, self.timed_out, self.secs, self.cmd = out, status, False, 0.1, ["fake"]


def conf(**kw):
    t = gotest.Test.__new__(gotest.Test)
    t.name, t.exit, t.timeout, t.output = "fake", kw.get("exit", 0), 10, kw.get("output", "exact")
    return t


@check
def contains_is_whole_line():
    """sigcode=128 must not pass for an expected "sigcode=1" line."""
    got = b"SIGTRAP: trace trap\nPC=0x1 m=0 sigcode=128\n"
    p1 = gotest.contains_problem("goose", got.splitlines(True), [b"sigcode=1\n"])
    p2 = gotest.contains_problem("goose", got.splitlines(True), [b"re:PC=0x[0-9a-f]+ m=\\d+ sigcode=1\n"])
    ok = gotest.contains_problem("goose", got.splitlines(True), [b"re:PC=0x[0-9a-f]+ m=\\d+ sigcode=128\n"])
    return p1 is not None and p2 is not None and ok is None, (p1, p2, ok)


@check
def contains_keeps_order():
    got = b"b\na\n".splitlines(True)
    return gotest.contains_problem("goose", got, [b"a\n", b"b\n"]) is not None, "order"


@check
def goose_lines_stay_in_output():
    """Only the boot report (with its notes on optional CSRs) and the exit
    line leave the compared output."""
    out = (b"goose: hart 0: zkr: the seed CSR traps (absent, or the firmware keeps it from S-mode): not used\r\n"
           b"goose: goose v1 on OpenSBI 1.1 (SBI 1.0), boot hart 0, 2 of 2 harts running, timebase 1 Hz\r\n"
           b"goose: RAM 0x80000000-0xa0000000 (512 MiB)\r\n"
           b"goose: memory: 506 MiB of 512 MiB free for the program; console ns16550a; clock goldfish-rtc\r\n"
           b"goose: program /x: go1.26.8, 1 KiB, 3 syscall sites rewritten\r\n"
           b"goose: 60 us and 138 instret from goose's entry to the Go program\r\n"
           b"hello\r\ngoose: hart 1: SBI hart_start failed (error -3); not started\r\ngoose: exit status 0\r\n")
    kept, status = gotest.program_output(FakeRun(out), True)
    return kept == b"hello\ngoose: hart 1: SBI hart_start failed (error -3); not started\n" and status == 0, kept


@check
def smp_run_on_one_hart_fails():
    one = FakeRun(b"goose: goose v1 on OpenSBI 1.1 (SBI 1.0), boot hart 0, 1 of 4 harts running, timebase 1 Hz\n")
    four = FakeRun(b"goose: goose v1 on OpenSBI 1.1 (SBI 1.0), boot hart 0, 4 of 4 harts running, timebase 1 Hz\n")
    none = FakeRun(b"hello\n")
    return (gotest.hart_problems(one, 4) != [] and gotest.hart_problems(four, 4) == []
            and gotest.hart_problems(none, 1) != []), "harts"


@check
def exact_output_compared():
    t = conf()
    p = gotest.check("goose", FakeRun(b"a\nb\ngoose: exit status 0\n"), t, b"a\nc\n", True)
    return p != [] and gotest.check("goose", FakeRun(b"a\ngoose: exit status 0\n"), t, b"a\n", True) == [], p


# -------------------------------------------------------- stdtest's judges

def std_run(lines, exit=0):
    r = FakeRun("\n".join(lines) + "\n")
    r.exit = exit
    return r


PASSING = ["=== RUN   TestA", "--- PASS: TestA (0.00s)", "=== RUN   TestB", "--- SKIP: TestB (0.00s)",
           "    x_test.go:1: skipping", "PASS", "goose: exit status 0"]


@check
def std_lost_output_does_not_pass():
    """Exit status 0 with the program's output gone is not a pass."""
    return not stdtest.passed(std_run(["goose: exit status 0"])) and stdtest.passed(std_run(PASSING)), "PASS"


@check
def std_skip_only_under_goose_fails():
    g = std_run([l.replace("--- PASS: TestA", "--- SKIP: TestA") for l in PASSING])
    kind, why = stdtest.judge(g, std_run(PASSING))
    same = stdtest.judge(std_run(PASSING), std_run(PASSING))
    return kind == "FAIL" and "only the reference passes TestA" in why and same == ("ok", None), (kind, why, same)


@check
def std_extra_goose_passes_are_named_and_pointers_ignored():
    """A test only goose passes (the reference's machine lacks a terminal) is
    named in the ok line, not a failure; subtests named after a pointer
    compare equal whatever the address."""
    ref = std_run(["--- SKIP: TestTTY (0.00s)", "--- PASS: TestAs/0:As(x,_0x3fb635a090) (0.00s)", "PASS"])
    g = std_run(["--- PASS: TestTTY (0.00s)", "--- PASS: TestAs/0:As(x,_0x3fb6373110) (0.00s)", "PASS"])
    kind, note = stdtest.judge(g, ref)
    return kind == "ok" and note == "only goose passes TestTTY", (kind, note)


@check
def std_reference_runs_on_goose_s_harts():
    """taskset's list: one CPU for SMP 1, as many as goose's harts up to the machine's."""
    n = os.cpu_count()
    all_cpus = "0" if n == 1 else "0-%d" % (n - 1)
    return (stdtest.reference_cpus(1) == "0" and stdtest.reference_cpus(2) in ("0", "0-1")
            and stdtest.reference_cpus(10 ** 6) == all_cpus), stdtest.reference_cpus(2)


@check
def std_known_gap_is_named_not_hidden():
    """A skip only under goose passes only when its package's KNOWN_GAPS
    entry explains it (by message), and the verdict counts it."""
    gap = {"why": "no IPv6", "message": r"IPv6", "name": r"tcp6"}
    ref = std_run(["=== RUN   TestV6", "--- PASS: TestV6 (0.00s)", "PASS"])
    v6 = std_run(["=== RUN   TestV6", "    x_test.go:1: IPv6 is not supported", "--- SKIP: TestV6 (0.00s)", "PASS"])
    other = std_run(["=== RUN   TestV6", "    x_test.go:1: no /proc", "--- SKIP: TestV6 (0.00s)", "PASS"])
    k1, note = stdtest.judge(v6, ref, (), gap)
    k2, why = stdtest.judge(other, ref, (), gap)
    return k1 == "ok" and "1 tests differ" in note and k2 == "FAIL", (k1, note, k2, why)


@check
def std_goose_fails_more_than_reference():
    ref = std_run(["--- FAIL: TestA (0.00s)", "--- PASS: TestB (0.00s)", "FAIL"], 1)
    worse = std_run(["--- FAIL: TestA (0.00s)", "--- FAIL: TestB (0.00s)", "FAIL"], 1)
    same = std_run(["--- FAIL: TestA (0.00s)", "--- PASS: TestB (0.00s)", "FAIL"], 1)
    k1, why = stdtest.judge(worse, ref)
    k2, _ = stdtest.judge(same, ref)
    return k1 == "FAIL" and "TestB" in why and k2 == "skip", (k1, why, k2)


# --------------------------------------------------- the matrix and stacks

GOOD_BOOT = ("OpenSBI v1.9\n"
             "goose: goose v1 on OpenSBI 1.9 (SBI 3.0), boot hart 0, 1 of 1 hart running, timebase 10000000 Hz\r\n"
             "Hello from go1.26.8 on linux/riscv64 with 1 CPU(s)\r\n"
             "goose: exit status 0\r\n")


@check
def matrix_row_must_end_in_exit_0():
    """A row whose output lost its exit line (status 0 all the same) fails."""
    row = matrix.Row("10", "1.9")
    lost = GOOD_BOOT.replace("goose: exit status 0\r\n", "")
    after = GOOD_BOOT + "goose: hart 1: SBI hart_start failed\n"
    return (matrix.judge(row, 0, GOOD_BOOT, "1.9") is None and matrix.judge(row, 0, lost, "1.9") is not None
            and matrix.judge(row, 0, after, "1.9") is not None), matrix.judge(row, 0, lost, "1.9")


@check
def matrix_csr_left_alone_where_open_fails():
    """A zkr note under OpenSBI >= 1.4, or any sstc note, fails the row; a zkr note under 1.1 does not."""
    zkr = "goose: hart 0: zkr: the seed CSR traps (absent, or the firmware keeps it from S-mode): not used\r\n"
    sstc = "goose: hart 0: sstc: stimecmp traps (absent, or the firmware keeps it from S-mode): the timer goes through SBI\r\n"
    old = GOOD_BOOT.replace("OpenSBI 1.9 (SBI 3.0)", "OpenSBI 1.1 (SBI 1.0)")
    old_ok = matrix.judge(matrix.Row("10", "1.1"), 0, zkr + old, "1.1")
    new_bad = matrix.judge(matrix.Row("10", "1.9"), 0, zkr + GOOD_BOOT, "1.9")
    sstc_bad = matrix.judge(matrix.Row("10", "1.1"), 0, sstc + old, "1.1")
    return old_ok is None and new_bad is not None and sstc_bad is not None, (old_ok, new_bad, sstc_bad)


@check
def matrix_row_checks_the_firmware_and_harts():
    """A boot under another OpenSBI than asked, or on fewer harts, fails."""
    row = matrix.Row("10", "1.9")
    other = matrix.judge(row, 0, GOOD_BOOT, "1.1")
    smp = matrix.judge(matrix.Row("10", "1.9", smp=4), 0, GOOD_BOOT, "1.9")
    sifive = matrix.Row("10", "1.9", machine="sifive_u", smp=2)
    good_u = GOOD_BOOT.replace("1 of 1 hart ", "1 of 2 harts ")
    return (other is not None and "OpenSBI 1.1" in other and smp is not None
            and matrix.judge(sifive, 0, good_u, "1.9") is None), (other, smp)


# Defects for the checks below (the matrix knows none now): a trap, a hang
# before goose's first line, and a flaky loss of the exit line.
def defects():
    return (matrix.Defect("test-trap", "a trap", r"panic: illegal instruction \(scause 0x2\) inside goose at pc "
                          r"0x[0-9a-f]+, stval 0x15[0-9a-f]{5}\b"),
            matrix.Defect("test-hang", "a hang", r"\A(?![\s\S]*^goose: )[\s\S]*qemu\.py: timeout after"),
            matrix.Defect("test-flaky", "a lost exit line", r"^goose: [a-z ]*\d*\r?qemu\.py: no 'goose: exit status N' "
                          r"line", flaky=True))


@check
def matrix_xpass_is_a_failure():
    """A row marked with a known defect that boots now fails (drop the mark)."""
    row = matrix.Row("10", "1.1", cpu="max", defect=defects()[0])
    kind, why = matrix.verdict(row, [(None, GOOD_BOOT)])
    return kind == "FAIL" and "xpass" in why, (kind, why)


@check
def matrix_xfail_needs_its_symptom():
    """An xfail counts only with its defect's symptom; another failure is a FAIL."""
    trap_d, hang_d, _ = defects()
    row = matrix.Row("10", "1.1", cpu="max", defect=trap_d)
    trap = ("goose: panic: illegal instruction (scause 0x2) inside goose at pc 0xffffffff80008b82, "
            "stval 0x15017f3\ngoose: exit status 125\n")
    other = ("goose: panic: illegal instruction (scause 0x2) inside goose at pc 0xffffffff80008b82, "
             "stval 0x30200073\ngoose: exit status 125\n")
    k1, d1 = matrix.verdict(row, [("status 125", trap)])
    k2, d2 = matrix.verdict(row, [("status 125", other)])
    hang = matrix.Row("10", "1.9", cpu="max", defect=hang_d)
    k3, _ = matrix.verdict(hang, [("timeout", "OpenSBI v1.9\nqemu.py: timeout after 20s\n")])
    k4, _ = matrix.verdict(hang, [("timeout", "goose: goose v1 on OpenSBI 1.9\nqemu.py: timeout after 20s\n")])
    return (k1, k2, k3, k4) == ("xfail", "FAIL", "xfail", "FAIL") and "test-trap" in d1, (k1, k2, k3, k4)


@check
def matrix_flaky_defect_is_named_in_its_pass():
    """A flaky defect's symptom, then a pass on the next boot: ok, saying so."""
    row = matrix.Row("10", "1.9", machine="sifive_u", smp=2, defect=defects()[2])
    cut = GOOD_BOOT.replace("goose: exit status 0\r\n", "goose: exit status qemu.py: no 'goose: exit status N' "
                            "line; QEMU exited 0\n")
    kind, detail = matrix.verdict(row, [("lost", cut), (None, GOOD_BOOT)])
    k2, _ = matrix.verdict(row, [("lost", cut)] * 3)
    return kind == "ok" and "test-flaky" in detail and "1 of 2" in detail and k2 == "xfail", (kind, detail)


@check
def matrix_plain_failure_is_a_fail_line():
    """A row with no defect mark that fails is a FAIL with its reason (not a crash)."""
    old = matrix.execute
    matrix.execute = lambda cmd, env, timeout: (1, "goose: panic: x\ngoose: exit status 125\n", 0.1)
    try:
        st = matrix.Stacks({})
        kind, detail, _, _ = matrix.run_row(matrix.Row("7.2", "1.1"), st, "/x/hello.elf", "/x/goose.bin")
    finally:
        matrix.execute = old
    return kind == "FAIL" and "status 1" in detail, (kind, detail)


@check
def qemu_bundled_firmware_when_debian_has_none():
    """No Debian OpenSBI: -bios default, said on stderr; fw_jump cannot be had so."""
    import argparse
    old, err = qemupy.FW_DIR, io.StringIO()
    qemupy.FW_DIR = "/nonexistent/opensbi"
    old_err, sys.stderr = sys.stderr, err
    try:
        got = qemupy.resolve_firmware(argparse.Namespace(firmware=None, fw=None))
        try:
            qemupy.resolve_firmware(argparse.Namespace(firmware=None, fw="jump"))
            jump = "accepted"
        except SystemExit as e:
            jump = str(e)
    finally:
        qemupy.FW_DIR, sys.stderr = old, old_err
    return (got == ("default", "dynamic") and "-bios default" in err.getvalue()
            and "fw_dynamic" in jump), (got, err.getvalue(), jump)


@check
def qemu_firmware_kind_by_name():
    """FW= is needed only when the name does not tell; a contradiction is refused."""
    import argparse
    with tempfile.TemporaryDirectory() as d:
        jump = os.path.join(d, "fw_jump.bin")
        plain = os.path.join(d, "opensbi.bin")
        for f in (jump, plain):
            open(f, "wb").close()
        a = qemupy.resolve_firmware(argparse.Namespace(firmware=jump, fw=None))
        b = qemupy.resolve_firmware(argparse.Namespace(firmware=plain, fw="jump"))
        try:
            qemupy.resolve_firmware(argparse.Namespace(firmware=jump, fw="dynamic"))
            c = "accepted"
        except SystemExit:
            c = "refused"
    return a[1] == "jump" and b[1] == "jump" and c == "refused", (a, b, c)


@check
def qemu_unpacked_tree_uses_its_own_data():
    """A QEMU unpacked outside /usr gets -L <its share/qemu> and its own modules."""
    with tempfile.TemporaryDirectory() as d:
        for sub in ("usr/bin", "usr/share/qemu", "usr/lib/x86_64-linux-gnu/qemu"):
            os.makedirs(os.path.join(d, sub))
        q = os.path.join(d, "usr/bin/qemu-system-riscv64")
        with open(q, "w") as f:
            f.write("#!/bin/sh\necho '-audio [driver=]driver'\n")
        os.chmod(q, 0o755)
        args, env = qemupy.qemu_tree(q)
        ok = (args[:2] == ["-L", os.path.join(d, "usr/share/qemu")] and "-audio" in args
              and env.get("QEMU_MODULE_DIR") == os.path.join(d, "usr/lib/x86_64-linux-gnu/qemu")
              and qemupy.qemu_tree("/usr/bin/qemu-system-riscv64") == ([], {}))
    return ok, (args, env)


@check
def matrix_lost_stack_is_a_skip_naming_why():
    """A row whose stack could not be fetched says which and why (a FAIL under
    GOOSE_REQUIRE_TOOLCHAINS=1, as every unavailable())."""
    st = matrix.Stacks({"qemu-10": stacks.Result(stacks.BY_NAME["qemu-10"], False, "sid: not reachable")})
    why = st.missing(matrix.Row("10", "1.9"))
    return why is not None and "qemu-10" in why and "not reachable" in why, why


def main():
    rep = report.Report()
    rep.plan(len(CHECKS))
    for fn in CHECKS:
        name = "harness/" + fn.__name__
        try:
            ok, detail = fn()
        except Exception as e:  # a check that cannot run has not passed
            ok, detail = False, "%s: %s" % (type(e).__name__, e)
        if ok:
            rep.ok(name)
        else:
            rep.fail(name, "%s (%r)" % ((fn.__doc__ or "").strip().split("\n")[0] or "check failed", detail))
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
