"""Control frames: ping, metrics, cancel, stop."""
import time

from conftest import errors_of


def test_ping_is_answered_while_messages_sleep(spawn):
    w = spawn()
    ids = ["s%d" % i for i in range(50)]
    w.send(*({"type": "agent.process", "id": mid, "data": {"sleep_ms": 1000}} for mid in ids))
    pong = w.request({"type": "agent.ping", "id": "p"})
    assert pong["type"] == "agent.pong"
    assert pong["in_flight"] == 50
    assert pong["queue_size"] == 0
    assert isinstance(pong["loop_lag_ms"], (int, float)) and pong["loop_lag_ms"] >= 0
    results_before_pong = [f for f in w.frames[: w.frames.index(pong)] if f.get("id") in ids]
    assert results_before_pong == []
    w.replies(ids)


def test_pong_reports_loop_lag_after_the_hub_was_blocked(spawn):
    w = spawn("cpu_agent:CpuAgent")
    w.send({"type": "agent.process", "id": "spin", "data": {"spin_ms": 1500}})
    w.wait_stderr("cpu_agent: spinning")  # the spin has started, so the ping queues behind it
    w.send({"type": "agent.ping", "id": "p"})
    pong = w.reply("p")
    assert w.frames.index(w.reply("spin")) < w.frames.index(pong)  # the hub could not answer earlier
    assert pong["loop_lag_ms"] > 500  # the hub was blocked ~1.5 s; lag >= block - one tick


def test_metrics_count_process_messages_only(spawn):
    w = spawn()
    for i in range(3):
        w.process("p%d" % i, i)
    for i in range(4):
        w.request({"type": "agent.ping", "id": "ping%d" % i})
    w.request({"type": "agent.cancel", "id": "c", "target": "nothing"})
    w.metrics("m1")
    metrics = w.metrics("m2")
    assert metrics["messages_received"] == 3
    assert metrics["messages_sent"] == 3
    assert metrics["errors"] == 0
    assert metrics["rss_bytes"] > 1_000_000
    assert metrics["uptime_s"] >= 0
    assert metrics["queue_size"] == 0 and metrics["in_flight"] == 0
    assert metrics["max_queue_size"] == 100 and metrics["concurrency"] == 100
    assert metrics["loop_lag_ms"] >= 0


def test_cancel_running_message(spawn):
    w = spawn()
    w.send({"type": "agent.process", "id": "long", "data": {"sleep_ms": 10000}})
    ack = w.request({"type": "agent.cancel", "id": "c1", "target": "long"})
    assert ack["result"] == {"cancelled": True}
    assert w.reply("long")["error"]["code"] == "cancelled"
    assert w.metrics()["in_flight"] == 0


def test_cancel_queued_message_leaves_the_running_one_alone(spawn):
    w = spawn(concurrency=1)
    w.send({"type": "agent.process", "id": "run", "data": {"sleep_ms": 300}},
           {"type": "agent.process", "id": "wait", "data": {"x": 1}})
    ack = w.request({"type": "agent.cancel", "id": "c", "target": "wait"})
    assert ack["result"] == {"cancelled": True}
    assert errors_of(w.replies(["run", "wait"])) == {"run": None, "wait": "cancelled"}
    assert w.metrics()["queue_size"] == 0


def test_cancel_unknown_or_finished_target_reports_false(spawn):
    w = spawn()
    w.process("done", 1)
    assert w.request({"type": "agent.cancel", "id": "c1", "target": "done"})["result"] == {"cancelled": False}
    assert w.request({"type": "agent.cancel", "id": "c2", "target": "never"})["result"] == {"cancelled": False}


def test_stop_drains_in_flight_and_queued_work_then_exits_0(spawn):
    w = spawn(concurrency=3)
    ids = ["d%d" % i for i in range(5)]
    w.send(*({"type": "agent.process", "id": mid, "data": {"sleep_ms": 200}} for mid in ids))
    w.send({"type": "agent.stop", "id": "stop"}, {"type": "agent.process", "id": "late", "data": 1})
    stopped = w.reply("stop")
    assert stopped["type"] == "agent.stopped"
    assert stopped["drained"] == 5
    assert stopped["abandoned"] == 0
    replies = w.replies(ids)
    assert all(r["type"] == "agent.result" for r in replies.values())
    assert all(w.frames.index(r) < w.frames.index(stopped) for r in replies.values())
    assert w.reply("late")["error"]["code"] == "stopping"
    assert w.wait_exit() == 0


def test_stop_timeout_ends_what_is_left_as_stopping(spawn):
    w = spawn()
    w.send({"type": "agent.process", "id": "forever", "data": {"sleep_ms": 60000}},
           {"type": "agent.stop", "id": "stop", "timeout_ms": 100})
    # "stopping" (retryable elsewhere), not "cancelled": nobody cancelled this message.
    assert w.reply("forever")["error"]["code"] == "stopping"
    stopped = w.reply("stop")
    assert stopped["abandoned"] == 1 and stopped["drained"] == 0
    assert w.wait_exit() == 0


def test_stop_of_an_idle_worker_with_stdin_closed(spawn):
    w = spawn()
    w.send({"type": "agent.stop", "id": "s"})
    w.proc.stdin.close()
    assert w.reply("s")["type"] == "agent.stopped"
    assert w.wait_exit() == 0


def test_background_greenlets_keep_running_while_the_worker_is_idle(spawn):
    w = spawn("fixture_agents:BackgroundAgent")
    first = w.process("a", None)["result"]["ticks"]
    time.sleep(0.5)  # idle: no frame arrives, the agent's own greenlet must still be scheduled
    second = w.process("b", None)["result"]["ticks"]
    assert second - first >= 5  # ~50 expected; a worker asleep in read() would show ~0


def test_idle_time_is_not_reported_as_loop_lag(spawn):
    w = spawn()
    w.process("warm", 1)
    time.sleep(0.6)
    assert w.request({"type": "agent.ping", "id": "p"})["loop_lag_ms"] < 300


def test_stop_then_stdin_closed_still_delivers_every_drained_reply(spawn):
    w = spawn()
    ids = ["e%d" % i for i in range(5)]
    w.send(*({"type": "agent.process", "id": mid, "data": {"sleep_ms": 300}} for mid in ids))
    w.send({"type": "agent.stop", "id": "s"})
    w.proc.stdin.close()  # the host stops and hangs up at once; the drain must still report
    started = time.monotonic()
    assert all(r["type"] == "agent.result" for r in w.replies(ids).values())
    assert w.reply("s")["drained"] == 5
    assert w.wait_exit() == 0
    assert time.monotonic() - started < 4.0  # not stuck until the 5 s flush give-up


def test_reader_is_not_stranded_by_an_agent_that_switches_greenlets_by_hand(spawn):
    w = spawn("fixture_agents:RawSwitchAgent")
    w.send({"type": "agent.process", "id": "raw", "data": {"sleep_ms": 1500}})
    pong = w.request({"type": "agent.ping", "id": "p"})
    assert pong["in_flight"] == 1
    result = w.reply("raw")
    assert result["result"] == {"done": True}
    assert w.frames.index(pong) < w.frames.index(result)
