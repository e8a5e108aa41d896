"""Exit when the host process dies, whatever the hub is doing.

The serving loop notices a dead host by stdin's end of file, but only while the hub runs: agent
code that never yields (a blocked hub) or an ``agent.stop`` drain (which outlives stdin EOF by
design, up to its ``timeout_ms``) kept orphaned workers alive for minutes after their host was
SIGKILLed. This watchdog is a plain OS thread (started before any monkey-patching, holding
only unpatched functions), so it runs whenever the GIL is released, as pure Python code does
every few ms. It exits the worker when both are true: the parent pid changed (we were
reparented: the host is dead, not merely done writing) and stdin has hung up (no writer is
left). A host that closes stdin but lives on keeps its drain; a launcher that exits while
the host still holds stdin does not trigger it.
"""
from __future__ import annotations

import os

POLL_S = 0.5


def start(in_fd: int = 0) -> None:
    """Watch ``in_fd``, the fd the host's frames arrive on (private after ``protect_stdin``)."""
    if os.name == "nt" or not hasattr(os, "getppid"):
        return  # no reparenting to observe; stdin EOF still ends the worker when the hub runs
    parent = os.getppid()
    if parent <= 1:
        return  # launched by init or as an orphan already: nothing to watch
    import _thread
    import select
    import time

    poll = select.poll  # the originals: gevent.monkey may patch select/time later
    sleep = time.sleep
    getppid = os.getppid
    hup = select.POLLHUP | select.POLLERR | select.POLLNVAL

    def stdin_hung_up() -> bool:
        p = poll()
        p.register(in_fd, 0)  # no events asked for: only HUP/ERR/NVAL are reported, nothing is read
        return any(ev & hup for _fd, ev in p.poll(0))

    def watch() -> None:
        while True:
            sleep(POLL_S)
            try:
                if getppid() != parent and stdin_hung_up():
                    break
            except Exception:
                continue
        try:
            os.write(2, b"greenlet_a2a: host process gone (parent %d exited); exiting\n" % parent)
        except OSError:
            pass
        os._exit(0)

    _thread.start_new_thread(watch, ())
