"""The protocol channel: keep it private, read frames from stdin, write frames to it.

Nothing here imports gevent at module level: :func:`protect_stdout` and :func:`write_fatal`
must work before gevent is imported (so a missing gevent is still reported as a frame).
"""
from __future__ import annotations

import os
import sys
from typing import Callable, List

IS_WINDOWS = os.name == "nt"
READ_CHUNK = 256 * 1024


def protect_stdout() -> int:
    """Move the protocol channel off fd 1 and point fd 1 (and ``sys.stdout``) at stderr.

    Returns the private fd that now carries the protocol. After this, ``print()``, C code
    writing to fd 1 and child processes that inherit fd 1 all write to stderr, which the
    host shows as per-worker log lines. ``os.dup`` makes the private fd non-inheritable, so
    subprocesses started by agent code cannot write to it either.
    """
    try:
        sys.stdout.flush()
    except Exception:  # a broken/closed sys.stdout must not stop the protection
        pass
    proto_fd = os.dup(1)
    os.dup2(2, 1)
    if IS_WINDOWS:
        _windows_redirect_std_handle(proto_fd)
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)
    return proto_fd


def _windows_redirect_std_handle(proto_fd: int) -> None:
    # Why: on Windows C code may write through GetStdHandle(STD_OUTPUT_HANDLE) rather than
    # the CRT fd 1, so the Win32 handle has to follow fd 2 as well. Binary mode keeps the
    # CRT from turning "\n" into "\r\n" on the protocol channel.
    try:
        import ctypes
        import msvcrt

        msvcrt.setmode(proto_fd, os.O_BINARY)
        msvcrt.setmode(0, os.O_BINARY)
        STD_OUTPUT_HANDLE = -11
        ctypes.windll.kernel32.SetStdHandle(STD_OUTPUT_HANDLE, msvcrt.get_osfhandle(2))
    except Exception as exc:  # best effort: fd-level protection is already in place
        sys.stderr.write("greenlet_a2a: could not redirect the Win32 stdout handle: %r\n" % (exc,))


def write_blocking(fd: int, data: bytes) -> None:
    """Write everything with plain blocking writes. Only for start-up failure and Windows."""
    if not IS_WINDOWS:
        os.set_blocking(fd, True)
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except InterruptedError:
            continue
        view = view[n:]


class FrameReader:
    """Reads raw chunks from stdin cooperatively; returns b"" at end of file."""

    def __init__(self, fd: int, hub) -> None:
        self._fd = fd
        self._hub = hub
        if IS_WINDOWS:
            # Windows pipes cannot be made non-blocking: read on gevent's threadpool instead.
            self._watcher = None
        else:
            os.set_blocking(fd, False)
            self._watcher = hub.loop.io(fd, 1)
        self._maybe_more = True

    def read(self) -> bytes:
        if self._watcher is None:
            return self._hub.threadpool.apply(os.read, (self._fd, READ_CHUNK))
        if not self._maybe_more:
            # The last read drained the pipe: wait for readiness instead of paying for an
            # EAGAIN read. Switching to the hub here also lets the runners and the writer
            # answer the frames just read before this greenlet touches stdin again.
            self._hub.wait(self._watcher)
        while True:
            try:
                chunk = os.read(self._fd, READ_CHUNK)
            except BlockingIOError:
                self._hub.wait(self._watcher)
                continue
            except InterruptedError:
                continue
            self._maybe_more = len(chunk) == READ_CHUNK
            return chunk

    def restore(self) -> None:
        if not IS_WINDOWS:
            try:
                os.set_blocking(self._fd, True)
            except OSError:
                pass


class FrameWriter:
    """The one owner of the protocol fd.

    Other greenlets call :meth:`send` with a serialised frame (no newline); the writer
    greenlet wakes in the same hub iteration, joins everything queued so far and writes it
    in one go. A lone reply is therefore not delayed, and a burst becomes one write.
    """

    def __init__(self, fd: int, hub, on_broken: Callable[[BaseException], None]) -> None:
        from greenlet import greenlet

        self._fd = fd
        self._hub = hub
        self._loop = hub.loop
        self._on_broken = on_broken
        self._pending: List[str] = []
        self._idle = False
        self.writing = False
        if IS_WINDOWS:
            self._watcher = None
        else:
            os.set_blocking(fd, False)
            self._watcher = hub.loop.io(fd, 2)
        self._greenlet = greenlet(self._run, hub)
        self._loop.run_callback(self._greenlet.switch)

    def send(self, line: str) -> None:
        self._pending.append(line)
        if self._idle:
            self._idle = False
            self._loop.run_callback(self._greenlet.switch)

    @property
    def flushed(self) -> bool:
        return not self._pending and not self.writing

    def _run(self) -> None:
        switch_to_hub = self._hub.switch
        while True:
            pending = self._pending
            if not pending:
                self._idle = True
                switch_to_hub()
                continue
            self._pending = []
            data = ("\n".join(pending) + "\n").encode("utf-8", "surrogatepass")
            self.writing = True
            try:
                self._write_all(data)
            except OSError as exc:  # EPIPE etc.: the host is gone
                self._on_broken(exc)
                return
            finally:
                self.writing = False

    def _write_all(self, data: bytes) -> None:
        if self._watcher is None:
            self._hub.threadpool.apply(write_blocking, (self._fd, data))
            return
        view = memoryview(data)
        fd = self._fd
        while view:
            try:
                n = os.write(fd, view)
            except BlockingIOError:
                self._hub.wait(self._watcher)
                continue
            except InterruptedError:
                continue
            view = view[n:]
