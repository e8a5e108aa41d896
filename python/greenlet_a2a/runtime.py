"""The serving loop: one greenlet per in-flight ``agent.process``, a bounded queue behind them.

Hot-path choices (the host's round-trip budget is a few µs over a bare pipe echo):
- Runner greenlets are reused. On Python 3.11+ every *new* greenlet that runs Python code
  maps (mmap) and later unmaps its own frame data stack, which cost more than the rest of a
  message's handling together. A runner still runs exactly one message at a time, so each
  in-flight message has its own greenlet; finished runners park for the next message.
- A message that arrives while nothing is in flight starts on its runner straight from the
  reader (``_run_direct``); the reader flushes replies itself before it waits again, and
  sleeps in a plain ``read()`` when no gevent watcher is active (channel.py).
- One C scanner/encoder (codec.py), replies formatted in one step, no per-message logging,
  and a deadline timer only when ``deadline_ms`` is given and the message yields.
"""
from __future__ import annotations

import traceback
from collections import deque
from time import perf_counter
from typing import TYPE_CHECKING, Any, Deque, Dict, List, Optional

from greenlet import getcurrent, greenlet

from .channel import FrameReader, FrameWriter
from .codec import UnrepresentableResult, decode, encode, encode_result, encode_str, find_id
from .control import ControlMixin, log
from .job import DONE, RUNNING, SCHEDULED, Job
from .settings import Settings

if TYPE_CHECKING:
    from .agent import GreenletA2AAgent

IDLE_RUNNERS_KEPT = 256  # parked runner greenlets kept for reuse; the rest exit


class Runner(greenlet):
    """A reusable greenlet that runs one message at a time (slots: no per-greenlet dict)."""

    __slots__ = ("job", "rt")

    def switch_out(self) -> None:
        # gevent's Hub.switch calls this whenever the runner yields to the hub. If the reader
        # is waiting on this runner (direct start), give the reader its turn back.
        rt = self.rt
        job = rt._direct
        if job is not None and self.job is job:
            rt.loop.run_callback(rt._resume_reader, job)


class Runtime(ControlMixin):
    def __init__(self, agent: GreenletA2AAgent, settings: Settings, in_fd: int, proto_fd: int, hub: Any) -> None:
        self.agent = agent
        self.process = agent.process
        self.hub = hub
        self.loop = hub.loop
        self.concurrency: int = settings.concurrency
        self.max_queue: int = settings.max_queue_size
        self.jobs: Dict[str, Job] = {}
        self.queue: Deque[Job] = deque()
        self.in_flight = 0
        self.received = 0
        self.sent = 0
        self.errors = 0
        self._idle_runners: List[greenlet] = []
        self._direct: Optional[Job] = None
        self._reader_g: Any = None  # the main greenlet, set by serve() before any runner exists
        self.reader = FrameReader(in_fd, hub)
        self.writer = FrameWriter(proto_fd, hub, self._on_broken_channel)
        self.send = self.writer.send
        self._init_control(settings)

    # ---- reading ---------------------------------------------------------------------
    def serve(self) -> None:
        """Read frames until EOF. Runs on the main greenlet; never returns."""
        self._reader_g = getcurrent()
        read = self.reader.read
        handle = self._handle
        writer = self.writer
        loop = self.loop
        can_block = self.reader.can_block
        rest = b""
        parts: List[bytes] = []  # pieces of one frame longer than a read, joined once at its end
        while True:
            writer.flush_now()  # replies to the frames just handled go out before we park
            # activecnt counts referenced watchers and queued callbacks: 0 means no timer,
            # socket, sleeping greenlet or pending write could need the hub before our next frame.
            if can_block and loop.activecnt == 0 and writer.flushed:
                asleep = perf_counter()
                self.asleep_in_read = True
                chunk = read(True)
                self.asleep_in_read = False
                self._last_tick += perf_counter() - asleep  # sleeping in read() is not loop lag
            else:
                chunk = read(False)
            writer.hold = True
            if not chunk:
                self._on_eof()
            end = chunk.rfind(b"\n")
            if end < 0:
                parts.append(chunk)  # rare: a frame larger than one read
                continue
            if parts:
                parts.append(chunk)
                chunk = rest + b"".join(parts)
                end += len(chunk) - len(parts[-1])
                parts = []
            elif rest:
                chunk = rest + chunk
                end += len(rest)
            rest = chunk[end + 1:]
            # Decode once per chunk (a newline never splits a UTF-8 sequence); bad bytes
            # become U+FFFD so the frame still fails or parses on its own merits.
            for line in chunk[:end].decode("utf-8", "replace").split("\n"):
                if line and line != "\r":
                    handle(line)

    def _handle(self, line: str) -> None:
        msg, problem = decode(line)
        if type(msg) is not dict:
            self._malformed(line, problem or "frame is not a JSON object")
            return
        try:
            mid = msg.get("id")
            if type(mid) is not str:
                self._malformed(line, "missing or non-string id")
                return
            kind = msg.get("type")
            if kind == "agent.process":
                self._on_process(mid, msg)
                return
            handler = self._control.get(kind) if type(kind) is str else None
            if handler is None:
                self._error(mid, "bad_request", "unknown frame type %r" % (kind,))
            else:
                handler(mid, msg)
        except Exception:  # a bug in one frame's handling must not kill the worker
            log("internal error handling frame %r:\n%s" % (line[:200], traceback.format_exc()))

    def _malformed(self, line: str, why: str) -> None:
        mid = find_id(line)
        if mid is not None:
            self._error(mid, "bad_request", why)
        else:
            log("bad frame ignored (%s): %r" % (why, line[:200]))

    # ---- agent.process ---------------------------------------------------------------
    def _on_process(self, mid: str, msg: dict) -> None:
        self.received += 1
        deadline = msg.get("deadline_ms")
        if deadline is not None and (type(deadline) not in (int, float) or deadline < 0):
            self._reject(mid, "bad_request", "deadline_ms must be a non-negative number")
        elif self.stopping:
            self._reject(mid, "stopping", "worker is stopping; message not accepted")
        elif mid in self.jobs:
            self._reject(mid, "bad_request", "duplicate id %r is already in flight" % mid)
        elif self.in_flight < self.concurrency:
            job = self.jobs[mid] = Job(mid, msg.get("data"), deadline)
            job.state = SCHEDULED
            self.in_flight += 1
            idle = self._idle_runners
            g = job.greenlet = idle.pop() if idle else self._new_runner()
            if self.in_flight == 1:
                self._run_direct(g, job)
            else:
                self.loop.run_callback(g.switch, job)
        elif len(self.queue) < self.max_queue:
            self.queue.append(Job(mid, msg.get("data"), deadline))
            self.jobs[mid] = self.queue[-1]
        else:
            self._reject(mid, "queue_full", "worker queue is full (%d in flight, %d queued)"
                              % (self.in_flight, len(self.queue)))

    def _run_direct(self, g: greenlet, job: Job) -> None:
        """Start a message on its runner by switching to it straight from the reader.

        Nothing else is in flight, so there is nothing to be fair to: skipping the hub round
        trip is most of a fast message's latency. If the agent code yields,
        ``Runner.switch_out`` (gevent's Hub.switch calls it) schedules the reader's return and
        the message carries on like any other; if it does not, the runner switches back itself.
        """
        self._direct = job
        g.switch(job)

    def _new_runner(self) -> Runner:
        g = Runner(self._runner, self.hub)
        g.rt = self
        g.job = None
        return g

    def _resume_reader(self, job: Job) -> None:
        if self._direct is job:  # the message yielded: it needs its deadline timer now
            self._direct = None
            if job.deadline_ms and job.state is RUNNING:
                spent = perf_counter() - job.started
                self._arm_deadline(job, max(job.deadline_ms / 1000.0 - spent, 0.0))
            self._reader_g.switch()

    def _arm_deadline(self, job: Job, seconds: float) -> None:
        timer = job.timer = self.loop.timer(seconds)
        timer.start(self._expire, job)

    def _runner(self, job: Job) -> None:
        """Body of a runner greenlet: run a job, then queued jobs, then park for reuse."""
        me = getcurrent()
        switch_to_hub = self.hub.switch
        queue = self.queue
        while True:
            me.job = job
            if job.state is SCHEDULED:  # else: cancelled before it started
                try:
                    self._run_one(job)
                except Exception:  # a worker bug must not leak this runner's slot
                    log("internal error running %r:\n%s" % (job.id, traceback.format_exc()))
            if queue:  # the slot passes straight to the next queued message
                if self._direct is job:  # never leave the reader waiting behind queued work
                    self._direct = None
                    self.loop.run_callback(self._reader_g.switch)
                job = queue.popleft()
                job.state = SCHEDULED
                job.greenlet = me
                continue
            self.in_flight -= 1
            me.job = None
            if self.stopping:
                self._on_drain_progress()
            if self._direct is job:  # started by _run_direct and never yielded: back to the reader
                self._direct = None
                self._idle_runners.append(me)
                try:
                    job = self._reader_g.switch()
                except BaseException as exc:  # noqa: B902 - see _park
                    job = self._park(exc)
                continue
            if len(self._idle_runners) >= IDLE_RUNNERS_KEPT:
                return
            self._idle_runners.append(me)
            try:
                job = switch_to_hub()  # resumed by run_callback(me.switch, next_job)
            except BaseException as exc:  # noqa: B902 - see _park
                job = self._park(exc)

    def _park(self, exc: BaseException) -> Job:
        """Something was thrown into this runner while it was parked in the idle list. Agent
        code can leave that behind (a gevent.Timeout started and never cancelled fires into
        the greenlet that started it). Dying here would leave a dead runner in the idle list
        and the next message handed to it never answered, so the exception is logged and the
        runner keeps waiting, on the hub (whoever threw is there). Off the hot path: the
        parking switches only pay for a zero-cost try."""
        while True:
            log("ignored %s thrown into an idle runner greenlet (left behind by agent code, e.g. "
                "a gevent.Timeout that was never cancelled)" % describe(exc))
            try:
                return self.hub.switch()
            except BaseException as again:  # noqa: B902
                exc = again

    def _run_one(self, job: Job) -> None:
        job.state = RUNNING
        job.started = started = perf_counter()
        if job.deadline_ms and self._direct is not job:
            # A direct start arms its timer only if it yields (see _resume_reader): code that
            # never yields cannot be interrupted by a timer anyway, and most messages finish first.
            self._arm_deadline(job, job.deadline_ms / 1000.0)
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
            if job.timer is not None:
                job.timer.close()
                job.timer = None
            if self.stopping:
                self._drained += 1

    # ---- replies ---------------------------------------------------------------------
    def _reply_result(self, mid: str, result: Any, seconds: float) -> None:
        try:
            body = encode_result(result)
        except UnrepresentableResult as exc:
            self._reply_error(mid, "unserializable_result", str(exc))
            return
        except (TypeError, ValueError, RecursionError) as exc:
            self._reply_error(mid, "unserializable_result", "result of type %s is not JSON-serialisable: %s"
                              % (type(result).__name__, exc))
            return
        self.jobs.pop(mid, None)
        self.sent += 1
        self.send('{"type":"agent.result","id":%s,"result":%s,"duration_ms":%.3f}'
                  % (encode_str(mid), body, seconds * 1000.0))

    def _agent_exception(self, mid: str, exc: BaseException) -> None:
        tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None  # skip _run_one
        text = "".join(traceback.format_exception(type(exc), exc, tb))
        self._reply_error(mid, "agent_exception", describe(exc), text)

    def _reply_error(self, mid: str, code: str, message: str, tb: Optional[str] = None) -> None:
        """Answer an admitted ``agent.process`` request with an error (counted in metrics)."""
        self.jobs.pop(mid, None)
        self._reject(mid, code, message, tb)

    def _reject(self, mid: str, code: str, message: str, tb: Optional[str] = None) -> None:
        """Answer an ``agent.process`` request with an error; ``jobs`` is left alone because
        a rejected duplicate id still belongs to the admitted message."""
        self.sent += 1
        self.errors += 1
        self._error(mid, code, message, tb)

    def _error(self, mid: str, code: str, message: str, tb: Optional[str] = None) -> None:
        error: Dict[str, Any] = {"code": code, "message": message}
        if tb is not None:
            error["traceback"] = tb
        self.send(encode({"type": "agent.error", "id": mid, "error": error}))


def describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = "<str() of the exception failed>"
    return "%s: %s" % (type(exc).__name__, text) if text else type(exc).__name__
