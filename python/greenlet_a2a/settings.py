"""The worker's settings: what the host sends in ``--config``, over one set of fallbacks.

The host (main/pool/worker/worker-channel.ts) always sends ``concurrency`` and
``max_queue_size`` from its option table, so those values are decided there. The fallbacks
below only serve a worker started by hand without them; each is written here once. Imports
nothing that could fail: start-up errors must still reach the host as ``agent.fatal``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

DEFAULT_CONCURRENCY = 100
DEFAULT_MAX_QUEUE_SIZE = 100
DEFAULT_LAG_INTERVAL_MS = 50

# The one agent reference form, "package.module:ClassName" (docs/adapter.md): dotted Python
# identifiers, a colon, one class name. The host checks the same pattern
# (AGENT_PATTERN in common/pool-options-table.ts); a bare "module.Class" is refused on both sides.
AGENT_REFERENCE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*", re.ASCII)


class BadConfig(ValueError):
    """A ``--config`` value the worker cannot start with; the message names the field."""


@dataclass(frozen=True)
class Settings:
    concurrency: int = DEFAULT_CONCURRENCY
    max_queue_size: int = DEFAULT_MAX_QUEUE_SIZE
    lag_interval_ms: int = DEFAULT_LAG_INTERVAL_MS
    monkey_patch: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """The host's values where it sent them, the fallbacks above elsewhere; checked."""
        values = {}
        for key, minimum in (("concurrency", 1), ("max_queue_size", 0), ("lag_interval_ms", 1)):
            value = config.get(key, getattr(cls, key))
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                raise BadConfig('config "%s" must be an integer >= %d, got %r' % (key, minimum, value))
            values[key] = value
        patch = config.get("monkey_patch", False)
        if not isinstance(patch, bool):
            raise BadConfig('config "monkey_patch" must be true or false')
        return cls(monkey_patch=patch, **values)


def check_agent_reference(agent: object) -> str:
    if not isinstance(agent, str) or AGENT_REFERENCE.fullmatch(agent) is None:
        raise BadConfig('config "agent" must be a "package.module:ClassName" string, got %r' % (agent,))
    return agent
