// tmp_files: /tmp is a writable file system: create, write, read back,
// rename, list and remove files.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func main() {
	dir, err := os.MkdirTemp("/tmp", "goose-test-")
	check("MkdirTemp", err)
	defer os.RemoveAll(dir)
	fmt.Println("temp dir under /tmp:", strings.HasPrefix(dir, "/tmp/goose-test-"))

	f, err := os.CreateTemp(dir, "data-*.txt")
	check("CreateTemp", err)
	payload := strings.Repeat("goose writes to tmpfs\n", 500) // 11000 bytes, spans pages
	n, err := f.WriteString(payload)
	check("Write", err)
	fmt.Println("wrote bytes:", n)

	_, err = f.Seek(0, io.SeekStart)
	check("Seek", err)
	back, err := io.ReadAll(f)
	check("ReadAll", err)
	fmt.Println("read back equal:", string(back) == payload)
	check("Close", f.Close())

	st, err := os.Stat(f.Name())
	check("Stat", err)
	fmt.Println("size:", st.Size(), "regular:", st.Mode().IsRegular())

	renamed := filepath.Join(dir, "renamed.txt")
	check("Rename", os.Rename(f.Name(), renamed))
	_, err = os.Stat(f.Name())
	fmt.Println("old name gone:", os.IsNotExist(err))

	check("WriteFile", os.WriteFile(filepath.Join(dir, "b.txt"), []byte("bee\n"), 0o644))
	check("Mkdir", os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	data, err := os.ReadFile(filepath.Join(dir, "b.txt"))
	check("ReadFile", err)
	fmt.Printf("ReadFile: %q\n", data)

	// Appending.
	af, err := os.OpenFile(filepath.Join(dir, "b.txt"), os.O_APPEND|os.O_WRONLY, 0)
	check("OpenFile", err)
	_, err = af.WriteString("more\n")
	check("append", err)
	check("Close", af.Close())
	data, _ = os.ReadFile(filepath.Join(dir, "b.txt"))
	fmt.Printf("after append: %q\n", data)

	entries, err := os.ReadDir(dir)
	check("ReadDir", err)
	for _, e := range entries {
		fmt.Printf("entry: %s dir=%v\n", e.Name(), e.IsDir())
	}

	check("Remove", os.Remove(renamed))
	check("Remove", os.Remove(filepath.Join(dir, "sub")))
	entries, err = os.ReadDir(dir)
	check("ReadDir", err)
	fmt.Println("entries after remove:", len(entries))

	check("RemoveAll", os.RemoveAll(dir))
	_, err = os.Stat(dir)
	fmt.Println("dir gone:", os.IsNotExist(err))
}
