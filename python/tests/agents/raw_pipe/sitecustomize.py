"""Test agent support (adapter tests only; this folder is on PYTHONPATH only for them): keeps a private handle on the worker's protocol pipe.

Python imports ``sitecustomize`` at interpreter start, before the worker moves fd 1 aside,
so ``os.dup(1)`` here is a second handle on the real protocol channel. GarbageAgent uses it
to put malformed frames on the wire, which no well-behaved agent could do. With
GCC_GARBAGE_AT_START set, a garbage line is written before ``agent.register`` too.
"""
import os

PROTOCOL_FD = os.dup(1)

if os.environ.get("GCC_GARBAGE_AT_START"):
    os.write(PROTOCOL_FD, b"this is not json before register\n")
