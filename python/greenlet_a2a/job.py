"""One ``agent.process`` message inside the worker, and its states."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from greenlet import greenlet

# Job states. Whoever moves a job out of QUEUED/SCHEDULED/RUNNING sends its one reply.
QUEUED, SCHEDULED, RUNNING, DONE, CANCELLED, TIMED_OUT = range(6)


class Job:
    """A message from admission to its one reply; ``greenlet`` is the runner it runs on."""

    __slots__ = ("id", "data", "deadline_ms", "state", "greenlet", "timer", "started")

    def __init__(self, job_id: str, data: Any, deadline_ms: Optional[float]) -> None:
        self.id = job_id
        self.data = data
        self.deadline_ms = deadline_ms
        self.state = QUEUED
        self.greenlet: Optional[greenlet] = None
        self.timer = None
        self.started = 0.0
