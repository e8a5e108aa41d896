"""Fast JSON for the hot path.

``json.dumps``/``JSONEncoder.encode`` build a new C encoder on every call (~1 µs); here
one C encoder and one C scanner are built once and called directly. Output is compact
and ASCII-only (non-ASCII is \\u-escaped, so the channel never carries invalid UTF-8),
and NaN/Infinity are refused because JSON.parse on the host would reject them. A result
(``encode_result``) is also refused when an integer lies beyond 2**53, which the host's
doubles would round: an agent's ``10**400`` fails its message instead of arriving as null.
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

# JSON numbers reach the host as IEEE doubles: an int beyond 2**53 would arrive rounded and
# 10**400 as Infinity (then null), silently. Such a result is refused instead, with where.
MAX_SAFE_INTEGER = 2 ** 53 - 1
# An integer token of 16+ digits outside a float (fast pre-check on the encoded text; digits
# inside strings match too and are cleared by the walk below).
_LONG_INT_RE = re.compile(r"(?<![\d.eE+-])-?\d{16,}(?![\d.eE])")


class UnrepresentableResult(ValueError):
    """A result JSON can encode but the host cannot read back unchanged."""


def _path(parts: "list[Any]") -> str:
    return "$" + "".join("[%d]" % p if isinstance(p, int) else (".%s" % p if p.isidentifier() else "[%s]" % json.dumps(p))
                         for p in parts)


def find_unrepresentable(obj: Any) -> Optional[str]:
    """Why ``obj`` cannot round-trip through JSON to the host (with its path), or None."""
    stack: "list[Tuple[Any, list[Any]]]" = [(obj, [])]
    while stack:
        value, path = stack.pop()
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
                return "integer beyond 2^53 at %s" % _path(path)
        elif isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                return "non-finite float %r at %s" % (value, _path(path))
        elif isinstance(value, dict):
            stack.extend((v, path + [k if isinstance(k, str) else str(k)]) for k, v in reversed(list(value.items())))
        elif isinstance(value, (list, tuple)):
            stack.extend((v, path + [i]) for i, v in reversed(list(enumerate(value))))
    return None


def encode_result(obj: Any) -> str:
    """``encode`` for an agent's result; raises UnrepresentableResult for a number the host
    would read back changed (beyond 2**53, NaN, Infinity), TypeError/ValueError otherwise."""
    try:
        text = encode(obj)
    except ValueError:  # allow_nan=False: say which value and where
        why = find_unrepresentable(obj)
        if why is None:
            raise
        raise UnrepresentableResult("result not representable in JSON: " + why) from None
    if _LONG_INT_RE.search(text) is not None:
        why = find_unrepresentable(obj)
        if why is not None:
            raise UnrepresentableResult("result not representable in JSON: " + why)
    return text


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
