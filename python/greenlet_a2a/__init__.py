"""greenlet_a2a: the Python side of Greenlet Control Center.

Operators subclass :class:`GreenletA2AAgent`; the host starts
``python -u -m greenlet_a2a.worker --config '<json>'`` which loads that class and serves
the worker protocol (docs/protocol.md).

This module deliberately imports neither gevent nor greenlet: the worker must be able to
protect its protocol channel and report a missing gevent as ``agent.fatal`` before either
is imported.
"""
from .agent import GreenletA2AAgent

__all__ = ["GreenletA2AAgent", "__version__"]
__version__ = "0.1.0"
