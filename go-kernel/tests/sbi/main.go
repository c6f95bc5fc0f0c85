// sbi: a Go kernel calls the firmware through goose (go-kernel/sbi): the
// BASE extension, the console write goose carries out itself, and the calls
// goose keeps for itself refused with EPERM. goose only.
package main

import (
	"errors"
	"fmt"
	"os"

	"goose/go-kernel/sbi"
)

func main() {
	fmt.Println("available:", sbi.Available())
	major, minor, err := sbi.SpecVersion()
	fmt.Println("spec version >= 0.2:", err == nil && (major > 0 || minor >= 2))
	id, err := sbi.ImplID()
	fmt.Println("implementation is OpenSBI (1):", err == nil && id == 1)
	n, err := sbi.Probe(sbi.ExtBase)
	fmt.Println("probe BASE:", n, err)
	w, err := sbi.ConsoleWrite([]byte("written through SBI DBCN\n"))
	fmt.Println("console write:", w, err)
	// TIME belongs to goose's scheduler.
	_, err = sbi.Call(0x54494D45, 0, 0)
	fmt.Println("set_timer refused:", errors.Is(err, sbi.ErrRefused))
	os.Exit(0)
}
