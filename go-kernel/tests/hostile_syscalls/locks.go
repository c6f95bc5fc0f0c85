package main

import (
	"fmt"
	"syscall"
)

// File locks: flock, and fcntl's record and OFD lock commands (struct flock
// at 0 l_type, 2 l_whence (i16), 8 l_start, 16 l_len (i64), 24 l_pid (i32)).
const (
	nrFlock     = 32
	lockSH      = 1
	lockEX      = 2
	lockNB      = 4
	lockUN      = 8
	lockMand    = 32
	fOFDGetlk   = 36
	fOFDSetlk   = 37
	fOFDSetlkw  = 38
	fGetlk64    = 12
	fSetlk64    = 13
	flockSize   = 32
	int64Max    = 1<<63 - 1
	seekDataWhc = 3
)

// lock is a struct flock in scratch memory.
func lock(typ, whence int16, start, length int64, pid int32) uintptr {
	a := mem.alloc(flockSize)
	mem.b[mem.off(a)] = byte(typ)
	mem.b[mem.off(a)+1] = byte(uint16(typ) >> 8)
	mem.b[mem.off(a)+2] = byte(whence)
	mem.b[mem.off(a)+3] = byte(uint16(whence) >> 8)
	mem.put64(a+8, start)
	mem.put64(a+16, length)
	mem.put32(a+24, pid)
	return a
}

func testLocks() {
	for _, f := range badFds() {
		show("flock LOCK_SH "+f.name, sys(nrFlock, f.fd, lockSH))
		show("fcntl F_SETLK "+f.name, sys(nrFcntl, f.fd, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, 0, 0, 0)))
		show("fcntl F_OFD_GETLK "+f.name, sys(nrFcntl, f.fd, fOFDGetlk, lock(syscall.F_RDLCK, 0, 0, 0, 0)))
	}

	// flock: the operation is checked before the fd; LOCK_MAND is ignored
	// before either; an O_PATH fd is no fd to it.
	show("flock operation 0", sys(nrFlock, fdRW, 0))
	show("flock LOCK_SH|LOCK_EX", sys(nrFlock, fdRW, lockSH|lockEX))
	show("flock LOCK_NB alone", sys(nrFlock, fdRW, lockNB))
	show("flock LOCK_UN|LOCK_SH", sys(nrFlock, fdRW, lockUN|lockSH))
	show("flock operation 64", sys(nrFlock, fdRW, 64))
	show("flock operation 16", sys(nrFlock, fdRW, 16))
	show("flock bad operation on fd -1", sys(nrFlock, neg(-1), 64))
	show("flock LOCK_MAND", sys(nrFlock, fdRW, lockMand|lockSH))
	show("flock LOCK_MAND on fd -1", sys(nrFlock, neg(-1), lockMand))
	show("flock operation -1 (LOCK_MAND set)", sys(nrFlock, fdRW, neg(-1)))
	show("flock O_PATH fd", sys(nrFlock, fdPathF, lockSH))
	show("flock LOCK_UN on O_PATH fd", sys(nrFlock, fdPathF, lockUN))
	show("flock LOCK_SH on write-only fd", sys(nrFlock, fdWO, lockSH|lockNB))
	show("flock LOCK_EX|LOCK_NB beside it", sys(nrFlock, fdRW, lockEX|lockNB))
	show("flock LOCK_UN", sys(nrFlock, fdWO, lockUN))
	show("flock LOCK_EX on read-only fd", sys(nrFlock, fdRO, lockEX|lockNB))
	show("flock LOCK_EX|LOCK_NB from another open", sys(nrFlock, fdRW, lockEX|lockNB))
	show("flock LOCK_UN read-only fd", sys(nrFlock, fdRO, lockUN))
	// Both arguments are unsigned int: high bits are dropped.
	show("flock operation 1<<32|LOCK_EX", sys(nrFlock, fdRW, 1<<32|lockEX|lockNB))
	show("flock fd 1<<32|fd", sys(nrFlock, 1<<32|fdRW, lockUN))
	show("flock directory", sys(nrFlock, fdDir, lockEX|lockNB))
	show("flock directory LOCK_UN", sys(nrFlock, fdDir, lockUN))
	show("flock pipe", sys(nrFlock, pipeR, lockEX|lockNB))
	show("flock pipe's other end", sys(nrFlock, pipeW, lockSH|lockNB))
	show("flock pipe LOCK_UN", sys(nrFlock, pipeR, lockUN))
	show("flock eventfd", sys(nrFlock, efd, lockSH|lockNB))
	show("flock eventfd LOCK_UN", sys(nrFlock, efd, lockUN))

	// fcntl's lock commands: the struct is read first, then checked in
	// fs/locks.c's order (whence, start, length, type; the open mode;
	// l_pid for OFD commands).
	for _, b := range bads {
		show("fcntl F_OFD_SETLK "+b.name, sys(nrFcntl, fdRW, fOFDSetlk, b.addr))
		show("fcntl F_OFD_GETLK "+b.name, sys(nrFcntl, fdRW, fOFDGetlk, b.addr))
		show("fcntl F_SETLKW "+b.name, sys(nrFcntl, fdRW, syscall.F_SETLKW, b.addr))
	}
	show("fcntl F_GETLK into read-only page", sys(nrFcntl, fdRW, syscall.F_GETLK, roPage))
	show("fcntl F_SETLK from read-only page", sys(nrFcntl, fdRW, syscall.F_SETLK, roPage))
	show("fcntl F_SETLK O_PATH fd", sys(nrFcntl, fdPathF, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, 0, 0, 0)))
	show("fcntl F_GETLK O_PATH fd", sys(nrFcntl, fdPathF, syscall.F_GETLK, lock(syscall.F_RDLCK, 0, 0, 0, 0)))
	show("fcntl F_SETFL O_PATH fd", sys(nrFcntl, fdPathF, syscall.F_SETFL, 0))
	show("fcntl F_GETPIPE_SZ O_PATH fd", sys(nrFcntl, fdPathF, 1032, 0))
	show("fcntl F_GETLK l_type F_UNLCK", sys(nrFcntl, fdRW, syscall.F_GETLK, lock(syscall.F_UNLCK, 0, 0, 0, 0)))
	show("fcntl F_GETLK l_type -1", sys(nrFcntl, fdRW, syscall.F_GETLK, lock(-1, 0, 0, 0, 0)))
	show("fcntl F_OFD_GETLK l_type 99", sys(nrFcntl, fdRW, fOFDGetlk, lock(99, 0, 0, 0, 0)))
	show("fcntl F_SETLK l_whence SEEK_DATA", sys(nrFcntl, fdRW, syscall.F_SETLK, lock(syscall.F_RDLCK, seekDataWhc, 0, 0, 0)))
	show("fcntl F_SETLK l_whence -1", sys(nrFcntl, fdRW, syscall.F_SETLK, lock(syscall.F_RDLCK, -1, 0, 0, 0)))
	show("fcntl F_SETLK l_start -1", sys(nrFcntl, fdRW, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, -1, 0, 0)))
	show("fcntl F_SETLK l_start -2^63", sys(nrFcntl, fdRW, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, -1<<63, 0, 0)))
	show("fcntl F_SETLK SEEK_CUR l_start -1", sys(nrFcntl, fdRW, syscall.F_SETLK, lock(syscall.F_RDLCK, 1, -1, 0, 0)))
	show("fcntl F_SETLK l_len -1 at 0", sys(nrFcntl, fdRW, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, 0, -1, 0)))
	show("fcntl F_SETLK l_len -2^63", sys(nrFcntl, fdRW, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, 10, -1<<63, 0)))
	show("fcntl F_SETLK l_start 2^63-1", sys(nrFcntl, fdRW, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, int64Max, 1, 0)))
	show("fcntl F_SETLK l_start 2 l_len 2^63-1", sys(nrFcntl, fdRW, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, 2, int64Max, 0)))
	show("fcntl F_SETLK SEEK_END l_start 2^63-1", sys(nrFcntl, fdRW, syscall.F_SETLK, lock(syscall.F_RDLCK, 2, int64Max, 0, 0)))
	show("fcntl F_GETLK SEEK_END l_start 2^63-1", sys(nrFcntl, fdRW, syscall.F_GETLK, lock(syscall.F_RDLCK, 2, int64Max, 0, 0)))
	show("fcntl F_SETLK read lock on write-only fd", sys(nrFcntl, fdWO, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, 0, 0, 0)))
	show("fcntl F_SETLK unlock on read-only fd", sys(nrFcntl, fdRO, syscall.F_SETLK, lock(syscall.F_UNLCK, 0, 0, 0, 0)))
	show("fcntl F_GETLK write lock on read-only fd", sys(nrFcntl, fdRO, syscall.F_GETLK, lock(syscall.F_WRLCK, 0, 0, 0, 0)))
	show("fcntl F_OFD_SETLK l_pid 1", sys(nrFcntl, fdRW, fOFDSetlk, lock(syscall.F_WRLCK, 0, 0, 0, 1)))
	show("fcntl F_OFD_SETLKW l_pid -1", sys(nrFcntl, fdRW, fOFDSetlkw, lock(syscall.F_WRLCK, 0, 0, 0, -1)))
	show("fcntl F_OFD_GETLK l_pid 1", sys(nrFcntl, fdRW, fOFDGetlk, lock(syscall.F_WRLCK, 0, 0, 0, 1)))
	show("fcntl F_OFD_SETLK write lock on read-only fd, l_pid 1", sys(nrFcntl, fdRO, fOFDSetlk, lock(syscall.F_WRLCK, 0, 0, 0, 1)))
	show("fcntl F_OFD_SETLK bad l_whence, l_pid 1", sys(nrFcntl, fdRW, fOFDSetlk, lock(syscall.F_WRLCK, 9, 0, 0, 1)))
	show("fcntl F_GETLK64", sys(nrFcntl, fdRW, fGetlk64, lock(syscall.F_RDLCK, 0, 0, 0, 0)))
	show("fcntl F_SETLK64", sys(nrFcntl, fdRW, fSetlk64, lock(syscall.F_RDLCK, 0, 0, 0, 0)))
	show("fcntl 1<<32|F_SETLK", sys(nrFcntl, fdRW, 1<<32|syscall.F_SETLK, lock(syscall.F_UNLCK, 0, 0, 0, 0)))

	// Two descriptions of one file conflict with OFD locks, and the
	// process's record locks with both; a conflict is EAGAIN, never a wait.
	show("fcntl F_OFD_SETLK write", sys(nrFcntl, fdRW, fOFDSetlk, lock(syscall.F_WRLCK, 0, 0, 10, 0)))
	show("fcntl F_OFD_SETLK read from another open", sys(nrFcntl, fdRO, fOFDSetlk, lock(syscall.F_RDLCK, 0, 5, 1, 0)))
	show("fcntl F_SETLK read through either", sys(nrFcntl, fdRO, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, 9, 0, 0)))
	g := lock(syscall.F_RDLCK, 0, 0, 0, 0)
	x := sys(nrFcntl, fdRO, syscall.F_GETLK, g)
	if x.e == 0 {
		fmt.Printf("fcntl F_GETLK sees it: type %d whence %d start %d len %d pid %d\n",
			mem.b[mem.off(g)], mem.b[mem.off(g)+2], int64(mem.get64(g+8)), int64(mem.get64(g+16)), int32(mem.get32(g+24)))
	} else {
		show("fcntl F_GETLK sees it", x)
	}
	show("fcntl F_OFD_SETLK unlock", sys(nrFcntl, fdRW, fOFDSetlk, lock(syscall.F_UNLCK, 0, 0, 0, 0)))
	show("fcntl F_SETLK read now", sys(nrFcntl, fdRO, syscall.F_SETLK, lock(syscall.F_RDLCK, 0, 9, 0, 0)))
	show("fcntl F_SETLK unlock", sys(nrFcntl, fdRO, syscall.F_SETLK, lock(syscall.F_UNLCK, 0, 0, 0, 0)))
}
