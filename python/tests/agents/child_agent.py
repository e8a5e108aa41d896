"""Test fixture for worker-exit detection: agent code that leaves a long-lived child behind.

``{"daemon": "spawn"}`` starts ``sleep 300`` in its own session; ``{"daemon": "fork"}`` forks a
child that sleeps without exec. Either way the child inherits the worker's stderr pipe (and,
before the worker protected it, its stdin), so the host's pipes stay open after the worker
dies. Returns the child's pid so the test can clean up. ``{"sleep_ms": n}`` echoes after n ms.
"""
import os
import subprocess
import time

import gevent

from greenlet_a2a import GreenletA2AAgent


class ChildAgent(GreenletA2AAgent):
    agent_id = "child"
    capabilities = ("echo",)

    def process(self, data):
        daemon = data.get("daemon") if isinstance(data, dict) else None
        if daemon == "spawn":
            return subprocess.Popen(["sleep", "300"], start_new_session=True).pid
        if daemon == "fork":
            pid = os.fork()
            if pid == 0:
                os.setsid()
                time.sleep(300)  # the real sleep: gevent is not monkey-patched in this worker
                os._exit(0)
            return pid
        if isinstance(data, dict) and data.get("sleep_ms"):
            gevent.sleep(data["sleep_ms"] / 1000.0)
        return data
