"""The protocol channel: protected from stray output, robust to malformed frames, batched."""
import json


def test_noisy_agent_never_corrupts_the_channel(spawn):
    w = spawn("noisy_agent:NoisyAgent")
    ids = ["n%d" % i for i in range(50)]
    w.send(*({"type": "agent.process", "id": mid, "data": {"lines": 20, "i": i}} for i, mid in enumerate(ids)))
    replies = w.replies(ids)
    assert [replies[mid]["result"]["i"] for mid in ids] == list(range(50))
    assert w.bad_lines == []  # every stdout line parsed as a frame
    assert not any(f.get("id") == "forged" for f in w.frames)
    w.wait_stderr("noisy raw fd-1 write")
    w.wait_stderr("noisy print line 20 of 20")
    w.wait_stderr('"id":"forged"')


def test_malformed_json_with_an_id_gets_bad_request(spawn):
    w = spawn()
    w.send_raw(b'{"type":"agent.process","id":"broken", "data": {oops}\n')
    err = w.reply("broken")
    assert err["error"]["code"] == "bad_request"
    assert "invalid JSON" in err["error"]["message"]


def test_garbage_without_an_id_is_logged_and_ignored(spawn):
    w = spawn()
    w.send_raw(b"this is not json\n[1,2,3]\n{\"type\":\"agent.ping\"}\n\n")
    w.wait_stderr("bad frame ignored")
    assert w.process("after", 1)["result"] == 1  # still serving
    assert [f["type"] for f in w.frames] == ["agent.register", "agent.result"]


def test_unknown_type_gets_bad_request(spawn):
    w = spawn()
    err = w.request({"type": "agent.dance", "id": "x"})
    assert err["error"]["code"] == "bad_request"
    assert "agent.dance" in err["error"]["message"]


def test_bad_field_values_get_bad_request(spawn):
    w = spawn()
    assert w.request({"type": "agent.process", "id": "d", "data": 1, "deadline_ms": "soon"})["error"]["code"] == "bad_request"
    assert w.request({"type": "agent.stop", "id": "s", "timeout_ms": -5})["error"]["code"] == "bad_request"
    assert w.process("ok", 2)["result"] == 2  # a rejected stop does not stop the worker


def test_frames_split_across_writes_and_batched_in_one_write(spawn):
    w = spawn(concurrency=5000)
    frame = json.dumps({"type": "agent.process", "id": "split", "data": "x" * 300000}).encode() + b"\n"
    w.send_raw(frame[:10])
    w.send_raw(frame[10:150000])
    w.send_raw(frame[150000:])
    assert w.reply("split")["result"] == "x" * 300000
    many = b"".join(json.dumps({"type": "agent.process", "id": "b%d" % i, "data": i}).encode() + b"\n"
                    for i in range(2000))
    w.send_raw(many)
    replies = w.replies(["b%d" % i for i in range(2000)])
    assert [replies["b%d" % i]["result"] for i in range(2000)] == list(range(2000))


def test_crlf_line_endings_are_accepted(spawn):
    w = spawn()
    w.send_raw(b'{"type":"agent.process","id":"crlf","data":5}\r\n')
    assert w.reply("crlf")["result"] == 5


def test_output_during_import_and_from_child_processes_goes_to_stderr(spawn):
    w = spawn("loud_import_agent:LoudImportAgent")
    assert w.frames[0]["type"] == "agent.register"
    assert w.process("c", {"x": 1})["result"] == {"x": 1}
    w.wait_stderr("loud_import_agent: print() during import")
    w.wait_stderr("loud_import_agent: raw fd-1 write during import")
    w.wait_stderr("loud_import_agent: child process stdout")
    assert w.bad_lines == []
