"""Worker entry point: ``python -u -m greenlet_a2a.worker --config '<json>'``.

Order matters: the protocol channel is protected before anything else is imported, so even
a failing ``import gevent`` or an agent module that prints at import time cannot reach it.
Every start-up failure becomes one ``agent.fatal`` frame (real error text and traceback),
the same traceback on stderr, and exit code 3.
"""
from __future__ import annotations

import dataclasses
import os
import sys
from typing import Any, Callable, Dict, List, NoReturn, Optional, Sequence, TypeVar

from .agent import GreenletA2AAgent
from .channel import forget_channel_after_fork, protect_stdin, protect_stdout, write_blocking
from .settings import DEFAULT_MAX_QUEUE_SIZE, BadConfig, Settings, check_agent_reference

EXIT_FATAL = 3
T = TypeVar("T")


class StartupError(Exception):
    def __init__(self, code: str, message: str, tb: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.tb = tb


def main(argv: Optional[Sequence[str]] = None) -> None:
    proto_fd = protect_stdout()
    in_fd = protect_stdin()
    forget_channel_after_fork(in_fd, proto_fd)
    _ignore_sigint()
    _defer_sigterm()
    _watch_host(in_fd)
    try:
        config = _parse_argv(sys.argv[1:] if argv is None else argv)
        settings = _settings(config)
        if settings.monkey_patch:
            # Opt-in: adds ~150 ms of start-up, but lets agents use blocking stdlib I/O cooperatively.
            _step("dependency_missing", "cannot monkey-patch", _monkey_patch)
        hub = _step("dependency_missing", "cannot import gevent/greenlet", _get_hub)
        cls = _step("import_failed", "cannot import agent %r" % config["agent"], _load_class, config["agent"])
        agent = _step("agent_init_failed", "agent %r constructor raised" % config["agent"], _construct, cls, config)
        if "max_queue_size" not in config:  # the host always sends it; a hand-started worker may not
            settings = dataclasses.replace(settings, max_queue_size=agent.max_queue_size)
        _step("start_failed", "agent %r on_start() raised" % config["agent"], agent.on_start)
        from .codec import encode as _dumps
        from .runtime import Runtime
        from .sysinfo import rss_bytes, versions

        runtime = Runtime(agent, settings, in_fd, proto_fd, hub)
    except StartupError as err:
        _fatal(proto_fd, err)
    except BaseException as exc:  # a bug in the worker itself still gets reported as a frame
        import traceback

        _fatal(proto_fd, StartupError("start_failed", _describe(exc), traceback.format_exc()))
    runtime.send(_dumps({
        "type": "agent.register", "agent_id": agent.agent_id, "capabilities": agent.capabilities,
        "pid": os.getpid(), "versions": versions(), "concurrency": settings.concurrency,
        "max_queue_size": settings.max_queue_size,
        # The host shows memory from the first moment, not only after its first health sample.
        "rss_bytes": rss_bytes(),
    }))
    runtime.serve()


def _ignore_sigint() -> None:
    # Ctrl-C in the host's terminal reaches every worker in the process group. The host
    # decides how workers stop (agent.stop, then SIGTERM/SIGKILL; stdin EOF if it dies), so a
    # KeyboardInterrupt here would only cut work short and spray tracebacks into the log.
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):  # not the main thread, or the platform refuses
        pass


def _defer_sigterm() -> None:
    # A SIGTERM to the whole cgroup/process group (systemd's default KillMode) must not cut
    # running messages short: the host drains this worker itself. See sigterm.py.
    from .sigterm import install

    install()


def _watch_host(in_fd: int) -> None:
    # Before any monkey-patching: the watchdog must be a real OS thread with unpatched functions.
    try:
        from .watchdog import start

        start(in_fd)
    except Exception as exc:  # best effort: stdin EOF still ends the worker while the hub runs
        sys.stderr.write("greenlet_a2a: host watchdog not started: %r\n" % (exc,))


def _parse_argv(argv: Sequence[str]) -> Dict[str, Any]:
    import json

    raw = None
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            raw = argv[i + 1]
        elif arg.startswith("--config="):
            raw = arg[len("--config="):]
    if raw is None:
        raise StartupError("bad_config", "missing --config '<json>' argument")
    try:
        config = json.loads(raw)
    except ValueError as exc:
        raise StartupError("bad_config", "--config is not valid JSON: %s" % exc) from None
    if not isinstance(config, dict):
        raise StartupError("bad_config", "--config must be a JSON object")
    try:
        check_agent_reference(config.get("agent"))
    except BadConfig as exc:
        raise StartupError("bad_config", str(exc)) from None
    if "agent_id" in config and not isinstance(config["agent_id"], str):
        raise StartupError("bad_config", 'config "agent_id" must be a string')
    caps = config.get("capabilities", [])
    if not isinstance(caps, list) or not all(isinstance(c, str) for c in caps):
        raise StartupError("bad_config", 'config "capabilities" must be an array of strings')
    return config


def _settings(config: Dict[str, Any]) -> Settings:
    try:
        return Settings.from_config(config)
    except BadConfig as exc:
        raise StartupError("bad_config", str(exc)) from None


def _step(code: str, context: str, fn: Callable[..., T], *args: Any) -> T:
    try:
        return fn(*args)
    except StartupError:
        raise
    except BaseException as exc:
        import traceback

        raise StartupError(code, "%s: %s" % (context, _describe(exc)), traceback.format_exc()) from None


def _monkey_patch() -> None:
    from gevent import monkey

    monkey.patch_all()


def _get_hub() -> Any:
    import gevent
    import greenlet  # noqa: F401 - named in the error if missing

    return gevent.get_hub()


def _load_class(path: str) -> type:
    import importlib

    module_name, _, attr = path.partition(":")  # the form was checked by _parse_argv
    obj = getattr(importlib.import_module(module_name), attr)
    if not isinstance(obj, type) or not callable(getattr(obj, "process", None)):
        raise TypeError("%s is not an agent class with a process(self, data) method" % path)
    return obj


def _construct(cls: type, config: Dict[str, Any]) -> GreenletA2AAgent:
    kwargs: Dict[str, Any] = {k: config[k] for k in ("agent_id", "capabilities", "max_queue_size") if k in config}
    try:
        agent = cls(**kwargs)
    except TypeError:
        import inspect

        try:
            inspect.signature(cls).bind(**kwargs)
        except TypeError:  # the subclass takes other arguments: construct bare, override below
            agent = cls()
        else:
            raise
    for name, value in kwargs.items():  # config overrides class defaults even if __init__ ignored them
        setattr(agent, name, list(value) if name == "capabilities" else value)
    defaults: List[Any] = [cls.__name__, [], DEFAULT_MAX_QUEUE_SIZE]
    for name, default in zip(("agent_id", "capabilities", "max_queue_size"), defaults):
        if not hasattr(agent, name):  # a class with process() that does not subclass GreenletA2AAgent
            setattr(agent, name, default)
    return agent  # duck-typed: any class with process() is served as an agent


def _fatal(proto_fd: int, err: StartupError) -> NoReturn:
    import json

    frame = {"type": "agent.fatal", "error": {"code": err.code, "message": err.message, "traceback": err.tb}}
    try:
        sys.stderr.write("greenlet_a2a: start-up failed: %s\n%s" % (err.message, err.tb))
        sys.stderr.flush()
    except Exception:
        pass
    try:
        write_blocking(proto_fd, (json.dumps(frame, separators=(",", ":")) + "\n").encode("utf-8"))
    finally:
        os._exit(EXIT_FATAL)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return "%s: %s" % (type(exc).__name__, text) if text else type(exc).__name__


if __name__ == "__main__":
    main()
