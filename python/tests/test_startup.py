"""Start-up: register frame, config handling, and every start-up failure as agent.fatal + exit 3."""
import os
import subprocess
import sys

import pytest


def test_register_frame_announces_the_worker(spawn):
    w = spawn(max_queue_size=7, concurrency=3)
    reg = w.register
    assert reg["type"] == "agent.register"
    assert reg["agent_id"] == "echo"
    assert reg["capabilities"] == ["echo"]
    assert reg["pid"] == w.proc.pid
    assert set(reg["versions"]) == {"python", "greenlet", "gevent"}
    assert all(isinstance(v, str) and v for v in reg["versions"].values())
    assert reg["concurrency"] == 3
    assert reg["max_queue_size"] == 7
    assert w.frames[0] is reg  # register is the first frame on the channel


def test_register_frame_reports_rss_so_the_host_need_not_wait_for_a_sample(spawn):
    w = spawn()
    rss = w.register["rss_bytes"]
    assert isinstance(rss, int) and rss > 1024 * 1024  # an interpreter with gevent loaded is MBs
    assert abs(rss - w.metrics()["rss_bytes"]) < 64 * 1024 * 1024  # the same measure as agent.metrics


def test_config_agent_id_and_capabilities_override_class_defaults(spawn):
    w = spawn(agent_id="w-42", capabilities=["echo", "extra"])
    assert w.register["agent_id"] == "w-42"
    assert w.register["capabilities"] == ["echo", "extra"]


def test_agent_with_its_own_init_signature_still_gets_config_overrides(spawn):
    w = spawn("fixture_agents:CustomInitAgent", agent_id="w-7")
    assert w.register["agent_id"] == "w-7"
    assert w.register["capabilities"] == ["custom"]
    assert w.process("1", None)["result"] == {"agent_id": "w-7"}


def _fatal(w):
    frame = w.wait_for(lambda f: f.get("type") == "agent.fatal")
    assert w.wait_exit() == 3
    return frame["error"]


def test_import_error_is_reported_with_the_real_text_and_exit_code_3(spawn):
    w = spawn("bad_import_agent:BadImportAgent", wait_register=False)
    error = _fatal(w)
    assert error["code"] == "import_failed"
    assert "No module named 'greenlet_a2a_missing_dependency'" in error["message"]
    assert "ModuleNotFoundError" in error["traceback"]
    assert "bad_import_agent.py" in error["traceback"]
    assert any("No module named 'greenlet_a2a_missing_dependency'" in line for line in w.stderr_lines)
    assert not any(f.get("type") == "agent.register" for f in w.frames)


def test_missing_module_is_an_import_failure(spawn):
    error = _fatal(spawn("no_such_agent_module:Agent", wait_register=False))
    assert error["code"] == "import_failed"
    assert "no_such_agent_module" in error["message"]


def test_missing_class_is_an_import_failure(spawn):
    error = _fatal(spawn("echo_agent:NoSuchClass", wait_register=False))
    assert error["code"] == "import_failed"
    assert "NoSuchClass" in error["message"]


def test_class_without_process_is_rejected(spawn):
    error = _fatal(spawn("fixture_agents:NotAnAgent", wait_register=False))
    assert error["code"] == "import_failed"
    assert "process" in error["message"]


def test_constructor_exception_is_reported(spawn):
    error = _fatal(spawn("fixture_agents:InitFailAgent", wait_register=False))
    assert error["code"] == "agent_init_failed"
    assert "InitFailAgent refuses to start: missing API key" in error["message"]


def test_on_start_exception_is_reported(spawn):
    error = _fatal(spawn("fixture_agents:StartFailAgent", wait_register=False))
    assert error["code"] == "start_failed"
    assert "cannot reach the model server" in error["message"]


@pytest.mark.parametrize("config", [
    {"concurrency": 0}, {"max_queue_size": -1}, {"capabilities": "echo"}, {"monkey_patch": "yes"},
    {"agent_id": 5}, {"concurrency": True},
])
def test_bad_config_values_are_fatal(spawn, config):
    error = _fatal(spawn(wait_register=False, **config))
    assert error["code"] == "bad_config"
    assert list(config)[0] in error["message"]


def test_missing_agent_path_is_fatal(spawn):
    error = _fatal(spawn("", wait_register=False))
    assert error["code"] == "bad_config"


def test_monkey_patch_is_opt_in(spawn):
    plain = spawn("fixture_agents:PatchProbeAgent")
    patched = spawn("fixture_agents:PatchProbeAgent", monkey_patch=True)
    assert plain.process("1", None)["result"] == {"socket_patched": False}
    assert patched.process("1", None)["result"] == {"socket_patched": True}


def test_stdin_eof_makes_the_worker_exit(spawn):
    w = spawn()
    w.proc.stdin.close()
    assert w.wait_exit() == 0
    assert any("stdin closed" in line for line in w.stderr_lines)


def test_crashing_agent_takes_the_process_down_without_a_reply(spawn):
    w = spawn("crash_agent:CrashAgent")
    assert w.process("ok", {"n": 1})["result"] == {"n": 1}
    w.send({"type": "agent.process", "id": "boom", "data": {"crash": True, "exit_code": 7}})
    assert w.wait_exit() == 7
    assert not any(f.get("id") == "boom" for f in w.frames)
    assert os.name == "nt" or w.proc.returncode == 7


def test_interpreter_without_gevent_reports_dependency_missing(spawn):
    base = getattr(sys, "_base_executable", None)
    if not base or base == sys.executable or subprocess.run(
            [base, "-c", "import gevent"], capture_output=True).returncode == 0:
        pytest.skip("needs an interpreter without gevent (the venv's base Python has it here)")
    error = _fatal(spawn(wait_register=False, python=base))
    assert error["code"] == "dependency_missing"
    assert "No module named 'gevent'" in error["message"] or "No module named 'greenlet'" in error["message"]


@pytest.mark.parametrize("agent", [
    "echo_agent.EchoAgent",  # the bare module.Class form the worker once took: one form now, with the colon
    "echo_agent:EchoAgent.process",  # a dotted attribute after the colon
    ".echo_agent:EchoAgent",  # a relative module
    "echo_agent..x:EchoAgent",  # an empty module segment
])
def test_agent_reference_must_be_module_colon_class(spawn, agent):
    error = _fatal(spawn(agent, wait_register=False))
    assert error["code"] == "bad_config"
    assert '"agent"' in error["message"] and "package.module:ClassName" in error["message"]
