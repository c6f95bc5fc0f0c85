package main

import (
	"fmt"
	"syscall"
)

const (
	nrMknodat    = 33
	nrSendfile   = 71
	nrSplice     = 76
	nrTee        = 77
	nrCapget     = 90
	nrCapset     = 91
	nrWaitid     = 95
	nrGetitimer  = 102
	nrSetitimer  = 103
	nrSetregid   = 143
	nrSetgid     = 144
	nrSetreuid   = 145
	nrSetuid     = 146
	nrSetresuid  = 147
	nrGetresuid  = 148
	nrSetresgid  = 149
	nrGetresgid  = 150
	nrSetfsuid   = 151
	nrSetfsgid   = 152
	nrSetpgid    = 154
	nrGetpgid    = 155
	nrGetsid     = 156
	nrGetgroups  = 158
	nrUmask      = 166
	nrPrctl      = 167
	nrGeteuid    = 175
	nrGetegid    = 177
	nrWait4      = 260
	capV3        = 0x20080522
	prSetName    = 15
	prGetName    = 16
	prSetKeep    = 8
	intMin       = -0x80000000
	sIFDIR       = 0o040000
	sIFIFO       = 0o010000
	sIFLNK       = 0o120000
	sIFMT        = 0o170000
	pAll         = 0
	pPid         = 1
	pPgid        = 2
	pPidfd       = 3
	wNohang      = 1
	wExited      = 4
	itimerReal   = 0
	itimerVirt   = 1
	itimerProf   = 2
	spliceFMove  = 1
	spliceFAll   = 0xf
	oAppend      = syscall.O_APPEND
	noSuchPid    = 0x7fffffff
	badUnsigned  = 0xffffffff // -1 as a 32-bit id: "leave it as it is"
	twoBadUnsign = 0xfffffffe
)

// struct itimerval: interval {sec, usec}, value {sec, usec}.
func (s *scratch) itv(isec, iusec, vsec, vusec int64) uintptr {
	a := s.alloc(32)
	s.put64(a, isec)
	s.put64(a+8, iusec)
	s.put64(a+16, vsec)
	s.put64(a+24, vusec)
	return a
}

// kernel/time/itimer.c: setitimer reads and checks the new value
// (get_itimerval: EFAULT, then EINVAL for a timeval out of range) before
// do_setitimer looks at which; the old value is written after the timer is
// set, so a bad old_value pointer is EFAULT with the new timer running.
func testItimers() {
	v := mem.alloc(32)
	for _, w := range []int64{3, -1} {
		show(fmt.Sprintf("getitimer which %d", w), sys(nrGetitimer, neg(w), v))
		show(fmt.Sprintf("setitimer which %d", w), sys(nrSetitimer, neg(w), mem.itv(0, 0, 0, 0), 0))
	}
	for _, b := range bads[1:] { // getitimer(which, NULL): qemu-user says 0
		show("getitimer into "+b.name, sys(nrGetitimer, itimerReal, b.addr))
	}
	show("getitimer ITIMER_PROF into read-only page", sys(nrGetitimer, itimerProf, roPage))
	for _, b := range bads[1:] {
		show("setitimer new_value "+b.name, sys(nrSetitimer, itimerReal, b.addr, 0))
		show("setitimer which 3, new_value "+b.name, sys(nrSetitimer, 3, b.addr, 0))
	}
	show("setitimer new_value nil (disarms)", sys(nrSetitimer, itimerReal, 0, 0))
	show("setitimer value usec 1000000", sys(nrSetitimer, itimerReal, mem.itv(0, 0, 0, 1000000), 0))
	show("setitimer value usec -1", sys(nrSetitimer, itimerReal, mem.itv(0, 0, 0, -1), 0))
	show("setitimer value sec -1", sys(nrSetitimer, itimerVirt, mem.itv(0, 0, -1, 0), 0))
	show("setitimer interval usec 1000000", sys(nrSetitimer, itimerProf, mem.itv(0, 1000000, 1, 0), 0))
	show("setitimer which 3, usec -1", sys(nrSetitimer, 3, mem.itv(0, 0, 0, -1), 0))
	// Armed for 100 s (then disarmed): the bad old_value fails the call
	// after the timer is set.
	for _, w := range []uintptr{itimerReal, itimerVirt, itimerProf} {
		for _, b := range append(bads[1:], struct {
			name string
			addr uintptr
		}{"read-only page", roPage}) {
			show(fmt.Sprintf("setitimer which %d, old_value %s", w, b.name), sys(nrSetitimer, w, mem.itv(0, 0, 100, 0), b.addr))
		}
		x := sys(nrGetitimer, w, v)
		fmt.Printf("getitimer which %d after the failed calls: armed %v\n", w, x.e == 0 && mem.get64(v+16) > 0)
		show(fmt.Sprintf("setitimer which %d, disarm", w), sys(nrSetitimer, w, mem.itv(0, 0, 0, 0), v))
		x = sys(nrGetitimer, w, v)
		fmt.Printf("getitimer which %d after disarming: armed %v\n", w, x.e == 0 && (mem.get64(v+16) != 0 || mem.get64(v+24) != 0))
	}
}

// Credentials (kernel/sys.c, kernel/groups.c, kernel/capability.c): only
// cases whose answer is the same for root and for other users.
func testCreds() {
	show("setuid -1", sys(nrSetuid, badUnsigned))
	show("setgid -1", sys(nrSetgid, badUnsigned))
	show("setreuid -1 -1 (no change)", sys(nrSetreuid, badUnsigned, badUnsigned))
	show("setregid -1 -1 (no change)", sys(nrSetregid, badUnsigned, badUnsigned))
	show("setresuid -1 -1 -1 (no change)", sys(nrSetresuid, badUnsigned, badUnsigned, badUnsigned))
	show("setresgid -1 -1 -1 (no change)", sys(nrSetresgid, badUnsigned, badUnsigned, badUnsigned))
	// setfsuid/setfsgid never fail: they return the old fs id, which is the
	// effective id here; -1 (not a valid id) changes nothing.
	euid, egid := sys(nrGeteuid).r, sys(nrGetegid).r
	fmt.Printf("setfsuid -1 (a query): returns the euid %v\n", sys(nrSetfsuid, badUnsigned).r == euid)
	fmt.Printf("setfsgid -1 (a query): returns the egid %v\n", sys(nrSetfsgid, badUnsigned).r == egid)
	ids := func() (uintptr, uintptr, uintptr) { return mem.alloc(4), mem.alloc(4), mem.alloc(4) }
	for _, b := range append(bads, struct {
		name string
		addr uintptr
	}{"read-only page", roPage}) {
		r, e, s := ids()
		show("getresuid ruid into "+b.name, sys(nrGetresuid, b.addr, e, s))
		show("getresuid euid into "+b.name, sys(nrGetresuid, r, b.addr, s))
		show("getresuid suid into "+b.name, sys(nrGetresuid, r, e, b.addr))
		show("getresgid rgid into "+b.name, sys(nrGetresgid, b.addr, e, s))
		show("getresgid egid into "+b.name, sys(nrGetresgid, r, b.addr, s))
		show("getresgid sgid into "+b.name, sys(nrGetresgid, r, e, b.addr))
	}
	show("getgroups size -1", sys(nrGetgroups, neg(-1), mem.alloc(256)))
	show("getgroups size INT_MIN", sys(nrGetgroups, neg(intMin), mem.alloc(256)))

	// capget/capset: cap_validate_magic, cap_get_target_pid.
	hdr := func(version uint32, pid int32) uintptr {
		a := mem.alloc(8)
		mem.put32(a, int32(version))
		mem.put32(a+4, pid)
		return a
	}
	data := mem.alloc(24)
	for _, b := range bads {
		show("capget header "+b.name, sys(nrCapget, b.addr, data))
		show("capset header "+b.name, sys(nrCapset, b.addr, data))
	}
	show("capget header read-only page (version 0)", sys(nrCapget, roPage, data))
	h := hdr(0, 0)
	show("capget version 0", sys(nrCapget, h, data))
	fmt.Printf("capget version 0, header now version 3: %v\n", mem.get32(h) == capV3)
	h = hdr(0x12345678, 0)
	show("capget version 0x12345678, data nil (a probe)", sys(nrCapget, h, 0))
	fmt.Printf("capget version 0x12345678, header now version 3: %v\n", mem.get32(h) == capV3)
	show("capget pid -1", sys(nrCapget, hdr(capV3, -1), data))
	show("capget pid 0x7fffffff", sys(nrCapget, hdr(capV3, noSuchPid), data))
	show("capget data nil", sys(nrCapget, hdr(capV3, 0), 0))
	for _, b := range bads[1:] {
		show("capget data "+b.name, sys(nrCapget, hdr(capV3, 0), b.addr))
	}
	show("capget data read-only page", sys(nrCapget, hdr(capV3, 0), roPage))
	show("capset version 0", sys(nrCapset, hdr(0, 0), data))
	// capset: only the caller's own pid (or 0) is allowed, whatever it is.
	show("capset pid 0x7fffffff", sys(nrCapset, hdr(capV3, noSuchPid), data))
	show("capset pid -1", sys(nrCapset, hdr(capV3, -1), data))
	for _, b := range bads {
		show("capset data "+b.name, sys(nrCapset, hdr(capV3, 0), b.addr))
	}
}

// wait4, waitid (kernel/exit.c: kernel_wait4, kernel_waitid): the program
// has no children.
func testWait() {
	st := mem.alloc(8)
	ru := mem.alloc(256)
	show("wait4 no children", sys(nrWait4, neg(-1), st, wNohang, ru))
	show("wait4 no children, blocking", sys(nrWait4, neg(-1), st, 0, 0))
	show("wait4 options WEXITED", sys(nrWait4, neg(-1), st, wExited, 0))
	show("wait4 options 0x10", sys(nrWait4, neg(-1), st, 0x10, 0))
	show("wait4 pid INT_MIN", sys(nrWait4, neg(intMin), st, wNohang, 0))
	show("wait4 pid 0x7fffffff", sys(nrWait4, noSuchPid, st, wNohang, 0))
	for _, b := range bads {
		show("wait4 status "+b.name, sys(nrWait4, neg(-1), b.addr, wNohang, 0))
		show("wait4 rusage "+b.name, sys(nrWait4, neg(-1), st, wNohang, b.addr))
	}
	info := mem.alloc(128)
	show("waitid P_ALL no children", sys(nrWaitid, pAll, 0, info, wExited|wNohang, 0))
	show("waitid options 0", sys(nrWaitid, pAll, 0, info, 0, 0))
	show("waitid options WNOHANG only", sys(nrWaitid, pAll, 0, info, wNohang, 0))
	show("waitid options 0x10", sys(nrWaitid, pAll, 0, info, wExited|0x10, 0))
	show("waitid idtype 99", sys(nrWaitid, 99, 0, info, wExited, 0))
	show("waitid P_PID pid 0", sys(nrWaitid, pPid, 0, info, wExited, 0))
	show("waitid P_PID pid -1", sys(nrWaitid, pPid, neg(-1), info, wExited, 0))
	show("waitid P_PID pid 0x7fffffff", sys(nrWaitid, pPid, noSuchPid, info, wExited|wNohang, 0))
	show("waitid P_PGID pgid -1", sys(nrWaitid, pPgid, neg(-1), info, wExited, 0))
	show("waitid P_PIDFD fd -1", sys(nrWaitid, pPidfd, neg(-1), info, wExited, 0))
	show("waitid P_PIDFD fd 9999", sys(nrWaitid, pPidfd, 9999, info, wExited, 0))
	show("waitid P_PIDFD a regular file", sys(nrWaitid, pPidfd, fdRO, info, wExited, 0))
	for _, b := range bads {
		show("waitid infop "+b.name, sys(nrWaitid, pAll, 0, b.addr, wExited|wNohang, 0))
	}
}

// prctl (kernel/sys.c, security/commoncap.c), process groups and sessions.
func testProcess() {
	show("prctl option 9999", sys(nrPrctl, 9999, 0, 0, 0, 0))
	show("prctl option -1", sys(nrPrctl, neg(-1), 0, 0, 0, 0))
	for _, b := range bads {
		show("prctl PR_SET_NAME from "+b.name, sys(nrPrctl, prSetName, b.addr, 0, 0, 0))
		show("prctl PR_GET_NAME into "+b.name, sys(nrPrctl, prGetName, b.addr, 0, 0, 0))
	}
	show("prctl PR_GET_NAME into read-only page", sys(nrPrctl, prGetName, roPage, 0, 0, 0))
	// Five bytes and then PROT_NONE: the name runs into it before a NUL.
	show("prctl PR_SET_NAME runs into PROT_NONE", sys(nrPrctl, prSetName, edgeStr+95, 0, 0, 0))
	show("prctl PR_SET_KEEPCAPS 2", sys(nrPrctl, prSetKeep, 2, 0, 0, 0))
	show("prctl PR_SET_KEEPCAPS -1", sys(nrPrctl, prSetKeep, neg(-1), 0, 0, 0))

	pid := uintptr(syscall.Getpid())
	// find_task_by_vpid finds no task for a negative pid: ESRCH.
	show("getpgid pid -1", sys(nrGetpgid, neg(-1)))
	show("getpgid pid 0x7fffffff", sys(nrGetpgid, noSuchPid))
	show("getsid pid -1", sys(nrGetsid, neg(-1)))
	show("getsid pid 0x7fffffff", sys(nrGetsid, noSuchPid))
	fmt.Printf("getpgid 0 is getpgid(getpid()): %v\n", sys(nrGetpgid, 0) == sys(nrGetpgid, pid))
	fmt.Printf("getsid 0 is getsid(getpid()): %v\n", sys(nrGetsid, 0) == sys(nrGetsid, pid))
	// setpgid: pgid 0 means pid; a negative pgid is EINVAL before the pid
	// is looked up, which is ESRCH for no such process.
	show("setpgid 0 -1", sys(nrSetpgid, 0, neg(-1)))
	show("setpgid -1 0", sys(nrSetpgid, neg(-1), 0))
	show("setpgid -5 1", sys(nrSetpgid, neg(-5), 1))
	show("setpgid 0x7fffffff 0", sys(nrSetpgid, noSuchPid, 0))
	// Into a group that does not exist (or as a session leader): EPERM.
	show("setpgid 0 0x7fffffff", sys(nrSetpgid, 0, noSuchPid))

	// umask takes any value and keeps its permission bits.
	showOK("umask 022", sys(nrUmask, 0o22))
	show("umask -1, old mask", sys(nrUmask, neg(-1)))
	show("umask 022, old mask", sys(nrUmask, 0o22))
}

// mknodat (fs/namei.c: may_mknod before the path), splice and tee
// (fs/splice.c), sendfile (fs/read_write.c).
func testMoreFiles() {
	at := neg(atFdcwd)
	nd := mem.cstr(dir + "/node")
	show("mknodat S_IFDIR", sys(nrMknodat, at, nd, sIFDIR|0o755, 0))
	show("mknodat type 0170000", sys(nrMknodat, at, nd, sIFMT|0o644, 0))
	show("mknodat S_IFLNK", sys(nrMknodat, at, nd, sIFLNK|0o777, 0))
	for _, b := range bads {
		show("mknodat path "+b.name, sys(nrMknodat, at, b.addr, sIFIFO|0o644, 0))
	}
	show("mknodat existing", sys(nrMknodat, at, pF, sIFIFO|0o644, 0))
	show("mknodat existing, mode 0", sys(nrMknodat, at, pF, 0, 0))
	show("mknodat missing parent", sys(nrMknodat, at, mem.cstr(dir+"/missing/x"), sIFIFO|0o644, 0))
	show("mknodat relative, dirfd 9999", sys(nrMknodat, 9999, mem.cstr("x"), sIFIFO|0o644, 0))
	show("mknodat relative, dirfd a file", sys(nrMknodat, fdRO, mem.cstr("x"), sIFIFO|0o644, 0))
	show("mknodat empty path", sys(nrMknodat, at, mem.cstr(""), sIFIFO|0o644, 0))

	r, w := pipe()
	off := mem.alloc(8)
	// splice: a zero length is 0 before anything else is looked at; then
	// the flags, then the fds.
	show("splice len 0, fds 9999", sys(nrSplice, 9999, 0, 9999, 0, 0, 0))
	show("splice flags 0x10", sys(nrSplice, r, 0, w, 0, 4, 0x10))
	for _, f := range badFds() {
		show("splice in "+f.name, sys(nrSplice, f.fd, 0, w, 0, 4, 0))
		show("splice out "+f.name, sys(nrSplice, fdRO, 0, f.fd, 0, 4, 0))
		show("tee in "+f.name, sys(nrTee, f.fd, w, 4, 0))
		show("tee out "+f.name, sys(nrTee, r, f.fd, 4, 0))
		show("sendfile in "+f.name, sys(nrSendfile, w, f.fd, 0, 4))
		show("sendfile out "+f.name, sys(nrSendfile, f.fd, fdRO, 0, 4))
	}
	show("splice from a write-only file", sys(nrSplice, fdWO, 0, w, 0, 4, 0))
	show("splice into a read-only file", sys(nrSplice, r, 0, fdRO, 0, 4, 0))
	show("splice from the write end of a pipe", sys(nrSplice, w, 0, w, 0, 4, 0))
	show("splice file to file", sys(nrSplice, fdRO, 0, fdRW, 0, 4, 0))
	show("splice pipe to pipe with an offset", sys(nrSplice, r, off, pipeW, 0, 4, 0))
	show("splice file to pipe, out offset", sys(nrSplice, fdRO, 0, w, off, 4, 0))
	show("splice pipe to file, in offset", sys(nrSplice, r, off, fdRW, 0, 4, 0))
	show("tee len 0, fds 9999", sys(nrTee, 9999, 9999, 0, 0))
	show("tee flags 0x10", sys(nrTee, r, w, 4, 0x10))
	show("tee flags 0x10, len 0", sys(nrTee, r, w, 0, 0x10))
	show("tee from the write end", sys(nrTee, w, pipeW, 4, 0))
	show("tee into the read end", sys(nrTee, r, pipeR, 4, 0))
	show("tee a pipe into itself", sys(nrTee, r, w, 4, 0))
	show("tee from a file", sys(nrTee, fdRO, w, 4, 0))

	// sendfile64: the offset is read before the fds are looked at.
	for _, b := range bads[1:] {
		show("sendfile offset "+b.name, sys(nrSendfile, w, fdRO, b.addr, 4))
		show("sendfile offset "+b.name+", fds 9999", sys(nrSendfile, 9999, 9999, b.addr, 4))
	}
	show("sendfile from a write-only file", sys(nrSendfile, w, fdWO, 0, 4))
	show("sendfile into a read-only file", sys(nrSendfile, fdRO, fdRO, 0, 4))
	mem.put64(off, -1)
	show("sendfile offset -1", sys(nrSendfile, w, fdRO, off, 4))
	mem.put64(off, 0)
	show("sendfile from a pipe with an offset", sys(nrSendfile, w, r, off, 4))
	app := mustFd("open O_APPEND", sys(nrOpenat, at, pNew, syscall.O_WRONLY|syscall.O_CREAT|oAppend|syscall.O_CLOEXEC, 0o644))
	show("sendfile into an O_APPEND file", sys(nrSendfile, app, fdRO, off, 4))
	show("sendfile count 0", sys(nrSendfile, w, fdRO, off, 0))
	sys(nrClose, app)
	sys(nrUnlinkat, at, pNew, 0)
	sys(nrClose, r)
	sys(nrClose, w)
}
