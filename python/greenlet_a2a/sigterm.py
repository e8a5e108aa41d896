"""SIGTERM: the host owns worker lifecycle, so a SIGTERM it did not send waits for its drain.

systemd's default ``KillMode=control-group`` (like ``kill -TERM -<pgid>``) sends SIGTERM to
every process of the service at once: the host, which drains its pool (``agent.stop`` → the
worker finishes its messages → exit), and each worker, whose default action killed it at once,
so a running task failed instead of answering. So, while this worker has not been asked to
stop, a SIGTERM is ignored with one stderr line. It still ends the worker promptly when:

- ``agent.stop`` was received: the host's own escalation (``disconnect()`` sends SIGTERM only
  after the drain limit) must stay as fast as before, so :func:`restore_default` gives SIGTERM
  back its default action. The kernel then ends the process even if agent code blocks the
  hub, or the main thread, inside a C call.
- the host is gone (we were reparented): nobody would drain us.
- the hub is blocked (no loop tick for ``BLOCKED_S``) while the worker is not idle in ``read()``:
  agent code that never yields cannot have read a waiting ``agent.stop``, and a host that sent
  one waited its drain limit plus 1 s before its SIGTERM.

The handler is a plain ``signal.signal`` handler, not ``gevent.signal_handler``: Python runs it
on the main thread between bytecodes, even while agent code spins without yielding, whereas a
gevent handler would wait for the (blocked) hub. It only reads state, writes with ``os.write``
(a handler may interrupt a ``sys.stderr`` write) and re-raises the signal with its default action.
"""
from __future__ import annotations

import os
import signal
from typing import Callable, Optional

BLOCKED_S = 0.5

# Set by the runtime once it serves: (is it stopping?, seconds the hub has been blocked).
def _never_stopping() -> bool:
    return False


def _never_blocked() -> float:
    return 0.0


_stopping: Callable[[], bool] = _never_stopping
_blocked_s: Callable[[], float] = _never_blocked


def install() -> None:
    """Defer SIGTERM to the host (POSIX; Windows has no SIGTERM from outside to defer)."""
    if os.name == "nt":
        return
    parent = os.getppid()

    def on_sigterm(signum: int, frame: object) -> None:
        why = _exit_reason(parent)
        if why is None:
            _write("SIGTERM ignored: the host has not asked this worker to stop; it drains it "
                   "(agent.stop) when it stops itself")
            return
        _write("SIGTERM: exiting (%s)" % why)
        restore_default()
        os.kill(os.getpid(), signal.SIGTERM)  # die by the signal, as before, so the host sees SIGTERM
        os._exit(128 + signal.SIGTERM)  # not reached unless the signal is blocked

    try:
        signal.signal(signal.SIGTERM, on_sigterm)
    except (ValueError, OSError):  # not the main thread, or the platform refuses: keep the default
        pass


def attach(stopping: Callable[[], bool], blocked_s: Callable[[], float]) -> None:
    global _stopping, _blocked_s
    _stopping, _blocked_s = stopping, blocked_s


def restore_default() -> None:
    """``agent.stop`` arrived: from now on SIGTERM is the host's escalation, handled by the kernel."""
    if os.name == "nt":
        return
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except (ValueError, OSError):
        pass


def _exit_reason(parent: int) -> Optional[str]:
    if _stopping():
        return "agent.stop received"
    if os.getppid() != parent:
        return "host process gone"
    blocked = _blocked_s()
    if blocked >= BLOCKED_S:
        return "hub blocked for %.1f s: it cannot drain" % blocked
    return None


def _write(text: str) -> None:
    try:
        os.write(2, ("greenlet_a2a: %s\n" % text).encode())
    except OSError:
        pass
