// time_wall: the wall clock is real (QEMU's RTC gives goose the host's date):
// within 30 s of the host's clock, which the test driver passes in
// HOST_UNIX_TIME as the run starts; it agrees with the clock_gettime and
// gettimeofday system calls; the monotonic clock never goes back and
// time.Since/Sub use it; formatting, parsing and Unix conversions of fixed
// times are right; time.LoadLocation works for UTC and, with the embedded
// time/tzdata (used when /usr/share/zoneinfo is missing, so goose's open
// must fail cleanly with ENOENT), for a named zone.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
	_ "time/tzdata"
	"unsafe"
)

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func main() {
	now := time.Now()
	fmt.Println("year>=2024:", now.Year() >= 2024)
	fmt.Println("year<2100:", now.Year() < 2100)
	if host, err := strconv.ParseInt(os.Getenv("HOST_UNIX_TIME"), 10, 64); err != nil {
		fmt.Println("HOST_UNIX_TIME:", err)
	} else {
		fmt.Println("within 30s of the host's clock:", abs(now.Sub(time.Unix(host, 0))) < 30*time.Second)
	}

	// The wall clock agrees with the system calls behind it.
	var tv syscall.Timeval
	if err := syscall.Gettimeofday(&tv); err != nil {
		fmt.Println("gettimeofday:", err)
	}
	fmt.Println("gettimeofday within 5s of time.Now:", abs(time.Unix(tv.Unix()).Sub(now)) < 5*time.Second)
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 0 /* CLOCK_REALTIME */, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		fmt.Println("clock_gettime:", e)
	}
	fmt.Println("clock_gettime(REALTIME) within 5s of time.Now:", abs(time.Unix(ts.Unix()).Sub(now)) < 5*time.Second)
	var mono syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 1 /* CLOCK_MONOTONIC */, uintptr(unsafe.Pointer(&mono)), 0); e != 0 {
		fmt.Println("clock_gettime:", e)
	}
	fmt.Println("clock_gettime(MONOTONIC) positive:", mono.Sec > 0 || mono.Nsec > 0)
	var res syscall.Timespec
	_, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETRES, 1, uintptr(unsafe.Pointer(&res)), 0)
	fmt.Println("clock_getres(MONOTONIC) ok:", e == 0, "resolution<=1ms:", res.Sec == 0 && res.Nsec > 0 && res.Nsec <= 1000000)

	// Monotonic readings never go back.
	prev := time.Now()
	backwards := 0
	for i := 0; i < 100000; i++ {
		t := time.Now()
		if t.Before(prev) {
			backwards++
		}
		prev = t
	}
	fmt.Println("monotonic went backwards:", backwards, "times")

	// time.Since after a sleep; Sub between two readings.
	start := time.Now()
	time.Sleep(15 * time.Millisecond)
	later := time.Now()
	fmt.Println("since>=15ms:", time.Since(start) >= 15*time.Millisecond)
	fmt.Println("sub>=15ms:", later.Sub(start) >= 15*time.Millisecond, "sub<10s:", later.Sub(start) < 10*time.Second)
	fmt.Println("wall clock moved forward too:", later.Round(0).Sub(start.Round(0)) > 0)
	fmt.Println("Round(0) strips monotonic:", start.Round(0).String() != start.String())

	// Fixed times: formatting, parsing, conversions.
	leap := time.Date(2024, time.February, 29, 13, 4, 5, 123456789, time.UTC)
	fmt.Println("RFC3339:", leap.Format(time.RFC3339))
	fmt.Println("RFC3339Nano:", leap.Format(time.RFC3339Nano))
	fmt.Println("RFC1123:", leap.Format(time.RFC1123))
	fmt.Println("custom:", leap.Format("Mon Jan _2 2006 15:04:05.000 MST"))
	fmt.Println("weekday:", leap.Weekday(), "yearday:", leap.YearDay())
	fmt.Println("unix:", leap.Unix(), "unixnano:", leap.UnixNano())
	fmt.Println("plus one year:", leap.AddDate(1, 0, 0).Format("2006-01-02"))
	fmt.Println("time.Unix(0,0).UTC():", time.Unix(0, 0).UTC())
	fmt.Println("time.Unix(1700000000,0).UTC():", time.Unix(1700000000, 0).UTC())
	fmt.Println("time.UnixMilli(1e12).UTC():", time.UnixMilli(1e12).UTC())
	fmt.Println("2^31 seconds:", time.Unix(1<<31, 0).UTC().Format(time.RFC3339))
	parsed, err := time.Parse(time.RFC3339, "2030-12-31T23:59:59+02:00")
	fmt.Println("parsed:", parsed.UTC(), err)
	d, err := time.ParseDuration("1h15m30.5s")
	fmt.Println("duration:", d, d.Seconds(), err)
	fmt.Println("truncate to hour:", leap.Truncate(time.Hour).Format(time.Kitchen))

	// Locations.
	utc, err := time.LoadLocation("UTC")
	fmt.Println("LoadLocation(UTC):", utc, err)
	fmt.Println("in UTC:", leap.In(utc).Format(time.RFC3339))
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		fmt.Println("LoadLocation(America/New_York):", err)
	} else {
		fmt.Println("New York in winter:", leap.In(ny).Format("2006-01-02 15:04 MST -0700"))
		summer := time.Date(2024, time.July, 4, 12, 0, 0, 0, time.UTC)
		fmt.Println("New York in summer:", summer.In(ny).Format("2006-01-02 15:04 MST -0700"))
	}
	_, err = time.LoadLocation("Not/A_Zone")
	fmt.Println("LoadLocation(Not/A_Zone) fails:", err != nil)
	fixed := time.FixedZone("X", 5*3600+30*60)
	fmt.Println("fixed zone:", leap.In(fixed).Format(time.RFC3339))
}
