// signals_notify: os/signal delivers signals the program sends itself.
// kill(getpid(), sig) targets the process (any thread may take it) and
// tgkill(pid, tid, sig) one thread; either way Go's handler must run on a
// proper signal frame (sigaltstack, rt_sigreturn) and pass the signal to the
// channels given to signal.Notify. signal.Ignore, signal.Reset and
// signal.Stop change what happens to later signals; signal 0 only checks that
// the process exists.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// recv waits for one signal on c, or reports a timeout.
func recv(c chan os.Signal, wait time.Duration) string {
	select {
	case s := <-c:
		return s.String()
	case <-time.After(wait):
		return "nothing"
	}
}

func kill(sig syscall.Signal) {
	if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
		fmt.Println("kill:", err)
	}
}

func main() {
	pid := syscall.Getpid()

	// Signal 0 sends nothing; it succeeds because the process exists.
	fmt.Println("kill(pid, 0):", syscall.Kill(pid, 0))

	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP)

	// One signal at a time, so that none can merge with another.
	for _, sig := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP} {
		kill(sig)
		fmt.Printf("kill %v -> received %s\n", sig, recv(c, 5*time.Second))
	}

	// tgkill to this thread, from a goroutine locked to its thread (so the
	// signal lands on a thread other than the one running main, usually).
	done := make(chan bool)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		err := syscall.Tgkill(pid, syscall.Gettid(), syscall.SIGUSR2)
		fmt.Println("tgkill error:", err)
		done <- true
	}()
	<-done
	fmt.Println("tgkill SIGUSR2 -> received", recv(c, 5*time.Second))

	// tgkill to the thread running main.
	runtime.LockOSThread()
	err := syscall.Tgkill(pid, syscall.Gettid(), syscall.SIGUSR1)
	runtime.UnlockOSThread()
	fmt.Println("tgkill main thread error:", err)
	fmt.Println("tgkill SIGUSR1 -> received", recv(c, 5*time.Second))

	// A burst of the same signal: at least one arrives (standard signals
	// pending together merge into one), and then nothing more.
	for i := 0; i < 5; i++ {
		kill(syscall.SIGUSR1)
	}
	fmt.Println("burst of 5 SIGUSR1 -> first:", recv(c, 5*time.Second))
	for {
		if s := recv(c, 200*time.Millisecond); s == "nothing" {
			break
		} else if s != "user defined signal 1" {
			fmt.Println("unexpected signal after burst:", s)
		}
	}

	// Two channels for one signal: both get it. After Stop, only one does.
	c2 := make(chan os.Signal, 1)
	signal.Notify(c2, syscall.SIGUSR1)
	kill(syscall.SIGUSR1)
	fmt.Printf("two channels: %s, %s\n", recv(c, 5*time.Second), recv(c2, 5*time.Second))
	signal.Stop(c2)
	kill(syscall.SIGUSR1)
	fmt.Printf("after Stop(c2): c gets %s, c2 gets %s\n", recv(c, 5*time.Second), recv(c2, 200*time.Millisecond))

	// Ignore: the signal is dropped and the process is not killed
	// (SIGHUP's default action would terminate it).
	signal.Ignore(syscall.SIGHUP)
	fmt.Println("Ignored(SIGHUP):", signal.Ignored(syscall.SIGHUP))
	kill(syscall.SIGHUP)
	fmt.Println("ignored SIGHUP -> received", recv(c, 200*time.Millisecond))

	// Notify again undoes Ignore.
	signal.Notify(c, syscall.SIGHUP)
	fmt.Println("Ignored(SIGHUP) after Notify:", signal.Ignored(syscall.SIGHUP))
	kill(syscall.SIGHUP)
	fmt.Println("SIGHUP after re-Notify -> received", recv(c, 5*time.Second))

	// Reset: back to the default action. SIGWINCH's default is to ignore,
	// so the process survives and nothing is delivered.
	w := make(chan os.Signal, 1)
	signal.Notify(w, syscall.SIGWINCH)
	kill(syscall.SIGWINCH)
	fmt.Println("SIGWINCH while notified -> received", recv(w, 5*time.Second))
	signal.Reset(syscall.SIGWINCH)
	kill(syscall.SIGWINCH)
	fmt.Println("SIGWINCH after Reset -> received", recv(w, 200*time.Millisecond))

	// NotifyContext: the context is cancelled by the signal.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGUSR2)
	kill(syscall.SIGUSR2)
	select {
	case <-ctx.Done():
		fmt.Println("NotifyContext cancelled:", ctx.Err())
	case <-time.After(5 * time.Second):
		fmt.Println("NotifyContext: not cancelled")
	}
	stop()

	// Signals sent from many goroutines at once all get handled.
	signal.Stop(c)
	many := make(chan os.Signal, 100)
	signal.Notify(many, syscall.SIGUSR2)
	got := 0
	for round := 0; round < 20; round++ {
		kill(syscall.SIGUSR2)
		if recv(many, 5*time.Second) != "nothing" {
			got++
		}
	}
	fmt.Println("20 rounds of SIGUSR2, received in each:", got == 20)
	fmt.Println("done")
}
