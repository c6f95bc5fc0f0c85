// file_locks: advisory file locks as Linux has them (what bbolt, badger
// and SQLite take before they touch a database file).
//
//   - flock(2): shared and exclusive locks of an open file description;
//     dup'd fds share one, a second open of the file is another holder;
//     conversions (one that fails has dropped the old lock, as flock(2)
//     warns); LOCK_NB; release on the description's last close; any fd
//     (a pipe's two ends are one file, /dev/null opened twice too); a
//     goroutine waiting in LOCK_EX until the holder lets go, through
//     signals (Go's handlers are SA_RESTART: the wait goes on).
//   - fcntl record locks: the process's (F_SETLK, F_GETLK) never conflict
//     with each other, so they are watched from another open file
//     description with F_OFD_GETLK: ranges from l_whence, l_start and
//     l_len (0: to any end; negative: the bytes before l_start), splitting,
//     merging, F_UNLCK, and POSIX's rule that closing any fd on the file
//     drops them; the errors (EINVAL, EBADF, EOVERFLOW).
//   - OFD locks (F_OFD_*): they conflict between two opens of a file and
//     with the process's own record locks, report l_pid -1, stay until the
//     description's last close, and F_OFD_SETLKW and F_SETLKW wait.
//
// A pid is shown as "self" or "-1", never as a number: goose's is 1, the
// reference's is whatever Linux gave it.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
	"unsafe"
)

const (
	lockSH, lockEX, lockNB, lockUN = 1, 2, 4, 8

	fGETLK, fSETLK, fSETLKW          = 5, 6, 7
	fOFDGETLK, fOFDSETLK, fOFDSETLKW = 36, 37, 38
	fRDLCK, fWRLCK, fUNLCK           = 0, 1, 2
	seekSet, seekCur, seekEnd        = 0, 1, 2
)

// flockT is struct flock on riscv64 (include/uapi/asm-generic/fcntl.h).
type flockT struct {
	Type   int16
	Whence int16
	_      [4]byte
	Start  int64
	Len    int64
	Pid    int32
	_      [4]byte
}

var names = map[syscall.Errno]string{
	syscall.EAGAIN: "EAGAIN", syscall.EBADF: "EBADF", syscall.EINVAL: "EINVAL",
	syscall.EOVERFLOW: "EOVERFLOW", syscall.EINTR: "EINTR", syscall.EFAULT: "EFAULT",
}

func errName(err error) string {
	if err == nil {
		return "ok"
	}
	if e, ok := err.(syscall.Errno); ok {
		if n, ok := names[e]; ok {
			return n
		}
	}
	return err.Error()
}

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func open(name string, mode int) int {
	fd, err := syscall.Open(name, mode|syscall.O_CLOEXEC, 0)
	check("open "+name, err)
	return fd
}

// flock's EAGAIN is the one its man page calls EWOULDBLOCK.
func flock(fd, op int) string {
	if err := syscall.Flock(fd, op); err != syscall.EWOULDBLOCK {
		return errName(err)
	}
	return "EWOULDBLOCK"
}

func fcntl(fd int, cmd uintptr, l *flockT) error {
	_, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), cmd, uintptr(unsafe.Pointer(l)))
	if e != 0 {
		return e
	}
	return nil
}

// setlk: fcntl(fd, cmd) with a struct flock of these fields.
func setlk(fd int, cmd uintptr, typ, whence int16, start, length int64) string {
	l := flockT{Type: typ, Whence: whence, Start: start, Len: length}
	return errName(fcntl(fd, cmd, &l))
}

// getlk: what F_GETLK or F_OFD_GETLK says of a type over a range.
func getlk(fd int, cmd uintptr, typ int16, start, length int64) string {
	l := flockT{Type: typ, Whence: seekSet, Start: start, Len: length}
	if err := fcntl(fd, cmd, &l); err != nil {
		return errName(err)
	}
	return describe(l)
}

func describe(l flockT) string {
	if l.Type == fUNLCK {
		return "unlocked"
	}
	kind := map[int16]string{fRDLCK: "read", fWRLCK: "write"}[l.Type]
	end := "EOF"
	if l.Len != 0 {
		end = fmt.Sprint(l.Start + l.Len - 1)
	}
	pid := fmt.Sprint(l.Pid)
	if int(l.Pid) == os.Getpid() {
		pid = "self"
	}
	return fmt.Sprintf("%s %d-%s whence %d pid %s", kind, l.Start, end, l.Whence, pid)
}

// wait runs call in a goroutine of its own and reports whether it is still
// waiting after a while; the result comes on the channel.
func wait(call func() string) (chan string, bool) {
	done := make(chan string, 1)
	go func() { done <- call() }()
	time.Sleep(50 * time.Millisecond)
	select {
	case r := <-done:
		done <- r
		return done, false
	default:
		return done, true
	}
}

func main() {
	dir, err := os.MkdirTemp("", "locks")
	check("mkdtemp", err)
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "db")
	check("write", os.WriteFile(name, make([]byte, 1000), 0o600))
	other := filepath.Join(dir, "other")
	check("write", os.WriteFile(other, nil, 0o600))

	flockTests(name, other)
	recordTests(name)
	ofdTests(name)
}

func flockTests(name, other string) {
	fmt.Println("== flock")
	a, b := open(name, syscall.O_RDWR), open(name, syscall.O_RDWR)
	fmt.Println("a LOCK_SH|LOCK_NB:", flock(a, lockSH|lockNB))
	fmt.Println("b LOCK_SH|LOCK_NB (shared with a):", flock(b, lockSH|lockNB))
	fmt.Println("b LOCK_EX|LOCK_NB (a shares it):", flock(b, lockEX|lockNB))
	fmt.Println("a LOCK_EX|LOCK_NB (b's failed conversion let go):", flock(a, lockEX|lockNB))
	fmt.Println("b LOCK_SH|LOCK_NB (a holds it exclusive):", flock(b, lockSH|lockNB))
	fmt.Println("a LOCK_EX again:", flock(a, lockEX))
	fmt.Println("a LOCK_SH (down, at once):", flock(a, lockSH))
	fmt.Println("b LOCK_SH|LOCK_NB:", flock(b, lockSH|lockNB))
	fmt.Println("a LOCK_UN, b LOCK_UN:", flock(a, lockUN), flock(b, lockUN))
	fmt.Println("a LOCK_UN with nothing held:", flock(a, lockUN))
	fmt.Println("b LOCK_EX|LOCK_NB (both let go):", flock(b, lockEX|lockNB))
	fmt.Println("b LOCK_UN:", flock(b, lockUN))

	// A dup is the same description: one lock, kept until the last close.
	a2, err := syscall.Dup(a)
	check("dup", err)
	fmt.Println("a LOCK_EX|LOCK_NB:", flock(a, lockEX|lockNB))
	fmt.Println("dup of a LOCK_EX|LOCK_NB (the same description):", flock(a2, lockEX|lockNB))
	fmt.Println("b LOCK_SH|LOCK_NB:", flock(b, lockSH|lockNB))
	check("close a", syscall.Close(a))
	fmt.Println("after closing a, b LOCK_SH|LOCK_NB (the dup holds it):", flock(b, lockSH|lockNB))
	check("close dup", syscall.Close(a2))
	fmt.Println("after closing the dup too, b LOCK_EX|LOCK_NB:", flock(b, lockEX|lockNB))
	o := open(other, syscall.O_RDONLY)
	fmt.Println("another file LOCK_EX|LOCK_NB, read-only:", flock(o, lockEX|lockNB))
	w := open(name, syscall.O_WRONLY)
	fmt.Println("write-only open LOCK_SH|LOCK_NB:", flock(w, lockSH|lockNB))
	fmt.Println("b LOCK_UN, then write-only LOCK_SH|LOCK_NB:", flock(b, lockUN), flock(w, lockSH|lockNB))
	syscall.Close(w)
	syscall.Close(o)

	// Any fd: a pipe's two ends are one file, and so is /dev/null opened twice.
	var p [2]int
	check("pipe", syscall.Pipe2(p[:], syscall.O_CLOEXEC))
	fmt.Println("pipe read end LOCK_EX|LOCK_NB:", flock(p[0], lockEX|lockNB))
	fmt.Println("pipe write end LOCK_SH|LOCK_NB:", flock(p[1], lockSH|lockNB))
	syscall.Close(p[0])
	fmt.Println("after closing the read end, write end LOCK_EX|LOCK_NB:", flock(p[1], lockEX|lockNB))
	syscall.Close(p[1])
	n1, n2 := open("/dev/null", syscall.O_RDWR), open("/dev/null", syscall.O_RDWR)
	fmt.Println("/dev/null LOCK_EX, again through a second open:", flock(n1, lockEX|lockNB), flock(n2, lockEX|lockNB))
	syscall.Close(n1)
	syscall.Close(n2)

	fmt.Println("operation 0:", flock(b, 0))
	fmt.Println("LOCK_SH|LOCK_EX:", flock(b, lockSH|lockEX))
	fmt.Println("LOCK_NB alone:", flock(b, lockNB))
	fmt.Println("fd -1:", flock(-1, lockSH))
	const closed = 900
	check("dup3", syscall.Dup3(b, closed, syscall.O_CLOEXEC))
	syscall.Close(closed)
	fmt.Println("closed fd:", flock(closed, lockSH))

	// A wait: b takes LOCK_EX while a holds LOCK_SH, and goes on once a
	// lets go; signals meanwhile do not end it.
	a = open(name, syscall.O_RDONLY)
	fmt.Println("a LOCK_SH:", flock(a, lockSH))
	done, waiting := wait(func() string { return flock(b, lockEX) })
	fmt.Println("b LOCK_EX waits while a holds LOCK_SH:", waiting)
	sigs := make(chan os.Signal, 3)
	signal.Notify(sigs, syscall.SIGUSR1)
	for i := 0; i < 3; i++ {
		check("kill", syscall.Kill(os.Getpid(), syscall.SIGUSR1))
		<-sigs
	}
	signal.Stop(sigs)
	time.Sleep(20 * time.Millisecond)
	fmt.Println("after three signals, still waiting:", len(done) == 0)
	fmt.Println("a LOCK_UN:", flock(a, lockUN))
	fmt.Println("b's LOCK_EX:", <-done)
	fmt.Println("a LOCK_SH|LOCK_NB (b holds it now):", flock(a, lockSH|lockNB))

	// A wait that the holder's close ends.
	done, waiting = wait(func() string { return flock(a, lockSH) })
	fmt.Println("a LOCK_SH waits while b holds LOCK_EX:", waiting)
	check("close b", syscall.Close(b))
	fmt.Println("after b's close, a's LOCK_SH:", <-done)
	syscall.Close(a)
}

// view shows the locks others see, through a description of its own.
func view(name string, start, length int64) string {
	v := open(name, syscall.O_RDONLY)
	defer syscall.Close(v)
	return getlk(v, fOFDGETLK, fWRLCK, start, length)
}

func recordTests(name string) {
	fmt.Println("== record locks (the process's)")
	// The view opens and closes fds of its own on the file: by POSIX's rule
	// that drops the process's locks, so each view comes last, after what
	// it looks at has been set up through fd.
	fd := open(name, syscall.O_RDWR)
	fmt.Println("F_SETLK write 0 len 100:", setlk(fd, fSETLK, fWRLCK, seekSet, 0, 100))
	fmt.Println("F_GETLK write over it (the process's own):", getlk(fd, fGETLK, fWRLCK, 0, 0))
	fmt.Println("F_SETLK read 50 len 10 (the process never conflicts with itself):", setlk(fd, fSETLK, fRDLCK, seekSet, 50, 10))
	fmt.Println("seen from another open:", view(name, 0, 0))

	steps := func(what string, set func(), queries ...[2]int64) {
		fmt.Printf("%s:", what)
		set()
		v := open(name, syscall.O_RDONLY)
		for _, q := range queries {
			fmt.Printf(" [%d len %d] %s;", q[0], q[1], getlk(v, fOFDGETLK, fWRLCK, q[0], q[1]))
		}
		fmt.Println()
		syscall.Close(v) // drops every lock of the process on the file
	}
	steps("split (write 0 len 100, unlock 40 len 20)", func() {
		setlk(fd, fSETLK, fWRLCK, seekSet, 0, 100)
		setlk(fd, fSETLK, fUNLCK, seekSet, 40, 20)
	}, [2]int64{0, 0}, [2]int64{40, 20}, [2]int64{50, 0})
	steps("read 200 len 100, write 250 len 10", func() {
		setlk(fd, fSETLK, fRDLCK, seekSet, 200, 100)
		setlk(fd, fSETLK, fWRLCK, seekSet, 250, 10)
	}, [2]int64{200, 0}, [2]int64{250, 0}, [2]int64{260, 0}, [2]int64{300, 0})
	steps("merge (read 400 len 10, read 410 len 10, read 405 len 20)", func() {
		setlk(fd, fSETLK, fRDLCK, seekSet, 400, 10)
		setlk(fd, fSETLK, fRDLCK, seekSet, 410, 10)
		setlk(fd, fSETLK, fRDLCK, seekSet, 405, 20)
	}, [2]int64{0, 0})
	steps("no merge across types (read 400 len 10, write 410 len 10)", func() {
		setlk(fd, fSETLK, fRDLCK, seekSet, 400, 10)
		setlk(fd, fSETLK, fWRLCK, seekSet, 410, 10)
	}, [2]int64{0, 0}, [2]int64{410, 0})
	steps("negative length (write 550 len -50)", func() {
		setlk(fd, fSETLK, fWRLCK, seekSet, 550, -50)
	}, [2]int64{0, 0})
	steps("SEEK_CUR at 700 (write -10 len 20)", func() {
		_, err := syscall.Seek(fd, 700, 0)
		check("seek", err)
		setlk(fd, fSETLK, fWRLCK, seekCur, -10, 20)
	}, [2]int64{0, 0})
	steps("SEEK_END of 1000 bytes (read -100 len 0)", func() {
		setlk(fd, fSETLK, fRDLCK, seekEnd, -100, 0)
	}, [2]int64{0, 0}, [2]int64{5000, 1})
	steps("write 0 len 0, then unlock 0 len 0", func() {
		setlk(fd, fSETLK, fWRLCK, seekSet, 0, 0)
		setlk(fd, fSETLK, fUNLCK, seekSet, 0, 0)
	}, [2]int64{0, 0})
	steps("write 0 len 10, then F_SETLKW write 5 len 10 (no wait: the process's own)", func() {
		setlk(fd, fSETLK, fWRLCK, seekSet, 0, 10)
		fmt.Print(" ", setlk(fd, fSETLKW, fWRLCK, seekSet, 5, 10), ";")
	}, [2]int64{0, 0})

	// POSIX's rule: closing any fd on the file drops the process's locks.
	setlk(fd, fSETLK, fWRLCK, seekSet, 0, 10)
	dup, err := syscall.Dup(fd)
	check("dup", err)
	syscall.Close(dup)
	fmt.Println("write lock, then a dup of its fd closed:", view(name, 0, 0))

	ro, wo := open(name, syscall.O_RDONLY), open(name, syscall.O_WRONLY)
	fmt.Println("F_GETLK of F_UNLCK:", getlk(fd, fGETLK, fUNLCK, 0, 0))
	fmt.Println("F_GETLK of type 7:", getlk(fd, fGETLK, 7, 0, 0))
	fmt.Println("F_SETLK type 7:", setlk(fd, fSETLK, 7, seekSet, 0, 0))
	fmt.Println("F_SETLK write on a read-only fd:", setlk(ro, fSETLK, fWRLCK, seekSet, 0, 0))
	fmt.Println("F_SETLK read on a write-only fd:", setlk(wo, fSETLK, fRDLCK, seekSet, 0, 0))
	fmt.Println("F_SETLK unlock on a read-only fd:", setlk(ro, fSETLK, fUNLCK, seekSet, 0, 0))
	fmt.Println("F_GETLK write on a read-only fd:", getlk(ro, fGETLK, fWRLCK, 0, 0))
	fmt.Println("F_SETLK l_whence 3:", setlk(fd, fSETLK, fRDLCK, 3, 0, 0))
	fmt.Println("F_SETLK start -1:", setlk(fd, fSETLK, fRDLCK, seekSet, -1, 0))
	fmt.Println("F_SETLK start 5 len -6:", setlk(fd, fSETLK, fRDLCK, seekSet, 5, -6))
	fmt.Println("F_SETLK start 2 len 2^63-1:", setlk(fd, fSETLK, fRDLCK, seekSet, 2, 1<<63-1))
	fmt.Println("F_SETLK SEEK_END start 2^63-1:", setlk(fd, fSETLK, fRDLCK, seekEnd, 1<<63-1, 0))
	fmt.Println("F_SETLK nil:", errName(fcntl(fd, fSETLK, nil)))
	fmt.Println("F_SETLK fd -1:", setlk(-1, fSETLK, fRDLCK, seekSet, 0, 0))
	syscall.Close(ro)
	syscall.Close(wo)
	syscall.Close(fd)
}

func ofdTests(name string) {
	fmt.Println("== OFD locks")
	a, b := open(name, syscall.O_RDWR), open(name, syscall.O_RDWR)
	fmt.Println("a F_OFD_SETLK write 0 len 10:", setlk(a, fOFDSETLK, fWRLCK, seekSet, 0, 10))
	fmt.Println("b F_OFD_SETLK write 5 len 10:", setlk(b, fOFDSETLK, fWRLCK, seekSet, 5, 10))
	fmt.Println("b F_OFD_SETLK read 9 len 1:", setlk(b, fOFDSETLK, fRDLCK, seekSet, 9, 1))
	fmt.Println("b F_OFD_GETLK write:", getlk(b, fOFDGETLK, fWRLCK, 0, 0))
	fmt.Println("b F_OFD_SETLK read 10 len 10:", setlk(b, fOFDSETLK, fRDLCK, seekSet, 10, 10))
	fmt.Println("a F_OFD_GETLK write 0 len 0:", getlk(a, fOFDGETLK, fWRLCK, 0, 0))
	fmt.Println("a F_OFD_GETLK read 0 len 0:", getlk(a, fOFDGETLK, fRDLCK, 0, 0))
	a2, err := syscall.Dup(a)
	check("dup", err)
	fmt.Println("a's dup F_OFD_SETLK write 0 len 10 (the same description):", setlk(a2, fOFDSETLK, fWRLCK, seekSet, 0, 10))
	fmt.Println("F_SETLK read 5 len 1 through a (process against description):", setlk(a, fSETLK, fRDLCK, seekSet, 5, 1))
	fmt.Println("F_GETLK read through a:", getlk(a, fGETLK, fRDLCK, 0, 0))
	c := open(name, syscall.O_RDONLY)
	syscall.Close(c)
	fmt.Println("after another fd on the file closed, b F_OFD_GETLK write:", getlk(b, fOFDGETLK, fWRLCK, 0, 10))
	syscall.Close(a)
	fmt.Println("after closing a, b F_OFD_GETLK write (the dup holds it):", getlk(b, fOFDGETLK, fWRLCK, 0, 10))
	syscall.Close(a2)
	fmt.Println("after closing the dup, b F_OFD_GETLK write:", getlk(b, fOFDGETLK, fWRLCK, 0, 10))
	l := flockT{Type: fWRLCK, Pid: 5}
	fmt.Println("F_OFD_SETLK with l_pid 5:", errName(fcntl(b, fOFDSETLK, &l)))
	l = flockT{Type: fWRLCK, Pid: 5}
	fmt.Println("F_OFD_GETLK with l_pid 5:", errName(fcntl(b, fOFDGETLK, &l)))
	fmt.Println("b F_OFD_SETLK unlock 0 len 0:", setlk(b, fOFDSETLK, fUNLCK, seekSet, 0, 0))

	// F_OFD_SETLKW waits for another description's lock.
	a = open(name, syscall.O_RDWR)
	fmt.Println("a F_OFD_SETLK write 0 len 0:", setlk(a, fOFDSETLK, fWRLCK, seekSet, 0, 0))
	done, waiting := wait(func() string { return setlk(b, fOFDSETLKW, fWRLCK, seekSet, 100, 1) })
	fmt.Println("b F_OFD_SETLKW write 100 len 1 waits:", waiting)
	fmt.Println("a F_OFD_SETLK unlock 0 len 100:", setlk(a, fOFDSETLK, fUNLCK, seekSet, 0, 100))
	time.Sleep(20 * time.Millisecond)
	fmt.Println("still waiting (byte 100 is a's yet):", len(done) == 0)
	fmt.Println("a F_OFD_SETLK unlock 100 len 1:", setlk(a, fOFDSETLK, fUNLCK, seekSet, 100, 1))
	fmt.Println("b's F_OFD_SETLKW:", <-done)
	fmt.Println("a F_OFD_GETLK write:", getlk(a, fOFDGETLK, fWRLCK, 0, 0))

	// F_SETLKW (the process's) waits for a description's lock; the
	// description's last close ends the wait.
	done, waiting = wait(func() string { return setlk(a, fSETLKW, fWRLCK, seekSet, 100, 1) })
	fmt.Println("F_SETLKW write 100 len 1 through a waits:", waiting)
	syscall.Close(b)
	fmt.Println("after b's close, F_SETLKW:", <-done)
	fmt.Println("a F_OFD_GETLK write:", getlk(a, fOFDGETLK, fWRLCK, 0, 0))
	syscall.Close(a)
}
