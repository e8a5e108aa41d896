"""Test harness: spawns the REAL worker (`python -u -m greenlet_a2a.worker`) and speaks the
protocol over its pipes. Reader threads collect stdout frames and stderr lines so tests can
wait for replies by id without ever blocking on a pipe."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest

PYTHON_DIR = Path(__file__).resolve().parent.parent
PYTHONPATH = os.pathsep.join(str(p) for p in (PYTHON_DIR, PYTHON_DIR / "examples", PYTHON_DIR / "tests" / "agents"))
# In-process tests (test_codec.py) import the package itself, from this checkout, not an install.
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))
WAIT_S = 20.0  # generous guard for a loaded 2-core machine; never a performance assertion


class Worker:
    def __init__(self, config: Dict[str, Any], wait_register: bool = True, python: str = sys.executable) -> None:
        env = dict(os.environ, PYTHONPATH=PYTHONPATH, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [python, "-u", "-m", "greenlet_a2a.worker", "--config", json.dumps(config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, bufsize=0,
        )
        self.frames: List[dict] = []
        self.bad_lines: List[bytes] = []
        self.stderr_lines: List[str] = []
        self._cond = threading.Condition()
        self._threads = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for t in self._threads:
            t.start()
        self.register = self.wait_for(lambda f: f.get("type") == "agent.register") if wait_register else None

    def _read_stdout(self) -> None:
        for line in self.proc.stdout:
            with self._cond:
                try:
                    frame = json.loads(line)
                    assert isinstance(frame, dict)
                    self.frames.append(frame)
                except (ValueError, AssertionError):
                    self.bad_lines.append(line)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            with self._cond:
                self.stderr_lines.append(line.decode("utf-8", "replace").rstrip("\n"))
                self._cond.notify_all()

    # ---- sending -------------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, *frames: dict) -> None:
        self.send_raw(b"".join(json.dumps(f).encode() + b"\n" for f in frames))

    def request(self, frame: dict, timeout: float = WAIT_S) -> dict:
        self.send(frame)
        return self.reply(frame["id"], timeout)

    def process(self, mid: str, data: Any, **extra: Any) -> dict:
        return self.request({"type": "agent.process", "id": mid, "data": data, **extra})

    # ---- waiting -------------------------------------------------------------------------
    def wait_for(self, pred: Callable[[dict], bool], timeout: float = WAIT_S) -> dict:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for f in self.frames:
                    if pred(f):
                        return f
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._threads[0].is_alive()):
                    raise AssertionError("no matching frame; got %r; stderr tail %r"
                                         % (self.frames[-5:], self.stderr_lines[-10:]))
                self._cond.wait(min(left, 0.5))

    def reply(self, mid: str, timeout: float = WAIT_S) -> dict:
        return self.wait_for(lambda f: f.get("id") == mid and f.get("type") != "agent.register", timeout)

    def replies(self, ids: List[str], timeout: float = WAIT_S) -> Dict[str, dict]:
        return {mid: self.reply(mid, timeout) for mid in ids}

    def wait_stderr(self, needle: str, timeout: float = WAIT_S) -> str:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.stderr_lines:
                    if needle in line:
                        return line
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("%r not on stderr: %r" % (needle, self.stderr_lines[-20:]))
                self._cond.wait(min(left, 0.5))

    def wait_exit(self, timeout: float = WAIT_S) -> int:
        code = self.proc.wait(timeout)
        for t in self._threads:
            t.join(timeout)
        return code

    def metrics(self, mid: str = "m") -> dict:
        return self.request({"type": "agent.metrics", "id": mid})["metrics"]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(WAIT_S)
        for t in self._threads:  # they end at EOF; closing a pipe under them would race
            t.join(WAIT_S)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass


@pytest.fixture
def spawn():
    workers: List[Worker] = []

    def _spawn(agent: str = "echo_agent:EchoAgent", wait_register: bool = True, python: str = sys.executable,
               **config: Any) -> Worker:
        w = Worker({"agent": agent, **config}, wait_register=wait_register, python=python)
        workers.append(w)
        return w

    yield _spawn
    for w in workers:
        w.close()


def errors_of(frames: Dict[str, dict]) -> Dict[str, Optional[str]]:
    return {mid: (f.get("error") or {}).get("code") for mid, f in frames.items()}
