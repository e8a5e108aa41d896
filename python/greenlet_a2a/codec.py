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
    # The C accelerators behind json; private, so typeshed does not list them.
    from json.encoder import c_make_encoder as _c_make_encoder  # type: ignore[attr-defined]
    from json.scanner import c_make_scanner as _c_make_scanner  # type: ignore[attr-defined]
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
    encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode  # type: ignore[assignment]

# JSON numbers reach the host as IEEE doubles: an int beyond 2**53 would arrive rounded and
# 10**400 as Infinity (then null), silently. Such a result is refused instead, with where.
MAX_SAFE_INTEGER = 2 ** 53 - 1
_DIGITS = "0123456789"
# An unsafe integer has 16+ digits. The pre-check that decides whether to walk the value costs
# per reply, so it is picked by size: a text shorter than 16 chars cannot hold one (most
# replies); up to 4 KiB a 16-digit regex is cheapest (~0.3 µs); above that, ten C-speed
# str.count passes (~2 ms for 2 MB) — the regex took 90 ms per 2 MB reply in the worker's hub.
_MIN_UNSAFE_DIGITS = 16
_SIXTEEN_DIGITS = re.compile(r"\d{16}")
_REGEX_MAX_CHARS = 4096


def _may_hold_unsafe_int(text: str) -> bool:
    if len(text) < _MIN_UNSAFE_DIGITS:
        return False
    if len(text) <= _REGEX_MAX_CHARS:
        return _SIXTEEN_DIGITS.search(text) is not None
    return sum(map(text.count, _DIGITS)) >= _MIN_UNSAFE_DIGITS


def _has_unsafe_int(obj: Any) -> bool:
    """Is any int in ``obj`` beyond 2**53? Cost grows with the number of values, not bytes:
    a 2 MB string is one value. No paths are built here; find_unrepresentable says where."""
    stack = [obj]
    pop, push = stack.pop, stack.extend
    while stack:
        value = pop()
        kind = type(value)
        if kind is int:
            if value > MAX_SAFE_INTEGER or value < -MAX_SAFE_INTEGER:
                return True
        elif kind is str or kind is float or kind is bool or value is None:
            continue
        elif kind is dict:
            push(value.values())
        elif kind is list or kind is tuple:
            push(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
                return True
        elif isinstance(value, dict):
            push(value.values())
        elif isinstance(value, (list, tuple)):
            push(value)
    return False


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
    if _may_hold_unsafe_int(text) and _has_unsafe_int(obj):
        why = find_unrepresentable(obj)
        if why is not None:
            raise UnrepresentableResult("result not representable in JSON: " + why)
    return text


_decoder = json.JSONDecoder()
_scan = _c_make_scanner(_decoder) if _c_make_scanner is not None else _decoder.scan_once  # type: ignore[attr-defined]


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
