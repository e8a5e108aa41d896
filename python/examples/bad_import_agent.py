"""An agent module that fails at import, like one whose dependency is not installed.

Start-up must fail with ``agent.fatal`` carrying this real ModuleNotFoundError text
(``No module named 'greenlet_a2a_missing_dependency'``) and exit code 3.
"""
import greenlet_a2a_missing_dependency  # noqa: F401  (deliberately missing)

from greenlet_a2a import GreenletA2AAgent


class BadImportAgent(GreenletA2AAgent):
    def process(self, data):
        return data
