#!/usr/bin/env python3
"""The Go standard library's own test suites under goose, with qemu-riscv64
(user-mode Linux) as the reference.

For each package and Go toolchain:

  1. build its test binary: `go test -c -o X.test <pkg>` (GOOS=linux
     GOARCH=riscv64 CGO_ENABLED=0 GOFLAGS=-buildvcs=false) into
     build/stdtest/<GOVERSION>/;
  2. pack an initramfs (cpio newc) holding the package's directory tree (its
     sources, testdata/ and subdirectories), the testdata/ directory of every
     directory above it up to GOROOT/src (compress/flate reads
     ../testdata/e.txt and ../../testdata/Isaac.Newton-Opticks.txt), and the
     EXTRAS below, all at the same absolute paths as on this machine (real
     directories where this machine has symlinks, as Debian's
     /usr/lib/go-1.19/src -> /usr/share/go-1.19/src);
  3. boot the binary under goose:
       make -s --no-print-directory -C <repo> run KERNEL=<X.test> INITRD=<cpio>
            MEM=1G TIMEOUT=<s> BOOTARGS='goose.cwd=<pkg dir> <env> -- -test.short ...'
  4. run the same binary under qemu-riscv64 in the package's directory with the
     same environment and arguments: the reference.

Step 3's stack is make run's, from GOOSE_QEMU, GOOSE_FIRMWARE, GOOSE_CPU, ...
in the environment when set (docs/boot.md): `GOOSE_QEMU=... make stdtest`
runs the packages on another QEMU.

The environment is what `go test` gives a test binary, less this machine's:
PATH=/usr/bin:/bin HOME=/ PWD=<pkg dir>. The arguments are -test.short,
-test.v, and -test.timeout=<limit less a margin> (so that a hung test still
names itself in a goroutine dump before the hard limit kills QEMU).

A run passes when it exits 0 and the testing package's verdict line says
"PASS" (a run whose output went missing cannot pass); a package passes when both
runs pass and every test the reference passes passes under goose too (--- PASS
lines, subtests too; hex addresses in subtest names are not compared): a test
that skips itself only under goose, or that goose never runs, is a failure. A
test that passes only under goose (the reference's machine lacks something,
such as a terminal) is named in the ok line. The reference runs on as many
CPUs as goose has harts (taskset), so tests that need two CPUs skip alike.

Toolchains are ci/gotest.py's (the `go` on PATH, Debian's Go 1.19, and the
release gotest fetches), or those given with --go; a package a toolchain lacks,
or one with no test files, is skipped.

A package passes when both runs pass. When the reference fails some tests
(most often because they run the test binary again, which qemu-riscv64 cannot
here: no binfmt_misc), both run again without those top-level tests
(-test.skip, or for Go 1.19 a -test.run pattern that matches every other
name), up to three times, and the package is judged on the rest; the line
names what was left out. When the reference still fails, the package is
skipped ("fails under the reference too") if goose fails no test the
reference passes, and fails otherwise. The tests in STARTS_PROGRAMS (they run the go tool,
cat, id or the test binary again; goose runs one program, with no fork or
execve) are left out of both runs from the start, and the line says so too. A run
that outlives the limit is killed and reported as "timeout". With --dig, a
goose run cut short by a crash runs again without the test to blame, so that
the line names every failing test.

With goose's network provider: a package named with "+provider" after it
(net+provider, net/http+provider), or every package with --provider, is
built with the provider (go-kernel/net: gVisor's netstack over virtio-net)
linked into its external test package, from a private GOROOT of symbolic
links under build/stdtest/<go version>/ (PROVIDER below says how and why),
and goose boots it with a virtio-net device on QEMU's restricted user
network (no DHCP wait: GOOSE_NET_ADDR=10.0.2.15/24, in both runs'
environment), so that every internet socket, loopback included, is
netstack's. The reference runs the same binary, where the provider finds no
goose and says so in one "goose-net:" line. The tests that cannot pass with
the provider, each for a reason written down, are PROVIDER_EXCEPTIONS: both
runs leave them out and the line names them. A toolchain older than gVisor
needs gives a skip line. `make stdtest-net [SMP=2]` runs net and net/http
so (about a minute once the build cache is warm), the same as

  ci/stdtest.py --provider --smp 1 --go go net net/http

Speaks ci/report.py's protocol: "plan N", one line per package and toolchain
(a toolchain that cannot be had gives each package a skip line naming why,
a failure under GOOSE_REQUIRE_TOOLCHAINS=1; a package a toolchain lacks is a
skip; any other `go list` error a failure), then "N passed, N failed" (plus
", N skipped"); exits 1 when any package failed. Every run leaves its output
in build/stdtest-logs/ (<go>-<pkg>.{goose,ref,build}.log, later runs of the
same package appended), and results.json there keeps the latest result of
each package and toolchain (--markdown prints it as a table).
"""

import argparse
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "ci"))
import gotest  # noqa: E402  (Toolchain, default_toolchains, say, kill_group)
from cpio import Cpio  # noqa: E402
import report  # noqa: E402

BUILD = os.path.join(REPO, "build")
OUT = os.path.join(BUILD, "stdtest")
LOGS = os.path.join(BUILD, "stdtest-logs")
RESULTS = os.path.join(LOGS, "results.json")

# The default list: runtime-heavy, CPU-heavy, I/O and text packages; about
# 15 minutes for Go 1.26 and 1.19 on 2 cores (docs/compat.md has the times).
DEFAULT = """
    sync/atomic sync context reflect runtime/debug runtime/metrics runtime/pprof runtime/trace
    time os/signal syscall internal/poll unique errors testing
    crypto/sha1 crypto/sha256 crypto/sha512 crypto/md5 crypto/aes crypto/cipher crypto/hmac
    crypto/ed25519 crypto/ecdsa crypto/rand
    compress/gzip compress/flate compress/zlib compress/bzip2 compress/lzw
    hash/crc32 hash/crc64 hash/fnv hash/maphash
    math/big math math/bits math/rand
    bufio io bytes strings archive/tar archive/zip os os/user path/filepath path io/fs image/png
    io/ioutil embed/internal/embedtest testing/fstest
    fmt strconv regexp regexp/syntax text/template html/template text/tabwriter
    encoding/json encoding/xml encoding/base64 encoding/base32 encoding/binary encoding/csv
    encoding/hex encoding/gob encoding/pem
    unicode/utf8 unicode/utf16 sort slices maps container/heap container/list container/ring
    flag log log/slog net/url net/netip mime
""".split()

# `make test`: quick, but each touches a different part of goose (threads and
# futexes, timers, files and the initramfs, signals, CPU-bound work, the GC).
SHORT = ("sync runtime/debug reflect strconv bufio compress/flate path/filepath io/fs syscall context encoding/json net "
         "net+provider net/http+provider").split()

# Tests that start another program (the go tool, cat, id, the test binary
# itself): goose runs one program and has no fork or execve, so they can only
# fail. The reference runs them (qemu-riscv64 starts the host's programs).
# Both runs leave them out, and every line that does says so. Nothing else
# belongs here: a test that fails for a gap in goose stays a failure.
STARTS_PROGRAMS = {
    # TestHostname compares with the output of the hostname program.
    "os": ["TestStartProcess", "TestErrProcessDone", "TestExecutableDeleted", "TestHostname"],
    "syscall": ["TestZeroSysProcAttr", "TestSetpgid", "TestPgid", "TestForeground", "TestForegroundSignal",
                "TestRlimitRestored", "TestPrlimitOtherProcess", "TestGroupCleanup",
                "TestUnshareMountNameSpace", "TestUnshareMountNameSpaceChroot",
                # cat in a new network namespace (it skips where /proc/net/dev
                # is missing, as under goose, before it gets that far).
                "TestUnshare",
                # These start the test binary again; under the reference Go
                # 1.19's TestDeathSignal could hang until the time limit.
                "TestDeathSignal", "TestExec", "TestExecPtrace", "TestPassFD", "TestFcntlFlock", "TestPidFD",
                "TestAmbientCaps", "TestPrlimitFileLimit"],
    "net/netip": ["TestInlining"],
    "net/http": ["TestOmitHTTP2Vet"],  # go vet
}

# Where goose is known to lack what a test needs, tests that skip under goose
# alone, for that reason, are counted, named in the line, and not a failure:
# a test qualifies when its skip message matches "message" or its name
# matches "name" (its subtests, and the tests under it the reference passes,
# with it). Nothing else belongs here: a new gap is a failure until it is
# written down, with the doc that says so.
KNOWN_GAPS = {
    "net": {"why": "goose's sockets are IPv4 only (docs/networking.md)",
            "message": r"IPv6|both IPv4 and IPv6 are required|(tcp|udp)6 not available|\[::1?\]",
            "name": r"::1|\[::\]|tcp6|udp6"},
    "internal/poll": {"why": "goose has no TUN device (docs/networking.md)", "message": r"/dev/net/tun",
                      "name": r"(?!)"},
}

# With the provider (PROVIDER), the tests of a package that cannot pass under
# goose for a reason written down here: both runs leave them out, and the
# line names them. Two kinds only: what follows from the provider being the
# program's own Go code (its allocations are the program's), and a gap of
# goose's that docs/networking.md or the entry names, to leave when fixed.
PROVIDER_ALLOCS = ("testing.AllocsPerRun counts every allocation of the process, and the provider serves "
                   "the sockets inside it: netstack's allocations for each read and write are the test's")
PROVIDER_EXCEPTIONS = {
    "net": {
        "TestAllocs": PROVIDER_ALLOCS,
        "TestTCPReadWriteAllocs": PROVIDER_ALLOCS,
    },
}

# Files a package's tests read from outside its directory, beyond the
# testdata/ directories above it: paths relative to GOROOT, or absolute paths
# of this machine, each with the newest Go that needs it (None: every
# version). A path ending in "/" is a directory whose entries go in as empty
# files (the names are what the test reads).
EXTRAS = {
    # user.Current reads /etc/passwd when cgo is off; LookupGroup /etc/group.
    "os/user": [("/etc/passwd", None), ("/etc/group", None)],
    # sysdir: /etc/group, /etc/hosts, /etc/passwd (TestStat, TestRead0, ...);
    # TestReaddirnamesOneAtATime and TestChdirAndGetwd list and enter /usr/bin.
    "os": [("/etc/group", None), ("/etc/hosts", None), ("/etc/passwd", None), ("/usr/bin/", None)],
    # ForceUSPacificForTesting loads ../../lib/time/zoneinfo.zip.
    "time": [("lib/time/zoneinfo.zip", None)],
    # TestBug3486 walks GOROOT/src/unicode (Go 1.19: GOROOT/test).
    "path/filepath": [("src/unicode", None), ("test", (1, 20))],
    # TestReadDir lists ".." and looks for io_test.go.
    "io/ioutil": [("src/io", None)],
    # TestReadLine reads /etc/services (and skips without it).
    "net": [("/etc/services", None)],
    # TestNoUnicodeStrings (Go 1.27) walks the package's sources after
    # testenv.MustHaveSource finds GOROOT/src/go.mod.
    "net/http": [("src/go.mod", None)],
    # performance_test.go reads ../printer/nodes.go when the package loads.
    "go/parser": [("src/go/printer/nodes.go", None)],
}

GO_ENV = {"GOOS": "linux", "GOARCH": "riscv64", "CGO_ENABLED": "0",
          "GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local"}
RUN_ENV = ["PATH=/usr/bin:/bin", "HOME=/"]
MAKE_RUN = ("make -s --no-print-directory -C {repo} run KERNEL={elf} INITRD={cpio} "
            "MEM={mem} SMP={smp} TIMEOUT={timeout} BOOTARGS={bootargs}")
EXIT_RE = re.compile(r"^goose: exit status (-?\d+)\s*$")
FAIL_RE = re.compile(r"^(\s*)--- FAIL: (\S+)")
VERDICT_RE = re.compile(r"^\s*--- (PASS|SKIP): (\S+)")
RUN_RE = re.compile(r"^=== (?:RUN|CONT)\s+(\S+)")
# goose's boot report: not a reason for anything.
BOOT_RE = re.compile(r"^goose: (goose |RAM |memory: |program |\d+ instructions)")

say = gotest.say
live, live_lock = set(), threading.Lock()


# ------------------------------------------------------------------ packages

class Package:
    """One package as one toolchain sees it; name is its path, with
    PROVIDER after it for the run with goose's network provider."""

    def __init__(self, tc, name, info):
        self.tc, self.name = tc, name
        self.path, self.provider = split_name(name)
        self.dir, self.ntests, self.error = info
        self.label = "%s/%s" % (tc.name, name)
        self.base = os.path.join(LOGS, "%s-%s" % (tc.name, name.replace("/", "_")))
        self.elf = os.path.join(OUT, tc.goversion, name.replace("/", "_") + ".test")
        self.cpio = self.elf[:-len(".test")] + ".cpio"


def split_name(name):
    """(import path, with the provider?) of a package name of the list."""
    if name.endswith(PROVIDER):
        return name[:-len(PROVIDER)], True
    return name, False


def go_env(tc, cwd=None):
    env = dict(os.environ, **GO_ENV)
    if cwd:
        env["PWD"] = cwd  # so that Go keeps the path as given, symlinks and all
    return env


def goroot(tc):
    if not hasattr(tc, "goroot"):
        tc.goroot = subprocess.run([tc.gobin, "env", "GOROOT"], env=go_env(tc), check=True,
                                   capture_output=True, text=True).stdout.strip()
    return tc.goroot


def list_packages(tc, paths):
    """{path: (dir, number of test files, error)} for the toolchain."""
    fmt = "{{.ImportPath}}\t{{.Dir}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}\t{{if .Error}}{{.Error}}{{end}}"
    src = os.path.join(goroot(tc), "src")
    p = subprocess.run([tc.gobin, "list", "-e", "-f", fmt] + paths, cwd=src,
                       env=go_env(tc, src), stdin=subprocess.DEVNULL, capture_output=True, text=True)
    info = {}
    for line in p.stdout.splitlines():
        f = line.split("\t")
        if len(f) == 5:
            info[f[0]] = (f[1], int(f[2]) + int(f[3]), f[4].strip())
    for path in paths:
        if path not in info:
            err = next((l for l in p.stderr.splitlines() if path in l), p.stderr.strip() or "not listed")
            info[path] = ("", 0, err)
    return info


def build(pkg, verbose):
    """Returns None, or the error text."""
    os.makedirs(os.path.dirname(pkg.elf), exist_ok=True)
    tmp = "%s.tmp%d" % (pkg.elf, os.getpid())
    cmd = [pkg.tc.gobin, "test", "-c", "-o", tmp]
    if pkg.path == "time" and not os.path.exists(os.path.join(goroot(pkg.tc), "lib/time/zoneinfo.zip")):
        # Debian's Go has no lib/time/zoneinfo.zip, which time's tests need
        # (internal_test.go panics without it): embed the database instead.
        cmd.append("-tags=timetzdata")
    src = os.path.join(goroot(pkg.tc), "src")
    env = go_env(pkg.tc, src)
    if pkg.provider:
        try:
            root, flags = provider_goroot(pkg.tc, [pkg.path])
        except ProviderError as e:
            return "the provider: %s" % e
        cmd += flags
        src = os.path.join(root, "src")
        env = dict(go_env(pkg.tc, src), GOROOT=root)
    cmd.append(pkg.path)
    if verbose:
        say("# (cd %s && %s%s)" % (src, "GOROOT=%s " % env["GOROOT"] if pkg.provider else "", " ".join(cmd)))
    p = subprocess.run(cmd, cwd=src, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0 or not os.path.exists(tmp):
        return p.stdout.decode(errors="replace") or "go test -c wrote nothing"
    os.replace(tmp, pkg.elf)
    return None


def pack(pkg):
    """Writes pkg.cpio: see the module's docstring for what it holds."""
    root = goroot(pkg.tc)
    src = os.path.join(root, "src")
    tmp = "%s.tmp%d" % (pkg.cpio, os.getpid())
    with open(tmp, "wb") as f:
        c = Cpio(f)
        c.add(pkg.dir, pkg.dir)
        d = os.path.dirname(pkg.dir)
        while len(d) >= len(src) and d.startswith(src):
            if os.path.isdir(os.path.join(d, "testdata")):
                c.add(os.path.join(d, "testdata"), os.path.join(d, "testdata"))
            d = os.path.dirname(d)
        for rel, newest in EXTRAS.get(pkg.path, []):
            path = os.path.join(root, rel)  # rel when absolute
            if (newest is not None and pkg.tc.version > newest) or not os.path.exists(path):
                continue
            if path.endswith("/"):
                c.dir(path.rstrip("/"))
                for name in sorted(os.listdir(path)):
                    c.empty(path + name)
            else:
                c.add(path, path)
        c.close()
    os.replace(tmp, pkg.cpio)



# ------------------------------------------------------------ the provider
#
# "net+provider" is package net's test binary with goose's network provider
# (go-kernel/net: gVisor's netstack over virtio-net) linked in. A std test
# binary can import only std, and what std imports from outside it it finds
# in GOROOT/src/vendor, listed in vendor/modules.txt, or, for a path without
# a dot, at GOROOT/src/<path>. `go test -overlay` cannot add them: the go
# command reads vendor/modules.txt past the overlay (os.ReadFile), and runs
# the assembler (mmio, x/sys/unix, gVisor's sync) in the package's
# directory, which must exist on disk. So the build uses a private GOROOT,
# goroot+provider under build/stdtest/<go version>/, remade for every run
# (milliseconds), whose every entry is a symbolic link to the toolchain's
# GOROOT but for the directories on the way to what it adds:
#
#   src/<pkg>/zz_goose_provider_test.go  in the package's external test
#       package (<name>_test), `import _ "goose/go-kernel/net/virtio"`: the
#       external test package may import what imports the package itself
#       (the provider imports net);
#   src/goose/go-kernel/...  the provider's own packages (no dot: std paths);
#   src/vendor/<path>/  every other package the provider needs (gVisor,
#       btree, golang.org/x/...), as `go list -deps` in go-kernel/net finds
#       them (links to the module cache); a package std vendors already stays
#       std's;
#   src/vendor/modules.txt, src/go.mod  std's, plus those modules (a module
#       std vendors already, golang.org/x/sys, gets the new packages under
#       its own line, std's version, the files the provider's version).
#
# The added packages are compiled as what they are, not std (-gcflags
# -std=false: gVisor's //go:inline is an error in std). The links make the
# build see the worktree's provider as it is; the first build for a toolchain
# compiles std once more (its GOROOT path is another), then the cache has it.
# The binary's GOROOT is the private one; the initramfs and working
# directory stay the toolchain's. Under goose the binary boots with a virtio-net device on
# QEMU's restricted user network and a static address (no DHCP wait); the
# tests talk to themselves over netstack's loopback. The reference runs the
# same binary, where the provider finds no device tree and says so in one
# "goose-net:" line.
PROVIDER = "+provider"
PROVIDER_MODULE = os.path.join(REPO, "go-kernel", "net")
PROVIDER_IMPORT = "goose/go-kernel/net/virtio"
PROVIDER_TEST_FILE = "zz_goose_provider_test.go"
PROVIDER_QEMU = ("-global virtio-mmio.force-legacy=false "
                 "-netdev user,id=n0,restrict=on -device virtio-net-device,netdev=n0")
PROVIDER_ENV = ["GOOSE_NET_ADDR=10.0.2.15/24"]
provider_lock = threading.Lock()


class ProviderError(Exception):
    """Why a toolchain cannot build with the provider; skip: a skip (a Go
    too old for gVisor), not a failure."""

    def __init__(self, why, skip=False):
        Exception.__init__(self, why)
        self.skip = skip


def full_version(tc):
    """(major, minor, patch) of the toolchain."""
    m = re.match(r"go(\d+)\.(\d+)(?:\.(\d+))?", tc.goversion)
    return tuple(int(x or 0) for x in m.groups()) if m else (999, 0, 0)


def provider_go_min():
    with open(os.path.join(PROVIDER_MODULE, "go.mod")) as f:
        m = re.search(r"^go (\d+)\.(\d+)(?:\.(\d+))?", f.read(), re.M)
    return tuple(int(x or 0) for x in m.groups())


def go_json(out):
    dec, i, objs = json.JSONDecoder(), 0, []
    while True:
        while i < len(out) and out[i].isspace():
            i += 1
        if i >= len(out):
            return objs
        o, i = dec.raw_decode(out, i)
        objs.append(o)


def provider_goroot(tc, pkgs):
    """Makes the private GOROOT for the packages' test binaries with the
    provider, once per run and toolchain (main calls it before the builds,
    with every such package of the run); returns (its path, the build's
    extra go flags), or raises ProviderError with the reason it cannot."""
    with provider_lock:
        if not hasattr(tc, "provider_root"):
            try:
                tc.provider_root = make_provider_goroot(tc, pkgs)
            except ProviderError as e:
                tc.provider_root = e
        if isinstance(tc.provider_root, ProviderError):
            raise tc.provider_root
        return tc.provider_root


def make_provider_goroot(tc, pkgs):
    need = provider_go_min()
    if full_version(tc) < need:
        raise ProviderError("gVisor needs Go %s or newer" % ".".join(map(str, need)), skip=True)
    root = goroot(tc)
    env = go_env(tc, PROVIDER_MODULE)
    p = subprocess.run([tc.gobin, "list", "-deps", "-json", "./virtio"], cwd=PROVIDER_MODULE, env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if p.returncode != 0:
        raise ProviderError("go list in go-kernel/net: " + (p.stderr.strip().splitlines() or ["?"])[-1][:200])
    with open(os.path.join(root, "src", "vendor", "modules.txt")) as f:
        modules_txt = f.read()
    with open(os.path.join(root, "src", "go.mod")) as f:
        go_mod = f.read()
    std_vendored = {l for l in modules_txt.splitlines() if l and not l.startswith("#")}
    files, new_mods, gcflags = {}, {}, []   # files: path in GOROOT -> link target or ("text", ...)
    for o in go_json(p.stdout):
        if o.get("Standard"):
            continue
        ip = o["ImportPath"]
        if o.get("CgoFiles") or o.get("EmbedFiles"):
            raise ProviderError("%s has cgo or embedded files, which this build does not carry" % ip)
        if "." not in ip.split("/")[0]:
            rel = "src/" + ip
            flag = "%s/..." % ip.split("/")[0]
        elif ip in std_vendored:
            continue  # std's copy
        else:
            rel = "src/vendor/" + ip
            m = o["Module"]
            new_mods.setdefault(m["Path"], (m["Version"], m.get("GoVersion") or "", []))[2].append(ip)
            # The module's packages; only these where std vendors others.
            vendored = any(v.startswith(m["Path"] + "/") for v in std_vendored)
            flag = "vendor/%s" % ip if vendored else "vendor/%s/..." % m["Path"]
        if "-gcflags=%s=-std=false" % flag not in gcflags:
            gcflags.append("-gcflags=%s=-std=false" % flag)
        for name in o.get("GoFiles", []) + o.get("SFiles", []) + o.get("HFiles", []):
            files[rel + "/" + name] = os.path.join(o["Dir"], name)
    for mod, (version, gover, ips) in sorted(new_mods.items()):
        lines = "".join(ip + "\n" for ip in sorted(ips))
        head = re.search(r"^# %s \S+\n(?:##.*\n)?" % re.escape(mod), modules_txt, re.M)
        if head:  # std vendors other packages of it
            modules_txt = modules_txt[:head.end()] + lines + modules_txt[head.end():]
        else:
            modules_txt += "# %s %s\n## explicit%s\n%s" % (mod, version, "; go " + gover if gover else "", lines)
            go_mod += "\nrequire %s %s\n" % (mod, version)
    files["src/vendor/modules.txt"] = ("text", modules_txt)
    files["src/go.mod"] = ("text", go_mod)
    for path in pkgs:
        q = subprocess.run([tc.gobin, "list", "-f", "{{.Name}}", path], cwd=os.path.join(root, "src"),
                           env=go_env(tc, os.path.join(root, "src")), capture_output=True, text=True)
        if q.returncode == 0 and q.stdout.strip():
            files["src/%s/%s" % (path, PROVIDER_TEST_FILE)] = (
                "text", "package %s_test\n\n// stdtest.py: goose's network provider, linked in.\n"
                "import _ %s\n" % (q.stdout.strip(), json.dumps(PROVIDER_IMPORT)))
    new = os.path.join(OUT, tc.goversion, "goroot" + PROVIDER)
    mirror(root, new, files)
    return new, gcflags


def mirror(orig, new, files):
    """Makes new a tree of symbolic links to orig's entries, with files
    ({relative path: link target, or ("text", contents)}) added: each
    directory on their way is a real one. Nothing is ever written through a
    link, so orig is never touched."""
    if os.path.lexists(new):
        shutil.rmtree(new)  # does not follow the links
    os.makedirs(os.path.dirname(new), exist_ok=True)
    real_new = os.path.realpath(os.path.dirname(new))

    def real_dir(rel):
        path, o = new, orig
        for part in rel.split("/") if rel else []:
            path, o = os.path.join(path, part), os.path.join(o, part)
            real(path, o)
        return path

    def real(path, o):
        if os.path.islink(path):
            os.unlink(path)
        if not os.path.lexists(path):
            os.mkdir(path)
            if os.path.isdir(o):
                for e in os.listdir(o):
                    os.symlink(os.path.join(o, e), os.path.join(path, e))

    real(new, orig)
    for rel, what in sorted(files.items()):
        d = real_dir(os.path.dirname(rel))
        assert os.path.realpath(d).startswith(real_new + os.sep), d
        dst = os.path.join(d, os.path.basename(rel))
        if os.path.lexists(dst):
            os.unlink(dst)
        if isinstance(what, tuple):
            with open(dst, "w") as f:
                f.write(what[1])
        else:
            os.symlink(what, dst)


# ----------------------------------------------------------------------- run

class Run:
    def __init__(self, cmd, out, status, secs, timed_out):
        self.cmd, self.out, self.status, self.secs, self.timed_out = cmd, out, status, secs, timed_out


def execute(cmd, timeout, verbose, cwd=None, env=None):
    """Runs cmd with stdout and stderr together; kills its process group after timeout."""
    if verbose:
        say("# %s%s" % ("(cd %s) " % cwd if cwd else "", " ".join(shlex.quote(w) for w in cmd)))
    start = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    with live_lock:
        live.add(p)
    # The output is read on the side: a child the test started in a session
    # of its own (Setsid, Setpgid tests under the reference) may keep the
    # pipe open long after the binary exited; its end is not waited for.
    chunks = []

    def drain():
        while True:
            b = os.read(p.stdout.fileno(), 65536)
            if not b:
                return
            chunks.append(b)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    timed_out = False
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        gotest.kill_group(p)
        p.wait()
    finally:
        with live_lock:
            live.discard(p)
    reader.join(5)
    out = b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")
    return Run(cmd, out, p.returncode, time.monotonic() - start, timed_out)


def test_args(args, exclude=(), version=(1, 19)):
    margin = max(10, args.timeout // 10)
    a = ["-test.short", "-test.v", "-test.timeout=%ds" % max(1, args.timeout - margin)]
    if args.run:
        a.append("-test.run=" + args.run)
    elif exclude and version >= (1, 20):
        a.append("-test.skip=^(?:%s)\\z" % "|".join(re.escape(n) for n in sorted(exclude)))
    elif exclude:
        a.append("-test.run=" + all_but(exclude))
    return a


def all_but(names):
    """A -test.run pattern for every top-level test but names: Go 1.19 has no
    -test.skip, and RE2 no negative lookahead, so this spells out the
    complement of names' trie. No "$" (make would expand it): \\z ends the text."""
    trie = {}
    for n in names:
        node = trie
        for ch in n:
            node = node.setdefault(ch, {})
        node[""] = {}

    def rest(node):  # what may follow when the name so far is at node
        kids = sorted(k for k in node if k)
        alts = [] if "" in node else [r"\z"]
        alts.append("[^%s]" % "".join(re.escape(k) for k in kids) if kids else ".")
        alts[-1] += ".*"
        alts += [re.escape(k) + rest(node[k]) for k in kids]
        return alts[0] if len(alts) == 1 else "(?:%s)" % "|".join(alts)
    return "^" + rest(trie)


def quote(w):
    if w and not re.search(r"[\s'\"]", w):
        return w
    return "'%s'" % w if '"' in w else '"%s"' % w


def run_env(pkg):
    # A binary built in the private GOROOT has that as runtime.GOROOT(); the
    # initramfs has the real one's paths (testenv.MustHaveSource looks there).
    provider = PROVIDER_ENV + ["GOROOT=" + goroot(pkg.tc)] if pkg.provider else []
    return RUN_ENV + ["PWD=" + pkg.dir] + provider


def run_goose(pkg, args, exclude=()):
    env = run_env(pkg)
    words = ["goose.cwd=" + pkg.dir] + args.goose_opt + env + ["--"] + test_args(args, exclude, pkg.tc.version)
    fields = {"repo": args.repo, "elf": pkg.elf, "cpio": pkg.cpio, "mem": args.mem, "smp": str(args.smp),
              "timeout": str(args.timeout), "bootargs": " ".join(quote(w) for w in words)}
    cmd = [w.format(**fields) for w in shlex.split(MAKE_RUN)]
    if pkg.provider:
        cmd.append("QEMU_EXTRA=" + PROVIDER_QEMU)
    # The limit is QEMU's (qemu.py --timeout); the margin is for linking the image.
    r = execute(cmd, args.timeout + 120, args.verbose)
    r.exit = None
    for line in r.out.splitlines():
        m = EXIT_RE.match(line)
        if m:
            r.exit = int(m.group(1))
    if r.exit is None and "qemu.py: timeout after" in r.out:
        r.timed_out = True
    return r


def reference_cpus(smp):
    """taskset's CPU list for the reference: as many CPUs as goose's harts
    (Go's NumCPU is sched_getaffinity's count, which qemu-riscv64 passes
    through), or all of this machine's when it has fewer."""
    n = min(smp, os.cpu_count() or 1)
    return "0" if n == 1 else "0-%d" % (n - 1)


def run_reference(pkg, args, exclude=()):
    env = dict(w.split("=", 1) for w in run_env(pkg))
    r = execute(["taskset", "-c", reference_cpus(args.smp), "qemu-riscv64", pkg.elf] + test_args(args, exclude),
                args.timeout, args.verbose, cwd=pkg.dir, env=env)
    r.exit = None if r.timed_out else r.status
    return r


def failed_tests(out):
    """Names of the tests that failed, innermost subtests left out."""
    names = []
    for line in out.splitlines():
        m = FAIL_RE.match(line)
        if m and not m.group(1):
            names.append(m.group(2))
    if not names:
        names = [m.group(2) for m in map(FAIL_RE.match, out.splitlines()) if m]
    return names


def running_test(out):
    """The test that was running when a panic or timeout ended the binary."""
    lines = out.splitlines()
    for i, line in enumerate(lines):  # Go 1.21 and later name them
        if line.strip() == "running tests:" and i + 1 < len(lines):
            return lines[i + 1].split()[0]
    for line in lines:  # a test function's frame in the goroutine dump
        m = re.match(r"^\S+\.(Test\w+|Benchmark\w+|Example\w+|Fuzz\w+)(?:\.func\d+)*\(", line)
        if m:
            return m.group(1)
    runs = [m.group(1) for m in map(RUN_RE.match, lines) if m]
    return runs[-1] if runs else None


def reason(run, limit):
    """Why a run failed, in a few words."""
    out = run.out
    names = failed_tests(out)
    failed = (names[0] + (" (+%d more)" % (len(set(names)) - 1) if len(set(names)) > 1 else "")) if names else ""
    m = re.search(r"^panic: test timed out after (\S+)", out, re.M)
    if run.timed_out or m:
        t = running_test(out)
        why = ("timeout after %ds" % limit) if run.timed_out else "timeout: test timed out after " + m.group(1)
        why += " in " + t if t else ""
        return failed + ", then " + why if failed else why
    if failed:
        return failed
    for pat in (r"^(panic: .*)", r"^(fatal error: .*)", r"^(SIG\w+: .*)"):
        m = re.search(pat, out, re.M)
        if m:
            t = running_test(out)
            return m.group(1)[:100] + (" in " + t if t else "")
    goose = [l for l in out.splitlines() if l.startswith("goose: ")
             and not BOOT_RE.match(l) and not EXIT_RE.match(l)]
    if goose:
        return goose[-1][:120]
    for l in out.splitlines():
        if l.startswith(("qemu.py: ", "make: ", "qemu-riscv64: ", "qemu-system-riscv64: ")):
            return l[:120]
    return "exit status %s" % (run.exit if run.exit is not None else run.status)


def write_log(path, run, append=False):
    with open(path, "a" if append else "w") as f:
        if append:
            f.write("\n# ---- again, leaving out more tests\n")
        f.write("# %s\n# status %s%s, %.1fs\n" % (
            " ".join(shlex.quote(w) for w in run.cmd), run.exit if run.exit is not None else run.status,
            " (killed: timeout)" if run.timed_out else "", run.secs))
        f.write(run.out)


# ---------------------------------------------------------------------- main

def record(pkg, kind, goose=None, ref=None, why=None, exclude=(), by_design=(), excepted=()):
    """Adds the result to results.json (the latest run of each package wins)."""
    def side(r):
        if r is None:
            return None
        ok = passed(r) or (kind == "ok" and r is goose)
        return {"ok": ok, "secs": round(r.secs, 1), "reason": None if ok else reason(r, 0)}
    with results_lock:
        try:
            with open(RESULTS) as f:
                data = json.load(f)
        except (OSError, ValueError):
            data = {}
        data.setdefault(pkg.tc.goversion, {})[pkg.name] = {
            "result": kind, "why": why, "goose": side(goose), "ref": side(ref), "excluded": list(exclude),
            "starts_programs": list(by_design), "provider_exceptions": list(excepted),
            "when": time.strftime("%Y-%m-%d %H:%M")}
        tmp = RESULTS + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, RESULTS)


results_lock = threading.Lock()


def run_one(pkg, args):
    """Returns ('ok'|'FAIL'|'skip', line)."""
    if pkg.error or not pkg.dir:
        why = pkg.error or "not listed by go list"
        # A package this Go does not have yet is a skip; any other error of
        # go list (a broken toolchain, a typo in the list) is a failure.
        if re.search(r"is not in (GOROOT|std)|cannot find package|package \S+ is not in", why):
            why = "%s has no package %s" % (pkg.tc.name, pkg.path)
            record(pkg, "skip", why=why)
            return "skip", "skip %s: %s" % (pkg.label, why)
        record(pkg, "FAIL", why="go list: " + why[:200])
        return "FAIL", "FAIL %s go list: %s" % (pkg.label, why[:200])
    if pkg.ntests == 0:
        record(pkg, "skip", why="no test files")
        return "skip", "skip %s: no test files" % pkg.label
    if pkg.provider:
        try:
            provider_goroot(pkg.tc, [pkg.path])
        except ProviderError as e:
            kind = "skip" if e.skip else "FAIL"
            record(pkg, kind, why="the provider: %s" % e)
            return kind, "%s %s: the provider: %s" % (kind if e.skip else "FAIL", pkg.label, e)
    for ext in (".goose.log", ".ref.log", ".build.log"):
        if os.path.exists(pkg.base + ext):
            os.remove(pkg.base + ext)
    err = build(pkg, args.verbose)
    if err is not None:
        with open(pkg.base + ".build.log", "w") as f:
            f.write(err)
        first = next((l for l in err.splitlines() if l and not l.startswith("#")), "")
        record(pkg, "FAIL", why="build failed: " + first[:100])
        return "FAIL", "FAIL %s build failed: %s (log: %s)" % (
            pkg.label, first[:100], os.path.relpath(pkg.base + ".build.log", REPO))
    pack(pkg)
    by_design = [n for n in STARTS_PROGRAMS.get(pkg.path, []) if n not in args.skip]
    excepted = [n for n in (PROVIDER_EXCEPTIONS.get(pkg.path, {}) if pkg.provider else {})
                if n not in args.skip and n not in by_design]
    skip = list(args.skip) + by_design + excepted
    goose = run_goose(pkg, args, skip)
    write_log(pkg.base + ".goose.log", goose)
    ref = None
    if not args.no_ref:
        ref = run_reference(pkg, args, skip)
        write_log(pkg.base + ".ref.log", ref)
    logs = os.path.relpath(pkg.base, REPO) + (".{goose,ref}.log" if ref else ".goose.log")

    # The reference fails some tests (most often: they run this binary again,
    # which qemu-riscv64 cannot without binfmt_misc): run both again without
    # them, so the rest of the package still says something about goose.
    extra, g, r = [], goose, ref
    if ref is not None and not passed(ref) and not args.run:
        extra = [n for n in culprits(ref) if n not in skip]
        for _ in range(3):
            if not extra or len(" ".join(test_args(args, skip + extra, pkg.tc.version))) > 3000:
                extra = []  # beyond goose's 4095-byte command line
                break
            r = run_reference(pkg, args, skip + extra)
            write_log(pkg.base + ".ref.log", r, append=True)
            more = [n for n in culprits(r) if n not in skip + extra]
            if passed(r) or not more:
                break
            extra += more
        if not extra or not passed(r):
            extra, r = [], ref
        elif not passed(goose) and not (complete(goose) and set(culprits(goose)) <= set(extra)):
            g = run_goose(pkg, args, skip + extra)
            write_log(pkg.base + ".goose.log", g, append=True)
    exclude = extra
    kind, why = judge(g, r, extra, KNOWN_GAPS.get(pkg.name))
    note = why if kind == "ok" else None
    g_txt = ("ok %.1fs" % g.secs) if passed(g) and not (why and kind != "ok") else why or reason(g, args.timeout)
    if r is None:
        r_txt = "not run"
    else:
        r_txt = ("ok %.1fs" % r.secs) if passed(r) else "%s, %.1fs" % (reason(r, args.timeout), r.secs)
    if exclude:
        r_txt += "; without %d test%s failing under the reference: %s%s" % (
            len(exclude), "s" if len(exclude) > 1 else "", " ".join(exclude[:4]),
            " ..." if len(exclude) > 4 else "")
    if by_design:
        r_txt += "; without %d test%s that start%s other programs: %s" % (
            len(by_design), "s" if len(by_design) > 1 else "", "" if len(by_design) > 1 else "s",
            " ".join(by_design[:4]) + (" ..." if len(by_design) > 4 else ""))
    if excepted:
        r_txt += "; without %d test%s the provider cannot pass (PROVIDER_EXCEPTIONS): %s" % (
            len(excepted), "s" if len(excepted) > 1 else "",
            " ".join(excepted[:4]) + (" ..." if len(excepted) > 4 else ""))
    if kind == "skip":
        record(pkg, "skip", g, r, why="fails under the reference too", excepted=excepted)
        return "skip", "skip %s: fails under the reference too: %s (goose %s; logs: %s)" % (
            pkg.label, r_txt, g_txt, logs)
    if kind == "ok":
        record(pkg, "ok", g, r, exclude=exclude, by_design=by_design, excepted=excepted)
        return "ok", "ok   %s %.1fs (ref %s%s)" % (pkg.label, g.secs, r_txt, "; " + note if note else "")
    failing = dig(pkg, args, g, exclude + by_design + excepted) if args.dig else []
    if len(failing) > 1:
        g_txt += "; with --dig, all failing: %s" % " ".join(failing)
    record(pkg, "FAIL", g, r, why=g_txt, exclude=exclude, by_design=by_design, excepted=excepted)
    return "FAIL", "FAIL %s %s (%.1fs; ref %s; logs: %s)" % (pkg.label, g_txt, g.secs, r_txt, logs)


def judge(g, r, extra=(), gap=None):
    """The verdict on goose's run g beside the reference's r (None when not
    run); extra are the tests both runs left out for failing under the
    reference; gap the package's KNOWN_GAPS entry. Returns ("ok", note);
    ("skip", None) when the reference fails and goose fails nothing more; or
    ("FAIL", why or None)."""
    # Failing only tests that fail under the reference too is passing the rest.
    g_ok = passed(g) or (bool(extra) and complete(g) and set(culprits(g)) <= set(extra))
    if r is not None and not passed(r):
        # The reference fails too: that says nothing about goose, unless
        # goose fails more (a test the reference passes, or a crash where
        # the reference ran to its end).
        new = [t for t in dict.fromkeys(failed_tests(g.out)) if t not in failed_tests(r.out)] if not g_ok else []
        if new:
            return "FAIL", "goose fails more than the reference: %s" % (
                " ".join(new[:5]) + (" ..." if len(new) > 5 else ""))
        if not g_ok and not complete(g) and complete(r):
            return "FAIL", None
        return "skip", None
    if not g_ok:
        return "FAIL", None
    diff, extra_passes, explained = differences(g, r, extra, gap) if r is not None else ("", "", set())
    if diff:
        return "FAIL", "runs other tests than the reference: " + diff
    notes = ["%d tests differ for a known gap: %s" % (len(explained), gap["why"])] if explained else []
    if extra_passes:
        notes.append(extra_passes)
    return "ok", "; ".join(notes) or None


def dig(pkg, args, run, exclude):
    """After a goose failure that stopped the run (a panic, a crash), runs
    goose again without the tests to blame, up to 5 times, so that one
    crashing test does not hide the rest. Returns every failing test seen."""
    failing = [n for n in culprits(run) if n not in exclude]
    left_out = list(args.skip) + list(exclude)
    for _ in range(5):
        if complete(run) or run.timed_out or re.search(r"^panic: test timed out", run.out, re.M):
            break
        new = [n for n in culprits(run) if n not in left_out]
        if not new:
            break
        left_out += new
        run = run_goose(pkg, args, left_out)
        write_log(pkg.base + ".goose.log", run, append=True)
        failing += [n for n in culprits(run) if n not in failing and n not in exclude]
    return failing


def program_lines(out):
    """The test binary's own lines: goose's ("goose: ...") and the
    runner's ("qemu.py: ...", "make: ...") left out."""
    return [l for l in out.splitlines()
            if not l.startswith(("goose: ", "qemu.py: ", "make: ", "make[")) and l.strip()]


def passed(run):
    """Exit status 0, and the testing package's verdict line (the last line
    that is just "PASS" or "FAIL"; a TestMain may print more after it) says
    PASS: a run whose output went missing does not pass."""
    verdicts = [l for l in program_lines(run.out) if l in ("PASS", "FAIL")]
    return run.exit == 0 and not run.timed_out and verdicts[-1:] == ["PASS"]


def verdicts(out, exclude=()):
    """{"PASS": set of test names, "SKIP": set}, subtests included, less
    the tests under the top-level ones in exclude."""
    v = {"PASS": set(), "SKIP": set()}
    for line in out.splitlines():
        m = VERDICT_RE.match(line)
        if m and m.group(2).split("/")[0] not in exclude:
            # Subtests named after a pointer (errors' TestAs) differ run to run.
            v[m.group(1)].add(re.sub(r"0x[0-9a-f]{6,}", "0x...", m.group(2)))
    return v


def skip_messages(out):
    """{test name: the lines it logged}, each log line given to the test
    the last "=== RUN/CONT/NAME" line named (go test -v's streamed output)."""
    msgs, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"^=== (?:RUN|CONT|NAME)\s+(\S+)", line)
        if m:
            cur = m.group(1)
        elif cur and line.startswith("    ") and not line.lstrip().startswith("--- "):
            msgs.setdefault(cur, []).append(line.strip())
    return msgs


def known_gap(g, gv, rv, gap):
    """The names whose difference a KNOWN_GAPS entry explains."""
    if not gap:
        return set()
    msgs = skip_messages(g.out)
    skips = {n for n in gv["SKIP"] - rv["SKIP"]
             if re.search(gap["name"], n) or any(re.search(gap["message"], m) for m in msgs.get(n, []))}
    under = {n for n in (rv["PASS"] | rv["SKIP"]) - (gv["PASS"] | gv["SKIP"])
             if re.search(gap["name"], n) or any(n.startswith(s + "/") for s in skips)}
    return skips | under


def differences(g, r, exclude=(), gap=None):
    """How goose's verdicts fall short of the reference's, in words (the
    tests the reference passes that goose skips or never runs); the tests
    only goose passes, in words; and the names a known gap explains (left
    out of both)."""
    gv, rv = verdicts(g.out, exclude), verdicts(r.out, exclude)
    explained = known_gap(g, gv, rv, gap)
    for v in (gv, rv):
        for kind in v:
            v[kind] -= explained

    def some(names):
        names = sorted(names)
        return " ".join(names[:4]) + (" (+%d more)" % (len(names) - 4) if len(names) > 4 else "")

    lost = rv["PASS"] - gv["PASS"]
    words = []
    if lost:
        words.append("only the reference passes %s" % some(lost))
        if lost & gv["SKIP"]:
            words.append("goose skips %s" % some(lost & gv["SKIP"]))
    more = gv["PASS"] - rv["PASS"]
    return "; ".join(words), ("only goose passes %s" % some(more)) if more else "", explained


def complete(run):
    """Whether every test ran: no panic, crash or timeout cut the run short."""
    return (run.exit is not None and not run.timed_out
            and not re.search(r"^(panic: |fatal error: |SIG[A-Z]+: )", run.out, re.M))


def culprits(run):
    """The top-level tests to blame for a failed run; none for a timeout (a
    second run would cost as much again)."""
    if run.timed_out or re.search(r"^panic: test timed out", run.out, re.M):
        return []
    names = [n.split("/")[0] for n in failed_tests(run.out)]
    if not complete(run):
        t = running_test(run.out)
        if t:
            names.append(t.split("/")[0])
    return list(dict.fromkeys(names))


def markdown():
    """results.json as a Markdown table, one row per package."""
    try:
        with open(RESULTS) as f:
            data = json.load(f)
    except (OSError, ValueError):
        sys.exit("stdtest: no %s yet" % os.path.relpath(RESULTS, REPO))
    versions = sorted(data, key=lambda v: [int(x) if x.isdigit() else 0 for x in re.findall(r"\d+", v)],
                      reverse=True)
    order = list(dict.fromkeys(DEFAULT + sorted(p for v in versions for p in data[v])))

    def cell(e, side):
        if not e or not e.get(side):
            return "-"
        s = e[side]
        return ("ok %.1fs" % s["secs"]) if s["ok"] else "FAIL %.1fs" % s["secs"]

    def verdict(e):
        if not e:
            return "-"
        if e["result"] == "skip" and not e.get("goose"):
            return "skip (%s)" % e["why"]
        return {"ok": "ok", "FAIL": "**FAIL**", "skip": "ref fails"}[e["result"]]

    head = "| package |" + "".join(" %s | goose | ref |" % v for v in versions)
    rows = [head, "| --- |" + " --- | --- | --- |" * len(versions)]
    for p in order:
        if not any(p in data[v] for v in versions):
            continue
        row = "| %s |" % p
        for v in versions:
            e = data[v].get(p)
            row += " %s | %s | %s |" % (verdict(e), cell(e, "goose"), cell(e, "ref"))
        rows.append(row)
    print("\n".join(rows))


def parse_args():
    ap = argparse.ArgumentParser(
        description="Run Go standard library test suites under goose and qemu-riscv64.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("pkgs", nargs="*", help="packages (default: the default list; see --list)")
    ap.add_argument("--pkgs", dest="pkgs_word", metavar='"P1 P2 ..."',
                    help="packages as one blank-separated word (make stdtest PKGS=...)")
    ap.add_argument("--short", action="store_true", help="the short list (%s)" % " ".join(SHORT))
    ap.add_argument("--provider", action="store_true",
                    help="the packages with goose's network provider linked in (each name gets %s)" % PROVIDER)
    ap.add_argument("--go", action="append", default=[], metavar="[NAME=]/path/to/go",
                    help="a Go toolchain (repeatable; default: `go` on PATH and %s)" % gotest.GO119)
    ap.add_argument("--timeout", type=int, default=300, help="seconds per package and run (default 300)")
    ap.add_argument("--run", metavar="REGEXP", help="pass -test.run=REGEXP (to look into a failure)")
    ap.add_argument("--skip", action="append", default=[], metavar="TestName",
                    help="leave out this top-level test (repeatable; both runs)")
    ap.add_argument("--goose-opt", action="append", default=[], metavar="goose.x=y",
                    help="a goose option for the goose run, e.g. goose.trace=enosys (repeatable)")
    ap.add_argument("--dig", action="store_true",
                    help="after a goose run cut short by a crash, run it again without the test "
                         "to blame (up to 5 times) to name every failing test")
    ap.add_argument("--no-ref", action="store_true", help="goose only: do not run the reference")
    ap.add_argument("--jobs", "-j", type=int, default=2,
                    help="packages at once (default 2; each runs one QEMU at a time)")
    ap.add_argument("--mem", default="1G", help="goose's QEMU -m (default 1G)")
    ap.add_argument("--smp", type=int, default=1, help="goose's harts (default 1)")
    ap.add_argument("--repo", default=REPO, help="the goose tree whose `make run` boots (default: this one)")
    ap.add_argument("--list", action="store_true", help="print the selected packages and exit")
    ap.add_argument("--markdown", action="store_true", help="print results.json as a Markdown table and exit")
    ap.add_argument("--verbose", "-v", action="store_true", help="print the commands run")
    a = ap.parse_args()
    for o in a.goose_opt:
        if not o.startswith("goose."):
            ap.error("--goose-opt %r is not a goose.* option" % o)
    return a


def main():
    args = parse_args()
    if args.markdown:
        markdown()
        return 0
    pkgs = list(args.pkgs) + (args.pkgs_word.split() if args.pkgs_word else [])
    if args.short:
        pkgs += SHORT
    pkgs = pkgs or DEFAULT
    if args.provider:
        pkgs = [n if n.endswith(PROVIDER) else n + PROVIDER for n in pkgs]
    pkgs = list(dict.fromkeys(pkgs))
    if args.list:
        print("\n".join(pkgs))
        return 0
    if args.timeout <= 0:
        sys.exit("stdtest: --timeout must be positive")
    missing = []
    if args.go:
        tcs = []
        for spec in args.go:
            name, _, path = spec.rpartition("=")
            tcs.append(gotest.Toolchain(name or None, path))
    else:
        tcs, missing = gotest.default_toolchains()
    if not tcs:
        sys.exit("stdtest: no Go toolchain found")
    os.makedirs(LOGS, exist_ok=True)

    # Build goose once before runs side by side link their images.
    p = subprocess.run(["make", "-s", "--no-print-directory", "-C", args.repo, "payload"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        sys.stdout.write(p.stdout.decode(errors="replace"))
        sys.exit("stdtest: `make payload` failed in %s" % args.repo)

    tasks = []
    for tc in tcs:
        info = list_packages(tc, list(dict.fromkeys(split_name(n)[0] for n in pkgs)))
        tasks += [Package(tc, name, info[split_name(name)[0]]) for name in pkgs]
        with_provider = [t.path for t in tasks if t.tc is tc and t.provider and t.dir and t.ntests]
        if with_provider:
            try:
                provider_goroot(tc, with_provider)
            except ProviderError:
                pass  # each package's build says why
    rep = report.Report()
    rep.plan(len(tasks) + len(missing) * len(pkgs))
    for tc in missing:
        for path in pkgs:
            rep.unavailable("%s/%s" % (tc.name, path), "%s %s" % (tc.name, tc.why))
    start = time.monotonic()

    def one(pkg):
        try:
            return run_one(pkg, args)
        except Exception:  # a harness bug: a FAIL of its own, never a lost line
            return "FAIL", "FAIL %s stdtest crashed: %s" % (pkg.label, traceback.format_exc().strip().splitlines()[-1])

    ex = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        futures = [ex.submit(one, pkg) for pkg in tasks]
        for f in concurrent.futures.as_completed(futures):
            rep.line(*f.result())
    except KeyboardInterrupt:
        ex.shutdown(wait=False, cancel_futures=True)
        with live_lock:
            for p in list(live):
                gotest.kill_group(p)
        return 130
    ex.shutdown()
    if args.verbose:
        say("# %.0fs" % (time.monotonic() - start))
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
