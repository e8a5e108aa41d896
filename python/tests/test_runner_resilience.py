"""Agent code must not be able to break the worker's own greenlets: an exception thrown into
a runner while it is parked between messages (a leaked gevent.Timeout) must not kill it,
or the next message handed to that dead runner is never answered."""
from __future__ import annotations

import time


def _burst(w, ids):
    w.send(*[{"type": "agent.process", "id": str(i), "data": i} for i in ids])
    return [w.reply(str(i)).get("result") for i in ids]


def test_leaked_timeout_firing_into_a_runner_parked_with_the_reader(spawn):
    w = spawn("fixture_agents:LeakyTimeoutAgent")
    assert w.process("leak", "leak")["result"] == "leaked"  # direct start: the runner parks on the reader
    time.sleep(0.3)  # not an assertion: lets the leaked 50 ms timeout fire while the worker is idle
    assert w.process("1", "one")["result"] == "one"
    assert _burst(w, range(2, 12)) == list(range(2, 12))
    m = w.metrics()
    assert m["in_flight"] == 0 and m["messages_sent"] == m["messages_received"] == 12


def test_leaked_timeout_firing_into_a_runner_parked_on_the_hub(spawn):
    w = spawn("fixture_agents:LeakyTimeoutAgent")
    # Two at once: "b" runs on a second runner, leaks, and parks on the hub while "a" naps.
    w.send({"type": "agent.process", "id": "a", "data": "nap"}, {"type": "agent.process", "id": "b", "data": "leak"})
    assert w.reply("b")["result"] == "leaked"
    assert w.reply("a")["result"] == "nap"  # the leaked timeout fired during the nap
    # Concurrent naps need every parked runner, the one the timeout hit included.
    naps = ["n%d" % i for i in range(5)]
    w.send(*[{"type": "agent.process", "id": n, "data": "nap"} for n in naps])
    assert [w.reply(n).get("result") for n in naps] == ["nap"] * 5
    assert _burst(w, range(10)) == list(range(10))
    m = w.metrics()
    assert m["in_flight"] == 0 and m["messages_sent"] == m["messages_received"] == 17
