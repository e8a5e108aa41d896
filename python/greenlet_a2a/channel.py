"""The protocol channel: keep it private (off fds 0 and 1), read frames from it, write frames to it.

Nothing here imports gevent at module level: :func:`protect_stdout` and :func:`write_blocking`
must work before gevent is imported (so a missing gevent is still reported as a frame).
"""
from __future__ import annotations

import os
import sys
from typing import Any, Callable, List

IS_WINDOWS = os.name == "nt"
# A Linux pipe holds 64 KiB by default, so a bigger read rarely gains anything; and a buffer
# above glibc's mmap threshold (128 KiB) would cost mmap+mremap+munmap on every read.
READ_CHUNK = 64 * 1024


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


def protect_stdin() -> int:
    """Move the host's frames off fd 0 and point fd 0 (and ``sys.stdin``) at the null device.

    Returns the private fd the frames now arrive on. Why: every child process inherits fd 0,
    so a ``Popen(["head"])`` in agent code read (and swallowed) the host's frames, and a
    long-lived child kept the request pipe open after the worker died. ``os.dup`` makes the
    private fd non-inheritable (close-on-exec), so a child now reads end-of-file at once.
    """
    in_fd = os.dup(0)
    null_fd = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(null_fd, 0)
    finally:
        os.close(null_fd)
    if IS_WINDOWS:
        _windows_redirect_stdin_handle(in_fd)
    return in_fd


def forget_channel_after_fork(in_fd: int, out_fd: int) -> None:
    """In a child made by ``os.fork()`` (no exec), take the protocol fds away from it.

    Close-on-exec does not help a plain fork: the child would share the host's pipes, could
    read frames meant for the worker or write into its replies. The input fd becomes a pipe
    nobody ever writes to (a copied reader greenlet in the child parks for good instead of
    stealing frames or seeing end of file and exiting the child); the output fd becomes the
    null device. Replacing rather than closing keeps copied gevent watchers on valid fds.
    """
    if not hasattr(os, "register_at_fork"):
        return

    def in_child() -> None:
        try:
            never_r, _never_w = os.pipe()  # the write end stays open (and unused) for the child's life
            os.dup2(never_r, in_fd, inheritable=False)
            os.close(never_r)
            null_fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null_fd, out_fd, inheritable=False)
            os.close(null_fd)
        except OSError:
            pass

    os.register_at_fork(after_in_child=in_child)


def _windows_redirect_stdin_handle(in_fd: int) -> None:
    # Why: code may read through GetStdHandle(STD_INPUT_HANDLE) rather than the CRT fd 0.
    _windows_point_std_handle(in_fd, -10, 0, "stdin")  # STD_INPUT_HANDLE


def _windows_redirect_std_handle(proto_fd: int) -> None:
    # Why: on Windows C code may write through GetStdHandle(STD_OUTPUT_HANDLE) rather than
    # the CRT fd 1, so the Win32 handle has to follow fd 2 as well.
    _windows_point_std_handle(proto_fd, -11, 2, "stdout")  # STD_OUTPUT_HANDLE


def _windows_point_std_handle(binary_fd: int, std_handle: int, target_fd: int, name: str) -> None:
    # Binary mode on binary_fd keeps the CRT from turning "\n" into "\r\n" on the
    # protocol channel; then the Win32 std handle is pointed at target_fd's OS handle.
    if sys.platform != "win32":  # only called on Windows; tells the type checker msvcrt exists
        return
    try:
        import ctypes
        import msvcrt

        msvcrt.setmode(binary_fd, os.O_BINARY)
        ctypes.windll.kernel32.SetStdHandle(std_handle, msvcrt.get_osfhandle(target_fd))
    except Exception as exc:  # best effort: fd-level protection is already in place
        sys.stderr.write("greenlet_a2a: could not redirect the Win32 %s handle: %r\n" % (name, exc))


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
    """Reads raw chunks from the private input fd (the host's stdin pipe); returns b"" at end of file.

    The fd stays blocking. While anything else may need the hub, the reader first waits
    for readiness on the hub (so a read never blocks the hub). When nothing else can run —
    the caller checked that no gevent watcher or callback is active — it reads directly:
    the worker sleeps in ``read()`` like a plain pipe echo, skipping an event-loop pass
    (epoll, hub switches) per message.
    """

    def __init__(self, fd: int, hub: Any) -> None:
        self._fd = fd
        self._hub = hub
        # Windows pipes cannot be polled by the loop: read on gevent's threadpool instead.
        self._watcher = None if IS_WINDOWS else hub.loop.io(fd, 1)
        self.can_block = self._watcher is not None and activecnt_works(hub.loop)
        if self._watcher is not None:
            os.set_blocking(fd, True)  # the host may hand us a non-blocking pipe or socket

    def read(self, may_block: bool) -> bytes:
        if self._watcher is None:
            return self._hub.threadpool.apply(os.read, (self._fd, READ_CHUNK))
        if not may_block:
            self._hub.wait(self._watcher)
        while True:
            try:
                return os.read(self._fd, READ_CHUNK)  # EINTR is retried by Python (PEP 475)
            except BlockingIOError:  # someone set O_NONBLOCK behind our back
                self._hub.wait(self._watcher)


def activecnt_works(loop: Any) -> bool:
    """True when ``loop.activecnt`` really counts referenced watchers (libev does; gevent's
    libuv loop always reports 0, which would make an idle blocking read unsafe)."""
    try:
        before = loop.activecnt
        probe = loop.timer(3600.0)
        probe.start(lambda: None)
        during = loop.activecnt
        probe.close()
        return during == before + 1 and loop.activecnt == before
    except Exception:
        return False


class FrameWriter:
    """The one owner of the protocol fd; frames are never interleaved or written re-entrantly.

    Greenlets call :meth:`send` with a serialised frame (no newline). The writer greenlet
    wakes in the same hub iteration, joins everything queued so far and writes it in one
    go, waiting out a full pipe. The reader calls :meth:`flush_now` just before it parks: it
    writes what its own frames produced with one non-blocking ``os.write`` (no greenlet
    hop for a lone reply) and leaves any remainder to the writer greenlet. ``os.write``
    never yields and ``flush_now`` only writes while the greenlet is parked with nothing
    half-written, so both paths cannot interleave.
    """

    def __init__(self, fd: int, hub: Any, on_broken: Callable[[BaseException], None]) -> None:
        from greenlet import greenlet

        self._fd = fd
        self._hub = hub
        self._loop = hub.loop
        self._on_broken = on_broken
        self._pending: List[str] = []
        self._partial = b""  # the unwritten tail of a batch already started; goes first
        self._idle = False
        self.writing = False
        self.hold = False  # set by the reader while it handles frames: it will flush_now()
        if IS_WINDOWS:
            self._watcher = None
        else:
            os.set_blocking(fd, False)
            self._watcher = hub.loop.io(fd, 2)
        self._greenlet = greenlet(self._run, hub)
        self._loop.run_callback(self._greenlet.switch)

    def send(self, line: str) -> None:
        self._pending.append(line)
        if self._idle and not self.hold:
            self._wake()

    def _wake(self) -> None:
        self._idle = False
        self._loop.run_callback(self._greenlet.switch)

    def flush_now(self) -> None:
        self.hold = False
        if not self._pending or not self._idle:
            return  # nothing to do, or the greenlet is already on it
        if self._watcher is None:  # Windows: blocking pipe, leave it to the greenlet
            self._wake()
            return
        data = self._take()
        try:
            n = os.write(self._fd, data)
        except (BlockingIOError, InterruptedError):
            n = 0
        except OSError as exc:  # EPIPE etc.: the host is gone
            self._on_broken(exc)
            return
        if n < len(data):
            self._partial = data[n:]
            self._wake()

    def release(self) -> None:
        """The reader will not flush for a while (it is exiting or waiting elsewhere)."""
        self.hold = False
        if self._pending and self._idle:
            self._wake()

    def _take(self) -> bytes:
        pending = self._pending
        self._pending = []
        return ("\n".join(pending) + "\n").encode("utf-8", "surrogatepass")

    @property
    def flushed(self) -> bool:
        return not self._pending and not self._partial and not self.writing

    def _run(self) -> None:
        switch_to_hub = self._hub.switch
        while True:
            if self._partial:
                data = self._partial
                self._partial = b""
            elif self._pending:
                data = self._take()
            else:
                self._idle = True
                switch_to_hub()
                continue
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
