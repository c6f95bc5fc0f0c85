#!/usr/bin/env python3
"""Newer QEMU, OpenSBI and U-Boot builds, fetched as Debian packages and
unpacked under build/stacks/, never installed: the stacks goose is tested on
beside Debian 12's own (QEMU 7.2, OpenSBI 1.1, U-Boot 2023.01).

  ci/stacks.py [fetch] [NAME ...]   fetch what is missing (default: every stack)
  ci/stacks.py --offline [NAME ...] only say what is there; no network

One line per stack on stdout, "stacks: NAME  VARIABLE=path  (package version,
suite)" or "stacks: NAME unavailable: why"; exit status 0 when every one asked
for is there, 1 when some are not. `make stacks` runs this (ci/deps.sh --stacks).

  name            packages                                    from
  qemu-10         qemu-system-riscv, -common, -data, opensbi  bookworm-backports
  opensbi-1.5     opensbi                                     bookworm-backports
  opensbi-1.6     opensbi                                     trixie
  opensbi-1.9     opensbi                                     sid
  u-boot-2025.01  u-boot-qemu                                 trixie
  edk2-2025.02    qemu-efi-riscv64                            trixie
  edk2-2026.08    qemu-efi-riscv64                            sid

How, without touching the system's apt or dpkg state: a private apt state
under build/stacks/apt/ (its own sources.list, lists and cache directories),
`apt-get -o Dir::State=... -o Dir::Etc::SourceList=... update`, then
`apt-get download PACKAGE=VERSION` of the version the stack's suite has, then
`dpkg -x` of each .deb into build/stacks/NAME/ (a tree like /: usr/bin/...,
usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin, ...). apt checks the
suites' signatures with Debian's archive keyring, as for the system's own
sources. The machine's apt configuration (proxies, mirrors' settings) applies.

Idempotent: a stack whose build/stacks/NAME/.stack records the same suite and
packages is left as it is, with no network at all; a run with everything
there takes well under a second. A suite that has moved on to another version
than the one named (sid's opensbi after 1.9, say) still gives its version, and
the line says so.

QEMU 10 is the bookworm backport, built against bookworm's libraries: after
unpacking, `ldd` must find every library it needs; any that this machine
lacks are fetched from bookworm and unpacked beside it (ci/qemu.py then sets
LD_LIBRARY_PATH), and a library still missing makes the stack unavailable,
named. ci/qemu.py runs such an unpacked QEMU with its own data directory
(-L), where `-bios default` finds the OpenSBI this stack bundles (the opensbi
package of the same suite, which the QEMU package depends on).

The test drivers (ci/matrix.py) call ensure(): a stack that cannot be had is a
skip naming why, or a failure under GOOSE_REQUIRE_TOOLCHAINS=1 (ci/report.py).
"""

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STACKS = os.path.join(REPO, "build", "stacks")
APT = os.path.join(STACKS, "apt")
# GOOSE_DEBIAN_MIRROR: another mirror of Debian's archive (a proxy is the
# machine's apt configuration's business: Acquire::http::Proxy applies).
MIRROR = os.environ.get("GOOSE_DEBIAN_MIRROR") or "http://deb.debian.org/debian"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
# The suites the stacks come from. Packages only (no translations, no DEP-11
# metadata): the lists are what apt-get download needs.
SUITES = ["bookworm-backports", "trixie", "sid"]
# Where the libraries a QEMU backport needs come from, when this machine
# lacks some: listed only then (its lists are another 9 MB).
LIB_SUITE = "bookworm"
# Lists younger than this are used as they are when a stack is missing.
LISTS_FRESH_SECONDS = 24 * 3600
OPENSBI = "usr/lib/riscv64-linux-gnu/opensbi/generic/"
EDK2 = "usr/share/qemu-efi-riscv64/"


class Stack:
    def __init__(self, name, suite, packages, want, files, what):
        self.name, self.suite, self.packages, self.want, self.files, self.what = \
            name, suite, packages, want, files, what

    def spec(self):
        return hashlib.sha256(json.dumps([self.suite, self.packages]).encode()).hexdigest()[:16]

    def root(self):
        return os.path.join(STACKS, self.name)


# files: the make run variable each file serves, and its path in the tree.
ALL = [
    Stack("qemu-10", "bookworm-backports", ["qemu-system-riscv", "qemu-system-common", "qemu-system-data", "opensbi"],
          "10.", [("QEMU", "usr/bin/qemu-system-riscv64")], "QEMU"),
    Stack("opensbi-1.5", "bookworm-backports", ["opensbi"], "1.5",
          [("FIRMWARE", OPENSBI + "fw_dynamic.bin"), ("FIRMWARE", OPENSBI + "fw_jump.bin")], "OpenSBI"),
    Stack("opensbi-1.6", "trixie", ["opensbi"], "1.6",
          [("FIRMWARE", OPENSBI + "fw_dynamic.bin"), ("FIRMWARE", OPENSBI + "fw_jump.bin")], "OpenSBI"),
    Stack("opensbi-1.9", "sid", ["opensbi"], "1.9",
          [("FIRMWARE", OPENSBI + "fw_dynamic.bin"), ("FIRMWARE", OPENSBI + "fw_jump.bin")], "OpenSBI"),
    Stack("u-boot-2025.01", "trixie", ["u-boot-qemu"], "2025.01",
          [("UBOOT", "usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin")], "U-Boot"),
    # RISC-V EDK2 for QEMU virt (UEFI in pflash, LOADER=uefi): Debian 12 has none.
    Stack("edk2-2025.02", "trixie", ["qemu-efi-riscv64"], "2025.02", [("EDK2", EDK2 + "RISCV_VIRT_CODE.fd")], "EDK2"),
    Stack("edk2-2026.08", "sid", ["qemu-efi-riscv64"], "2026.08", [("EDK2", EDK2 + "RISCV_VIRT_CODE.fd")], "EDK2"),
]
BY_NAME = {s.name: s for s in ALL}


class Result:
    """A stack as found: ok, or why not; versions of its packages."""

    def __init__(self, stack, ok, why="", versions=None, note=""):
        self.stack, self.ok, self.why, self.versions, self.note = stack, ok, why, versions or {}, note

    def path(self, rel):
        return os.path.join(self.stack.root(), rel)

    def version(self):
        """The main package's version, less the epoch and Debian revision."""
        v = self.versions.get(self.stack.packages[0], "")
        return re.sub(r"^\d+:", "", v).split("-")[0].split("+")[0]

    def line(self):
        s = self.stack
        if not self.ok:
            return "stacks: %-15s unavailable: %s" % (s.name, self.why)
        files = "  ".join("%s=%s" % (var, os.path.relpath(self.path(rel), REPO)) for var, rel in s.files)
        return "stacks: %-15s %s  (%s %s, %s%s)" % (s.name, files, s.packages[0], self.versions.get(s.packages[0]),
                                                  s.suite, "; " + self.note if self.note else "")


def log(msg):
    print("stacks: " + msg, file=sys.stderr, flush=True)


def apt_options():
    o = {"Dir::State": os.path.join(APT, "state"), "Dir::Cache": os.path.join(APT, "cache"),
         "Dir::Etc::SourceList": os.path.join(APT, "sources.list"),
         "Dir::Etc::SourceParts": os.path.join(APT, "sources.list.d"),
         "Dir::Etc::Preferences": os.path.join(APT, "preferences"),
         "Dir::Etc::PreferencesParts": os.path.join(APT, "preferences.d"),
         # Not the system's /var/lib/dpkg/status: nothing is installed here.
         "Dir::State::status": os.path.join(APT, "status"),
         # A cache of the parsed lists (some machines turn it off), so that
         # each apt-cache call does not parse four suites' lists again.
         "Dir::Cache::pkgcache": "pkgcache.bin", "Dir::Cache::srcpkgcache": "srcpkgcache.bin",
         "Acquire::http::Timeout": "30", "Acquire::Retries": "2"}
    if os.geteuid() == 0:
        # apt's _apt user cannot write into build/: download as ourselves.
        o["APT::Sandbox::User"] = "root"
    return [w for k, v in o.items() for w in ("-o", "%s=%s" % (k, v))]


def apt_setup(suites=None):
    """Writes the private sources.list for suites (default SUITES, or what it
    lists already if more); True when it changed (the lists need an update)."""
    for d in ("state/lists/partial", "cache/archives/partial", "sources.list.d", "preferences.d", "debs"):
        os.makedirs(os.path.join(APT, d), exist_ok=True)
    open(os.path.join(APT, "status"), "a").close()
    path = os.path.join(APT, "sources.list")
    old = open(path).read() if os.path.exists(path) else ""
    have = re.findall(r"^deb \[[^]]*\] (\S+) (\S+) main$", old, re.M)
    want = list(suites or SUITES)
    want += [su for m, su in have if m == MIRROR and su not in want]
    src = "".join("deb [signed-by=%s target=Packages] %s %s main\n" % (KEYRING, MIRROR, su) for su in want)
    if old == src:
        return False
    with open(path, "w") as f:
        f.write(src)
    # New suites: the lists of the old ones are no longer the whole story.
    try:
        os.unlink(os.path.join(APT, "updated"))
    except FileNotFoundError:
        pass
    return True


def apt(*args, cwd=None, timeout=900):
    p = subprocess.run(["apt-get"] + apt_options() + list(args), cwd=cwd, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=timeout, env=dict(os.environ, LC_ALL="C"))
    return p.returncode, p.stdout + p.stderr


def apt_errors(out):
    """apt's error lines, each with the reason apt prints below it:
    "Err:2 http://... trixie InRelease: Could not connect to ..."."""
    lines = out.splitlines()
    errors = []
    for i, l in enumerate(lines):
        if re.match(r"^(E|Err):", l):
            why = lines[i + 1].strip() if i + 1 < len(lines) and lines[i + 1].startswith("  ") else ""
            errors.append(l.strip() + (": " + why if why else ""))
    return errors


def apt_update():
    """Returns None, or why the lists could not be had (apt's own words).
    The lists count as fresh only after an update with no error, so a
    machine that was offline tries again next time."""
    log("apt-get update (private lists in %s)" % os.path.relpath(APT, REPO))
    try:
        status, out = apt("update")
    except (OSError, subprocess.TimeoutExpired) as e:
        return "apt-get update: %s" % e
    errors = apt_errors(out)
    with open(os.path.join(APT, "update.log"), "w") as f:
        f.write(out)
    if status != 0:
        return "apt-get update failed: %s" % ("; ".join(errors[:3]) or out.strip()[-300:])
    if errors:
        log("apt-get update: %s" % "; ".join(errors[:3]))
    else:
        with open(os.path.join(APT, "updated"), "w") as f:
            f.write("%d\n" % time.time())
    return None


def lists_state():
    """(seconds since the last update with no error, or None; the errors of
    the last update)."""
    try:
        errors = apt_errors(open(os.path.join(APT, "update.log")).read())
    except OSError:
        errors = []
    try:
        with open(os.path.join(APT, "updated")) as f:
            return time.time() - float(f.read().split()[0]), errors
    except (OSError, ValueError, IndexError):
        return None, errors


def madison(package):
    """{suite: version} of package in the private lists."""
    p = subprocess.run(["apt-cache"] + apt_options() + ["madison", package], capture_output=True, text=True,
                       env=dict(os.environ, LC_ALL="C"))
    found = {}
    for line in p.stdout.splitlines():
        parts = [w.strip() for w in line.split("|")]
        if len(parts) == 3 and parts[0] == package:
            m = re.search(r" (\S+)/main ", " " + parts[2] + " ")
            if m and m.group(1) not in found:
                found[m.group(1)] = parts[1]
    return found


def download(packages, suite):
    """{package: .deb path} of each package's version in suite, or raises
    RuntimeError naming what is missing."""
    versions, missing = {}, []
    for pkg in packages:
        v = madison(pkg).get(suite)
        if v:
            versions[pkg] = v
        else:
            missing.append(pkg)
    if missing:
        _, errors = lists_state()
        why = "%s: not in %s" % (", ".join(missing), suite)
        reach = [e for e in errors if " %s " % suite in e]
        raise RuntimeError(why + (" (apt-get update said %s)" % reach[0] if reach else ""))
    debs = os.path.join(APT, "debs")
    try:
        status, out = apt("download", *["%s=%s" % kv for kv in versions.items()], cwd=debs)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RuntimeError("apt-get download: %s" % e)
    if status != 0:
        errors = [l for l in out.splitlines() if re.match(r"^(E|Err):", l)]
        raise RuntimeError("apt-get download failed: %s" % ("; ".join(errors[:2]) or out.strip()[-300:]))
    files = {}
    for pkg, v in versions.items():
        # apt-get download names files package_version_arch.deb, the
        # epoch's colon written %3a.
        want = "%s_%s_" % (pkg, v.replace(":", "%3a"))
        hits = [f for f in os.listdir(debs) if f.startswith(want) and f.endswith(".deb")]
        if not hits:
            raise RuntimeError("apt-get download left no %s*.deb" % want)
        files[pkg] = os.path.join(debs, hits[0])
    return files, versions


def installed(pkg):
    p = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
    return p.returncode == 0 and p.stdout.endswith("install ok installed")


def missing_libraries(binary, root):
    env = dict(os.environ, LC_ALL="C")
    libs = sorted({os.path.dirname(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(root, "usr", "lib"))
                   for f in fs if re.match(r"lib.*\.so", f) and "/qemu" not in d})
    if libs:
        env["LD_LIBRARY_PATH"] = ":".join(libs)
    p = subprocess.run(["ldd", binary], capture_output=True, text=True, env=env)
    return re.findall(r"^\s*(\S+) => not found", p.stdout, re.M)


def add_libraries(stack, debs, root):
    """Unpacks into root, from bookworm, each library package the QEMU
    packages depend on that this machine lacks. Returns those packages."""
    wanted = []
    for pkg in ("qemu-system-riscv", "qemu-system-common"):
        p = subprocess.run(["dpkg-deb", "-f", debs[pkg], "Depends"], capture_output=True, text=True)
        for dep in p.stdout.split(","):
            name = dep.split("|")[0].strip().split(" ")[0].split(":")[0]
            if name and not name.startswith(("qemu-", "opensbi")) and not installed(name):
                wanted.append(name)
    if not wanted:
        return []
    if apt_setup(SUITES + [LIB_SUITE]):
        why = apt_update()
        if why:
            raise RuntimeError(why)
    files, _ = download(sorted(set(wanted)), LIB_SUITE)
    for f in files.values():
        subprocess.run(["dpkg", "-x", f, root], check=True)
    return sorted(files)


def read_stamp(stack):
    try:
        with open(os.path.join(stack.root(), ".stack")) as f:
            stamp = json.load(f)
    except (OSError, ValueError):
        return None
    if stamp.get("spec") != stack.spec():
        return None
    if not all(os.path.exists(os.path.join(stack.root(), rel)) for _, rel in stack.files):
        return None
    return stamp


def note_of(stack, versions):
    v = versions.get(stack.packages[0], "")
    if not re.sub(r"^\d+:", "", v).startswith(stack.want):
        return "%s now has %s, not %s" % (stack.suite, v, stack.want.rstrip("."))
    return ""


def fetch(stack):
    """Downloads and unpacks one stack; returns its Result."""
    try:
        debs, versions = download(stack.packages, stack.suite)
    except RuntimeError as e:
        return Result(stack, False, str(e))
    tmp = stack.root() + ".new"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for pkg in stack.packages:
        p = subprocess.run(["dpkg", "-x", debs[pkg], tmp], capture_output=True, text=True)
        if p.returncode != 0:
            return Result(stack, False, "dpkg -x %s: %s" % (os.path.basename(debs[pkg]), p.stderr.strip()))
    extra = []
    if stack.name.startswith("qemu"):
        binary = os.path.join(tmp, stack.files[0][1])
        lost = missing_libraries(binary, tmp)
        if lost:
            log("%s: this machine lacks %s; fetching them from bookworm" % (stack.name, " ".join(lost)))
            try:
                extra = add_libraries(stack, debs, tmp)
            except RuntimeError as e:
                return Result(stack, False, "needs %s: %s" % (" ".join(lost), e))
            lost = missing_libraries(binary, tmp)
            if lost:
                return Result(stack, False, "ldd finds no %s for %s" % (" ".join(lost), stack.files[0][1]))
    stamp = {"name": stack.name, "spec": stack.spec(), "suite": stack.suite, "packages": versions,
             "libraries": extra, "fetched": time.strftime("%Y-%m-%d")}
    with open(os.path.join(tmp, ".stack"), "w") as f:
        json.dump(stamp, f, indent=1)
    shutil.rmtree(stack.root(), ignore_errors=True)
    os.rename(tmp, stack.root())
    return Result(stack, True, versions=versions, note=note_of(stack, versions))


def ensure(names=None, offline=False):
    """{name: Result} for the stacks named (default all), fetching what is
    missing unless offline."""
    stacks = [BY_NAME[n] for n in names] if names else ALL
    results = {}
    os.makedirs(STACKS, exist_ok=True)
    with open(os.path.join(STACKS, ".lock"), "w") as lock:
        # One fetch at a time (make stacks beside a test run).
        fcntl.flock(lock, fcntl.LOCK_EX)
        todo = []
        for s in stacks:
            stamp = read_stamp(s)
            if stamp:
                results[s.name] = Result(s, True, versions=stamp["packages"], note=note_of(s, stamp["packages"]))
            elif offline:
                results[s.name] = Result(s, False, "not fetched (make stacks)")
            else:
                todo.append(s)
        if todo:
            for tool in ("apt-get", "apt-cache", "dpkg", "dpkg-deb", "ldd"):
                if not shutil.which(tool):
                    for s in todo:
                        results[s.name] = Result(s, False, "no %s on this machine (a Debian system's own tool)" % tool)
                    return results
            apt_setup()
            age, _ = lists_state()
            why = None
            if age is None or age > LISTS_FRESH_SECONDS:
                why = apt_update()
            for s in todo:
                if why:
                    results[s.name] = Result(s, False, why)
                    continue
                log("%s: fetching %s from %s" % (s.name, " ".join(s.packages), s.suite))
                r = fetch(s)
                if not r.ok and age is not None and age <= LISTS_FRESH_SECONDS:
                    # Lists of yesterday may name a version the archive
                    # has dropped since: once more, with today's.
                    age = None
                    why = apt_update()
                    r = Result(s, False, why) if why else fetch(s)
                results[s.name] = r
    return {s.name: results[s.name] for s in stacks}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", metavar="NAME", help="stacks (default: all): " + " ".join(BY_NAME))
    ap.add_argument("--offline", action="store_true", help="only report what is there")
    a = ap.parse_args()
    if a.names[:1] == ["fetch"]:
        a.names = a.names[1:]
    for n in a.names:
        if n not in BY_NAME:
            ap.error("no stack %s (there are: %s)" % (n, " ".join(BY_NAME)))
    results = ensure(a.names or None, a.offline)
    for r in results.values():
        print(r.line(), flush=True)
    return 0 if all(r.ok for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
