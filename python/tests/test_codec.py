"""Results must reach the host unchanged: numbers a JSON double cannot hold are refused with
where they are (issue 9), instead of arriving rounded or as null."""
import json

import pytest

from greenlet_a2a.codec import MAX_SAFE_INTEGER, UnrepresentableResult, encode_result, find_unrepresentable


@pytest.mark.parametrize("value,why", [
    ({"x": 10 ** 400}, "integer beyond 2^53 at $.x"),
    ([1, {"a b": -(2 ** 53)}], 'integer beyond 2^53 at $[1]["a b"]'),
    ({"deep": [[0, MAX_SAFE_INTEGER + 1]]}, "integer beyond 2^53 at $.deep[0][1]"),
    ({"f": float("inf")}, "non-finite float inf at $.f"),
    ([float("nan")], "non-finite float nan at $[0]"),
])
def test_unrepresentable_numbers_are_refused_with_their_path(value, why):
    with pytest.raises(UnrepresentableResult) as info:
        encode_result(value)
    assert str(info.value) == "result not representable in JSON: " + why


def test_representable_values_encode_as_before():
    value = {"max": MAX_SAFE_INTEGER, "min": -MAX_SAFE_INTEGER, "t": True, "f": 0.1 + 0.2, "big_f": 1.5e300,
             "s": "12345678901234567890 in a string", "k": [None, "x"]}
    assert json.loads(encode_result(value)) == value
    assert find_unrepresentable(value) is None


def test_long_digit_runs_in_strings_or_floats_do_not_refuse():
    assert encode_result(["99999999999999999999", 1234567890123456.8, 1e16]) == '["99999999999999999999",1234567890123456.8,1e+16]'


def test_other_unserialisable_values_keep_their_type_error():
    with pytest.raises(TypeError):
        encode_result({1, 2})


@pytest.mark.parametrize("kind,needle", [
    ("huge", "integer beyond 2^53 at $.x[1].y"),
    ("past_2_53", "integer beyond 2^53 at $.x[1].y"),
    ("inf", "non-finite float inf at $.x[1].y"),
])
def test_worker_fails_the_message_with_an_agent_error_naming_the_value(spawn, kind, needle):
    w = spawn("fixture_agents:BigNumberAgent")
    err = w.process("n-" + kind, {"kind": kind})
    assert err["type"] == "agent.error"
    assert err["error"]["code"] == "unserializable_result"
    assert err["error"]["message"] == "result not representable in JSON: " + needle
    assert w.process("ok", {"kind": "safe"})["result"] == {"ok": True, "x": [0, {"y": MAX_SAFE_INTEGER}]}
    assert w.bad_lines == []
