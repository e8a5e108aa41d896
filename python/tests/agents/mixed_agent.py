"""Test fixture for the pool tests: echoes ``data``, sleeping cooperatively for
``sleep_ms`` first, or, given ``crash_after_ms``, sleeping that long and then
killing its own process (so slow bystanders are in flight when it dies).
Loaded through the pool's ``pythonPaths`` option, as an operator's agent would be.
"""
import os

import gevent

from greenlet_a2a import GreenletA2AAgent


class MixedAgent(GreenletA2AAgent):
    agent_id = "mixed"
    capabilities = ("echo", "crash")

    def process(self, data):
        if isinstance(data, dict):
            if data.get("crash_after_ms"):
                gevent.sleep(data["crash_after_ms"] / 1000.0)
                os._exit(1)
            if data.get("sleep_ms"):
                gevent.sleep(data["sleep_ms"] / 1000.0)
        return data
