"""Row ids as callers send them: the browser sends ids back as strings, and may send anything at all."""

from __future__ import annotations

from typing import Any

from tpd_app.domain.errors import NotFound

#: Every id column is a 64-bit integer; a larger number names no row (and would overflow the driver).
_MAX_ID = 2**63 - 1
#: Ids the browser sends back are at most this many digits (no table comes near a trillion rows).
_MAX_DIGITS = 12


def parse_id(value: Any) -> int | None:
    """A non-negative id given as an int or up to 12 ASCII digits; anything else (bools, floats, '²') is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()) or len(value) > _MAX_DIGITS:
            return None
        value = int(value)
    if isinstance(value, int) and 0 <= value <= _MAX_ID:
        return value
    return None


def require_id(value: Any) -> int:
    """`parse_id`, for use cases: a malformed id names no row.

    Raises:
        NotFound: the value is not an id.
    """
    parsed = parse_id(value)
    if parsed is None:
        raise NotFound()
    return parsed
