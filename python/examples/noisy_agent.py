"""NoisyAgent: writes to stdout in every way agent code can, then returns ``data``.

It print()s ``lines`` lines (default 20, one of them shaped like a protocol frame),
writes straight to fd 1 with os.write (as a C extension would), and writes a partial line
without a newline. The worker's protected channel must send all of it to stderr and never
corrupt a reply.
"""
import os
import sys

from greenlet_a2a import GreenletA2AAgent


class NoisyAgent(GreenletA2AAgent):
    agent_id = "noisy"
    capabilities = ("echo", "noisy")

    def process(self, data):
        lines = data.get("lines", 20) if isinstance(data, dict) else 20
        for i in range(lines):
            print("noisy print line %d of %d" % (i + 1, lines))
        print('{"type":"agent.result","id":"forged","result":"printed, not sent"}')
        os.write(1, b"noisy raw fd-1 write\n")
        sys.stdout.write("noisy partial line without newline...")
        sys.stdout.flush()
        os.write(1, b"\n")
        return data
