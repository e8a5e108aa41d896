"""CpuAgent: CPU-bound work that never yields, so it blocks the worker's gevent hub.

Use it to see (and test) "hub blocked": while it spins, pings are not answered and the
lag timer cannot run. ``data`` may be an object with ``spin_ms`` (default 20000, i.e. long
enough to trip a health check). The loop checks for a dead parent so an orphaned worker
does not burn a shared core for the full spin.
"""
import os
import time

from greenlet_a2a import GreenletA2AAgent


class CpuAgent(GreenletA2AAgent):
    agent_id = "cpu"
    capabilities = ("cpu",)

    def process(self, data):
        spin_ms = data.get("spin_ms", 20000) if isinstance(data, dict) else 20000
        print("cpu_agent: spinning for %s ms without yielding" % spin_ms)  # shows up in the worker log
        parent = os.getppid()
        start = time.perf_counter()
        end = start + spin_ms / 1000.0
        iterations = 0
        while time.perf_counter() < end:  # deliberately no gevent.sleep(): this blocks the hub
            iterations += 1
            if iterations % 100000 == 0 and os.getppid() != parent:
                os._exit(1)  # host died; nobody will read the result
        return {"spun_ms": round((time.perf_counter() - start) * 1000.0, 3), "iterations": iterations}
