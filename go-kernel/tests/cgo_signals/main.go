// cgo_signals: Go's signal.Notify receives SIGUSR1 raised by C (raise on a
// Go thread, pthread_kill on a thread C made), while a C handler installed
// with sigaction(SA_ONSTACK) for SIGUSR2 runs beside Go's handlers, on the
// alternate stack exactly when the thread has one. Also: the main thread
// starts without an alternate stack (SS_DISABLE), as C sees it before Go's
// runtime starts.
package main

/*
int initial_altstack_disabled(void);
void install_usr2(void);
void raise_usr1(void);
int kill_usr1_from_c_thread(void);
int usr2_here(void);
int usr2_on_c_thread(int with_altstack);
*/
import "C"

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func got(ch chan os.Signal) string {
	select {
	case s := <-ch:
		return "received " + s.String()
	case <-time.After(5 * time.Second):
		return "nothing in 5s"
	}
}

func onAlt(r C.int) string {
	switch r {
	case 1:
		return "ran on the alternate stack"
	case 0:
		return "ran on the thread's stack"
	}
	return fmt.Sprintf("did not run (%d)", int(r))
}

func main() {
	fmt.Println("main thread started with SS_DISABLE:", C.initial_altstack_disabled() == 1)
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, syscall.SIGUSR1)
	C.raise_usr1()
	fmt.Println("SIGUSR1 by raise from C:", got(ch))
	fmt.Println("pthread_kill from a C thread returned:", C.kill_usr1_from_c_thread())
	fmt.Println("SIGUSR1 by pthread_kill on a C thread:", got(ch))

	C.install_usr2()
	fmt.Println("C's SIGUSR2 handler, raised on a Go thread:", onAlt(C.usr2_here()))
	fmt.Println("... on a C thread with its own sigaltstack:", onAlt(C.usr2_on_c_thread(1)))
	fmt.Println("... on a C thread without one:", onAlt(C.usr2_on_c_thread(0)))

	// Go's own handlers still work beside C's.
	C.raise_usr1()
	fmt.Println("SIGUSR1 again:", got(ch))
	signal.Stop(ch)
	fmt.Println("done")
}
