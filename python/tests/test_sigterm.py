"""SIGTERM from outside (systemd's default KillMode=control-group signals every process of the
service, workers included) must not cut a running message short: the host drains the worker.
Once the host has asked the worker to stop (agent.stop), SIGTERM is its escalation and ends the
worker at once, as does SIGTERM to a worker whose hub is blocked."""
from __future__ import annotations

import os
import signal
import time

import pytest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")


def test_sigterm_before_agent_stop_is_ignored_and_the_running_message_answers(spawn):
    w = spawn()
    w.send({"type": "agent.process", "id": "slow", "data": {"sleep_ms": 1500, "n": 7}})
    assert w.request({"type": "agent.ping", "id": "p"})["in_flight"] == 1  # the message is running
    os.kill(w.proc.pid, signal.SIGTERM)
    w.wait_stderr("SIGTERM ignored")
    reply = w.reply("slow")
    assert reply["type"] == "agent.result" and reply["result"] == {"sleep_ms": 1500, "n": 7}
    assert w.process("after", {"x": 1})["result"] == {"x": 1}  # still serving
    assert w.proc.poll() is None
    assert len([line for line in w.stderr_lines if "SIGTERM" in line]) == 1  # one line per signal


def test_sigterm_to_an_idle_worker_is_ignored_too(spawn):
    w = spawn()
    os.kill(w.proc.pid, signal.SIGTERM)  # the reader sleeps in read(): idle, not a blocked hub
    w.wait_stderr("SIGTERM ignored")
    assert w.process("1", "still here")["result"] == "still here"


def test_after_agent_stop_sigterm_ends_the_worker_without_waiting_for_the_drain(spawn):
    w = spawn()
    w.send({"type": "agent.process", "id": "slow", "data": {"sleep_ms": 600000}},
           {"type": "agent.stop", "id": "s", "timeout_ms": 600000})
    w.request({"type": "agent.ping", "id": "p"})  # answered after agent.stop was read: it is draining
    os.kill(w.proc.pid, signal.SIGTERM)
    # The drain would last 10 minutes; the worker dies by the signal itself, as it did before.
    assert w.wait_exit() == -signal.SIGTERM
    assert not any(f.get("id") in ("slow", "s") for f in w.frames)


def test_sigterm_to_a_worker_whose_hub_is_blocked_ends_it(spawn):
    # A hub that never yields cannot read a waiting agent.stop; the host's escalation must not
    # then wait for its SIGKILL grace.
    w = spawn("cpu_agent:CpuAgent")
    w.send({"type": "agent.process", "id": "spin", "data": {"spin_ms": 600000}},
           {"type": "agent.stop", "id": "s", "timeout_ms": 0})
    w.wait_stderr("spinning for")
    time.sleep(1.0)  # let the hub miss its ticks (set-up only; nothing below is timed)
    os.kill(w.proc.pid, signal.SIGTERM)
    assert w.wait_exit() == -signal.SIGTERM
    assert any("SIGTERM: exiting (hub blocked" in line for line in w.stderr_lines)
