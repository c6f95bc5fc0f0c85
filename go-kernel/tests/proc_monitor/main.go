// proc_monitor: the /proc files monitoring libraries read (prometheus/procfs,
// gopsutil) parse as theirs do and tell the truth: /proc/self/stat's 52
// fields and CPU times that grow with work, statm and status's memory that
// grows as pages are touched, fd/ that lists every open descriptor with
// links to what it is, fdinfo, limits as getrlimit says, io counting reads,
// /proc/stat's harts and boot time, meminfo's RAM (-m 512M), uptime,
// loadavg and cpuinfo.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func read(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Println("read", path, "failed:", err)
		os.Exit(1)
	}
	return string(b)
}

// The fields after "(comm)", as procfs.ProcStat parses them.
func statFields() []string {
	s := read("/proc/self/stat")
	i := strings.LastIndex(s, ")")
	return append([]string{s[:strings.Index(s, " ")], s[strings.Index(s, "(")+1 : i]}, strings.Fields(s[i+1:])...)
}

func statNum(f []string, n int) uint64 { // n: the field's number in proc(5), from 1
	v, err := strconv.ParseUint(f[n-1], 10, 64)
	if err != nil {
		fmt.Println("stat field", n, "not a number:", f[n-1])
	}
	return v
}

func kv(text, key string) string {
	for _, l := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && k == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func kb(text, key string) uint64 {
	v, _ := strconv.ParseUint(strings.TrimSuffix(kv(text, key), " kB"), 10, 64)
	return v
}

var sink []byte

func main() {
	// stat: pid (comm) then 50 more: 52 in all.
	f := statFields()
	fmt.Println("stat fields:", len(f))
	// The state is the main thread's (tid 1), as Linux shows the group
	// leader's: R, or S when the runtime parked it and another thread reads.
	fmt.Println("stat pid:", f[0], "state R or S:", f[2] == "R" || f[2] == "S", "ppid:", f[3])
	fmt.Println("stat threads match status:", f[19] == kv(read("/proc/self/status"), "Threads"))
	fmt.Println("stat rsslim unlimited:", f[24] == "18446744073709551615")

	// utime grows with a busy loop of 300 ms.
	before := statNum(f, 14) + statNum(f, 15)
	start := time.Now()
	x := 0
	for time.Since(start) < 300*time.Millisecond {
		x++
	}
	after := statNum(statFields(), 14) + statNum(statFields(), 15)
	fmt.Println("cpu ticks grew >= 20 after 300ms busy:", after-before >= 20, x > 0)

	// statm and status: 64 MiB touched is 16384 pages more resident.
	sm := strings.Fields(read("/proc/self/statm"))
	fmt.Println("statm fields:", len(sm))
	rss0, _ := strconv.ParseUint(sm[1], 10, 64)
	st0 := read("/proc/self/status")
	sink = make([]byte, 64<<20)
	for i := 0; i < len(sink); i += 4096 {
		sink[i] = 1
	}
	sm = strings.Fields(read("/proc/self/statm"))
	rss1, _ := strconv.ParseUint(sm[1], 10, 64)
	st1 := read("/proc/self/status")
	fmt.Println("statm resident grew by >= 64 MiB:", rss1-rss0 >= 16384, "by < 80 MiB:", rss1-rss0 < 20480)
	fmt.Println("status VmRSS grew by >= 64 MiB:", kb(st1, "VmRSS")-kb(st0, "VmRSS") >= 65536)
	fmt.Println("stat rss is statm's:", statNum(statFields(), 24) >= rss1)
	fmt.Println("VmHWM >= VmRSS:", kb(st1, "VmHWM") >= kb(st1, "VmRSS"), "VmPeak >= VmSize:", kb(st1, "VmPeak") >= kb(st1, "VmSize"))
	missing := []string{}
	for _, k := range []string{"Name", "Umask", "State", "Tgid", "Ngid", "Pid", "PPid", "TracerPid", "Uid", "Gid", "FDSize",
		"Groups", "VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmData",
		"VmStk", "VmExe", "VmLib", "VmPTE", "VmSwap", "Threads", "SigQ", "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt",
		"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "Cpus_allowed", "Cpus_allowed_list",
		"voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"} {
		if !strings.Contains(st1, "\n"+k+":\t") && !strings.HasPrefix(st1, k+":\t") {
			missing = append(missing, k)
		}
	}
	fmt.Println("status fields missing:", missing)
	fmt.Println("status Threads is runtime's threads:", kv(st1, "Threads") != "" && kv(st1, "Threads") != "0")
	fmt.Println("Cpus_allowed_list:", kv(st1, "Cpus_allowed_list") == fmt.Sprintf("0-%d", runtime.NumCPU()-1) || (runtime.NumCPU() == 1 && kv(st1, "Cpus_allowed_list") == "0"))

	// fd/: ten more files, each a link to its path.
	count := func() int {
		d, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			fmt.Println("ReadDir:", err)
		}
		return len(d)
	}
	n0 := count()
	var files []*os.File
	links := true
	for i := 0; i < 10; i++ {
		p := fmt.Sprintf("/tmp/pm%d", i)
		fl, err := os.Create(p)
		if err != nil {
			fmt.Println(err)
			return
		}
		files = append(files, fl)
		l, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fl.Fd()))
		if err != nil || l != p {
			links = false
			fmt.Println("readlink:", l, err)
		}
	}
	fmt.Println("fd count grew by:", count()-n0, "links are the paths:", links)
	files[3].Write([]byte("hello"))
	info := read(fmt.Sprintf("/proc/self/fdinfo/%d", files[3].Fd()))
	fmt.Println("fdinfo pos:", kv(info, "pos"), "has flags mnt_id ino:", kv(info, "flags") != "" && kv(info, "mnt_id") != "" && kv(info, "ino") != "")
	for _, fl := range files {
		fl.Close()
	}
	fmt.Println("fd count back:", count() == n0)
	var p [2]int
	syscall.Pipe(p[:])
	l, _ := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", p[0]))
	fmt.Println("pipe link:", strings.HasPrefix(l, "pipe:[") && strings.HasSuffix(l, "]"))
	syscall.Close(p[0])
	syscall.Close(p[1])
	_, err := os.Readlink("/proc/self/fd/999")
	fmt.Println("closed fd link missing:", os.IsNotExist(err))

	// limits: the table's header, and Max open files as getrlimit says.
	lim := strings.Split(read("/proc/self/limits"), "\n")
	fmt.Printf("limits header: %q\n", lim[0])
	var rl syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)
	for _, line := range lim {
		if strings.HasPrefix(line, "Max open files") {
			fl := strings.Fields(line[25:])
			fmt.Println("limits open files match getrlimit:", fl[0] == strconv.FormatUint(rl.Cur, 10) && fl[1] == strconv.FormatUint(rl.Max, 10))
		}
	}
	fmt.Println("limits lines:", len(lim))

	// io: reading a 100000-byte file counts 100000 bytes and at least one call.
	os.WriteFile("/tmp/pm-io", make([]byte, 100000), 0o644)
	io0 := read("/proc/self/io")
	os.ReadFile("/tmp/pm-io")
	io1 := read("/proc/self/io")
	num := func(t, k string) uint64 { v, _ := strconv.ParseUint(kv(t, k), 10, 64); return v }
	fmt.Println("io rchar grew >= 100000:", num(io1, "rchar")-num(io0, "rchar") >= 100000, "syscr grew:", num(io1, "syscr") > num(io0, "syscr"))
	fmt.Println("io keys:", len(strings.Split(strings.TrimSpace(io1), "\n")))

	// /proc/stat: the total and one line per hart, 10 figures each; btime
	// within a minute of the host's clock.
	ps := read("/proc/stat")
	cpus, bad := 0, 0
	var btime int64
	for _, line := range strings.Split(ps, "\n") {
		fl := strings.Fields(line)
		if len(fl) > 0 && strings.HasPrefix(fl[0], "cpu") {
			if fl[0] != "cpu" {
				cpus++
			}
			if len(fl) != 11 {
				bad++
			}
		}
		if len(fl) == 2 && fl[0] == "btime" {
			btime, _ = strconv.ParseInt(fl[1], 10, 64)
		}
	}
	fmt.Println("stat cpu lines:", cpus == runtime.NumCPU(), "bad:", bad, "starts cpu-space-space:", strings.HasPrefix(ps, "cpu  "))
	host, _ := strconv.ParseInt(os.Getenv("HOST_UNIX_TIME"), 10, 64)
	boot := time.Now().Unix() - btime
	fmt.Println("btime within a minute of the host's clock:", btime <= host+60 && boot >= 0 && boot < 600)
	for _, k := range []string{"ctxt", "processes", "procs_running", "procs_blocked", "intr"} {
		if !strings.Contains(ps, "\n"+k+" ") {
			fmt.Println("stat lacks", k)
		}
	}

	// meminfo: MemTotal close to -m 512M; the kB lines in Linux's columns.
	mi := read("/proc/meminfo")
	total := kb(mi, "MemTotal")
	fmt.Println("MemTotal within 512 MiB and 480 MiB:", total <= 512*1024 && total >= 480*1024)
	fmt.Println("MemFree <= MemTotal:", kb(mi, "MemFree") <= total, "MemAvailable:", kb(mi, "MemAvailable") > 0)
	aligned := true
	for _, line := range strings.Split(strings.TrimSpace(mi), "\n") {
		if len(line) != 27 || !strings.HasSuffix(line, " kB") {
			aligned = false
		}
	}
	fmt.Println("meminfo lines 27 wide:", aligned)

	// uptime grows; loadavg's five fields.
	up := func() float64 { v, _ := strconv.ParseFloat(strings.Fields(read("/proc/uptime"))[0], 64); return v }
	u0 := up()
	time.Sleep(100 * time.Millisecond)
	fmt.Println("uptime grew:", up() > u0)
	la := strings.Fields(read("/proc/loadavg"))
	_, e1 := strconv.ParseFloat(la[0], 64)
	fmt.Println("loadavg fields:", len(la), "parse:", e1 == nil, "running/total:", strings.Contains(la[3], "/"))

	// cpuinfo: one block per hart.
	ci := read("/proc/cpuinfo")
	fmt.Println("cpuinfo processors:", strings.Count(ci, "processor\t: ") == runtime.NumCPU(), "mmu sv39:", strings.Contains(ci, "\nmmu\t\t: sv39\n"), "isa rv64:", strings.Contains(ci, "\nisa\t\t: rv64"))
	sink = nil

	// As on Linux, /proc/self is a link to the process's directory, which
	// monitoring libraries open by pid (prometheus: /proc/<os.Getpid()>/...).
	self, _ := os.Readlink("/proc/self")
	pid := fmt.Sprint(os.Getpid())
	d1, err1 := os.ReadDir("/proc/" + pid + "/fd")
	_, err2 := os.Stat("/proc/" + pid + "/limits")
	fmt.Println("/proc/self links to the pid:", self == pid, "its fd and limits there:", err1 == nil && len(d1) >= 3, err2 == nil)
	// /proc/<pid>/net/netstat's IpExt: the loopback's octets grow by what TCP carries.
	octets := func() (in, out int64) {
		l := strings.Split(read("/proc/"+pid+"/net/netstat"), "\n")
		for i := 0; i+1 < len(l); i++ {
			if strings.HasPrefix(l[i], "IpExt: ") && strings.HasPrefix(l[i+1], "IpExt: ") {
				names, vals := strings.Fields(l[i]), strings.Fields(l[i+1])
				for k := range names {
					if names[k] == "InOctets" {
						in, _ = strconv.ParseInt(vals[k], 10, 64)
					} else if names[k] == "OutOctets" {
						out, _ = strconv.ParseInt(vals[k], 10, 64)
					}
				}
			}
		}
		return
	}
	in0, out0 := octets()
	ln, lerr := net.Listen("tcp", "127.0.0.1:0")
	if lerr == nil {
		go func() {
			c, err := ln.Accept()
			if err == nil {
				io.Copy(io.Discard, c)
				c.Close()
			}
		}()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			c.Write(make([]byte, 10000))
			c.Close()
		}
		time.Sleep(50 * time.Millisecond)
		ln.Close()
	}
	in1, out1 := octets()
	fmt.Println("netstat IpExt octets grew by 10000 both ways:", in1-in0 == 10000 && out1-out0 == 10000)

	// PROC_DUMP=1 (not in test.conf): print the files themselves, for a look.
	if os.Getenv("PROC_DUMP") != "" {
		for _, p := range []string{"/proc/self/stat", "/proc/self/statm", "/proc/self/status", "/proc/self/limits",
			"/proc/self/io", "/proc/stat", "/proc/meminfo", "/proc/uptime", "/proc/loadavg", "/proc/cpuinfo"} {
			fmt.Printf("==> %s\n%s", p, read(p))
		}
		d, _ := os.ReadDir("/proc/self/fd")
		for _, e := range d {
			l, _ := os.Readlink("/proc/self/fd/" + e.Name())
			fmt.Printf("fd %s -> %s\n%s", e.Name(), l, func() string { b, _ := os.ReadFile("/proc/self/fdinfo/" + e.Name()); return string(b) }())
		}
	}
}
