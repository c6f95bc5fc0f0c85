#!/usr/bin/env python3
"""Where each hart's time went, from a GOOSE_DEBUG=events run's log.

  make run KERNEL=... SMP=2 GOOSE_DEBUG=events > run.log
  python3 ci/events.py run.log [--elf build/debug-events/k/NAME/goose.elf] [--per munmap]

A GOOSE_DEBUG=events build (arch/riscv/events.h) keeps each hart's last
16,384 events (a trap from the program, its way back, the big lock taken,
idle and awake, every sfence.vma) and prints them as goose exits. This
reads the span every hart's ring covers and splits each hart's time into
the program's (user mode), goose's (in a trap, by what the trap was:
system call, fault, interrupt) and idle (no thread to run). Per trap kind:
how many, the share of the time, the average length, the average time
from the trap to holding the big lock (for the traps that took it: the
wait, and a fast path tried first), and how many came back to another
thread. Then the fences, by the function they are in when --elf
names goose.elf (the image's, next to goose.bin). --per NAME adds each
figure per call of NAME (a system call's name or number: what one
operation of a loop costs), so runs with different hart counts compare.
"""

import argparse
import collections
import re
import subprocess
import sys

import mksyscalls  # the system call names, from payload/sys/syscalls.tbl

EV_ENTER, EV_EXIT, EV_LOCKED, EV_IDLE, EV_AWAKE, EV_FENCE = range(1, 7)
EV_EXCEPTION, EV_INTERRUPT = 1000, 2000
EXCEPTIONS = {2: "illegal instruction", 3: "breakpoint", 12: "fetch fault", 13: "load fault", 15: "store fault"}
INTERRUPTS = {1: "ipi", 5: "timer", 9: "external"}


def trap_name(code, syscalls):
    if code >= EV_INTERRUPT:
        return "irq " + INTERRUPTS.get(code - EV_INTERRUPT, str(code - EV_INTERRUPT))
    if code >= EV_EXCEPTION:
        return EXCEPTIONS.get(code - EV_EXCEPTION, "exception %d" % (code - EV_EXCEPTION))
    return syscalls.get(code, "syscall %d" % code)


def read_log(path):
    """(timebase Hz, {hart: [(time, tid, kind, code)]})."""
    timebase, events = None, collections.defaultdict(list)
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            m = re.match(r"goose: events: timebase (\d+) Hz", line)
            if m:
                timebase = int(m.group(1))
            m = re.match(r"goose: ev (\d+) (\d+) (\d+) (\d+) (\d+)$", line)
            if m:
                h, t, tid, kind, code = map(int, m.groups())
                events[h].append((t, tid, kind, code))
    if timebase is None or not events:
        sys.exit("events.py: %s has no GOOSE_DEBUG=events dump (a 'goose: events:' line and 'goose: ev' lines)"
                 % path)
    return timebase, events


def account(events, lo, hi):
    """One hart's events within [lo, hi]: per-kind counters and the totals."""
    user = idle = 0
    kinds = collections.defaultdict(lambda: {"n": 0, "time": 0, "locked": 0, "lockwait": 0, "switched": 0})
    entry = last_exit = idle_from = None
    idle_in_trap = 0
    for t, tid, kind, code in events:
        if t < lo or t > hi:
            continue
        if kind == EV_ENTER:
            if last_exit is not None:
                user += t - last_exit
            entry, idle_in_trap = (t, tid, code), 0
        elif kind == EV_LOCKED and entry:
            k = kinds[entry[2]]
            k["locked"] += 1
            k["lockwait"] += t - entry[0]
        elif kind == EV_IDLE:
            idle_from = t
        elif kind == EV_AWAKE and idle_from is not None:
            idle += t - idle_from
            idle_in_trap += t - idle_from
            idle_from = None
        elif kind == EV_EXIT and entry:
            k = kinds[entry[2]]
            k["n"] += 1
            k["time"] += t - entry[0] - idle_in_trap
            k["switched"] += tid != entry[1]
            entry, last_exit = None, t
    return user, idle, kinds


def fence_sites(events, lo, hi, elf):
    """{where: fences} within [lo, hi]: the function each fence is in
    (addr2line -i: the last of the chain of inlined calls) when elf is
    given, else the address's low 32 bits."""
    counts = collections.Counter(code for t, _, kind, code in events if kind == EV_FENCE and lo <= t <= hi)
    if not elf:
        return {"0x%08x" % c: n for c, n in counts.items()}
    named = collections.Counter()
    for c, n in counts.items():
        out = subprocess.run(["riscv64-unknown-elf-addr2line", "-f", "-i", "-e", elf,
                              "0x%x" % (0xffffffff00000000 | c)], capture_output=True, text=True).stdout.split()
        named[out[-2] if len(out) >= 2 else "0x%08x" % c] += n
    return named


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("log")
    ap.add_argument("--elf", help="goose.elf, to name the functions that fence")
    ap.add_argument("--per", help="also give each figure per call of this system call (name or number)")
    a = ap.parse_args()
    syscalls = {c.nr: c.name for c in mksyscalls.load()}
    timebase, events = read_log(a.log)
    per = None
    if a.per:
        byname = {name: nr for nr, name in syscalls.items()}
        per = int(a.per) if a.per.isdigit() else byname.get(a.per)
        if per is None:
            sys.exit("events.py: --per %s: no such system call" % a.per)
    lo = max(ev[0][0] for ev in events.values())
    hi = min(ev[-1][0] for ev in events.values())
    if hi <= lo:
        sys.exit("events.py: the harts' rings share no span (one hart's events all end before another's begin)")
    us = 1e6 / timebase
    print("%d harts, %.1f ms every hart's ring covers" % (len(events), (hi - lo) * us / 1000))
    for h in sorted(events):
        user, idle, kinds = account(events[h], lo, hi)
        goose = sum(k["time"] for k in kinds.values())
        total = user + goose + idle
        ops = kinds[per]["n"] if per is not None else 0
        pct = lambda v: 100.0 * v / total if total else 0.0
        head = "hart %d: program %.1f%%, goose %.1f%%, idle %.1f%% of %.1f ms" % (
            h, pct(user), pct(goose), pct(idle), total * us / 1000)
        if ops:
            head += "; per %s (%d): program %.1f us, goose %.1f us, idle %.1f us" % (
                a.per, ops, user * us / ops, goose * us / ops, idle * us / ops)
        print(head)
        print("  %-22s %7s %7s %9s %9s %9s%s" % ("trap", "count", "time", "avg us", "locked", "wait us", "  switched"
                                                + ("  us per op" if ops else "")))
        for code, k in sorted(kinds.items(), key=lambda kv: -kv[1]["time"]):
            if not k["n"]:
                continue
            print("  %-22s %7d %6.1f%% %9.2f %9d %9.2f %10d%s" % (
                trap_name(code, syscalls), k["n"], pct(k["time"]), k["time"] * us / k["n"], k["locked"],
                k["lockwait"] * us / k["locked"] if k["locked"] else 0, k["switched"],
                "  %9.2f" % (k["time"] * us / ops) if ops else ""))
        sites = fence_sites(events[h], lo, hi, a.elf)
        n = sum(sites.values())
        print("  fences: %d%s" % (n, " (%.2f per %s)" % (n / ops, a.per) if ops else ""))
        for name, c in sorted(sites.items(), key=lambda kv: -kv[1]):
            print("    %7d  %s" % (c, name))


if __name__ == "__main__":
    main()
