// hostile_syscalls: the system calls goose implements, given hostile
// arguments, fail the way Linux fails and the program goes on. Each case
// prints "<call> <case>: <result>": <call> is the call's Linux name as in
// payload/sys/syscalls.tbl, the result the errno's E-name (from this
// program's own table, so the output is the same with every Go) or, when
// the call succeeds, its return value, or "ok" when that value is not
// deterministic (fds, addresses, tids).
//
// Coverage: every implemented call of payload/sys/syscalls.tbl is the first word of some line of
// this test's `expected` or of hostile_syscalls_goose's, or is named in
// `omitted` (beside this file) with the reason it is not tested: calls that
// take no argument to get wrong (getpid, gettid, sched_yield, ...) and
// calls that cannot fail without ending the program (exit, exit_group,
// rt_sigreturn). This program runs beside qemu-riscv64 (the reference), so
// it holds the cases qemu-user answers as Linux does; main.go has files,
// descriptors, memory, futexes, time, signals and information calls,
// locks.go flock and fcntl's lock commands, net.go the socket calls,
// proc.go itimers, credentials, capabilities, wait4 and waitid, prctl,
// process groups, umask, mknodat, splice, tee and sendfile.
//
// The hostile inputs: nil, 0x1, an address that is mapped neither under goose
// (above Sv39's lower half) nor under Linux (unmapped in a riscv64 process),
// a PROT_NONE page, a read-only page for calls that write, a string that runs
// into a PROT_NONE page, huge and negative-as-unsigned lengths, unaligned
// addresses, unknown flags, commands, options and advice, addresses of the
// wrong family or length, and bad fds (-1, 9999, a closed fd, a regular file
// where a socket is needed, a directory where a file is needed, the wrong
// end of a pipe).
//
// Elsewhere: hostile_syscalls_goose (goose only) has the cases qemu-user
// (QEMU 7.2) gets wrong, with Linux's answers written by hand (its header
// lists them: set_robust_list, riscv_hwprobe, epoll_pwait2 and fchmodat2,
// which qemu lacks; mmap's unknown prot bits, MAP_FIXED_NOREPLACE and
// MAP_SHARED_VALIDATE; madvise's unknown advice and holes; mprotect of
// length 0; nanosleep, sysinfo, getitimer and clock_getres into bad
// pointers; getdents64 count 0; unknown ioctls; getrandom(NULL, 0);
// getcwd(NULL, 1); readlinkat bufsiz -1; a PATH_MAX path running into
// PROT_NONE; epoll_pwait into a bad buffer with nothing ready; socket calls
// where qemu checks a buffer, a flag or a length before Linux does), and the
// cases whose answer is root's (setgroups, setuid and its kin as root,
// setsid and setpgid of a session leader): credentials here are only those
// whose answer is the same for root and for other users. unknown_syscalls
// has the numbers no riscv64 Linux call has. Cases whose answer on Linux
// depends on the MMU's address-space size (Sv39 or Sv48) or on the kernel's
// version (a single iovec with a huge length, getrandom running into a
// fault, accept4's flags against a bad fd) are in neither. Successful forks
// are not here either (Linux would fork).
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"unsafe"
)

// Linux riscv64 system call numbers (include/uapi/asm-generic/unistd.h).
const (
	nrGetcwd          = 17
	nrEventfd2        = 19
	nrEpollCreate1    = 20
	nrEpollCtl        = 21
	nrEpollPwait      = 22
	nrDup             = 23
	nrDup3            = 24
	nrFcntl           = 25
	nrIoctl           = 29
	nrMkdirat         = 34
	nrUnlinkat        = 35
	nrSymlinkat       = 36
	nrLinkat          = 37
	nrStatfs          = 43
	nrFstatfs         = 44
	nrTruncate        = 45
	nrFtruncate       = 46
	nrFallocate       = 47
	nrFaccessat       = 48
	nrChdir           = 49
	nrFchdir          = 50
	nrFchmod          = 52
	nrFchmodat        = 53
	nrFchownat        = 54
	nrFchown          = 55
	nrOpenat          = 56
	nrClose           = 57
	nrPipe2           = 59
	nrGetdents64      = 61
	nrLseek           = 62
	nrRead            = 63
	nrWrite           = 64
	nrReadv           = 65
	nrWritev          = 66
	nrPread64         = 67
	nrPwrite64        = 68
	nrReadlinkat      = 78
	nrNewfstatat      = 79
	nrFstat           = 80
	nrFsync           = 82
	nrFdatasync       = 83
	nrSyncFileRange   = 84
	nrUtimensat       = 88
	nrSetTidAddress   = 96
	nrFutex           = 98
	nrNanosleep       = 101
	nrClockSettime    = 112
	nrClockGettime    = 113
	nrClockGetres     = 114
	nrClockNanosleep  = 115
	nrSchedSetaff     = 122
	nrSchedGetaff     = 123
	nrKill            = 129
	nrTkill           = 130
	nrTgkill          = 131
	nrSigaltstack     = 132
	nrRtSigaction     = 134
	nrRtSigprocmask   = 135
	nrRtSigpending    = 136
	nrUname           = 160
	nrGetrlimit       = 163
	nrSetrlimit       = 164
	nrGetrusage       = 165
	nrGetcpu          = 168
	nrGettimeofday    = 169
	nrSysinfo         = 179
	nrBrk             = 214
	nrMunmap          = 215
	nrMremap          = 216
	nrClone           = 220
	nrMmap            = 222
	nrMprotect        = 226
	nrMsync           = 227
	nrMlock           = 228
	nrMunlock         = 229
	nrMlockall        = 230
	nrMunlockall      = 231
	nrMincore         = 232
	nrMadvise         = 233
	nrPrlimit64       = 261
	nrRenameat2       = 276
	nrGetrandom       = 278
	nrFaccessat2      = 439
	atFdcwd           = -100
	atSymlinkNofollow = 0x100
	atRemovedir       = 0x200
	atEmptyPath       = 0x1000
	oPath             = 0x200000
	oDirectory        = 0x10000
	oNofollow         = 0x20000
	oDirect           = 0x4000
)

var enames = map[syscall.Errno]string{
	1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 6: "ENXIO", 7: "E2BIG", 8: "ENOEXEC",
	9: "EBADF", 10: "ECHILD", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES", 14: "EFAULT", 15: "ENOTBLK",
	16: "EBUSY", 17: "EEXIST", 18: "EXDEV", 19: "ENODEV", 20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL",
	23: "ENFILE", 24: "EMFILE", 25: "ENOTTY", 26: "ETXTBSY", 27: "EFBIG", 28: "ENOSPC", 29: "ESPIPE",
	30: "EROFS", 31: "EMLINK", 32: "EPIPE", 33: "EDOM", 34: "ERANGE", 35: "EDEADLK", 36: "ENAMETOOLONG",
	37: "ENOLCK", 38: "ENOSYS", 39: "ENOTEMPTY", 40: "ELOOP", 42: "ENOMSG", 43: "EIDRM", 61: "ENODATA",
	62: "ETIME", 75: "EOVERFLOW", 84: "EILSEQ", 88: "ENOTSOCK", 89: "EDESTADDRREQ", 90: "EMSGSIZE",
	91: "EPROTOTYPE", 92: "ENOPROTOOPT", 93: "EPROTONOSUPPORT", 94: "ESOCKTNOSUPPORT", 95: "EOPNOTSUPP",
	97: "EAFNOSUPPORT", 98: "EADDRINUSE", 99: "EADDRNOTAVAIL", 101: "ENETUNREACH", 103: "ECONNABORTED",
	104: "ECONNRESET", 105: "ENOBUFS", 106: "EISCONN", 107: "ENOTCONN", 110: "ETIMEDOUT",
	111: "ECONNREFUSED", 114: "EALREADY", 115: "EINPROGRESS", 125: "ECANCELED", 524: "ENOTSUPP(kernel-internal)",
}

func ename(e syscall.Errno) string {
	if n, ok := enames[e]; ok {
		return n
	}
	return fmt.Sprintf("errno %d", int(e))
}

type res struct {
	r uintptr
	e syscall.Errno
}

func args6(a []uintptr) [6]uintptr {
	var x [6]uintptr
	copy(x[:], a)
	return x
}

// sys makes the call as the syscall package does (it may block).
func sys(nr uintptr, a ...uintptr) res {
	x := args6(a)
	r, _, e := syscall.Syscall6(nr, x[0], x[1], x[2], x[3], x[4], x[5])
	return res{r, e}
}

// raw makes the call without telling the scheduler (signals, clone).
func raw(nr uintptr, a ...uintptr) res {
	x := args6(a)
	r, _, e := syscall.RawSyscall6(nr, x[0], x[1], x[2], x[3], x[4], x[5])
	return res{r, e}
}

// show prints the errno's name, or the value returned.
func show(what string, x res) {
	if x.e != 0 {
		fmt.Printf("%s: %s\n", what, ename(x.e))
	} else {
		fmt.Printf("%s: %d\n", what, int64(x.r))
	}
}

// showOK prints the errno's name, or "ok" (the value is not deterministic).
func showOK(what string, x res) res {
	if x.e != 0 {
		fmt.Printf("%s: %s\n", what, ename(x.e))
	} else {
		fmt.Printf("%s: ok\n", what)
	}
	return x
}

func neg(v int64) uintptr { return uintptr(v) }

// ---------------------------------------------------------------- memory

// scratch is read-write memory from mmap, outside the Go heap, handed out
// by alloc; every structure the calls read or write lives there.
type scratch struct {
	b    []byte
	base uintptr
	used int
}

func (s *scratch) alloc(n int) uintptr {
	s.used = (s.used + 15) &^ 15
	if s.used+n > len(s.b) {
		panic("scratch full")
	}
	a := s.base + uintptr(s.used)
	for i := s.used; i < s.used+n; i++ {
		s.b[i] = 0
	}
	s.used += n
	return a
}

func (s *scratch) off(a uintptr) int        { return int(a - s.base) }
func (s *scratch) put64(a uintptr, v int64) { binary.LittleEndian.PutUint64(s.b[s.off(a):], uint64(v)) }
func (s *scratch) put32(a uintptr, v int32) { binary.LittleEndian.PutUint32(s.b[s.off(a):], uint32(v)) }
func (s *scratch) get64(a uintptr) uint64   { return binary.LittleEndian.Uint64(s.b[s.off(a):]) }
func (s *scratch) get32(a uintptr) uint32   { return binary.LittleEndian.Uint32(s.b[s.off(a):]) }

func (s *scratch) cstr(str string) uintptr {
	a := s.alloc(len(str) + 1)
	copy(s.b[s.off(a):], str)
	return a
}

// timespec {tv_sec, tv_nsec}.
func (s *scratch) ts(sec, nsec int64) uintptr {
	a := s.alloc(16)
	s.put64(a, sec)
	s.put64(a+8, nsec)
	return a
}

// iovec array from (base, len) pairs.
func (s *scratch) iov(pairs ...uintptr) uintptr {
	a := s.alloc(8 * len(pairs))
	for i, v := range pairs {
		s.put64(a+uintptr(8*i), int64(v))
	}
	return a
}

var (
	mem  scratch
	page = uintptr(syscall.Getpagesize())
	// Mapped neither under goose (beyond Sv39's user half) nor under Linux.
	unmapped = uintptr(0x7000_0000_0000)
	roPage   uintptr // PROT_READ
	nonePage uintptr // PROT_NONE
	edgeStr  uintptr // "aaa..." (100 bytes, no NUL) ending where a PROT_NONE page starts
	bads     []struct {
		name string
		addr uintptr
	}
)

func mustMap(n uintptr, prot int) []byte {
	b, err := syscall.Mmap(-1, 0, int(n), prot, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		fmt.Println("setup mmap:", err)
		os.Exit(1)
	}
	return b
}

func addr(b []byte) uintptr { return uintptr(unsafe.Pointer(&b[0])) }

func setupMemory() {
	mem.b = mustMap(64*page, syscall.PROT_READ|syscall.PROT_WRITE)
	mem.base = addr(mem.b)
	ro := mustMap(page, syscall.PROT_READ|syscall.PROT_WRITE)
	for i := range ro {
		ro[i] = 0
	}
	roPage = addr(ro)
	if err := syscall.Mprotect(ro, syscall.PROT_READ); err != nil {
		fmt.Println("setup mprotect:", err)
		os.Exit(1)
	}
	nonePage = addr(mustMap(page, syscall.PROT_NONE))
	edge := mustMap(2*page, syscall.PROT_READ|syscall.PROT_WRITE)
	for i := page - 100; i < page; i++ {
		edge[i] = 'a'
	}
	if err := syscall.Mprotect(edge[page:], syscall.PROT_NONE); err != nil {
		fmt.Println("setup mprotect:", err)
		os.Exit(1)
	}
	edgeStr = addr(edge) + page - 100
	bads = []struct {
		name string
		addr uintptr
	}{{"nil", 0}, {"0x1", 1}, {"unmapped", unmapped}, {"PROT_NONE", nonePage}}
}

// ---------------------------------------------------------------- files

var (
	dir                                string
	pDir, pF, pD, pDX, pL, pLoop, pNew uintptr // C strings in scratch
	fdRO, fdRW, fdWO, fdDir, fdPathF   uintptr
	pipeR, pipeW                       uintptr // nonblocking, "hello" inside
	brokenW                            uintptr // its read end is closed
	closedFd                           uintptr
	efd, efdReady                      uintptr // nonblocking eventfds, counter 0 and 1
)

func must(what string, err error) {
	if err != nil {
		fmt.Printf("setup %s: %v\n", what, err)
		os.Exit(1)
	}
}

func mustFd(what string, x res) uintptr {
	if x.e != 0 {
		fmt.Printf("setup %s: %s\n", what, ename(x.e))
		os.Exit(1)
	}
	return x.r
}

func pipe() (uintptr, uintptr) {
	fds := mem.alloc(8)
	mustFd("pipe2", sys(syscall.SYS_PIPE2, fds, syscall.O_NONBLOCK|syscall.O_CLOEXEC))
	return uintptr(mem.get32(fds)), uintptr(mem.get32(fds + 4))
}

func setupFiles() {
	var err error
	dir, err = os.MkdirTemp("", "hostile")
	must("mkdtemp", err)
	must("write f", os.WriteFile(filepath.Join(dir, "f"), []byte("0123456789"), 0o644))
	must("mkdir d", os.Mkdir(filepath.Join(dir, "d"), 0o755))
	must("write d/x", os.WriteFile(filepath.Join(dir, "d", "x"), []byte("x"), 0o644))
	must("symlink l", os.Symlink("f", filepath.Join(dir, "l")))
	must("symlink loop", os.Symlink("loop", filepath.Join(dir, "loop")))
	pDir = mem.cstr(dir)
	pF = mem.cstr(dir + "/f")
	pD = mem.cstr(dir + "/d")
	pDX = mem.cstr(dir + "/d/x")
	pL = mem.cstr(dir + "/l")
	pLoop = mem.cstr(dir + "/loop")
	pNew = mem.cstr(dir + "/new")
	cl := uintptr(syscall.O_CLOEXEC)
	fdRO = mustFd("open f", sys(nrOpenat, neg(atFdcwd), pF, syscall.O_RDONLY|cl))
	fdRW = mustFd("open f", sys(nrOpenat, neg(atFdcwd), pF, syscall.O_RDWR|cl))
	fdWO = mustFd("open f", sys(nrOpenat, neg(atFdcwd), pF, syscall.O_WRONLY|cl))
	fdDir = mustFd("open dir", sys(nrOpenat, neg(atFdcwd), pDir, syscall.O_RDONLY|oDirectory|cl))
	fdPathF = mustFd("open O_PATH", sys(nrOpenat, neg(atFdcwd), pF, oPath|cl))
	pipeR, pipeW = pipe()
	hello := mem.cstr("hello")
	mustFd("fill pipe", sys(nrWrite, pipeW, hello, 5))
	var r uintptr
	r, brokenW = pipe()
	mustFd("close", sys(nrClose, r))
	// A closed fd well above the others, so that no later open reuses it.
	closedFd = mustFd("dup3", sys(nrDup3, fdRO, 900, cl))
	mustFd("close", sys(nrClose, closedFd))
	efd = mustFd("eventfd2", sys(nrEventfd2, 0, syscall.O_NONBLOCK|cl))
	efdReady = mustFd("eventfd2", sys(nrEventfd2, 1, syscall.O_NONBLOCK|cl))
}

// badFds: the fds no call may accept.
func badFds() []struct {
	name string
	fd   uintptr
} {
	return []struct {
		name string
		fd   uintptr
	}{{"fd -1", neg(-1)}, {"fd 9999", 9999}, {"closed fd", closedFd}}
}

// ---------------------------------------------------------------- cases

func testReadWrite() {
	buf := mem.alloc(64)
	for _, f := range badFds() {
		show("read "+f.name, sys(nrRead, f.fd, buf, 16))
		show("write "+f.name, sys(nrWrite, f.fd, buf, 16))
	}
	for _, b := range bads {
		show("read file into "+b.name, sys(nrPread64, fdRO, b.addr, 4, 0))
		show("read pipe into "+b.name, sys(nrRead, pipeR, b.addr, 4))
		show("write file from "+b.name, sys(nrPwrite64, fdRW, b.addr, 4, 0))
		show("write pipe from "+b.name, sys(nrWrite, pipeW, b.addr, 4))
	}
	show("read file into read-only page", sys(nrPread64, fdRO, roPage, 4, 0))
	show("read pipe into read-only page", sys(nrRead, pipeR, roPage, 4))
	show("read count -1", sys(nrRead, pipeR, buf, neg(-1)))
	show("read count 1<<62", sys(nrRead, pipeR, buf, 1<<62))
	show("write count -1", sys(nrWrite, pipeW, buf, neg(-1)))
	show("write count 1<<62", sys(nrWrite, pipeW, buf, 1<<62))
	show("read count 0 nil buffer", sys(nrRead, fdRO, 0, 0))
	show("read pipe write end", sys(nrRead, pipeW, buf, 4))
	show("write pipe read end", sys(nrWrite, pipeR, buf, 4))
	show("read write-only file", sys(nrRead, fdWO, buf, 4))
	show("write read-only file", sys(nrWrite, fdRO, buf, 4))
	show("read directory", sys(nrRead, fdDir, buf, 4))
	show("write directory", sys(nrWrite, fdDir, buf, 4))
	show("read O_PATH fd", sys(nrRead, fdPathF, buf, 4))
	show("write broken pipe", sys(nrWrite, brokenW, buf, 4))
	show("read eventfd count 4", sys(nrRead, efdReady, buf, 4))
	show("read empty eventfd", sys(nrRead, efd, buf, 8))
	show("write eventfd count 4", sys(nrWrite, efd, buf, 4))
	mem.put64(buf, -1)
	show("write eventfd 0xffffffffffffffff", sys(nrWrite, efd, buf, 8))
	show("write eventfd from unmapped", sys(nrWrite, efd, unmapped, 8))
	show("read empty pipe", func() res {
		r, w := pipe()
		x := sys(nrRead, r, buf, 4)
		sys(nrClose, r)
		sys(nrClose, w)
		return x
	}())

	// readv/writev
	good := mem.iov(buf, 4)
	for _, b := range bads {
		show("readv iov array "+b.name, sys(nrReadv, pipeR, b.addr, 1))
		show("writev iov array "+b.name, sys(nrWritev, pipeW, b.addr, 1))
		show("readv iov_base "+b.name, sys(nrReadv, pipeR, mem.iov(b.addr, 4), 1))
		show("writev iov_base "+b.name, sys(nrWritev, pipeW, mem.iov(b.addr, 4), 1))
	}
	show("readv iov_base read-only page", sys(nrReadv, pipeR, mem.iov(roPage, 4), 1))
	show("readv iov array in PROT_NONE", sys(nrReadv, pipeR, nonePage, 1))
	show("readv iovcnt 1025", sys(nrReadv, pipeR, good, 1025))
	show("writev iovcnt 1025", sys(nrWritev, pipeW, good, 1025))
	show("readv iovcnt -1", sys(nrReadv, pipeR, good, neg(-1)))
	show("writev iovcnt -1", sys(nrWritev, pipeW, good, neg(-1)))
	// Two iovecs: Linux 6.4+ reads a single one as a plain buffer (import_ubuf).
	show("readv second iov_len -1", sys(nrReadv, pipeR, mem.iov(buf, 1, buf, neg(-1)), 2))
	show("writev second iov_len -1", sys(nrWritev, pipeW, mem.iov(buf, 1, buf, neg(-1)), 2))
	show("readv iovcnt 0", sys(nrReadv, pipeR, good, 0))
	show("readv iovcnt 0 nil array", sys(nrReadv, pipeR, 0, 0))
	show("readv bad fd", sys(nrReadv, 9999, good, 1))
	show("writev read-only file", sys(nrWritev, fdRO, good, 1))
	// Linux writes the good first iovec and stops at the bad second one.
	q := mem.cstr("abc")
	r, w := pipe()
	show("writev second iov_base PROT_NONE", sys(nrWritev, w, mem.iov(q, 3, nonePage, 3), 2))
	show("readv second iov_base PROT_NONE", sys(nrReadv, r, mem.iov(buf, 1, nonePage, 2), 2))
	sys(nrClose, r)
	sys(nrClose, w)

	// pread64/pwrite64
	show("pread64 pipe", sys(nrPread64, pipeR, buf, 4, 0))
	show("pwrite64 pipe", sys(nrPwrite64, pipeW, buf, 4, 0))
	show("pread64 eventfd offset 0 count 4", sys(nrPread64, efdReady, buf, 4, 0))
	show("pread64 negative offset", sys(nrPread64, fdRO, buf, 4, neg(-1)))
	show("pwrite64 negative offset", sys(nrPwrite64, fdRW, buf, 4, neg(-4096)))
	show("pread64 negative offset on pipe", sys(nrPread64, pipeR, buf, 4, neg(-1)))
	show("pread64 bad fd", sys(nrPread64, 9999, buf, 4, 0))
	show("pread64 directory", sys(nrPread64, fdDir, buf, 4, 0))
	show("pread64 write-only file", sys(nrPread64, fdWO, buf, 4, 0))
	show("pwrite64 read-only file", sys(nrPwrite64, fdRO, buf, 4, 0))
	show("pread64 past end", sys(nrPread64, fdRO, buf, 4, 1<<40))
	show("pread64 offset 2^63-1", sys(nrPread64, fdRO, buf, 4, 1<<63-1))
}

func testFds() {
	for _, f := range badFds() {
		show("close "+f.name, sys(nrClose, f.fd))
		show("dup "+f.name, sys(nrDup, f.fd))
		show("dup3 old "+f.name, sys(nrDup3, f.fd, 100, 0))
		show("fcntl F_GETFD "+f.name, sys(nrFcntl, f.fd, syscall.F_GETFD, 0))
		show("fcntl F_SETFL "+f.name, sys(nrFcntl, f.fd, syscall.F_SETFL, 0))
		show("fstat "+f.name, sys(nrFstat, f.fd, mem.alloc(128)))
		show("lseek "+f.name, sys(nrLseek, f.fd, 0, 0))
		show("fsync "+f.name, sys(nrFsync, f.fd))
		show("fchdir "+f.name, sys(nrFchdir, f.fd))
		show("fchmod "+f.name, sys(nrFchmod, f.fd, 0o644))
		show("fchown "+f.name, sys(nrFchown, f.fd, 0, 0))
		show("fstatfs "+f.name, sys(nrFstatfs, f.fd, mem.alloc(128)))
		show("ftruncate "+f.name, sys(nrFtruncate, f.fd, 0))
		show("getdents64 "+f.name, sys(nrGetdents64, f.fd, mem.alloc(512), 512))
		show("ioctl FIONREAD "+f.name, sys(nrIoctl, f.fd, syscall.TIOCINQ, mem.alloc(8)))
	}
	show("close fd 0x7fffffff", sys(nrClose, 0x7fffffff))
	show("dup3 same fd", sys(nrDup3, fdRO, fdRO, 0))
	show("dup3 same bad fd", sys(nrDup3, 9999, 9999, 0))
	show("dup3 bad flags", sys(nrDup3, fdRO, 100, 1))
	show("dup3 flags O_NONBLOCK", sys(nrDup3, fdRO, 100, syscall.O_NONBLOCK))
	show("dup3 newfd -1", sys(nrDup3, fdRO, neg(-1), 0))
	show("dup3 newfd 0x7fffffff", sys(nrDup3, fdRO, 0x7fffffff, 0))

	show("fcntl bad cmd 9999", sys(nrFcntl, fdRO, 9999, 0))
	show("fcntl bad cmd -1", sys(nrFcntl, fdRO, neg(-1), 0))
	show("fcntl F_DUPFD arg -1", sys(nrFcntl, fdRO, syscall.F_DUPFD, neg(-1)))
	show("fcntl F_DUPFD arg 0x7fffffff", sys(nrFcntl, fdRO, syscall.F_DUPFD, 0x7fffffff))
	show("fcntl F_DUPFD_CLOEXEC arg 0x7fffffff", sys(nrFcntl, fdRO, syscall.F_DUPFD_CLOEXEC, 0x7fffffff))
	show("fcntl F_GETPIPE_SZ on file", sys(nrFcntl, fdRO, 1032, 0))
	show("fcntl F_SETLK nil", sys(nrFcntl, fdRW, syscall.F_SETLK, 0))
	show("fcntl F_GETLK unmapped", sys(nrFcntl, fdRW, syscall.F_GETLK, unmapped))
	lk := mem.alloc(32) // struct flock: l_type, l_whence (i16), l_start, l_len (i64), l_pid (i32)
	binary.LittleEndian.PutUint16(mem.b[mem.off(lk):], 99)
	show("fcntl F_SETLK l_type 99", sys(nrFcntl, fdRW, syscall.F_SETLK, lk))
	binary.LittleEndian.PutUint16(mem.b[mem.off(lk):], syscall.F_WRLCK)
	show("fcntl F_SETLK write lock on read-only fd", sys(nrFcntl, fdRO, syscall.F_SETLK, lk))
	binary.LittleEndian.PutUint16(mem.b[mem.off(lk):], syscall.F_UNLCK)
	binary.LittleEndian.PutUint16(mem.b[mem.off(lk)+2:], 99)
	show("fcntl F_SETLK l_whence 99", sys(nrFcntl, fdRW, syscall.F_SETLK, lk))

	show("ioctl FIONREAD into unmapped", sys(nrIoctl, pipeR, syscall.TIOCINQ, unmapped))
	show("ioctl FIONREAD into read-only page", sys(nrIoctl, pipeR, syscall.TIOCINQ, roPage))
	n := mem.alloc(8)
	x := sys(nrIoctl, fdRO, syscall.TIOCINQ, n)
	if x.e == 0 {
		fmt.Printf("ioctl FIONREAD on file: %d, count %d\n", x.r, mem.get32(n))
	} else {
		show("ioctl FIONREAD on file", x)
	}
	show("ioctl TCGETS on pipe", sys(nrIoctl, pipeR, syscall.TCGETS, mem.alloc(64)))
	show("ioctl TCGETS on file", sys(nrIoctl, fdRO, syscall.TCGETS, mem.alloc(64)))
	show("ioctl FIONBIO from unmapped", sys(nrIoctl, pipeR, 0x5421, unmapped))

	for _, b := range bads {
		show("pipe2 into "+b.name, sys(nrPipe2, b.addr, 0))
	}
	show("pipe2 into read-only page", sys(nrPipe2, roPage, 0))
	show("pipe2 flags O_APPEND", sys(nrPipe2, mem.alloc(8), syscall.O_APPEND))
	show("pipe2 flags O_RDWR", sys(nrPipe2, mem.alloc(8), syscall.O_RDWR))

	show("eventfd2 flags 2", sys(nrEventfd2, 0, 2))
	show("eventfd2 flags O_APPEND", sys(nrEventfd2, 0, syscall.O_APPEND))

	show("lseek bad whence", sys(nrLseek, fdRO, 0, 99))
	show("lseek to -1", sys(nrLseek, fdRO, neg(-1), 0))
	show("lseek SEEK_END -100", sys(nrLseek, fdRO, neg(-100), 2))
	show("lseek SEEK_CUR -1", sys(nrLseek, fdRO, neg(-1), 1))
	show("lseek pipe", sys(nrLseek, pipeR, 0, 1))
	show("lseek SEEK_DATA past end", sys(nrLseek, fdRO, 20, 3))
	show("lseek SEEK_HOLE", sys(nrLseek, fdRO, 0, 4))
	show("lseek SEEK_DATA 0", sys(nrLseek, fdRO, 0, 3))
	sys(nrLseek, fdRO, 0, 0)
	show("fsync pipe", sys(nrFsync, pipeR))
	show("fchdir file", sys(nrFchdir, fdRO))
	show("fstat into unmapped", sys(nrFstat, fdRO, unmapped))
	show("fstat into read-only page", sys(nrFstat, fdRO, roPage))
	show("fstatfs into unmapped", sys(nrFstatfs, fdRO, unmapped))
}

func testEpoll() {
	ev := mem.alloc(16) // struct epoll_event: u32 events, u64 data at 8
	mem.put32(ev, syscall.EPOLLIN)
	show("epoll_create1 flags 1", sys(nrEpollCreate1, 1))
	show("epoll_create1 flags O_NONBLOCK", sys(nrEpollCreate1, syscall.O_NONBLOCK))
	ep := mustFd("epoll_create1", sys(nrEpollCreate1, syscall.O_CLOEXEC))
	ep2 := mustFd("epoll_create1", sys(nrEpollCreate1, syscall.O_CLOEXEC))
	for _, f := range badFds() {
		show("epoll_ctl epfd "+f.name, sys(nrEpollCtl, f.fd, syscall.EPOLL_CTL_ADD, efdReady, ev))
		show("epoll_ctl target "+f.name, sys(nrEpollCtl, ep, syscall.EPOLL_CTL_ADD, f.fd, ev))
		show("epoll_pwait epfd "+f.name, sys(nrEpollPwait, f.fd, mem.alloc(16), 1, 0, 0, 8))
	}
	show("epoll_ctl epfd not epoll", sys(nrEpollCtl, pipeR, syscall.EPOLL_CTL_ADD, efdReady, ev))
	show("epoll_ctl target regular file", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_ADD, fdRO, ev))
	show("epoll_ctl target directory", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_ADD, fdDir, ev))
	show("epoll_ctl add epoll fd to itself", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_ADD, ep, ev))
	show("epoll_ctl bad op", sys(nrEpollCtl, ep, 99, efdReady, ev))
	show("epoll_ctl mod missing", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_MOD, efdReady, ev))
	show("epoll_ctl del missing", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_DEL, efdReady, 0))
	for _, b := range bads {
		show("epoll_ctl add event "+b.name, sys(nrEpollCtl, ep, syscall.EPOLL_CTL_ADD, efdReady, b.addr))
	}
	show("epoll_ctl add", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_ADD, efdReady, ev))
	show("epoll_ctl add again", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_ADD, efdReady, ev))
	excl := mem.alloc(16)
	mem.put32(excl, syscall.EPOLLIN|1<<28) // EPOLLEXCLUSIVE
	show("epoll_ctl mod EPOLLEXCLUSIVE", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_MOD, efdReady, excl))
	evs := mem.alloc(16 * 4)
	show("epoll_pwait epfd not epoll", sys(nrEpollPwait, pipeR, evs, 4, 0, 0, 8))
	show("epoll_pwait maxevents 0", sys(nrEpollPwait, ep, evs, 0, 0, 0, 8))
	show("epoll_pwait maxevents -1", sys(nrEpollPwait, ep, evs, neg(-1), 0, 0, 8))
	show("epoll_pwait maxevents 0x7fffffff", sys(nrEpollPwait, ep, evs, 0x7fffffff, 0, 0, 8))
	// efdReady is ready: the event cannot be stored.
	for _, b := range bads {
		show("epoll_pwait events "+b.name, sys(nrEpollPwait, ep, b.addr, 1, 0, 0, 8))
	}
	show("epoll_pwait events read-only page", sys(nrEpollPwait, ep, roPage, 1, 0, 0, 8))
	mask := mem.alloc(8)
	show("epoll_pwait sigsetsize 4", sys(nrEpollPwait, ep, evs, 4, 0, mask, 4))
	// do_epoll_pwait: the signal mask, then maxevents, before the fd.
	show("epoll_pwait sigsetsize 4, fd 9999", sys(nrEpollPwait, 9999, evs, 4, 0, mask, 4))
	show("epoll_pwait maxevents 0, fd 9999", sys(nrEpollPwait, 9999, evs, 0, 0, 0, 8))
	show("epoll_pwait sigmask unmapped", sys(nrEpollPwait, ep, evs, 4, 0, unmapped, 8))
	show("epoll_pwait ready", sys(nrEpollPwait, ep, evs, 4, 0, 0, 8))
	show("epoll_ctl del", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_DEL, efdReady, 0))
	sys(nrClose, ep)
	sys(nrClose, ep2)
}

// testEpollNesting runs last: an epoll loop refused by Linux (ELOOP) must
// not make the next epoll_pwait loop for ever, and nesting is limited.
func testEpollNesting() {
	ev := mem.alloc(16)
	mem.put32(ev, syscall.EPOLLIN)
	cl := uintptr(syscall.O_CLOEXEC)
	// A chain: each new instance watches the previous one.
	var chain []uintptr
	for i := 0; i < 7; i++ {
		e := mustFd("epoll_create1", sys(nrEpollCreate1, cl))
		if i > 0 {
			show(fmt.Sprintf("epoll_ctl nest depth %d", i), sys(nrEpollCtl, e, syscall.EPOLL_CTL_ADD, chain[i-1], ev))
		}
		chain = append(chain, e)
	}
	for _, e := range chain {
		sys(nrClose, e)
	}
	ep := mustFd("epoll_create1", sys(nrEpollCreate1, cl))
	ep2 := mustFd("epoll_create1", sys(nrEpollCreate1, cl))
	show("epoll_ctl add eventfd to ep", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_ADD, efdReady, ev))
	show("epoll_ctl add ep to ep2", sys(nrEpollCtl, ep2, syscall.EPOLL_CTL_ADD, ep, ev))
	show("epoll_ctl add ep2 to ep (a loop)", sys(nrEpollCtl, ep, syscall.EPOLL_CTL_ADD, ep2, ev))
	show("epoll_pwait ep after the loop", sys(nrEpollPwait, ep, mem.alloc(64), 4, 0, 0, 8))
	show("epoll_pwait ep2 after the loop", sys(nrEpollPwait, ep2, mem.alloc(64), 4, 0, 0, 8))
	sys(nrClose, ep)
	sys(nrClose, ep2)
}

func testMemory() {
	anon := uintptr(syscall.MAP_PRIVATE | syscall.MAP_ANON)
	rw := uintptr(syscall.PROT_READ | syscall.PROT_WRITE)
	mmap := func(what string, addr, n, prot, flags, fd, off uintptr) {
		x := sys(nrMmap, addr, n, prot, flags, fd, off)
		showOK(what, x)
		if x.e == 0 {
			sys(nrMunmap, x.r, n)
		}
	}
	mmap("mmap len 0", 0, 0, rw, anon, neg(-1), 0)
	mmap("mmap len -1", 0, neg(-1), rw, anon, neg(-1), 0)
	mmap("mmap len 1<<62", 0, 1<<62, rw, anon, neg(-1), 0)
	mmap("mmap unaligned offset", 0, page, rw, anon, neg(-1), 1)
	mmap("mmap unaligned offset on file", 0, page, syscall.PROT_READ, syscall.MAP_PRIVATE, fdRO, 100)
	mmap("mmap flags type 0", 0, page, rw, syscall.MAP_ANON, neg(-1), 0)
	mmap("mmap flags type 0xf", 0, page, rw, syscall.MAP_ANON|0xf, neg(-1), 0)
	mmap("mmap file fd -1", 0, page, syscall.PROT_READ, syscall.MAP_PRIVATE, neg(-1), 0)
	mmap("mmap file fd 9999", 0, page, syscall.PROT_READ, syscall.MAP_PRIVATE, 9999, 0)
	mmap("mmap closed fd", 0, page, syscall.PROT_READ, syscall.MAP_PRIVATE, closedFd, 0)
	mmap("mmap directory", 0, page, syscall.PROT_READ, syscall.MAP_PRIVATE, fdDir, 0)
	mmap("mmap pipe", 0, page, syscall.PROT_READ, syscall.MAP_PRIVATE, pipeR, 0)
	mmap("mmap write-only file", 0, page, syscall.PROT_READ, syscall.MAP_PRIVATE, fdWO, 0)
	mmap("mmap O_PATH fd", 0, page, syscall.PROT_READ, syscall.MAP_PRIVATE, fdPathF, 0)
	mmap("mmap MAP_SHARED PROT_WRITE read-only file", 0, page, rw, syscall.MAP_SHARED, fdRO, 0)
	mmap("mmap MAP_PRIVATE PROT_WRITE read-only file", 0, page, rw, syscall.MAP_PRIVATE, fdRO, 0)
	mmap("mmap file offset 2^63-4096", 0, page, syscall.PROT_READ, syscall.MAP_SHARED, fdRO, 1<<63-4096)
	mmap("mmap file offset 2^63-8192", 0, page, syscall.PROT_READ, syscall.MAP_SHARED, fdRO, 1<<63-8192)
	m := mustMap(2*page, syscall.PROT_READ|syscall.PROT_WRITE)
	a := addr(m)
	other := addr(mustMap(page, syscall.PROT_READ|syscall.PROT_WRITE))
	mmap("mmap MAP_FIXED unaligned", other+1, page, rw, anon|syscall.MAP_FIXED, neg(-1), 0)
	sys(nrMunmap, other, page)

	show("munmap unaligned", sys(nrMunmap, a+1, page))
	show("munmap len 0", sys(nrMunmap, a, 0))
	show("munmap len -1", sys(nrMunmap, a, neg(-1)))
	show("mprotect unaligned", sys(nrMprotect, a+1, page, syscall.PROT_READ))
	show("mprotect bad prot 0x10", sys(nrMprotect, a, page, 0x10))
	show("mprotect len -1", sys(nrMprotect, a, neg(-1), syscall.PROT_READ))
	show("mincore unaligned", sys(nrMincore, a+1, page, mem.alloc(8)))
	show("mincore vec unmapped", sys(nrMincore, a, page, unmapped))
	show("mincore vec read-only page", sys(nrMincore, a, page, roPage))
	show("mincore len 0", sys(nrMincore, a, 0, mem.alloc(8)))
	show("madvise unaligned", sys(nrMadvise, a+1, page, syscall.MADV_DONTNEED))
	show("madvise len 0", sys(nrMadvise, a, 0, syscall.MADV_DONTNEED))
	show("madvise MADV_DONTNEED", sys(nrMadvise, a, page, syscall.MADV_DONTNEED))
	// Now make the second page a hole: [a, a+2 pages) is half unmapped.
	show("munmap second page", sys(nrMunmap, a+page, page))
	show("mprotect half-unmapped range", sys(nrMprotect, a, 2*page, syscall.PROT_READ))
	show("mincore half-unmapped range", sys(nrMincore, a, 2*page, mem.alloc(8)))
	show("munmap unmapped page", sys(nrMunmap, a+page, page))
	show("munmap the first page", sys(nrMunmap, a, page))
	show("mprotect unmapped", sys(nrMprotect, a, page, syscall.PROT_READ))
	show("mincore unmapped", sys(nrMincore, a, page, mem.alloc(8)))

	cur := sys(nrBrk, 0)
	for _, v := range []struct {
		name string
		to   uintptr
	}{{"brk 1", 1}, {"brk 1<<62", 1 << 62}, {"brk -1", neg(-1)}} {
		x := sys(nrBrk, v.to)
		fmt.Printf("%s: unchanged %v\n", v.name, x.e == 0 && x.r == cur.r)
	}
}

const (
	futexWait         = 0
	futexWake         = 1
	futexRequeue      = 3
	futexCmpRequeue   = 4
	futexWaitBitset   = 9
	futexPrivate      = 128
	futexClockRealtim = 256
)

func testFutex() {
	w := mem.alloc(8)
	mem.put32(w, 7)
	zero := mem.ts(0, 0)
	show("futex wait unaligned", sys(nrFutex, w+1, futexWait|futexPrivate, 7, zero))
	show("futex wake unaligned", sys(nrFutex, w+2, futexWake|futexPrivate, 1))
	for _, b := range bads {
		show("futex wait "+b.name, sys(nrFutex, b.addr, futexWait|futexPrivate, 7, zero))
	}
	show("futex wait read-only page, value 0, zero timeout", sys(nrFutex, roPage, futexWait|futexPrivate, 0, zero))
	show("futex wait wrong value", sys(nrFutex, w, futexWait|futexPrivate, 8, zero))
	show("futex wait zero timeout", sys(nrFutex, w, futexWait|futexPrivate, 7, zero))
	show("futex wait timeout nsec 1e9", sys(nrFutex, w, futexWait|futexPrivate, 7, mem.ts(0, 1e9)))
	show("futex wait timeout nsec -1", sys(nrFutex, w, futexWait|futexPrivate, 7, mem.ts(0, -1)))
	show("futex wait timeout sec -1", sys(nrFutex, w, futexWait|futexPrivate, 7, mem.ts(-1, 0)))
	show("futex wait timeout unmapped", sys(nrFutex, w, futexWait|futexPrivate, 7, unmapped))
	show("futex wait timeout PROT_NONE", sys(nrFutex, w, futexWait|futexPrivate, 7, nonePage))
	show("futex wait shared wrong value", sys(nrFutex, w, futexWait, 8, zero))
	show("futex bad op 99", sys(nrFutex, w, 99|futexPrivate, 0))
	show("futex wake with FUTEX_CLOCK_REALTIME", sys(nrFutex, w, futexWake|futexPrivate|futexClockRealtim, 1))
	show("futex wake private nil", sys(nrFutex, 0, futexWake|futexPrivate, 1))
	show("futex wake shared unmapped", sys(nrFutex, unmapped, futexWake, 1))
	show("futex wake nobody", sys(nrFutex, w, futexWake|futexPrivate, 1))
	show("futex wait_bitset bitset 0", sys(nrFutex, w, futexWaitBitset|futexPrivate, 7, zero, 0, 0))
	show("futex wait_bitset abs timeout nsec 1e9",
		sys(nrFutex, w, futexWaitBitset|futexPrivate, 7, mem.ts(0, 1e9), 0, 0xffffffff))
	w2 := mem.alloc(8)
	show("futex cmp_requeue wrong value", sys(nrFutex, w, futexCmpRequeue|futexPrivate, 1, 1, w2, 8))
	show("futex cmp_requeue nr_requeue -1", sys(nrFutex, w, futexCmpRequeue|futexPrivate, 1, neg(-1), w2, 7))
	show("futex cmp_requeue nr_wake -1", sys(nrFutex, w, futexCmpRequeue|futexPrivate, neg(-1), 1, w2, 7))
	show("futex cmp_requeue uaddr2 unaligned", sys(nrFutex, w, futexCmpRequeue|futexPrivate, 1, 1, w2+1, 7))
	show("futex cmp_requeue", sys(nrFutex, w, futexCmpRequeue|futexPrivate, 1, 1, w2, 7))
}

func testTime() {
	for _, b := range bads {
		show("clock_nanosleep request "+b.name, sys(nrClockNanosleep, 1, 0, b.addr, 0))
		show("clock_gettime into "+b.name, sys(nrClockGettime, 1, b.addr))
		show("clock_settime from "+b.name, sys(nrClockSettime, 0, b.addr))
		show("gettimeofday into "+b.name, sys(nrGettimeofday, b.addr, 0))
	}
	show("clock_gettime into read-only page", sys(nrClockGettime, 0, roPage))
	show("gettimeofday timezone into unmapped", sys(nrGettimeofday, 0, unmapped))
	show("gettimeofday nil nil", sys(nrGettimeofday, 0, 0))
	show("nanosleep nsec 1e9", sys(nrNanosleep, mem.ts(0, 1e9), 0))
	show("nanosleep nsec -1", sys(nrNanosleep, mem.ts(0, -1), 0))
	show("nanosleep sec -1", sys(nrNanosleep, mem.ts(-1, 0), 0))
	show("nanosleep zero, remaining into unmapped", sys(nrNanosleep, mem.ts(0, 0), unmapped))
	show("clock_nanosleep clock 100", sys(nrClockNanosleep, 100, 0, mem.ts(0, 0), 0))
	show("clock_nanosleep clock -1", sys(nrClockNanosleep, neg(-1), 0, mem.ts(0, 0), 0))
	show("clock_nanosleep CLOCK_THREAD_CPUTIME_ID", sys(nrClockNanosleep, 3, 0, mem.ts(0, 0), 0))
	show("clock_nanosleep nsec 1e9", sys(nrClockNanosleep, 1, 0, mem.ts(0, 1e9), 0))
	show("clock_nanosleep sec -1", sys(nrClockNanosleep, 1, 0, mem.ts(-1, 0), 0))
	show("clock_nanosleep flags 0xfe, zero", sys(nrClockNanosleep, 1, 0xfe, mem.ts(0, 0), 0))
	show("clock_nanosleep TIMER_ABSTIME in the past", sys(nrClockNanosleep, 1, 1, mem.ts(0, 0), 0))
	show("clock_nanosleep TIMER_ABSTIME nsec 1e9", sys(nrClockNanosleep, 1, 1, mem.ts(0, 1e9), 0))
	ts := mem.alloc(16)
	for _, c := range []int{0, 1, 2, 3, 4, 5, 6, 7, 11} {
		showOK(fmt.Sprintf("clock_gettime clock %d", c), sys(nrClockGettime, uintptr(c), ts))
		showOK(fmt.Sprintf("clock_getres clock %d", c), sys(nrClockGetres, uintptr(c), ts))
	}
	for _, c := range []int64{10, 12, 100, -1, -8} {
		show(fmt.Sprintf("clock_gettime clock %d", c), sys(nrClockGettime, neg(c), ts))
		show(fmt.Sprintf("clock_getres clock %d", c), sys(nrClockGetres, neg(c), ts))
	}
	show("clock_getres nil", sys(nrClockGetres, 1, 0))
	show("clock_settime CLOCK_MONOTONIC", sys(nrClockSettime, 1, mem.ts(1, 0)))
	show("clock_settime clock 100", sys(nrClockSettime, 100, mem.ts(1, 0)))
	show("clock_settime nsec 1e9", sys(nrClockSettime, 0, mem.ts(1, 1e9)))
	show("clock_settime sec -1", sys(nrClockSettime, 0, mem.ts(-1, 0)))
}

func testSignals() {
	act := mem.alloc(24) // struct sigaction: handler, flags, mask (no restorer on riscv64)
	old := mem.alloc(24)
	show("rt_sigaction sig 0", raw(nrRtSigaction, 0, act, 0, 8))
	show("rt_sigaction sig 65", raw(nrRtSigaction, 65, act, 0, 8))
	show("rt_sigaction sig 65 query", raw(nrRtSigaction, 65, 0, old, 8))
	show("rt_sigaction sig -1", raw(nrRtSigaction, neg(-1), act, 0, 8))
	show("rt_sigaction SIGKILL set", raw(nrRtSigaction, 9, act, 0, 8))
	show("rt_sigaction SIGSTOP set", raw(nrRtSigaction, 19, act, 0, 8))
	show("rt_sigaction SIGKILL query", raw(nrRtSigaction, 9, 0, old, 8))
	show("rt_sigaction sigsetsize 4", raw(nrRtSigaction, 10, 0, old, 4))
	show("rt_sigaction sigsetsize 16", raw(nrRtSigaction, 10, 0, old, 16))
	for _, b := range bads[1:] {
		show("rt_sigaction act "+b.name, raw(nrRtSigaction, 10, b.addr, 0, 8))
		show("rt_sigaction oldact "+b.name, raw(nrRtSigaction, 10, 0, b.addr, 8))
	}
	show("rt_sigaction oldact read-only page", raw(nrRtSigaction, 10, 0, roPage, 8))
	show("rt_sigaction nil nil", raw(nrRtSigaction, 10, 0, 0, 8))

	set := mem.alloc(8)
	show("rt_sigprocmask bad how 3", raw(nrRtSigprocmask, 3, set, 0, 8))
	show("rt_sigprocmask bad how -1", raw(nrRtSigprocmask, neg(-1), set, 0, 8))
	show("rt_sigprocmask bad how, nil set", raw(nrRtSigprocmask, 3, 0, 0, 8))
	show("rt_sigprocmask sigsetsize 4", raw(nrRtSigprocmask, 0, set, 0, 4))
	show("rt_sigprocmask sigsetsize 16", raw(nrRtSigprocmask, 0, set, 0, 16))
	for _, b := range bads[1:] {
		show("rt_sigprocmask set "+b.name, raw(nrRtSigprocmask, 0, b.addr, 0, 8))
		show("rt_sigprocmask oldset "+b.name, raw(nrRtSigprocmask, 0, 0, b.addr, 8))
	}
	show("rt_sigprocmask oldset read-only page", raw(nrRtSigprocmask, 0, 0, roPage, 8))
	mem.put64(set, 1<<(9-1)|1<<(19-1))
	show("rt_sigprocmask block SIGKILL and SIGSTOP", raw(nrRtSigprocmask, 0, set, 0, 8))
	oldset := mem.alloc(8)
	raw(nrRtSigprocmask, 0, 0, oldset, 8)
	fmt.Println("rt_sigprocmask SIGKILL or SIGSTOP blocked:", mem.get64(oldset)&(1<<(9-1)|1<<(19-1)) != 0)

	show("rt_sigpending sigsetsize 16", raw(nrRtSigpending, mem.alloc(16), 16))
	show("rt_sigpending sigsetsize 4", raw(nrRtSigpending, mem.alloc(8), 4))
	show("rt_sigpending into unmapped", raw(nrRtSigpending, unmapped, 8))
	show("rt_sigpending into read-only page", raw(nrRtSigpending, roPage, 8))

	ss := mem.alloc(24) // stack_t: ss_sp, ss_flags (int), ss_size
	mem.put64(ss, int64(mem.alloc(128)))
	mem.put64(ss+16, 100)
	show("sigaltstack too small", raw(nrSigaltstack, ss, 0))
	mem.put64(ss+16, 1<<16)
	mem.put32(ss+8, 7)
	show("sigaltstack bad flags", raw(nrSigaltstack, ss, 0))
	for _, b := range bads[1:] {
		show("sigaltstack ss "+b.name, raw(nrSigaltstack, b.addr, 0))
		show("sigaltstack old_ss "+b.name, raw(nrSigaltstack, 0, b.addr))
	}
	show("sigaltstack old_ss read-only page", raw(nrSigaltstack, 0, roPage))
	show("sigaltstack query", raw(nrSigaltstack, 0, mem.alloc(24)))

	pid := uintptr(syscall.Getpid())
	tid := uintptr(syscall.Gettid())
	big := uintptr(0x7fffffff)
	show("kill self sig 0", raw(nrKill, pid, 0))
	show("kill self sig 65", raw(nrKill, pid, 65))
	show("kill self sig -1", raw(nrKill, pid, neg(-1)))
	show("kill pid 0x7fffffff", raw(nrKill, big, 0))
	show("kill pid -0x7fffffff", raw(nrKill, neg(-0x7fffffff), 0))
	show("kill pid INT_MIN", raw(nrKill, neg(-0x80000000), 0))
	show("kill pid 0 sig 0", raw(nrKill, 0, 0))
	show("tkill tid 0", raw(nrTkill, 0, 0))
	show("tkill tid -1", raw(nrTkill, neg(-1), 0))
	show("tkill tid 0x7fffffff", raw(nrTkill, big, 0))
	show("tkill self sig 65", raw(nrTkill, tid, 65))
	show("tkill self sig 0", raw(nrTkill, tid, 0))
	show("tgkill tgid -1", raw(nrTgkill, neg(-1), tid, 0))
	show("tgkill tgid 0", raw(nrTgkill, 0, tid, 0))
	show("tgkill tid 0", raw(nrTgkill, pid, 0, 0))
	show("tgkill tid 0x7fffffff", raw(nrTgkill, pid, big, 0))
	show("tgkill wrong tgid", raw(nrTgkill, big, tid, 0))
	show("tgkill sig 65", raw(nrTgkill, pid, tid, 65))
	show("tgkill self sig 0", raw(nrTgkill, pid, tid, 0))
}

func testInfo() {
	buf := mem.alloc(4096)
	show("getcwd size 0", sys(nrGetcwd, buf, 0))
	show("getcwd size 1", sys(nrGetcwd, buf, 1))
	show("getcwd into unmapped", sys(nrGetcwd, unmapped, 4096))
	show("getcwd into read-only page", sys(nrGetcwd, roPage, 4096))
	for _, b := range bads {
		show("uname into "+b.name, sys(nrUname, b.addr))
		show("getrlimit into "+b.name, sys(nrGetrlimit, 7, b.addr))
		show("getrusage into "+b.name, sys(nrGetrusage, 0, b.addr))
		show("getrandom into "+b.name, sys(nrGetrandom, b.addr, 16, 0))
		show("sched_getaffinity into "+b.name, sys(nrSchedGetaff, 0, 128, b.addr))
		show("getcpu into "+b.name, sys(nrGetcpu, b.addr, 0, 0))
	}
	for _, b := range bads[1:] { // sysinfo(NULL): qemu-user says 0
		show("sysinfo into "+b.name, sys(nrSysinfo, b.addr))
	}
	show("uname into read-only page", sys(nrUname, roPage))
	show("getrandom into read-only page", sys(nrGetrandom, roPage, 16, 0))
	show("getrandom flags 8", sys(nrGetrandom, buf, 16, 8))
	show("getrandom GRND_RANDOM|GRND_INSECURE", sys(nrGetrandom, buf, 16, 6))
	show("getrandom len 0", sys(nrGetrandom, buf, 0, 0))
	show("getrandom 16 GRND_NONBLOCK", sys(nrGetrandom, buf, 16, 1))

	lim := mem.alloc(16)
	show("getrlimit resource 16", sys(nrGetrlimit, 16, lim))
	show("getrlimit resource -1", sys(nrGetrlimit, neg(-1), lim))
	show("setrlimit resource 16", sys(nrSetrlimit, 16, lim))
	show("setrlimit from unmapped", sys(nrSetrlimit, 7, unmapped))
	sys(nrGetrlimit, 7, lim)
	mem.put64(lim, int64(mem.get64(lim+8)))
	mem.put64(lim+8, int64(mem.get64(lim+8))-1)
	show("setrlimit NOFILE cur > max", sys(nrSetrlimit, 7, lim))
	show("prlimit64 resource 16", sys(nrPrlimit64, 0, 16, 0, lim))
	show("prlimit64 pid 0x7fffffff", sys(nrPrlimit64, 0x7fffffff, 7, 0, lim))
	show("prlimit64 old into unmapped", sys(nrPrlimit64, 0, 7, 0, unmapped))
	show("prlimit64 old into read-only page", sys(nrPrlimit64, 0, 7, 0, roPage))
	show("prlimit64 new from unmapped", sys(nrPrlimit64, 0, 7, unmapped, 0))
	show("prlimit64 new cur > max", sys(nrPrlimit64, 0, 7, lim, 0))
	show("prlimit64 nothing", sys(nrPrlimit64, 0, 7, 0, 0))
	show("getrusage who 99", sys(nrGetrusage, 99, mem.alloc(256)))
	show("getrusage who -3", sys(nrGetrusage, neg(-3), mem.alloc(256)))

	mask := mem.alloc(128)
	show("sched_getaffinity len 0", sys(nrSchedGetaff, 0, 0, mask))
	show("sched_getaffinity len 7", sys(nrSchedGetaff, 0, 7, mask))
	show("sched_getaffinity len 9", sys(nrSchedGetaff, 0, 9, mask))
	show("sched_getaffinity pid 0x7fffffff", sys(nrSchedGetaff, 0x7fffffff, 128, mask))
	show("sched_getaffinity pid -1", sys(nrSchedGetaff, neg(-1), 128, mask))
	showOK("sched_getaffinity len 128", sys(nrSchedGetaff, 0, 128, mask))
	show("sched_setaffinity from unmapped", sys(nrSchedSetaff, 0, 128, unmapped))
	show("sched_setaffinity empty mask", sys(nrSchedSetaff, 0, 128, mem.alloc(128)))
	show("sched_setaffinity pid 0x7fffffff", sys(nrSchedSetaff, 0x7fffffff, 128, mask))
	showOK("set_tid_address unmapped", sys(nrSetTidAddress, unmapped))
}

func testFiles() {
	at := neg(atFdcwd)
	st := mem.alloc(256)
	long := mem.cstr(dir + "/" + strings.Repeat("a/", 2100))
	name256 := mem.cstr(dir + "/" + strings.Repeat("n", 256))
	empty := mem.cstr("")
	rel := mem.cstr("f")
	fx := mem.cstr(dir + "/f/x")
	missing := mem.cstr(dir + "/missing")
	missingSub := mem.cstr(dir + "/missing/x")
	cl := uintptr(syscall.O_CLOEXEC)
	open := func(what string, dirfd, path, flags uintptr) {
		x := showOK(what, sys(nrOpenat, dirfd, path, flags|cl, 0o644))
		if x.e == 0 {
			sys(nrClose, x.r)
		}
	}
	for _, b := range bads {
		open("openat path "+b.name, at, b.addr, syscall.O_RDONLY)
		show("mkdirat path "+b.name, sys(nrMkdirat, at, b.addr, 0o755))
		show("unlinkat path "+b.name, sys(nrUnlinkat, at, b.addr, 0))
		show("symlinkat target "+b.name, sys(nrSymlinkat, b.addr, at, pNew))
		show("symlinkat linkpath "+b.name, sys(nrSymlinkat, pF, at, b.addr))
		show("linkat oldpath "+b.name, sys(nrLinkat, at, b.addr, at, pNew, 0))
		show("renameat2 oldpath "+b.name, sys(nrRenameat2, at, b.addr, at, pNew, 0))
		show("readlinkat path "+b.name, sys(nrReadlinkat, at, b.addr, mem.alloc(64), 64))
		show("faccessat path "+b.name, sys(nrFaccessat, at, b.addr, 0))
		show("fchmodat path "+b.name, sys(nrFchmodat, at, b.addr, 0o644))
		show("fchownat path "+b.name, sys(nrFchownat, at, b.addr, 0, 0, 0))
		show("newfstatat path "+b.name, sys(nrNewfstatat, at, b.addr, st, 0))
		show("newfstatat statbuf "+b.name, sys(nrNewfstatat, at, pF, b.addr, 0))
		show("statfs path "+b.name, sys(nrStatfs, b.addr, st))
		show("statfs buf "+b.name, sys(nrStatfs, pDir, b.addr))
		show("truncate path "+b.name, sys(nrTruncate, b.addr, 0))
		show("chdir path "+b.name, sys(nrChdir, b.addr))
		show("getdents64 into "+b.name, sys(nrGetdents64, fdDir, b.addr, 512))
		show("readlinkat buf "+b.name, sys(nrReadlinkat, at, pL, b.addr, 64))
		sys(nrLseek, fdDir, 0, 0)
	}
	open("openat path runs into PROT_NONE", at, edgeStr, syscall.O_RDONLY)
	show("newfstatat path runs into PROT_NONE", sys(nrNewfstatat, at, edgeStr, st, 0))
	show("newfstatat statbuf read-only page", sys(nrNewfstatat, at, pF, roPage, 0))
	show("readlinkat buf read-only page", sys(nrReadlinkat, at, pL, roPage, 64))
	show("getdents64 into read-only page", sys(nrGetdents64, fdDir, roPage, 512))
	sys(nrLseek, fdDir, 0, 0)

	// openat
	open("openat empty path", at, empty, syscall.O_RDONLY)
	open("openat path of 4200 bytes", at, long, syscall.O_RDONLY)
	open("openat name of 256 bytes O_CREAT", at, name256, syscall.O_RDWR|syscall.O_CREAT)
	open("openat O_DIRECTORY on file", at, pF, syscall.O_RDONLY|oDirectory)
	open("openat O_CREAT|O_EXCL existing", at, pF, syscall.O_RDWR|syscall.O_CREAT|syscall.O_EXCL)
	open("openat O_CREAT|O_EXCL existing directory", at, pD, syscall.O_RDWR|syscall.O_CREAT|syscall.O_EXCL)
	open("openat missing", at, missing, syscall.O_RDONLY)
	open("openat O_CREAT in missing directory", at, missingSub, syscall.O_RDWR|syscall.O_CREAT)
	open("openat directory O_WRONLY", at, pD, syscall.O_WRONLY)
	open("openat directory O_RDWR", at, pD, syscall.O_RDWR)
	open("openat directory O_CREAT", at, pD, syscall.O_RDONLY|syscall.O_CREAT)
	open("openat O_CREAT trailing slash", at, mem.cstr(dir+"/new/"), syscall.O_RDWR|syscall.O_CREAT)
	open("openat file as directory", at, fx, syscall.O_RDONLY)
	open("openat file with trailing slash", at, mem.cstr(dir+"/f/"), syscall.O_RDONLY)
	open("openat relative, dirfd 9999", 9999, rel, syscall.O_RDONLY)
	open("openat relative, dirfd -1", neg(-1), rel, syscall.O_RDONLY)
	open("openat relative, dirfd closed", closedFd, rel, syscall.O_RDONLY)
	open("openat relative, dirfd a file", fdRO, rel, syscall.O_RDONLY)
	open("openat relative, dirfd a directory", fdDir, rel, syscall.O_RDONLY)
	open("openat absolute, dirfd 9999", 9999, pF, syscall.O_RDONLY)
	open("openat O_NOFOLLOW on symlink", at, pL, syscall.O_RDONLY|oNofollow)
	open("openat symlink loop", at, pLoop, syscall.O_RDONLY)
	open("openat unknown flag 0x40000000", at, pF, syscall.O_RDONLY|0x40000000)

	// mkdirat, unlinkat, symlinkat, linkat, renameat2
	show("mkdirat existing", sys(nrMkdirat, at, pD, 0o755))
	show("mkdirat existing file", sys(nrMkdirat, at, pF, 0o755))
	show("mkdirat missing parent", sys(nrMkdirat, at, missingSub, 0o755))
	show("mkdirat under a file", sys(nrMkdirat, at, fx, 0o755))
	show("mkdirat empty path", sys(nrMkdirat, at, empty, 0o755))
	show("mkdirat name of 256 bytes", sys(nrMkdirat, at, name256, 0o755))
	show("mkdirat relative, dirfd 9999", sys(nrMkdirat, 9999, rel, 0o755))
	show("mkdirat relative, dirfd a file", sys(nrMkdirat, fdRO, mem.cstr("x"), 0o755))
	show("unlinkat bad flags 1", sys(nrUnlinkat, at, pNew, 1))
	show("unlinkat bad flags 0x300", sys(nrUnlinkat, at, pNew, 0x300))
	show("unlinkat AT_REMOVEDIR on file", sys(nrUnlinkat, at, pF, atRemovedir))
	show("unlinkat directory", sys(nrUnlinkat, at, pD, 0))
	show("unlinkat non-empty directory", sys(nrUnlinkat, at, pD, atRemovedir))
	show("unlinkat missing", sys(nrUnlinkat, at, missing, 0))
	show("unlinkat empty path", sys(nrUnlinkat, at, empty, 0))
	show("unlinkat dot", sys(nrUnlinkat, at, mem.cstr(dir+"/d/."), atRemovedir))
	show("unlinkat dotdot", sys(nrUnlinkat, at, mem.cstr(dir+"/d/.."), atRemovedir))
	show("unlinkat under a file", sys(nrUnlinkat, at, fx, 0))
	show("unlinkat relative, dirfd 9999", sys(nrUnlinkat, 9999, rel, 0))
	show("symlinkat existing linkpath", sys(nrSymlinkat, pF, at, pL))
	show("symlinkat empty target", sys(nrSymlinkat, empty, at, pNew))
	show("symlinkat in missing directory", sys(nrSymlinkat, pF, at, missingSub))
	show("linkat bad flags 1", sys(nrLinkat, at, pF, at, pNew, 1))
	show("linkat directory", sys(nrLinkat, at, pD, at, pNew, 0))
	show("linkat existing newpath", sys(nrLinkat, at, pF, at, pL, 0))
	show("linkat missing", sys(nrLinkat, at, missing, at, pNew, 0))
	show("linkat newpath nil", sys(nrLinkat, at, pF, at, 0, 0))
	show("renameat2 bad flags 8", sys(nrRenameat2, at, pF, at, pNew, 8))
	show("renameat2 NOREPLACE|EXCHANGE", sys(nrRenameat2, at, pF, at, pNew, 3))
	show("renameat2 RENAME_NOREPLACE existing", sys(nrRenameat2, at, pF, at, pL, 1))
	show("renameat2 missing", sys(nrRenameat2, at, missing, at, pNew, 0))
	show("renameat2 newpath nil", sys(nrRenameat2, at, pF, at, 0, 0))
	show("renameat2 directory into its subdirectory", sys(nrRenameat2, at, pD, at, mem.cstr(dir+"/d/sub"), 0))
	show("renameat2 file over directory", sys(nrRenameat2, at, pF, at, pD, 0))
	show("renameat2 directory over file", sys(nrRenameat2, at, pD, at, pF, 0))
	show("renameat2 dot", sys(nrRenameat2, at, mem.cstr(dir+"/d/."), at, pNew, 0))
	show("renameat2 under a file", sys(nrRenameat2, at, fx, at, pNew, 0))

	// readlinkat, faccessat, fchmodat, fchownat, utimensat
	b64 := mem.alloc(64)
	show("readlinkat bufsiz 0", sys(nrReadlinkat, at, pL, b64, 0))
	show("readlinkat bufsiz 1", sys(nrReadlinkat, at, pL, b64, 1))
	show("readlinkat not a link", sys(nrReadlinkat, at, pF, b64, 64))
	show("readlinkat missing", sys(nrReadlinkat, at, missing, b64, 64))
	show("readlinkat empty path", sys(nrReadlinkat, at, empty, b64, 64))
	show("faccessat bad mode 8", sys(nrFaccessat, at, pF, 8))
	show("faccessat bad mode -1", sys(nrFaccessat, at, pF, neg(-1)))
	show("faccessat X_OK on 0644 file", sys(nrFaccessat, at, pF, 1))
	show("faccessat missing", sys(nrFaccessat, at, missing, 0))
	show("faccessat2 bad flags 1", sys(nrFaccessat2, at, pF, 0, 1))
	show("faccessat2 bad mode 8", sys(nrFaccessat2, at, pF, 8, 0))
	show("faccessat2 AT_EACCESS", sys(nrFaccessat2, at, pF, 4, 0x200))
	show("fchmodat missing", sys(nrFchmodat, at, missing, 0o644))
	show("fchmodat relative, dirfd 9999", sys(nrFchmodat, 9999, rel, 0o644))
	show("fchownat bad flags 1", sys(nrFchownat, at, pF, 0, 0, 1))
	show("fchownat missing", sys(nrFchownat, at, missing, 0, 0, 0))
	// AT_EMPTY_PATH: the fd's own file (user_path_at, LOOKUP_EMPTY); -1 -1 changes nothing.
	show("fchownat AT_EMPTY_PATH, fd 9999", sys(nrFchownat, 9999, empty, neg(-1), neg(-1), atEmptyPath))
	show("fchownat AT_EMPTY_PATH", sys(nrFchownat, fdRO, empty, neg(-1), neg(-1), atEmptyPath))
	show("fchownat empty path", sys(nrFchownat, fdRO, empty, neg(-1), neg(-1), 0))
	times := func(ns0, ns1 int64) uintptr {
		a := mem.alloc(32)
		mem.put64(a+8, ns0)
		mem.put64(a+24, ns1)
		return a
	}
	const utimeNow, utimeOmit = 1<<30 - 1, 1<<30 - 2
	show("utimensat nsec 1e9", sys(nrUtimensat, at, pF, times(1e9, 0), 0))
	show("utimensat nsec -1", sys(nrUtimensat, at, pF, times(0, -1), 0))
	show("utimensat times unmapped", sys(nrUtimensat, at, pF, unmapped, 0))
	show("utimensat bad flags 1", sys(nrUtimensat, at, pF, 0, 1))
	show("utimensat missing", sys(nrUtimensat, at, missing, 0, 0))
	show("utimensat both UTIME_OMIT, missing path", sys(nrUtimensat, at, missing, times(utimeOmit, utimeOmit), 0))
	show("utimensat UTIME_NOW", sys(nrUtimensat, at, pF, times(utimeNow, utimeNow), 0))
	show("utimensat nil path, AT_FDCWD", sys(nrUtimensat, at, 0, 0, 0))
	show("utimensat nil path, fd 9999", sys(nrUtimensat, 9999, 0, 0, 0))
	show("utimensat nil path, fd", sys(nrUtimensat, fdRW, 0, 0, 0))

	// newfstatat, statfs, getdents64, truncate, chdir
	show("newfstatat bad flags 1", sys(nrNewfstatat, at, pF, st, 1))
	show("newfstatat missing", sys(nrNewfstatat, at, missing, st, 0))
	show("newfstatat empty path", sys(nrNewfstatat, at, empty, st, 0))
	show("newfstatat AT_EMPTY_PATH fd 9999", sys(nrNewfstatat, 9999, empty, st, atEmptyPath))
	show("newfstatat AT_EMPTY_PATH", sys(nrNewfstatat, fdRO, empty, st, atEmptyPath))
	show("newfstatat symlink loop", sys(nrNewfstatat, at, pLoop, st, 0))
	show("newfstatat symlink loop NOFOLLOW", sys(nrNewfstatat, at, pLoop, st, atSymlinkNofollow))
	show("statfs missing", sys(nrStatfs, missing, st))
	show("getdents64 on a file", sys(nrGetdents64, fdRO, mem.alloc(512), 512))
	show("getdents64 count 1", sys(nrGetdents64, fdDir, mem.alloc(512), 1))
	show("getdents64 on a pipe", sys(nrGetdents64, pipeR, mem.alloc(512), 512))
	sys(nrLseek, fdDir, 0, 0)
	show("ftruncate -1", sys(nrFtruncate, fdRW, neg(-1)))
	show("ftruncate read-only fd", sys(nrFtruncate, fdRO, 0))
	show("ftruncate directory", sys(nrFtruncate, fdDir, 0))
	show("ftruncate pipe", sys(nrFtruncate, pipeW, 0))
	show("ftruncate O_PATH fd", sys(nrFtruncate, fdPathF, 0))
	show("truncate -1", sys(nrTruncate, pF, neg(-1)))
	show("truncate directory", sys(nrTruncate, pD, 0))
	show("truncate missing", sys(nrTruncate, missing, 0))
	show("truncate under a file", sys(nrTruncate, fx, 0))
	show("chdir missing", sys(nrChdir, missing))
	show("chdir file", sys(nrChdir, pF))
	show("chdir empty path", sys(nrChdir, empty))
	x := sys(nrNewfstatat, at, pF, st, 0)
	fmt.Printf("newfstatat f still has 10 bytes: %v\n", x.e == 0 && mem.get64(st+48) == 10)
}

// testSync: fsync and fdatasync (only files and directories sync; O_PATH
// is no fd to them), sync_file_range (fs/sync.c: flags, then the range,
// then ESPIPE for what has no pages), fallocate (fs/open.c's
// vfs_fallocate order: range, mode, write access, kind, overflow), msync
// (mm/msync.c: flags, alignment, a length that wraps, holes), and open's
// O_DIRECT (regular files only).
func testSync() {
	for _, f := range badFds() {
		show("fdatasync "+f.name, sys(nrFdatasync, f.fd))
		show("sync_file_range "+f.name, sys(nrSyncFileRange, f.fd, 0, 0, 0))
		show("fallocate "+f.name, sys(nrFallocate, f.fd, 0, 0, 1))
	}
	show("fsync O_PATH fd", sys(nrFsync, fdPathF))
	show("fsync directory", sys(nrFsync, fdDir))
	show("fsync eventfd", sys(nrFsync, efd))
	show("fdatasync O_PATH fd", sys(nrFdatasync, fdPathF))
	show("fdatasync read-only file", sys(nrFdatasync, fdRO))
	show("fdatasync pipe", sys(nrFdatasync, pipeW))
	show("sync_file_range O_PATH fd", sys(nrSyncFileRange, fdPathF, 0, 0, 0))
	show("sync_file_range flags 8", sys(nrSyncFileRange, fdRW, 0, 0, 8))
	show("sync_file_range flags 8 on a pipe", sys(nrSyncFileRange, pipeR, 0, 0, 8))
	show("sync_file_range offset -1", sys(nrSyncFileRange, fdRW, neg(-1), 0, 0))
	show("sync_file_range nbytes -1", sys(nrSyncFileRange, fdRW, 0, neg(-1), 0))
	show("sync_file_range end before offset", sys(nrSyncFileRange, fdRW, 100, neg(-50), 0))
	show("sync_file_range end past 2^63", sys(nrSyncFileRange, fdRW, 1<<62, 1<<62, 0))
	show("sync_file_range pipe", sys(nrSyncFileRange, pipeR, 0, 0, 0))
	show("sync_file_range eventfd", sys(nrSyncFileRange, efd, 0, 0, 0))
	show("sync_file_range directory", sys(nrSyncFileRange, fdDir, 0, 0, 0))
	show("sync_file_range read-only file, all flags", sys(nrSyncFileRange, fdRO, 0, 100, 7))

	const keep, punch = 1, 2
	show("fallocate O_PATH fd", sys(nrFallocate, fdPathF, 0, 0, 1))
	show("fallocate len 0", sys(nrFallocate, fdRW, 0, 0, 0))
	show("fallocate len -1", sys(nrFallocate, fdRW, 0, 0, neg(-1)))
	show("fallocate offset -1", sys(nrFallocate, fdRW, 0, neg(-1), 1))
	show("fallocate len 0 on read-only fd", sys(nrFallocate, fdRO, 0, 0, 0))
	show("fallocate mode 0x100", sys(nrFallocate, fdRW, 0x100, 0, 1))
	show("fallocate mode NO_HIDE_STALE", sys(nrFallocate, fdRW, 4, 0, 1))
	show("fallocate PUNCH_HOLE without KEEP_SIZE", sys(nrFallocate, fdRW, punch, 0, 1))
	show("fallocate PUNCH_HOLE|ZERO_RANGE", sys(nrFallocate, fdRW, punch|0x10|keep, 0, 1))
	show("fallocate COLLAPSE_RANGE|KEEP_SIZE", sys(nrFallocate, fdRW, 0x08|keep, 0, 1))
	show("fallocate bad mode on read-only fd", sys(nrFallocate, fdRO, 0x100, 0, 1))
	show("fallocate read-only fd", sys(nrFallocate, fdRO, 0, 0, 1))
	show("fallocate directory", sys(nrFallocate, fdDir, 0, 0, 1))
	show("fallocate pipe read end", sys(nrFallocate, pipeR, 0, 0, 1))
	show("fallocate pipe write end", sys(nrFallocate, pipeW, 0, 0, 1))
	show("fallocate eventfd", sys(nrFallocate, efd, 0, 0, 1))
	show("fallocate end past 2^63", sys(nrFallocate, fdRW, 0, 1<<62, 1<<62))
	show("fallocate KEEP_SIZE", sys(nrFallocate, fdRW, keep, 0, 100))
	show("fallocate PUNCH_HOLE|KEEP_SIZE past the end", sys(nrFallocate, fdRW, punch|keep, 1<<20, 4096))

	ms := func(what string, a, n, flags uintptr) { show("msync "+what, sys(nrMsync, a, n, flags)) }
	const msAsync, msInvalidate, msSync = 1, 2, 4
	a := mem.base
	ms("unaligned", a+1, page, msSync)
	ms("flags 8", a, page, 8)
	ms("MS_SYNC|MS_ASYNC", a, page, msSync|msAsync)
	ms("flags 0", a, page, 0)
	ms("len 0", a, 0, msSync)
	ms("len -1 (rounds to 0)", a, neg(-1), msSync)
	ms("len 2^64-4096 (wraps)", a, neg(-4096), msSync)
	ms("nil", 0, page, msSync)
	ms("nil MS_ASYNC", 0, page, msAsync)
	ms("unmapped", unmapped, page, msInvalidate)
	ms("unaligned unmapped", unmapped+1, page, msSync)
	ms("PROT_NONE page", nonePage, page, msSync)
	ms("read-only page MS_INVALIDATE", roPage, page, msInvalidate)
	ms("anonymous memory", a, 4*page, msSync|msInvalidate)

	// mlock and kin (mm/mlock.c do_mlock, apply_vma_lock_flags): the range
	// rounded out (a length that wraps to 0 is 0), an end past the top
	// EINVAL, a hole ENOMEM; mlock brings the pages in.
	ml := func(what string, a, n uintptr) { show("mlock "+what, sys(nrMlock, a, n)) }
	ml("unaligned", a+1, page)
	ml("len 0", a, 0)
	ml("len -1 (rounds to 0)", a, neg(-1))
	ml("len 2^64-4096 (wraps)", a, neg(-4096))
	ml("nil", 0, page)
	ml("unmapped", unmapped, page)
	ml("PROT_NONE page", nonePage, page)
	fresh := mustMap(4*page, syscall.PROT_READ|syscall.PROT_WRITE)
	ml("fresh anonymous memory", addr(fresh), 4*page)
	vec := mem.alloc(8)
	sys(nrMincore, addr(fresh), 4*page, vec)
	fmt.Printf("mlock brought all 4 pages in: %v\n", mem.get32(vec) == 0x01010101)
	show("munlock unmapped", sys(nrMunlock, unmapped, page))
	show("munlock len 2^64-4096 (wraps)", sys(nrMunlock, a, neg(-4096)))
	show("munlock the locked range", sys(nrMunlock, addr(fresh), 4*page))
	show("mlockall 0", sys(nrMlockall, 0))
	show("mlockall MCL_ONFAULT alone", sys(nrMlockall, 4))
	show("mlockall flags 8", sys(nrMlockall, 8))
	show("mlockall MCL_FUTURE", sys(nrMlockall, 2))
	show("munlockall after MCL_FUTURE", sys(nrMunlockall))

	// mremap (mm/mremap.c): the flags, the alignment, DONTUNMAP's rules, a
	// zero new length, then the range (EFAULT), then MREMAP_FIXED's target,
	// then whether it may grow or move.
	mr := func(what string, a, o, n, flags, to uintptr) res {
		x := sys(nrMremap, a, o, n, flags, to)
		if x.e == 0 {
			fmt.Printf("mremap %s: at the old address %v\n", what, x.r == a)
		} else {
			show("mremap "+what, x)
		}
		return x
	}
	const mayMove, fixed, dontUnmap = 1, 2, 4
	// (A zero new length, a private old_len 0 and DONTUNMAP's hint checks:
	// hostile_syscalls_goose, as qemu-riscv64 7.2 answers them otherwise.)
	two := mustMap(3*page, syscall.PROT_READ|syscall.PROT_WRITE)
	b := addr(two)
	sys(nrMprotect, b+2*page, page, syscall.PROT_READ)
	mr("flags 8", b, page, page, 8, 0)
	mr("FIXED without MAYMOVE", b, page, page, fixed, b+16*page)
	mr("DONTUNMAP without MAYMOVE", b, page, page, dontUnmap, 0)
	mr("DONTUNMAP resizing", b, page, 2*page, dontUnmap|mayMove, 0)
	mr("unaligned", b+1, page, page, 0, 0)
	mr("nil", 0, page, page, 0, 0)
	mr("unmapped", unmapped, page, page, 0, 0)
	mr("PROT_NONE page", nonePage, page, page, 0, 0)
	mr("range past its mapping", b, 3*page, 4*page, mayMove, 0)
	mr("same length", b, page, page, 0, 0)
	mr("same length once rounded", b, page, page-100, 0, 0)
	mr("grow without MAYMOVE, no room", b, 2*page, 3*page, 0, 0)
	mr("FIXED unaligned target", b, page, page, fixed|mayMove, b+16*page+1)
	mr("FIXED overlapping target", b, 2*page, 2*page, fixed|mayMove, b+page)
	mr("FIXED target just before, overlapping when grown", b+page, page, 2*page, fixed|mayMove, b)
	mr("shrink", b, 2*page, page, 0, 0)
	mr("grow where the shrink freed", b, page, 2*page, 0, 0)

	show("openat O_DIRECT directory", sys(nrOpenat, neg(atFdcwd), pDir, syscall.O_RDONLY|oDirect))
	show("openat O_DIRECT /dev/null", sys(nrOpenat, neg(atFdcwd), mem.cstr("/dev/null"), syscall.O_RDONLY|oDirect))
	x := showOK("openat O_DIRECT file", sys(nrOpenat, neg(atFdcwd), pF, syscall.O_RDONLY|oDirect|syscall.O_CLOEXEC))
	if x.e == 0 {
		sys(nrClose, x.r)
	}
	x = showOK("openat O_DIRECT O_PATH directory", sys(nrOpenat, neg(atFdcwd), pDir, oPath|oDirect|syscall.O_CLOEXEC))
	if x.e == 0 {
		sys(nrClose, x.r)
	}
	st := mem.alloc(128)
	x = sys(nrNewfstatat, neg(atFdcwd), pF, st, 0)
	fmt.Printf("newfstatat f still has 10 bytes after fallocate KEEP_SIZE: %v\n", x.e == 0 && mem.get64(st+48) == 10)
}

// testClone: fork-like or invalid clone flags must fail; Linux would fork
// with any valid fork flags, so only invalid combinations are here.
func testClone() {
	const (
		cloneVM      = 0x100
		cloneFS      = 0x200
		cloneSighand = 0x800
		cloneThread  = 0x10000
		cloneNewuser = 0x10000000
	)
	show("clone CLONE_THREAD without CLONE_SIGHAND", raw(nrClone, cloneThread|cloneVM, 0, 0, 0, 0))
	show("clone CLONE_SIGHAND without CLONE_VM", raw(nrClone, cloneSighand, 0, 0, 0, 0))
	show("clone CLONE_THREAD|CLONE_SIGHAND without CLONE_VM", raw(nrClone, cloneThread|cloneSighand, 0, 0, 0, 0))
	show("clone CLONE_NEWUSER|CLONE_FS", raw(nrClone, cloneNewuser|cloneFS, 0, 0, 0, 0))
}

func main() {
	runtime.LockOSThread()
	setupMemory()
	setupFiles()
	testReadWrite()
	testFds()
	testLocks()
	testEpoll()
	testMemory()
	testFutex()
	testTime()
	testSignals()
	testInfo()
	testFiles()
	testSync()
	testClone()
	testEpollNesting()
	testSockets()
	testItimers()
	testCreds()
	testWait()
	testProcess()
	testMoreFiles()
	os.RemoveAll(dir)
}
