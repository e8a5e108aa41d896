"""A seeded mix of every frame kind, sent in bursts: each request gets exactly one reply."""
import collections
import random

import pytest


def _frames(rng, n):
    frames, process_ids = [], []
    for i in range(n):
        mid, r = "m%d" % i, rng.random()
        if r < 0.45:
            frame = {"type": "agent.process", "id": mid, "data": {"i": i}}
        elif r < 0.62:
            frame = {"type": "agent.process", "id": mid, "data": {"sleep_ms": rng.choice([0, 1, 5, 40])},
                     "deadline_ms": rng.choice([0, 2, 30, 1000])}
        elif r < 0.7:
            frame = {"type": "agent.process", "id": mid, "data": {"fail": True}}
        elif r < 0.8 and process_ids:
            frame = {"type": "agent.cancel", "id": mid, "target": rng.choice(process_ids)}
        elif r < 0.88:
            frame = {"type": "agent.ping", "id": mid}
        elif r < 0.92:
            frame = {"type": "agent.metrics", "id": mid}
        else:
            frame = {"type": "agent.process", "id": mid, "data": [i, "é" * rng.randint(0, 3000)]}
        if frame["type"] == "agent.process":
            process_ids.append(mid)
        frames.append(frame)
    return frames, process_ids


@pytest.mark.parametrize("seed,concurrency,max_queue", [(1, 1, 0), (2, 2, 5), (3, 10, 100), (4, 100, 1000)])
def test_every_request_gets_exactly_one_reply(spawn, seed, concurrency, max_queue):
    rng = random.Random(seed)
    w = spawn(concurrency=concurrency, max_queue_size=max_queue)
    frames, process_ids = _frames(rng, 1500)
    for start in range(0, len(frames), 97):  # bursts of varying alignment
        w.send(*frames[start:start + 97])
    w.replies([f["id"] for f in frames])
    metrics = w.metrics("final")
    counts = collections.Counter(f.get("id") for f in w.frames if f["type"] != "agent.register")
    assert all(counts[f["id"]] == 1 for f in frames)
    assert w.bad_lines == []
    assert metrics["messages_received"] == len(process_ids) == metrics["messages_sent"]
    assert metrics["in_flight"] == 0 and metrics["queue_size"] == 0
    assert not any("internal error" in line for line in w.stderr_lines)
