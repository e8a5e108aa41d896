"""The serving loop: one greenlet per ``agent.process``, bounded queue, control frames.

Hot-path notes (the host's round-trip budget is a few microseconds over a bare pipe echo):
raw greenlets instead of ``gevent.Greenlet``, replies formatted with one compact encoder
call, no per-message logging, and a run-deadline timer only when ``deadline_ms`` is given.
"""
from __future__ import annotations

import json
import os
import sys
import traceback
from collections import deque
from time import perf_counter
from typing import Any, Deque, Dict, List, Optional

import gevent
from gevent import Timeout
from gevent.event import Event
from greenlet import GreenletExit, greenlet

from .channel import FrameReader, FrameWriter
from .sysinfo import rss_bytes

_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
_loads = json.loads

# Job states. Whoever moves a job out of RUNNING/SCHEDULED/QUEUED owns its one reply.
QUEUED, SCHEDULED, RUNNING, DONE, CANCELLED, TIMED_OUT = range(6)


class Job:
    __slots__ = ("id", "data", "deadline_ms", "state", "greenlet")

    def __init__(self, job_id: str, data: Any, deadline_ms: Optional[float]) -> None:
        self.id = job_id
        self.data = data
        self.deadline_ms = deadline_ms
        self.state = QUEUED
        self.greenlet: Optional[greenlet] = None


class Runtime:
    def __init__(self, agent, settings: Dict[str, Any], proto_fd: int, hub) -> None:
        self.agent = agent
        self.process = agent.process
        self.hub = hub
        self.loop = hub.loop
        self.concurrency: int = settings["concurrency"]
        self.max_queue: int = settings["max_queue_size"]
        self.jobs: Dict[str, Job] = {}
        self.queue: Deque[Job] = deque()
        self.in_flight = 0
        self.received = 0
        self.sent = 0
        self.errors = 0
        self.started_at = perf_counter()
        self.stopping = False
        self._stop_ids: List[str] = []
        self._drained = 0
        self._idle = Event()
        self.reader = FrameReader(0, hub)
        self.writer = FrameWriter(proto_fd, hub, self._on_broken_channel)
        self.send = self.writer.send
        self._lag_interval = settings["lag_interval_ms"] / 1000.0
        self._lag = 0.0
        self._last_tick = perf_counter()
        self._lag_timer = self.loop.timer(self._lag_interval, self._lag_interval, ref=False)
        self._lag_timer.start(self._tick)
        self._control = {
            "agent.ping": self._on_ping,
            "agent.metrics": self._on_metrics,
            "agent.cancel": self._on_cancel,
            "agent.stop": self._on_stop,
        }

    # ---- reading -------------------------------------------------------------------
    def serve(self) -> None:
        """Read frames until EOF. Runs on the main greenlet; never returns."""
        read = self.reader.read
        handle = self._handle
        parts: List[bytes] = []
        while True:
            chunk = read()
            if not chunk:
                self._on_eof()
            if b"\n" not in chunk:
                parts.append(chunk)
                continue
            if parts:
                parts.append(chunk)
                chunk = b"".join(parts)
                parts = []
            lines = chunk.split(b"\n")
            tail = lines.pop()
            if tail:
                parts.append(tail)
            for line in lines:
                if line and line != b"\r":
                    handle(line)

    def _handle(self, line: bytes) -> None:
        try:
            msg = _loads(line)
        except ValueError as exc:
            self._malformed(line, "invalid JSON: %s" % exc)
            return
        if type(msg) is not dict:
            self._malformed(line, "frame is not a JSON object")
            return
        kind = msg.get("type")
        try:
            if kind == "agent.process":
                self._on_process(msg)
                return
            mid = msg.get("id")
            if type(mid) is not str:
                self._malformed(line, "missing or non-string id")
                return
            handler = self._control.get(kind)
            if handler is None:
                self._error(mid, "bad_request", "unknown frame type %r" % (kind,))
            else:
                handler(mid, msg)
        except Exception:  # a bug in one frame's handling must not kill the worker
            log("internal error handling frame %r:\n%s" % (line[:200], traceback.format_exc()))

    def _malformed(self, line: bytes, why: str) -> None:
        mid = _find_id(line)
        if mid is not None:
            self._error(mid, "bad_request", why)
        else:
            log("bad frame ignored (%s): %r" % (why, line[:200]))

    # ---- agent.process ---------------------------------------------------------------
    def _on_process(self, msg: dict) -> None:
        mid = msg.get("id")
        if type(mid) is not str:
            log("agent.process without a string id ignored")
            return
        self.received += 1
        deadline = msg.get("deadline_ms")
        if deadline is not None and (type(deadline) not in (int, float) or deadline < 0):
            self._reply_error(mid, "bad_request", "deadline_ms must be a non-negative number")
        elif self.stopping:
            self._reply_error(mid, "stopping", "worker is stopping; message not accepted")
        elif mid in self.jobs:
            self._reply_error(mid, "bad_request", "duplicate id %r is already in flight" % mid)
        elif self.in_flight < self.concurrency:
            job = self.jobs[mid] = Job(mid, msg.get("data"), deadline)
            self._start(job)
        elif len(self.queue) < self.max_queue:
            job = self.jobs[mid] = Job(mid, msg.get("data"), deadline)
            self.queue.append(job)
        else:
            self._reply_error(mid, "queue_full", "worker queue is full (%d in flight, %d queued)"
                              % (self.in_flight, len(self.queue)))

    def _start(self, job: Job) -> None:
        job.state = SCHEDULED
        self.in_flight += 1
        g = job.greenlet = greenlet(self._run, self.hub)
        self.loop.run_callback(g.switch, job)

    def _run(self, job: Job) -> None:
        try:
            if job.state is not SCHEDULED:  # cancelled before it started
                return
            job.state = RUNNING
            timer = None
            if job.deadline_ms:
                timer = self.loop.timer(job.deadline_ms / 1000.0)
                timer.start(self._expire, job)
            started = perf_counter()
            try:
                result = self.process(job.data)
            except BaseException as exc:  # noqa: B902 - agent code may raise anything
                if job.state is RUNNING:
                    job.state = DONE
                    self._agent_exception(job.id, exc)
            else:
                if job.state is RUNNING:
                    job.state = DONE
                    self._reply_result(job.id, result, perf_counter() - started)
            finally:
                if timer is not None:
                    timer.close()
        finally:
            self._release(job)

    def _release(self, job: Job) -> None:
        self.in_flight -= 1
        queue = self.queue
        while queue and self.in_flight < self.concurrency:
            self._start(queue.popleft())
        if self.stopping:
            self._drained += 1
            if not self.in_flight and not queue:
                self._idle.set()

    def _expire(self, job: Job) -> None:
        # Runs on the hub (timer callback): answer first, then kill, so the host gets its
        # reply even if the agent code swallows the exception.
        if job.state is not RUNNING:
            return
        job.state = TIMED_OUT
        self._reply_error(job.id, "timeout", "run deadline of %s ms passed; the greenlet was killed"
                          % job.deadline_ms)
        g = job.greenlet
        if g:
            g.throw(Timeout(None))

    # ---- replies ---------------------------------------------------------------------
    def _reply_result(self, mid: str, result: Any, seconds: float) -> None:
        try:
            body = _dumps(result)
        except (TypeError, ValueError, RecursionError) as exc:
            self._reply_error(mid, "unserializable_result", "result of type %s is not JSON-serialisable: %s"
                              % (type(result).__name__, exc))
            return
        self.jobs.pop(mid, None)
        self.sent += 1
        self.send('{"type":"agent.result","id":%s,"result":%s,"duration_ms":%.3f}'
                  % (_dumps(mid), body, seconds * 1000.0))

    def _agent_exception(self, mid: str, exc: BaseException) -> None:
        tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None  # skip _run
        text = "".join(traceback.format_exception(type(exc), exc, tb))
        self._reply_error(mid, "agent_exception", _describe(exc), text)

    def _reply_error(self, mid: str, code: str, message: str, tb: Optional[str] = None) -> None:
        """Answer an ``agent.process`` request with an error (counted in metrics)."""
        self.jobs.pop(mid, None)
        self.sent += 1
        self.errors += 1
        self._error(mid, code, message, tb)

    def _error(self, mid: str, code: str, message: str, tb: Optional[str] = None) -> None:
        error: Dict[str, Any] = {"code": code, "message": message}
        if tb is not None:
            error["traceback"] = tb
        self.send(_dumps({"type": "agent.error", "id": mid, "error": error}))

    # ---- control frames ----------------------------------------------------------------
    def _tick(self) -> None:
        now = perf_counter()
        lag = now - self._last_tick - self._lag_interval
        self._lag = lag if lag > 0.0 else 0.0
        self._last_tick = now

    def loop_lag_ms(self) -> float:
        # An overdue tick is lag happening right now (the hub was blocked until just now).
        overdue = perf_counter() - self._last_tick - self._lag_interval
        return round(max(self._lag, overdue, 0.0) * 1000.0, 3)

    def _on_ping(self, mid: str, msg: dict) -> None:
        self.send(_dumps({"type": "agent.pong", "id": mid, "loop_lag_ms": self.loop_lag_ms(),
                          "in_flight": self.in_flight, "queue_size": len(self.queue)}))

    def _on_metrics(self, mid: str, msg: dict) -> None:
        metrics = {
            "messages_received": self.received, "messages_sent": self.sent, "errors": self.errors,
            "uptime_s": round(perf_counter() - self.started_at, 3), "queue_size": len(self.queue),
            "in_flight": self.in_flight, "rss_bytes": rss_bytes(), "loop_lag_ms": self.loop_lag_ms(),
            "max_queue_size": self.max_queue, "concurrency": self.concurrency, "pid": os.getpid(),
        }
        self.send(_dumps({"type": "agent.metrics", "id": mid, "metrics": metrics}))

    def _on_cancel(self, mid: str, msg: dict) -> None:
        target = msg.get("target")
        job = self.jobs.get(target) if type(target) is str else None
        found = job is not None and job.state in (QUEUED, SCHEDULED, RUNNING)
        if found:
            self._cancel(job, "cancelled by the host (agent.cancel %s)" % mid)
        self.send(_dumps({"type": "agent.result", "id": mid, "result": {"cancelled": found}}))

    def _cancel(self, job: Job, why: str) -> None:
        state = job.state
        job.state = CANCELLED
        if state is QUEUED:
            self.queue.remove(job)
        self._reply_error(job.id, "cancelled", why)
        if state is RUNNING:
            self.loop.run_callback(self._kill, job)
        # SCHEDULED: _run sees CANCELLED when it starts and only releases its slot.

    def _kill(self, job: Job) -> None:
        g = job.greenlet
        if g:  # still alive, and a greenlet only ever runs its own job
            g.throw(GreenletExit)

    def _on_stop(self, mid: str, msg: dict) -> None:
        timeout_ms = msg.get("timeout_ms", 30000)
        if type(timeout_ms) not in (int, float) or timeout_ms < 0:
            self._error(mid, "bad_request", "timeout_ms must be a non-negative number")
            return
        self._stop_ids.append(mid)
        if self.stopping:
            return  # the drain already running answers every stop id
        self.stopping = True
        if not self.in_flight and not self.queue:
            self._idle.set()
        g = greenlet(self._drain_and_exit, self.hub)
        self.loop.run_callback(g.switch, timeout_ms / 1000.0)

    def _drain_and_exit(self, timeout_s: float) -> None:
        self._idle.wait(timeout_s)
        leftover = list(self.queue) + [j for j in self.jobs.values() if j.state in (SCHEDULED, RUNNING)]
        for job in leftover:
            self._cancel(job, "agent.stop drain timeout (%g ms) expired before it finished" % (timeout_s * 1000))
        try:
            self.agent.on_stop()
        except Exception:
            log("on_stop raised:\n" + traceback.format_exc())
        for mid in self._stop_ids:
            self.send(_dumps({"type": "agent.stopped", "id": mid, "drained": self._drained,
                              "abandoned": len(leftover)}))
        self._flush(5.0)
        self.exit(0)

    def _on_eof(self) -> None:
        if self.stopping:  # the host sent agent.stop and closed stdin: finish the drain
            self._idle.wait()
            gevent.sleep(3600)  # _drain_and_exit ends the process
        log("stdin closed (host gone); exiting")
        self._flush(1.0)  # replies already produced still go out if anyone is reading
        self.exit(0)

    def _flush(self, timeout_s: float) -> None:
        with Timeout(timeout_s, False):  # a host that stopped reading must not keep us alive
            while not self.writer.flushed:
                gevent.sleep(0.001)

    def _on_broken_channel(self, exc: BaseException) -> None:
        log("protocol channel closed (%s); exiting" % exc)
        self.exit(0)

    def exit(self, code: int) -> None:
        self.reader.restore()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return "%s: %s" % (type(exc).__name__, text) if text else type(exc).__name__


def _find_id(line: bytes) -> Optional[str]:
    """Best-effort id from a frame that did not parse, so the host can fail that request."""
    import re

    m = re.search(rb'"id"\s*:\s*"((?:[^"\\]|\\.)*)"', line)
    if m is None:
        return None
    try:
        return json.loads(b'"' + m.group(1) + b'"')
    except ValueError:
        return None


def log(text: str) -> None:
    try:
        sys.stderr.write("greenlet_a2a: %s\n" % text)
        sys.stderr.flush()
    except Exception:
        pass
