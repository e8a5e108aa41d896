"""Test fixture: an echo agent that can write raw bytes to the protocol channel.

``{"garbage": ["line", ...]}`` writes each string (UTF-8, plus a newline) straight to the
protocol pipe, then returns ``data``. ``{"garbage_hex": "..."}`` writes raw bytes (for invalid
UTF-8). The reply is ``{"wrote": n}`` so it stays small. Lines are written whole in one os.write (atomic for pipes under PIPE_BUF), so they land
between the worker's own frames and never tear them.
"""
import os

import sitecustomize

from greenlet_a2a import GreenletA2AAgent


class GarbageAgent(GreenletA2AAgent):
    agent_id = "garbage"
    capabilities = ("echo",)

    def process(self, data):
        if isinstance(data, dict) and ("garbage" in data or "garbage_hex" in data):
            lines = data.get("garbage", [])
            for line in lines:
                os.write(sitecustomize.PROTOCOL_FD, line.encode("utf-8") + b"\n")
            if data.get("garbage_hex"):
                os.write(sitecustomize.PROTOCOL_FD, bytes.fromhex(data["garbage_hex"]))
            return {"wrote": len(lines)}
        return data
