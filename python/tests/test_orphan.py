"""A worker must not outlive its host. The test starts a small parent process (the "host")
that launches a real worker over pipes, puts it in a given state, reports the worker's pid
and then is SIGKILLed. The worker must exit by itself (seen as gone or a zombie)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import PYTHONPATH, WAIT_S

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX parent death (SIGKILL, reparenting)")

# The host: starts the worker, waits for agent.register, sends the scenario's frames, prints the
# worker pid (and "ready") and then sleeps until it is killed. It never reads stdout again after
# the register frame when the scenario is "full_pipe", so the worker's writes fill the pipe.
HOST = textwrap.dedent(r'''
    import json, os, subprocess, sys, time
    config, scenario = sys.argv[1], sys.argv[2]
    w = subprocess.Popen([sys.executable, "-u", "-m", "greenlet_a2a.worker", "--config", config],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
    line = w.stdout.readline()
    assert b"agent.register" in line, line
    def send(*frames):
        w.stdin.write(b"".join(json.dumps(f).encode() + b"\n" for f in frames))
    if scenario == "busy":
        send({"type": "agent.process", "id": "1", "data": {"sleep_ms": 600000}})
    elif scenario == "cpu":
        send({"type": "agent.process", "id": "1", "data": {"spin_ms": 600000}})
    elif scenario == "draining":
        send({"type": "agent.process", "id": "1", "data": {"sleep_ms": 600000}},
             {"type": "agent.stop", "id": "2", "timeout_ms": 600000})
    elif scenario == "full_pipe":
        big = "x" * 65536
        send(*[{"type": "agent.process", "id": str(i), "data": big} for i in range(64)])
    if scenario == "cpu":
        time.sleep(1.0)  # a blocked hub answers nothing: just let it start spinning
    elif scenario in ("busy", "draining"):
        # Let the frames be read and the work start before the host dies.
        send({"type": "agent.ping", "id": "p"})
        while b'"p"' not in w.stdout.readline():
            pass
    elif scenario == "full_pipe":
        w.stdout.read(1000)  # the worker started answering; then nobody reads any more
        time.sleep(0.5)
    sys.stdout.write("%d\n" % w.pid)
    sys.stdout.flush()
    time.sleep(3600)
''')


def _gone(pid: int) -> bool:
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("scenario,agent,patch", [
    ("idle", "echo_agent:EchoAgent", False),
    ("busy", "echo_agent:EchoAgent", False),
    ("draining", "echo_agent:EchoAgent", False),
    ("full_pipe", "echo_agent:EchoAgent", False),
    ("cpu", "fixture_agents:SpinAgent", False),
    ("cpu", "fixture_agents:SpinAgent", True),  # the watchdog must survive gevent's monkey-patching
])
def test_worker_exits_when_its_host_is_killed(scenario, agent, patch):
    env = dict(os.environ, PYTHONPATH=PYTHONPATH, PYTHONUNBUFFERED="1")
    config = json.dumps({"agent": agent, "monkey_patch": patch})
    host = subprocess.Popen([sys.executable, "-c", HOST, config, scenario],
                            stdout=subprocess.PIPE, env=env)
    pid = None
    try:
        pid = int(host.stdout.readline() or b"0")
        assert pid > 0, "host did not start its worker"
        assert not _gone(pid)
        host.send_signal(signal.SIGKILL)
        host.wait(WAIT_S)
        deadline = time.monotonic() + WAIT_S  # a guard for a loaded machine, not a speed check
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(pid), "worker %d (%s) outlived its killed host" % (pid, scenario)
    finally:
        if host.poll() is None:
            host.kill()
            host.wait(WAIT_S)
        if pid and not _gone(pid):
            os.kill(pid, signal.SIGKILL)
