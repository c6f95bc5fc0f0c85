// tmpfs_symlink: symbolic links under /tmp: Symlink and Readlink keep the
// target text as given, Lstat sees the link and Stat what it points to,
// paths resolve through links to directories (relative targets from the
// link's own directory), dangling links, and the errors Linux gives.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

var dir string

func must(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, show(err))
		os.Exit(1)
	}
}

func show(err error) string {
	if err == nil {
		return "<nil>"
	}
	return strings.ReplaceAll(err.Error(), dir, "$T")
}

func p(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }

func main() {
	var err error
	dir, err = os.MkdirTemp("", "goose-symlink-")
	must("MkdirTemp", err)
	defer os.RemoveAll(dir)
	must("Mkdir", os.Mkdir(p("real"), 0o755))
	must("WriteFile", os.WriteFile(p("real", "target.txt"), []byte("target data"), 0o644))

	// A relative link to a file.
	must("Symlink", os.Symlink("real/target.txt", p("link")))
	t, err := os.Readlink(p("link"))
	fmt.Printf("Readlink: %q %v\n", t, show(err))
	lst, err := os.Lstat(p("link"))
	must("Lstat", err)
	fmt.Println("Lstat is symlink:", lst.Mode()&os.ModeSymlink != 0, "size is target length:", lst.Size() == int64(len("real/target.txt")))
	st, err := os.Stat(p("link"))
	must("Stat", err)
	fmt.Println("Stat follows: regular:", st.Mode().IsRegular(), "size:", st.Size())
	data, err := os.ReadFile(p("link"))
	fmt.Printf("read through link: %q %v\n", data, show(err))

	// Writing through the link changes the target.
	must("WriteFile via link", os.WriteFile(p("link"), []byte("new data"), 0o644))
	data, _ = os.ReadFile(p("real", "target.txt"))
	fmt.Printf("target after write via link: %q\n", data)

	// An absolute link to a directory, used in the middle of a path.
	must("Symlink dir", os.Symlink(p("real"), p("dirlink")))
	data, err = os.ReadFile(p("dirlink", "target.txt"))
	fmt.Printf("read via dir link: %q %v\n", data, show(err))
	entries, err := os.ReadDir(p("dirlink"))
	must("ReadDir via link", err)
	fmt.Println("entries via dir link:", len(entries), entries[0].Name())
	st, _ = os.Stat(p("dirlink"))
	fmt.Println("Stat of dir link is dir:", st.IsDir())

	// A chain of links, and EvalSymlinks.
	must("Symlink chain", os.Symlink("dirlink", p("chain")))
	real, err := filepath.EvalSymlinks(p("chain", "target.txt"))
	fmt.Println("EvalSymlinks:", strings.ReplaceAll(real, dir, "$T"), show(err))

	// ReadDir reports the link itself, not its target.
	entries, _ = os.ReadDir(dir)
	for _, e := range entries {
		fmt.Printf("entry %s: symlink=%v dir=%v\n", e.Name(), e.Type()&fs.ModeSymlink != 0, e.IsDir())
	}

	// Dangling links.
	must("Symlink dangling", os.Symlink("nowhere", p("dangling")))
	_, err = os.Stat(p("dangling"))
	fmt.Println("Stat dangling:", show(err), "| not exist:", errors.Is(err, fs.ErrNotExist))
	_, err = os.Lstat(p("dangling"))
	fmt.Println("Lstat dangling:", show(err))

	// Errors.
	err = os.Symlink("x", p("link"))
	fmt.Println("Symlink over existing:", show(err), "| IsExist:", os.IsExist(err))
	_, err = os.Readlink(p("real", "target.txt"))
	fmt.Println("Readlink of a file:", show(err), "| EINVAL:", errors.Is(err, syscall.EINVAL))
	must("Symlink loop a", os.Symlink("loopb", p("loopa")))
	must("Symlink loop b", os.Symlink("loopa", p("loopb")))
	_, err = os.Stat(p("loopa"))
	fmt.Println("Stat link loop:", show(err), "| ELOOP:", errors.Is(err, syscall.ELOOP))

	// Removing or renaming a link leaves the target alone.
	must("Rename link", os.Rename(p("link"), p("link2")))
	t, _ = os.Readlink(p("link2"))
	fmt.Printf("Readlink after rename: %q\n", t)
	must("Remove link", os.Remove(p("link2")))
	_, err = os.Stat(p("real", "target.txt"))
	fmt.Println("target still there:", err == nil)
	must("Remove dir link", os.Remove(p("dirlink")))
	_, err = os.Stat(p("real"))
	fmt.Println("dir still there:", err == nil)

	must("RemoveAll", os.RemoveAll(dir))
	_, err = os.Lstat(dir)
	fmt.Println("temp dir gone:", os.IsNotExist(err))
}
