"""EchoAgent: returns its input ``data``. The demo agent used by tests, benchmarks and the app.

When ``data`` is an object:
  ``sleep_ms``  wait that long first with ``gevent.sleep`` (cooperative: other messages run meanwhile)
  ``cpu_ms``    then compute that long without yielding (CPU-bound work: it holds the hub)
  ``fail``      when true, raise RuntimeError (``message`` overrides the text) -> agent.error agent_exception
"""
import time

import gevent

from greenlet_a2a import GreenletA2AAgent


class EchoAgent(GreenletA2AAgent):
    agent_id = "echo"
    capabilities = ("echo",)

    def process(self, data):
        if type(data) is dict:
            sleep_ms = data.get("sleep_ms")
            if sleep_ms:
                gevent.sleep(sleep_ms / 1000.0)
            cpu_ms = data.get("cpu_ms")
            if cpu_ms:
                end = time.perf_counter() + cpu_ms / 1000.0
                while time.perf_counter() < end:  # deliberately no yield: this is the CPU-work load
                    pass
            if data.get("fail"):
                raise RuntimeError(data.get("message") or "EchoAgent failed on request (fail: true)")
        return data
