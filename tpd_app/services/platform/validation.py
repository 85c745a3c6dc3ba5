"""Small validators for contact data, returning i18n keys for the messages."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_PHONE = re.compile(r"^[0-9+()#\- ]{6,40}$|^[0-9+()#\- ]{6,30}(分機|ext\.?|轉)\s?[0-9]{1,6}$")
_URL = re.compile(r"^https?://[^\s]{3,290}$")


def clean(value: object, max_length: int) -> str:
    """A trimmed string of at most `max_length` characters from any handler argument."""
    return str(value if value is not None else "").strip()[:max_length]


def email_problem(value: str, *, required: bool = False) -> str | None:
    """None when `value` is an acceptable e-mail address (or blank and optional)."""
    if not value:
        return "validation.required" if required else None
    return None if _EMAIL.match(value) else "validation.email"


def phone_problem(value: str, *, required: bool = False) -> str | None:
    """None when `value` looks like a Taiwanese phone number, extension allowed."""
    if not value:
        return "validation.required" if required else None
    return None if _PHONE.match(value) else "validation.phone"


def url_problem(value: str) -> str | None:
    """None for a blank value or an http(s) URL."""
    if not value:
        return None
    return None if _URL.match(value) else "validation.url"
