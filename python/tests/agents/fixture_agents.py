"""Tiny agents for guard-path tests (not examples for operators)."""
import time

import gevent
from gevent import monkey

from greenlet_a2a import GreenletA2AAgent


class UnserializableAgent(GreenletA2AAgent):
    """Returns a set, which JSON cannot carry."""

    def process(self, data):
        return {1, 2, 3}


class InitFailAgent(GreenletA2AAgent):
    def __init__(self, *args, **kwargs):
        raise ValueError("InitFailAgent refuses to start: missing API key")


class StartFailAgent(GreenletA2AAgent):
    def on_start(self):
        raise RuntimeError("StartFailAgent.on_start: cannot reach the model server")


class NotAnAgent:
    """Has no process() method."""


class PatchProbeAgent(GreenletA2AAgent):
    """Reports whether the stdlib socket module was monkey-patched."""

    def process(self, data):
        return {"socket_patched": bool(monkey.is_module_patched("socket"))}


class StubbornAgent(GreenletA2AAgent):
    """Swallows the exception that kills it once, then finishes late: the reply must not wait."""

    def process(self, data):
        try:
            gevent.sleep(data["sleep_ms"] / 1000.0)
        except BaseException:  # noqa: B902 - deliberately misbehaving
            gevent.sleep(2.0)
        return "finished anyway"


class CustomInitAgent(GreenletA2AAgent):
    """A subclass whose __init__ takes none of the base arguments."""

    def __init__(self):
        super().__init__(agent_id="custom-default", capabilities=["custom"])

    def process(self, data):
        return {"agent_id": self.agent_id}


class BackgroundAgent(GreenletA2AAgent):
    """Runs a background greenlet that ticks every 10 ms, even while no message is in flight."""

    def on_start(self):
        self.ticks = 0
        gevent.spawn(self._tick)

    def _tick(self):
        while True:
            gevent.sleep(0.01)
            self.ticks += 1

    def process(self, data):
        return {"ticks": self.ticks}


class RawSwitchAgent(GreenletA2AAgent):
    """Waits inside a child greenlet it switches to by hand (no Hub.switch from the runner)."""

    def process(self, data):
        from greenlet import greenlet

        done = []

        def child():
            gevent.sleep(data["sleep_ms"] / 1000.0)
            done.append(True)

        greenlet(child).switch()  # returns here when child finishes (it is child's parent)
        return {"done": done == [True]}


class ThreadpoolAgent(GreenletA2AAgent):
    """Offloads blocking work to gevent's threadpool (the advice for CPU-bound or blocking C code)."""

    def process(self, data):
        import time

        gevent.get_hub().threadpool.apply(time.sleep, (data["sleep_ms"] / 1000.0,))
        return {"slept_ms": data["sleep_ms"]}


class SpinAgent(GreenletA2AAgent):
    """Spins without ever yielding and without looking at its parent (unlike cpu_agent): agent
    code that blocks the hub for good."""

    def process(self, data):
        end = time.monotonic() + data.get("spin_ms", 600000) / 1000.0
        while time.monotonic() < end:
            pass
        return "spun"


class LeakyTimeoutAgent(GreenletA2AAgent):
    """Starts a gevent.Timeout and never cancels it (a common agent bug): it fires later into
    whatever the runner greenlet is doing then, usually parked waiting for its next message."""

    def process(self, data):
        if data == "leak":
            gevent.Timeout(0.05).start()
            return "leaked"
        if data == "nap":
            gevent.sleep(0.2)  # past the leaked timeout: the hub runs it meanwhile
        return data


class ChildProcessAgent(GreenletA2AAgent):
    """Starts child processes the way careless agent code does: inheriting fds 0, 1 and 2.

    ``{"spawn": [argv]}`` starts a child (no wait) and returns its pid; ``{"poll": pid}``
    returns its exit code (``None`` while it runs); ``{"fork_sleep_s": n}`` forks a child that
    sleeps ``n`` s without exec (it keeps every fd the worker had) and returns its pid;
    ``{"run": [argv], "close_fds": bool}`` runs a command and returns its stdout.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.children = {}

    def process(self, data):
        import os
        import subprocess

        if "spawn" in data:
            child = subprocess.Popen(data["spawn"], stdout=subprocess.DEVNULL)
            self.children[child.pid] = child
            return child.pid
        if "poll" in data:
            return self.children[data["poll"]].poll()
        if "fork_sleep_s" in data:
            pid = os.fork()
            if pid == 0:
                os.setsid()
                time.sleep(data["fork_sleep_s"])  # the real sleep: gevent is not monkey-patched here
                os._exit(0)
            return pid
        if "run" in data:
            out = subprocess.run(data["run"], stdout=subprocess.PIPE, close_fds=data.get("close_fds", True))
            return out.stdout.decode()
        return data


class ForkProbeAgent(GreenletA2AAgent):
    """``{"fork_probe_s": n}`` forks a child that runs the copied gevent hub for ``n`` s and then
    exits 7, unless something (the worker's copied reader) ends it first; returns the child's
    exit code. Anything else is echoed."""

    def process(self, data):
        import os

        if not isinstance(data, dict) or "fork_probe_s" not in data:
            return data
        pid = os.fork()
        if pid == 0:
            gevent.sleep(data["fork_probe_s"])  # the copied reader must stay parked meanwhile
            os._exit(7)
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            gevent.sleep(0.01)


class BigNumberAgent(GreenletA2AAgent):
    """Given ``{"kind": ...}``, returns a number JSON can write but the host's doubles cannot
    read back unchanged (``kind`` "safe": the largest one they can); anything else is echoed."""

    def process(self, data):
        if not (isinstance(data, dict) and "kind" in data):
            return data
        kind = data["kind"]
        value = {"huge": 10 ** 400, "past_2_53": 2 ** 53 + 1, "inf": float("inf"), "nan": float("nan")}.get(kind, 2 ** 53 - 1)
        return {"ok": True, "x": [0, {"y": value}]}


class EnvAgent(GreenletA2AAgent):
    """Returns the names of its environment variables that start with ``data["prefix"]`` (secrets tests)."""

    def process(self, data):
        import os

        prefix = data.get("prefix", "") if isinstance(data, dict) else ""
        return sorted(k for k in os.environ if k.startswith(prefix))
