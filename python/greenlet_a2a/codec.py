"""Fast JSON for the hot path.

``json.dumps``/``JSONEncoder.encode`` build a new C encoder on every call (~1 µs); here
one C encoder and one C scanner are built once and called directly. Output is compact
and ASCII-only (non-ASCII is \\u-escaped, so the channel never carries invalid UTF-8),
and NaN/Infinity are refused because JSON.parse on the host would reject them.
"""
from __future__ import annotations

import json
import re
from typing import Any, Optional, Tuple

try:
    from json.encoder import c_make_encoder as _c_make_encoder
    from json.scanner import c_make_scanner as _c_make_scanner
except ImportError:  # pure-Python builds: fall back to the stdlib objects
    _c_make_encoder = None
    _c_make_scanner = None
from json.encoder import encode_basestring_ascii as encode_str  # C-accelerated when available


def _default(obj: Any) -> Any:
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


if _c_make_encoder is not None:
    # markers=None skips the circular-reference table; a cycle then fails as RecursionError.
    _iterencode = _c_make_encoder(None, _default, encode_str, None, ":", ",", False, False, False)
    _join = "".join

    def encode(obj: Any) -> str:
        """Compact JSON text; raises TypeError/ValueError/RecursionError when not serialisable."""
        return _join(_iterencode(obj, 0))
else:  # pragma: no cover - CPython always has the C encoder
    encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode

_decoder = json.JSONDecoder()
_scan = _c_make_scanner(_decoder) if _c_make_scanner is not None else _decoder.scan_once


def decode(line: str) -> Tuple[Any, Optional[str]]:
    """Parse one frame. Returns (value, None) or (None, error text); never raises."""
    try:
        value, end = _scan(line, 0)
        if end == len(line) or not line[end:].strip():
            return value, None
    except (StopIteration, ValueError, RecursionError):
        pass
    try:  # slow path only for odd or bad input: leading spaces, or to get stdlib's error text
        return json.loads(line), None
    except (ValueError, RecursionError) as exc:
        return None, "invalid JSON: %s" % exc


_ID_RE = re.compile(r'"id"\s*:\s*"((?:[^"\\]|\\.)*)"')


def find_id(line: str) -> Optional[str]:
    """Best-effort id from a frame that did not parse, so the host can fail that request."""
    m = _ID_RE.search(line)
    if m is None:
        return None
    try:
        return json.loads('"' + m.group(1) + '"')
    except ValueError:
        return None
