"""Writes to stdout while being imported (before the worker has announced itself)."""
import os
import sys

import gevent.subprocess

from greenlet_a2a import GreenletA2AAgent

print("loud_import_agent: print() during import")
os.write(1, b"loud_import_agent: raw fd-1 write during import\n")


class LoudImportAgent(GreenletA2AAgent):
    """Also starts a child process that inherits fd 1 and prints to it."""

    def process(self, data):
        gevent.subprocess.check_call([sys.executable, "-c", "print('loud_import_agent: child process stdout')"])
        return data
