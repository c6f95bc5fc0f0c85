// initramfs: files handed to goose as a cpio (newc) initramfs in the
// initrd are there to read, relative to the working directory, as the same
// files are under Linux: os.ReadFile, os.ReadDir, os.Stat and os.Getwd.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	wd, err := os.Getwd()
	fmt.Println("working directory is .../data:", err == nil && filepath.Base(wd) == "data")
	b, err := os.ReadFile("greeting.txt")
	fmt.Printf("greeting.txt: %q %v\n", b, err)
	b, err = os.ReadFile("sub/nested.txt")
	fmt.Printf("sub/nested.txt: %q %v\n", b, err)
	entries, err := os.ReadDir(".")
	for _, e := range entries {
		fmt.Println("entry:", e.Name(), "dir:", e.IsDir())
	}
	st, err := os.Stat("greeting.txt")
	fmt.Println("size:", st.Size(), "regular:", st.Mode().IsRegular(), err)
	_, err = os.Stat("missing.txt")
	fmt.Println("missing is not-exist:", os.IsNotExist(err))
}
