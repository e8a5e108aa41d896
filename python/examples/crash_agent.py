"""CrashAgent: echoes ``data``, but kills its own process when asked (for worker-death tests).

``{"crash": true}`` -> os._exit(``exit_code``, default 1) with no reply, like a segfault or
OOM kill would; ``{"crash_after_ms": N}`` sleeps cooperatively first, so the message is in
flight when the process dies.
"""
import os

import gevent

from greenlet_a2a import GreenletA2AAgent


class CrashAgent(GreenletA2AAgent):
    agent_id = "crash"
    capabilities = ("echo", "crash")

    def process(self, data):
        if isinstance(data, dict):
            if data.get("crash_after_ms"):
                gevent.sleep(data["crash_after_ms"] / 1000.0)
                os._exit(int(data.get("exit_code", 1)))
            if data.get("crash"):
                os._exit(int(data.get("exit_code", 1)))
        return data
