"""cpio "newc" archives (Linux's Documentation/driver-api/early-userspace/
buffer-format.rst), the initramfs goose unpacks into its file tree: written by
ci/stdtest.py (a Go package's tree and testdata) and ci/goose-exec (the
current directory and the test binary)."""

import os
import stat


class Cpio:
    """A cpio "newc" archive, written as it goes."""

    def __init__(self, f):
        self.f, self.ino, self.seen = f, 1, set()

    def _entry(self, name, mode, data, mtime, nlink):
        name = name.lstrip("/").encode() + b"\0"
        self.ino += 1
        fields = (self.ino, mode, 0, 0, nlink, int(mtime), len(data), 0, 0, 0, 0, len(name), 0)
        hdr = b"070701" + b"".join(b"%08X" % v for v in fields) + name
        self.f.write(hdr + b"\0" * (-len(hdr) % 4))
        self.f.write(data + b"\0" * (-len(data) % 4))

    def dir(self, path, mode=0o755, mtime=0):
        """path and each directory above it, once each."""
        if path in ("/", "") or path in self.seen:
            return
        self.dir(os.path.dirname(path))
        self.seen.add(path)
        self._entry(path, stat.S_IFDIR | mode, b"", mtime, 2)

    def add(self, path, src, top=True, skip=()):
        """src (a file, a symlink or a whole tree) at path in the archive; a
        symlink given as src itself is followed (/usr/lib/go-1.19/test is one),
        the ones inside a tree stay symlinks. Entries of a tree named in skip
        (".git") are left out."""
        st = os.stat(src) if top else os.lstat(src)
        if stat.S_ISDIR(st.st_mode):
            self.dir(path, stat.S_IMODE(st.st_mode), st.st_mtime)
            for name in sorted(os.listdir(src)):
                if name not in skip:
                    self.add(os.path.join(path, name), os.path.join(src, name), False, skip)
            return
        if path in self.seen:
            return
        self.dir(os.path.dirname(path))
        self.seen.add(path)
        if stat.S_ISLNK(st.st_mode):
            self._entry(path, st.st_mode, os.readlink(src).encode(), st.st_mtime, 1)
        elif stat.S_ISREG(st.st_mode):
            with open(src, "rb") as f:
                self._entry(path, st.st_mode, f.read(), st.st_mtime, 1)

    def empty(self, path):
        """An empty regular file."""
        if path not in self.seen:
            self.dir(os.path.dirname(path))
            self.seen.add(path)
            self._entry(path, stat.S_IFREG | 0o644, b"", 0, 1)

    def close(self):
        self._entry("TRAILER!!!", 0, b"", 0, 1)


def tree_size(src, skip=()):
    """The bytes of the regular files add(path, src, skip=skip) would pack
    (symlinks inside the tree not followed)."""
    total = 0
    for top, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in files:
            if name in skip:
                continue
            st = os.lstat(os.path.join(top, name))
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
    return total
