"""One ``agent.process`` message inside the worker, and its states."""
from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from greenlet import greenlet


class JobState(IntEnum):
    """Whoever moves a job out of QUEUED/SCHEDULED/RUNNING sends its one reply."""

    QUEUED = 0
    SCHEDULED = 1
    RUNNING = 2
    DONE = 3
    CANCELLED = 4
    TIMED_OUT = 5


# Module-level names for the hot path: the runtime compares with `is` (members are singletons),
# and a global lookup is cheaper than JobState.RUNNING's attribute lookup on every message.
QUEUED, SCHEDULED, RUNNING, DONE, CANCELLED, TIMED_OUT = JobState


class Job:
    """A message from admission to its one reply; ``greenlet`` is the runner it runs on."""

    __slots__ = ("data", "deadline_ms", "greenlet", "id", "started", "state", "timer")

    def __init__(self, job_id: str, data: Any, deadline_ms: Optional[float]) -> None:
        self.id = job_id
        self.data = data
        self.deadline_ms = deadline_ms
        self.state = QUEUED
        self.greenlet: Optional[greenlet] = None
        self.timer: Any = None  # the loop's timer watcher, armed only when a deadline needs one
        self.started = 0.0
