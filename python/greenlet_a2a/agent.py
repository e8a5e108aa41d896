"""The base class operators subclass."""
from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence

from .settings import DEFAULT_MAX_QUEUE_SIZE


class GreenletA2AAgent:
    """One agent instance serves every message a worker process receives.

    Subclasses implement :meth:`process`. It runs on its own greenlet per message, so many
    calls are in flight at once whenever the code yields to the gevent hub (``gevent.sleep``,
    gevent sockets, ``gevent.subprocess``...). Code that never yields (CPU loops, blocking C
    calls, un-patched ``time.sleep``/``socket``) blocks the whole worker; see python/README.md.

    Defaults may be given as class attributes (``agent_id = "echo"``) instead of overriding
    ``__init__``; values from the worker config override both.
    """

    # Class-level defaults only (a tuple: a shared list would be one list for every subclass);
    # each instance gets its own list in __init__. The host's config overrides all three.
    agent_id: str = ""
    capabilities: Sequence[str] = ()
    max_queue_size: int = DEFAULT_MAX_QUEUE_SIZE

    def __init__(
        self,
        agent_id: Optional[str] = None,
        capabilities: Optional[Iterable[str]] = None,
        max_queue_size: Optional[int] = None,
    ) -> None:
        cls = type(self)
        self.agent_id = str(agent_id) if agent_id is not None else (cls.agent_id or cls.__name__)
        self.capabilities = [str(c) for c in (capabilities if capabilities is not None else cls.capabilities)]
        size = max_queue_size if max_queue_size is not None else cls.max_queue_size
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError("max_queue_size must be a non-negative integer, got %r" % (size,))
        self.max_queue_size = size

    def process(self, data: Any) -> Any:
        """Handle one message's ``data`` and return a JSON-serialisable result.

        Raising answers ``agent.error`` code ``agent_exception`` for this message only.
        """
        raise NotImplementedError("%s must implement process(self, data)" % type(self).__name__)

    def on_start(self) -> None:
        """Called once before ``agent.register`` is sent. Raising aborts start-up (``agent.fatal``)."""

    def on_stop(self) -> None:
        """Called once during ``agent.stop``, after the drain, before ``agent.stopped``."""
