"""Settings: the host's values where it sends them, one set of fallbacks, frozen."""
import dataclasses

import pytest

from greenlet_a2a import GreenletA2AAgent
from greenlet_a2a.job import JobState
from greenlet_a2a.settings import DEFAULT_MAX_QUEUE_SIZE, BadConfig, Settings


def test_host_values_win_and_missing_ones_fall_back():
    s = Settings.from_config({"concurrency": 3, "max_queue_size": 0})
    assert (s.concurrency, s.max_queue_size, s.lag_interval_ms, s.monkey_patch) == (3, 0, 50, False)
    assert Settings.from_config({}).max_queue_size == DEFAULT_MAX_QUEUE_SIZE == GreenletA2AAgent.max_queue_size


def test_settings_cannot_be_changed_after_the_check():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().concurrency = 0  # type: ignore[misc]


def test_a_bad_value_names_its_field():
    with pytest.raises(BadConfig, match='"lag_interval_ms"'):
        Settings.from_config({"lag_interval_ms": 0})


def test_agent_instances_do_not_share_a_capabilities_list():
    class A(GreenletA2AAgent):
        def process(self, data):
            return data

    a, b = A(), A()
    a.capabilities.append("x")
    assert b.capabilities == [] and A.capabilities == ()


def test_job_states_are_named():
    assert [s.name for s in JobState] == ["QUEUED", "SCHEDULED", "RUNNING", "DONE", "CANCELLED", "TIMED_OUT"]
