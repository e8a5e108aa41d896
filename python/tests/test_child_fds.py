"""Agent subprocesses must not touch the protocol channel: fd 0 is the null device, the
private fds are close-on-exec, and a plain fork does not keep the host's pipes open."""
from __future__ import annotations

import os
import signal
import sys
import time

import pytest
from conftest import WAIT_S

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc and uses fork")

AGENT = "fixture_agents:ChildProcessAgent"


def test_a_child_reading_stdin_does_not_swallow_frames(spawn):
    w = spawn(AGENT)
    # cat reads its stdin until end of file. With the host's pipe as its fd 0 it races the
    # worker for every frame; with the null device it ends at once.
    cat = w.process("spawn", {"spawn": ["cat"]})["result"]
    try:
        for i in range(10):
            time.sleep(0.02)  # let both readers park on the pipe, as between real requests
            assert w.request({"type": "agent.process", "id": "m%d" % i, "data": {"i": i}}, timeout=5)["result"] == {"i": i}
        assert w.process("poll", {"poll": cat})["result"] == 0  # cat saw end of file and exited
    finally:
        _kill(cat)


def test_a_child_sees_the_null_device_as_stdin_and_no_protocol_fds(spawn):
    w = spawn(AGENT)
    assert w.process("in", {"run": ["readlink", "/proc/self/fd/0"]})["result"].strip() == "/dev/null"
    # close_fds=False: only close-on-exec keeps the private fds out of the child.
    listing = w.process("fds", {"run": ["ls", "/proc/self/fd"], "close_fds": False})["result"].split()
    assert sorted(int(fd) for fd in listing if int(fd) > 2) == [3]  # 3 is ls's own directory handle


def test_a_forked_child_does_not_keep_the_host_pipes_open(spawn):
    w = spawn(AGENT)
    child = w.process("fork", {"fork_sleep_s": 300})["result"]
    try:
        assert w.process("after", {"ok": 1})["result"] == {"ok": 1}
        w.proc.send_signal(signal.SIGKILL)
        w.proc.wait(WAIT_S)
        # The reader thread ends at end of file on stdout: no process (the forked child
        # included) may still hold the pipe's write end.
        w._threads[0].join(10)
        assert not w._threads[0].is_alive(), "stdout still open after the worker died"
    finally:
        _kill(child)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:  # reap our grandchild if it was reparented to us; ignore otherwise
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        time.sleep(0.01)


def test_a_forked_child_running_the_hub_neither_steals_frames_nor_is_ended(spawn):
    w = spawn("fixture_agents:ForkProbeAgent")
    w.send({"type": "agent.process", "id": "probe", "data": {"fork_probe_s": 1.0}})
    for i in range(10):  # while the child's copy of the reader is alive
        time.sleep(0.02)
        assert w.request({"type": "agent.process", "id": "m%d" % i, "data": {"i": i}}, timeout=5)["result"] == {"i": i}
    assert w.reply("probe")["result"] == 7  # the child ran to its own end
