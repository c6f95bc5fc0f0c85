// tmpfs_ops: the writable file system under os.TempDir() (/tmp) supports
// what Go programs do with files: nested directories, seeking, positional
// reads and writes, holes, truncation, renames across directories (also
// replacing a file), removal rules, sorted directory listings, stat sizes,
// modes and times, a working directory with relative paths, the errors
// Linux gives (EEXIST, ENOENT, ENOTDIR, EISDIR, ENOTEMPTY), files that stay
// readable after being unlinked while open, and a 5 MiB round trip.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

var dir string // the test's own directory, shown as $T

func must(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, show(err))
		os.Exit(1)
	}
}

// show prints an error with the temporary directory's name replaced by $T.
func show(err error) string {
	if err == nil {
		return "<nil>"
	}
	return strings.ReplaceAll(err.Error(), dir, "$T")
}

func p(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }

func size(name string) int64 {
	st, err := os.Stat(name)
	must("Stat", err)
	return st.Size()
}

func main() {
	fmt.Println("os.TempDir():", os.TempDir())
	var err error
	dir, err = os.MkdirTemp(os.TempDir(), "goose-tmpfs-")
	must("MkdirTemp", err)
	defer os.RemoveAll(dir)

	// Nested directories.
	must("MkdirAll", os.MkdirAll(p("a", "b", "c", "d"), 0o755))
	must("MkdirAll again", os.MkdirAll(p("a", "b", "c", "d"), 0o755))
	st, err := os.Stat(p("a", "b", "c", "d"))
	must("Stat", err)
	fmt.Println("a/b/c/d is a dir:", st.IsDir(), "mode:", st.Mode())
	err = os.Mkdir(p("a", "b"), 0o755)
	fmt.Println("Mkdir existing:", show(err), "| IsExist:", os.IsExist(err), errors.Is(err, fs.ErrExist))
	err = os.Mkdir(p("missing", "x"), 0o755)
	fmt.Println("Mkdir under missing parent:", show(err), "| not exist:", errors.Is(err, fs.ErrNotExist))

	// Create, write, seek, read.
	f, err := os.Create(p("a", "file.txt"))
	must("Create", err)
	_, err = f.WriteString("0123456789abcdef")
	must("Write", err)
	end, err := f.Seek(0, io.SeekEnd)
	fmt.Println("Seek(0, end):", end, show(err))
	pos, err := f.Seek(-6, io.SeekCurrent)
	fmt.Println("Seek(-6, current):", pos, show(err))
	buf := make([]byte, 4)
	n, err := f.Read(buf)
	fmt.Printf("Read at 10: %q %v\n", buf[:n], show(err))
	pos, err = f.Seek(0, io.SeekCurrent)
	fmt.Println("position after read:", pos, show(err))
	_, err = f.Seek(-1, io.SeekStart)
	fmt.Println("Seek to -1:", show(err), "| EINVAL:", errors.Is(err, syscall.EINVAL))
	pos, err = f.Seek(0, io.SeekStart)
	fmt.Println("Seek(0, start):", pos, show(err))

	// Positional reads and writes do not move the offset.
	n, err = f.ReadAt(buf, 2)
	fmt.Printf("ReadAt 2: %q %v\n", buf[:n], show(err))
	n, err = f.ReadAt(buf, 14)
	fmt.Printf("ReadAt 14 (past end): %d %q %v\n", n, buf[:n], show(err))
	n, err = f.ReadAt(buf, 100)
	fmt.Printf("ReadAt 100: %d %v\n", n, show(err))
	n, err = f.WriteAt([]byte("XY"), 4)
	fmt.Println("WriteAt 4:", n, show(err))
	// Writing past the end leaves a hole that reads as zeros.
	n, err = f.WriteAt([]byte("END"), 20)
	fmt.Println("WriteAt 20:", n, show(err))
	pos, _ = f.Seek(0, io.SeekCurrent)
	fmt.Println("position still:", pos)
	all, err := io.ReadAll(f)
	fmt.Printf("contents: %q %v\n", all, show(err))
	fi, err := f.Stat()
	must("Stat", err)
	fmt.Println("size:", fi.Size(), "mode:", fi.Mode(), "name:", fi.Name())
	fmt.Println("mtime within a minute of now:", time.Since(fi.ModTime()) < time.Minute && time.Until(fi.ModTime()) < time.Minute)

	// Truncate: shrink through the open file, grow by name.
	must("f.Truncate", f.Truncate(8))
	fmt.Println("after Truncate(8), size:", size(p("a", "file.txt")))
	must("Close", f.Close())
	must("os.Truncate", os.Truncate(p("a", "file.txt"), 12))
	data, err := os.ReadFile(p("a", "file.txt"))
	fmt.Printf("after Truncate(12): %q %v\n", data, show(err))
	err = os.Truncate(p("a", "nope"), 0)
	fmt.Println("Truncate missing:", show(err))

	// Modes: the requested ones (umask 022 does not change these), and Chmod.
	must("WriteFile", os.WriteFile(p("a", "ro.txt"), []byte("read only"), 0o444))
	st, _ = os.Stat(p("a", "ro.txt"))
	fmt.Println("0444 file mode:", st.Mode())
	must("Chmod", os.Chmod(p("a", "ro.txt"), 0o600))
	st, _ = os.Stat(p("a", "ro.txt"))
	fmt.Println("after Chmod 0600:", st.Mode())
	must("Mkdir", os.Mkdir(p("a", "priv"), 0o700))
	st, _ = os.Stat(p("a", "priv"))
	fmt.Println("0700 dir mode:", st.Mode())

	// O_EXCL on an existing file, directories opened for writing, files
	// used as directories.
	_, err = os.OpenFile(p("a", "file.txt"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	fmt.Println("O_EXCL existing:", show(err), "| IsExist:", os.IsExist(err))
	g, err := os.OpenFile(p("a", "new.txt"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	fmt.Println("O_EXCL new:", show(err))
	g.Close()
	_, err = os.OpenFile(p("a"), os.O_WRONLY, 0)
	fmt.Println("open dir for writing:", show(err), "| EISDIR:", errors.Is(err, syscall.EISDIR))
	// (Go 1.19 opens it and fails in getdents64, "readdirent ...", newer Go
	// opens it with O_DIRECTORY and fails there, "open ...": both ENOTDIR.)
	_, err = os.ReadDir(p("a", "file.txt"))
	fmt.Println("ReadDir of a file: ENOTDIR:", errors.Is(err, syscall.ENOTDIR))
	_, err = os.Stat(p("a", "file.txt", "x"))
	fmt.Println("stat file/x:", show(err), "| ENOTDIR:", errors.Is(err, syscall.ENOTDIR))
	_, err = os.Open(p("a", "missing.txt"))
	fmt.Println("open missing:", show(err), "| IsNotExist:", os.IsNotExist(err))
	f, err = os.Open(p("a", "file.txt"))
	must("Open", err)
	_, err = f.Write([]byte("x"))
	fmt.Println("write to read-only fd:", show(err), "| EBADF:", errors.Is(err, syscall.EBADF))
	f.Close()

	// ReadDir returns names sorted; Readdirnames returns them all.
	for _, name := range []string{"zeta", "alpha", "Mu", "beta", "_x", "10", "9"} {
		must("WriteFile", os.WriteFile(p("a", "b", name), []byte(name), 0o644))
	}
	entries, err := os.ReadDir(p("a", "b"))
	must("ReadDir", err)
	var names []string
	for _, e := range entries {
		kind := "file"
		if e.IsDir() {
			kind = "dir"
		}
		names = append(names, e.Name()+"("+kind+")")
	}
	fmt.Println("ReadDir a/b:", strings.Join(names, " "))
	d, err := os.Open(p("a", "b"))
	must("Open dir", err)
	raw, err := d.Readdirnames(-1)
	fmt.Println("Readdirnames count:", len(raw), show(err))
	d.Close()
	entries, _ = os.ReadDir(p("a", "b", "c", "d"))
	fmt.Println("empty dir entries:", len(entries))

	// Rename across directories, over an existing file, and a whole
	// directory.
	must("Rename", os.Rename(p("a", "file.txt"), p("a", "b", "c", "moved.txt")))
	_, err = os.Stat(p("a", "file.txt"))
	fmt.Println("old name gone:", errors.Is(err, fs.ErrNotExist), "new size:", size(p("a", "b", "c", "moved.txt")))
	must("Rename over", os.Rename(p("a", "b", "alpha"), p("a", "b", "beta")))
	data, _ = os.ReadFile(p("a", "b", "beta"))
	fmt.Printf("beta after rename over it: %q\n", data)
	must("Rename dir", os.Rename(p("a", "b"), p("B")))
	data, err = os.ReadFile(p("B", "c", "moved.txt"))
	fmt.Println("file reached through renamed dir:", len(data), show(err))
	_, err = os.Stat(p("a", "b"))
	fmt.Println("old dir gone:", errors.Is(err, fs.ErrNotExist))
	err = os.Rename(p("nothing"), p("something"))
	fmt.Println("Rename missing:", show(err))

	// Remove: non-empty directories refuse; RemoveAll takes the tree.
	err = os.Remove(p("B"))
	fmt.Println("Remove non-empty dir:", show(err), "| ENOTEMPTY:", errors.Is(err, syscall.ENOTEMPTY))
	must("Remove file", os.Remove(p("B", "zeta")))
	must("Remove empty dir", os.Remove(p("B", "c", "d")))
	err = os.Remove(p("B", "zeta"))
	fmt.Println("Remove again:", show(err), "| not exist:", errors.Is(err, fs.ErrNotExist))
	must("RemoveAll", os.RemoveAll(p("B")))
	_, err = os.Stat(p("B"))
	fmt.Println("tree gone:", errors.Is(err, fs.ErrNotExist))
	must("RemoveAll missing", os.RemoveAll(p("B")))

	// An unlinked file stays readable and writable while it is open.
	f, err = os.Create(p("ghost"))
	must("Create", err)
	_, err = f.WriteString("still here")
	must("Write", err)
	must("Remove open file", os.Remove(p("ghost")))
	_, err = os.Stat(p("ghost"))
	fmt.Println("unlinked name gone:", errors.Is(err, fs.ErrNotExist))
	_, err = f.WriteString("!")
	must("Write after unlink", err)
	data, err = io.ReadAll(io.NewSectionReader(f, 0, 100))
	fmt.Printf("read after unlink: %q %v\n", data, show(err))
	must("Close", f.Close())

	// Working directory and relative paths.
	orig, err := os.Getwd()
	must("Getwd", err)
	must("Chdir", os.Chdir(dir))
	wd, err := os.Getwd()
	fmt.Println("Getwd after Chdir is $T:", wd == dir, show(err))
	must("Mkdir rel", os.Mkdir("rel", 0o755))
	must("WriteFile rel", os.WriteFile("rel/../rel.txt", []byte("relative"), 0o644))
	data, err = os.ReadFile(p("rel.txt"))
	fmt.Printf("relative write read back by absolute path: %q %v\n", data, show(err))
	must("Chdir rel", os.Chdir("rel"))
	wd, _ = os.Getwd()
	fmt.Println("Getwd after Chdir rel:", strings.ReplaceAll(wd, dir, "$T"))
	data, err = os.ReadFile("../rel.txt")
	fmt.Printf("read ../rel.txt: %q %v\n", data, show(err))
	must("Chdir ..", os.Chdir(".."))
	abs, err := filepath.Abs("rel.txt")
	fmt.Println("filepath.Abs:", strings.ReplaceAll(abs, dir, "$T"), show(err))
	err = os.Chdir("rel.txt")
	fmt.Println("Chdir to a file:", show(err), "| ENOTDIR:", errors.Is(err, syscall.ENOTDIR))
	err = os.Chdir("missing")
	fmt.Println("Chdir to missing:", show(err))
	must("Chdir back", os.Chdir(orig))

	// A 5 MiB file, written in pieces, read back and hashed.
	big := p("big.bin")
	f, err = os.Create(big)
	must("Create", err)
	w := bufio.NewWriterSize(f, 100000)
	wantHash := sha256.New()
	x := uint64(88172645463325252)
	chunk := make([]byte, 4099)
	for written := 0; written < 5<<20; {
		for i := range chunk {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			chunk[i] = byte(x >> 32)
		}
		c := chunk
		if rest := 5<<20 - written; rest < len(c) {
			c = c[:rest]
		}
		w.Write(c)
		wantHash.Write(c)
		written += len(c)
	}
	must("Flush", w.Flush())
	must("Close", f.Close())
	fmt.Println("big file size:", size(big))
	f, err = os.Open(big)
	must("Open", err)
	gotHash := sha256.New()
	copied, err := io.Copy(gotHash, f)
	f.Close()
	fmt.Println("copied:", copied, show(err))
	fmt.Printf("sha256: %x\n", gotHash.Sum(nil))
	fmt.Println("matches what was written:", bytes.Equal(gotHash.Sum(nil), wantHash.Sum(nil)))
	must("Remove big", os.Remove(big))

	must("RemoveAll", os.RemoveAll(dir))
	_, err = os.Stat(dir)
	fmt.Println("temp dir gone:", os.IsNotExist(err))
}
