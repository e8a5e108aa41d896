"""Process facts for agent.register and agent.metrics, cheap enough to sample on every request."""
from __future__ import annotations

import os
import sys
from typing import Dict

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """Current resident set size in bytes (0 when the platform offers no way to read it)."""
    try:
        with open("/proc/self/statm", "rb") as f:  # Linux: current RSS, one small read
            return int(f.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        pass
    if os.name == "nt":
        return _windows_rss()
    try:
        import resource

        # Fallback reports the peak, not the current size: ru_maxrss is KiB on Linux, bytes on macOS.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except Exception:
        return 0


def _windows_rss() -> int:
    if sys.platform != "win32":  # only called on Windows; tells the type checker ctypes.windll exists
        return 0
    try:
        import ctypes
        from ctypes import wintypes

        class PROCESS_MEMORY_COUNTERS(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD)] + [
                (name, ctypes.c_size_t) for name in (
                    "PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
                    "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage", "QuotaNonPagedPoolUsage",
                    "PagefileUsage", "PeakPagefileUsage")]

        counters = PROCESS_MEMORY_COUNTERS()
        counters.cb = ctypes.sizeof(counters)
        handle = ctypes.windll.kernel32.GetCurrentProcess()
        if ctypes.windll.psapi.GetProcessMemoryInfo(handle, ctypes.byref(counters), counters.cb):
            return int(counters.WorkingSetSize)
    except Exception:
        pass
    return 0


def versions() -> Dict[str, str]:
    import gevent
    import greenlet

    return {
        "python": "%d.%d.%d" % sys.version_info[:3],
        "greenlet": greenlet.__version__,
        "gevent": gevent.__version__,
    }
