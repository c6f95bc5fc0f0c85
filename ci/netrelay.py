#!/usr/bin/env python3
"""One guest connection of a QEMU guestfwd, carried to a host TCP port.

  ci/netrelay.py PORT [LOG]

QEMU's user network (slirp) runs the command of a
`guestfwd=tcp:ADDR:PORT-cmd:COMMAND` once per connection the guest opens
to ADDR:PORT, with the connection on the command's stdin, stdout and
stderr (one socket). This relays it, both ways, to 127.0.0.1:PORT, and
passes each direction's end (a half close) on as a shutdown of the other
side, so a request/response protocol that ends with a half close works.
(A `tcp:` chardev guestfwd carries one connection for the whole run.)

Nothing may be written to stderr, which is the guest's connection: errors
go to LOG, when given, as one line per connection ("relay PORT: ...").
Exits when both directions are done, or on an error.
"""

import os
import select
import socket
import sys
import time


def main():
    port = int(sys.argv[1])
    logpath = sys.argv[2] if len(sys.argv) > 2 else None
    # stderr is the guest's socket: nothing of ours must reach it.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    start = time.monotonic()
    counts = [0, 0]  # bytes guest->host, host->guest
    why = "done"
    try:
        why = relay(port, counts)
    except Exception as e:  # noqa: BLE001 -- any failure is logged, never shown to the guest
        why = "error: %r" % e
    if logpath:
        with open(logpath, "a") as f:
            f.write("relay %d: %s, %d bytes in, %d bytes out, %.2fs\n"
                    % (port, why, counts[0], counts[1], time.monotonic() - start))


def shut_write(fd):
    """Ends what we send on fd: a shutdown if it is a socket, else a close."""
    try:
        s = socket.socket(fileno=os.dup(fd))
    except OSError:
        os.close(fd)
        return
    try:
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        s.close()


def relay(port, counts):
    up = socket.create_connection(("127.0.0.1", port), timeout=30)
    up.settimeout(None)
    gin, gout = 0, 1
    reading = {gin: True, up.fileno(): True}
    while any(reading.values()):
        fds = [fd for fd, on in reading.items() if on]
        r, _, _ = select.select(fds, [], [], 600)
        if not r:
            return "idle for 600s"
        for fd in r:
            if fd == gin:
                data = os.read(gin, 65536)
                if not data:
                    reading[gin] = False
                    up.shutdown(socket.SHUT_WR)
                    continue
                up.sendall(data)
                counts[0] += len(data)
            else:
                try:
                    data = up.recv(65536)
                except ConnectionResetError:
                    return "reset by 127.0.0.1:%d" % port
                if not data:
                    reading[fd] = False
                    shut_write(gout)
                    continue
                view = memoryview(data)
                while view:
                    n = os.write(gout, view)
                    view = view[n:]
                counts[1] += len(data)
    up.close()
    return "done"


if __name__ == "__main__":
    main()
