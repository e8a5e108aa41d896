"""agent.process: results, concurrency, the bounded queue, agent errors, deadlines."""
import time

from conftest import errors_of


def test_echo_returns_the_input_data(spawn):
    w = spawn()
    samples = [{"a": 1, "nested": [1, 2, {"b": None}]}, [1, "two", 3.5], "text é 漢字 \u2028", 42, None, True]
    for i, data in enumerate(samples):
        reply = w.process("m%d" % i, data)
        assert reply["type"] == "agent.result"
        assert reply["result"] == data
        assert reply["duration_ms"] >= 0


def test_sleeping_messages_run_concurrently(spawn):
    w = spawn(concurrency=200)
    ids = ["s%d" % i for i in range(200)]
    started = time.monotonic()
    w.send(*({"type": "agent.process", "id": mid, "data": {"sleep_ms": 100, "i": i}} for i, mid in enumerate(ids)))
    replies = w.replies(ids)
    elapsed = time.monotonic() - started
    assert [replies[mid]["result"]["i"] for mid in ids] == list(range(200))
    assert all(r["type"] == "agent.result" for r in replies.values())
    assert elapsed < 20.0 / 4  # serial would take 20 s; concurrent takes ~0.1 s (huge margin)


def test_queue_full_beyond_concurrency_plus_queue(spawn):
    w = spawn(concurrency=2, max_queue_size=3)
    ids = ["q%d" % i for i in range(8)]
    w.send(*({"type": "agent.process", "id": mid, "data": {"sleep_ms": 300}} for mid in ids))
    codes = errors_of(w.replies(ids))
    assert [codes[mid] for mid in ids] == [None] * 5 + ["queue_full"] * 3  # 2 running + 3 queued
    full = w.reply("q7")["error"]["message"]
    assert "queue is full" in full


def test_queued_messages_run_when_slots_free(spawn):
    w = spawn(concurrency=1, max_queue_size=10)
    ids = ["q%d" % i for i in range(6)]
    w.send(*({"type": "agent.process", "id": mid, "data": {"sleep_ms": 20, "i": i}} for i, mid in enumerate(ids)))
    replies = w.replies(ids)
    assert [replies[mid]["result"]["i"] for mid in ids] == list(range(6))
    assert w.metrics()["in_flight"] == 0


def test_agent_exception_is_answered_and_the_worker_keeps_serving(spawn):
    w = spawn()
    err = w.process("bad", {"fail": True, "message": "model exploded"})
    assert err["type"] == "agent.error"
    assert err["error"]["code"] == "agent_exception"
    assert err["error"]["message"] == "RuntimeError: model exploded"
    assert "echo_agent.py" in err["error"]["traceback"]
    assert "RuntimeError: model exploded" in err["error"]["traceback"]
    assert w.process("good", {"x": 1})["result"] == {"x": 1}
    metrics = w.metrics()
    assert metrics["errors"] == 1
    assert metrics["messages_sent"] == 2


def test_unserializable_result_is_reported(spawn):
    w = spawn("fixture_agents:UnserializableAgent")
    err = w.process("u", None)
    assert err["error"]["code"] == "unserializable_result"
    assert "set" in err["error"]["message"]


def test_nan_result_is_unserializable_not_invalid_json(spawn):
    w = spawn()
    w.send_raw(b'{"type":"agent.process","id":"nan","data":NaN}\n')
    assert w.reply("nan")["error"]["code"] == "unserializable_result"
    assert w.bad_lines == []


def test_deadline_answers_timeout_and_kills_the_greenlet(spawn):
    w = spawn()
    err = w.process("slow", {"sleep_ms": 10000}, deadline_ms=100)
    assert err["error"]["code"] == "timeout"
    assert w.metrics()["in_flight"] == 0  # the greenlet is gone, not just abandoned
    assert w.process("next", 1)["result"] == 1


def test_deadline_reply_does_not_wait_for_an_agent_that_swallows_the_kill(spawn):
    w = spawn("fixture_agents:StubbornAgent")
    w.send({"type": "agent.process", "id": "s", "data": {"sleep_ms": 10000}, "deadline_ms": 50})
    assert w.reply("s")["error"]["code"] == "timeout"
    for i in range(400):  # the swallowed kill finishes its 2 s cleanup, then frees the slot
        if w.metrics("m%d" % i)["in_flight"] == 0:
            break
        time.sleep(0.05)
    assert w.metrics("final")["in_flight"] == 0
    assert [f["type"] for f in w.frames if f.get("id") == "s"] == ["agent.error"]  # one reply only


def test_messages_without_deadline_are_not_limited(spawn):
    w = spawn()
    assert w.process("a", {"sleep_ms": 300})["type"] == "agent.result"


def test_duplicate_in_flight_id_is_a_bad_request(spawn):
    w = spawn()
    w.send({"type": "agent.process", "id": "d", "data": {"sleep_ms": 300}},
           {"type": "agent.process", "id": "d", "data": {"second": True}})
    first = w.reply("d")
    assert first["error"]["code"] == "bad_request"
    assert "duplicate" in first["error"]["message"]
    assert w.wait_for(lambda f: f.get("id") == "d" and f["type"] == "agent.result")["result"] == {"sleep_ms": 300}


def test_deadlines_apply_to_every_concurrent_message(spawn):
    w = spawn()
    ids = ["t%d" % i for i in range(3)]  # the first starts straight from the reader, the rest via the hub
    w.send(*({"type": "agent.process", "id": mid, "data": {"sleep_ms": 10000}, "deadline_ms": 100} for mid in ids))
    assert errors_of(w.replies(ids)) == {mid: "timeout" for mid in ids}
    assert w.metrics()["in_flight"] == 0


def test_fast_messages_are_not_cut_by_their_deadline(spawn):
    w = spawn()
    for i in range(20):
        assert w.process("f%d" % i, {"i": i}, deadline_ms=5000)["result"] == {"i": i}


def test_threadpool_work_completes_while_no_other_frame_arrives(spawn):
    w = spawn("fixture_agents:ThreadpoolAgent")
    reply = w.process("tp", {"sleep_ms": 200})  # nothing else is sent meanwhile
    assert reply["result"] == {"slept_ms": 200}
    assert reply["duration_ms"] < 5000  # finished on its own, not when some later frame woke the worker
