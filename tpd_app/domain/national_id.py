"""Taiwanese national ID numbers (身分證字號): format and checksum."""

from __future__ import annotations

import re

# The letter's two-digit value; the order is the official one (I, O, W, Z come late).
_LETTER_VALUES: dict[str, int] = {
    letter: value
    for value, letter in enumerate("ABCDEFGHJKLMNPQRSTUVXYWZIO", start=10)
}
_PATTERN = re.compile(r"^[A-Z][12]\d{8}$")


def normalize_national_id(raw: str) -> str:
    """Strip blanks and upper-case the letter, as people type it in many ways."""
    return raw.strip().replace(" ", "").upper()


def looks_like_national_id(raw: str) -> bool:
    """A letter, 1 or 2, and eight digits — whether or not the checksum holds."""
    return bool(_PATTERN.match(normalize_national_id(raw)))


def is_valid_national_id(raw: str) -> bool:
    """Whether `raw` is a national ID with a correct checksum."""
    value = normalize_national_id(raw)
    if not _PATTERN.match(value):
        return False
    letter = _LETTER_VALUES[value[0]]
    # The letter's two digits weigh 1 and 9, the next eight digits 8 down to 1, the last one 1.
    total = letter // 10 + letter % 10 * 9 + int(value[9])
    for weight, digit in zip(range(8, 0, -1), value[1:9], strict=True):
        total += weight * int(digit)
    return total % 10 == 0


def check_digit(prefix: str) -> str:
    """The last digit that makes `prefix` (letter + 8 digits) a valid ID."""
    for digit in "0123456789":
        if is_valid_national_id(prefix + digit):
            return digit
    raise ValueError(f"no check digit for {prefix!r}")


def mask_national_id(value: str) -> str:
    """`A123456789` → `A12****789`: enough to tell people apart, not enough to reuse."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 6) + value[-3:]


def mask_name(name: str) -> str:
    """王小明 → 王○明, 林怡 → 林○: recognisable to colleagues, not a full name."""
    if len(name) <= 1:
        return "○" * len(name)
    return name[0] + "○" * max(1, len(name) - 2) + (name[-1] if len(name) > 2 else "")
