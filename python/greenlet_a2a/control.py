"""Control frames (ping, metrics, cancel, stop), the loop-lag timer and process exit."""
from __future__ import annotations

import os
import sys
import traceback
from time import perf_counter
from typing import TYPE_CHECKING, Any, Callable, Deque, Dict, List, Optional

import gevent
from gevent import Timeout
from gevent.event import Event
from greenlet import GreenletExit, greenlet

from . import sigterm
from .codec import encode
from .job import CANCELLED, QUEUED, RUNNING, SCHEDULED, TIMED_OUT, Job
from .settings import Settings
from .sysinfo import rss_bytes

if TYPE_CHECKING:
    from .agent import GreenletA2AAgent
    from .channel import FrameWriter

DEFAULT_STOP_TIMEOUT_MS = 30000


class ControlMixin:
    """Mixed into Runtime; relies on its jobs/queue/counters and reply helpers."""

    if TYPE_CHECKING:  # what Runtime provides, declared for the type checker only
        agent: GreenletA2AAgent
        hub: Any
        loop: Any
        writer: FrameWriter
        send: Callable[[str], None]
        jobs: Dict[str, Job]
        queue: Deque[Job]
        in_flight: int
        received: int
        sent: int
        errors: int
        concurrency: int
        max_queue: int
        _direct: Optional[Job]

        def _resume_reader(self, job: Job) -> None: ...
        def _reply_error(self, mid: str, code: str, message: str, tb: Optional[str] = None) -> None: ...
        def _error(self, mid: str, code: str, message: str, tb: Optional[str] = None) -> None: ...

    def _init_control(self, settings: Settings) -> None:
        self.started_at = perf_counter()
        self.stopping = False
        self._stop_ids: List[str] = []
        self._drained = 0
        self._all_done = Event()
        self._control = {
            "agent.ping": self._on_ping,
            "agent.metrics": self._on_metrics,
            "agent.cancel": self._on_cancel,
            "agent.stop": self._on_stop,
        }
        # Loop lag: a periodic hub timer notes how late it fires. ref=False: it must not
        # keep the loop alive by itself.
        self._lag_interval = settings.lag_interval_ms / 1000.0
        self._lag = 0.0
        self._last_tick = perf_counter()
        self._lag_timer = self.loop.timer(self._lag_interval, self._lag_interval, ref=False)
        self._lag_timer.start(self._tick)
        self.asleep_in_read = False  # set by serve() around its blocking read: idle, not blocked
        sigterm.attach(lambda: self.stopping, self.hub_blocked_s)

    def _tick(self) -> None:
        if self._direct is not None:
            # Fallback: a direct-started message left its runner without Hub.switch (a raw
            # greenlet switch), so its switch_out hook never ran; the reader must not wait on it.
            self._resume_reader(self._direct)
        now = perf_counter()
        lag = now - self._last_tick - self._lag_interval
        self._lag = lag if lag > 0.0 else 0.0
        self._last_tick = now

    def loop_lag_ms(self) -> float:
        # An overdue tick is lag happening right now (the hub was blocked until just now).
        overdue = perf_counter() - self._last_tick - self._lag_interval
        return round(max(self._lag, overdue, 0.0) * 1000.0, 3)

    def hub_blocked_s(self) -> float:
        """How long the hub has missed its lag tick (0 while the reader sleeps in read())."""
        if self.asleep_in_read:
            return 0.0
        return max(perf_counter() - self._last_tick - self._lag_interval, 0.0)

    def _on_ping(self, mid: str, msg: dict) -> None:
        self.send(encode({"type": "agent.pong", "id": mid, "loop_lag_ms": self.loop_lag_ms(),
                          "in_flight": self.in_flight, "queue_size": len(self.queue)}))

    def _on_metrics(self, mid: str, msg: dict) -> None:
        metrics = {
            "messages_received": self.received, "messages_sent": self.sent, "errors": self.errors,
            "uptime_s": round(perf_counter() - self.started_at, 3), "queue_size": len(self.queue),
            "in_flight": self.in_flight, "rss_bytes": rss_bytes(), "loop_lag_ms": self.loop_lag_ms(),
            "max_queue_size": self.max_queue, "concurrency": self.concurrency, "pid": os.getpid(),
        }
        self.send(encode({"type": "agent.metrics", "id": mid, "metrics": metrics}))

    # ---- cancel and deadlines ------------------------------------------------------------
    def _on_cancel(self, mid: str, msg: dict) -> None:
        target = msg.get("target")
        job = self.jobs.get(target) if type(target) is str else None
        found = False
        if job is not None and job.state in (QUEUED, SCHEDULED, RUNNING):
            found = True
            self._cancel(job, "cancelled by the host (agent.cancel %s)" % mid)
        self.send(encode({"type": "agent.result", "id": mid, "result": {"cancelled": found}}))

    def _cancel(self, job: Job, why: str, code: str = "cancelled") -> None:
        state = job.state
        job.state = CANCELLED
        if state is QUEUED:
            self.queue.remove(job)
        self._reply_error(job.id, code, why)
        if state is RUNNING:  # kill from the hub: throwing from here would strand this greenlet
            self.loop.run_callback(self._kill, job)
        # SCHEDULED: its runner sees CANCELLED when it starts and skips the job.

    def _kill(self, job: Job) -> None:
        g = job.greenlet
        if g and getattr(g, "job", None) is job:  # runner still inside this very job
            g.throw(GreenletExit)

    def _expire(self, job: Job) -> None:
        # Hub timer callback: answer first, then kill, so the host gets its reply even if
        # agent code swallows the exception.
        if job.state is not RUNNING:
            return
        job.state = TIMED_OUT
        self._reply_error(job.id, "timeout", "run deadline of %s ms passed; the greenlet was killed"
                          % job.deadline_ms)
        g = job.greenlet
        if g and getattr(g, "job", None) is job:
            g.throw(Timeout(None))

    # ---- stop, drain, exit -------------------------------------------------------------
    def _on_stop(self, mid: str, msg: dict) -> None:
        timeout_ms = msg.get("timeout_ms", DEFAULT_STOP_TIMEOUT_MS)
        if type(timeout_ms) not in (int, float) or timeout_ms < 0:
            self._error(mid, "bad_request", "timeout_ms must be a non-negative number")
            return
        self._stop_ids.append(mid)
        if self.stopping:
            return  # the drain already running answers every stop id
        self.stopping = True
        sigterm.restore_default()  # a SIGTERM now is the host's escalation after the drain limit
        self._on_drain_progress()
        g = greenlet(self._drain_and_exit, self.hub)
        self.loop.run_callback(g.switch, timeout_ms / 1000.0)

    def _on_drain_progress(self) -> None:
        if not self.in_flight and not self.queue:
            self._all_done.set()

    def _drain_and_exit(self, timeout_s: float) -> None:
        self._all_done.wait(timeout_s)
        leftover = list(self.queue) + [j for j in self.jobs.values() if j.state in (SCHEDULED, RUNNING)]
        for job in leftover:
            # "stopping", not "cancelled": the host never asked for this message to end. The
            # worker is going away (a recycle or shutdown), so the host may run it elsewhere.
            self._cancel(job, "agent.stop drain timeout (%g ms) expired first" % (timeout_s * 1000), "stopping")
        try:
            self.agent.on_stop()
        except Exception:
            log("on_stop raised:\n" + traceback.format_exc())
        for mid in self._stop_ids:
            self.send(encode({"type": "agent.stopped", "id": mid, "drained": self._drained,
                              "abandoned": len(leftover)}))
        self._flush(5.0)
        self.exit(0)

    def _on_eof(self) -> None:
        self.writer.release()  # the reader parks here for good: replies must not wait for it
        if self.stopping:  # the host sent agent.stop then closed stdin: finish the drain
            gevent.sleep(3600 * 24)  # _drain_and_exit ends the process
        log("stdin closed (host gone); exiting")
        self._flush(1.0)  # replies already produced still go out if anyone is reading
        self.exit(0)

    def _flush(self, timeout_s: float) -> None:
        self.writer.release()
        with Timeout(timeout_s, False):  # a host that stopped reading must not keep us alive
            while not self.writer.flushed:
                gevent.sleep(0.001)

    def _on_broken_channel(self, exc: BaseException) -> None:
        log("protocol channel closed (%s); exiting" % exc)
        self.exit(0)

    def exit(self, code: int) -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def log(text: str) -> None:
    try:
        sys.stderr.write("greenlet_a2a: %s\n" % text)
        sys.stderr.flush()
    except Exception:
        pass
