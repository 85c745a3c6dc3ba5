"""Workflow statuses as enums that name their own label and badge colour (Indico's RichEnum habit).

A status's value is what is stored; `label_key` is its i18n key and `colour` its badge colour (a Radix
colour name: the domain knows no components), both declared once with `@styled` beside the members.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

_STYLES: dict[type, tuple[str, dict[str, str]]] = {}

S = TypeVar("S", bound=type["Status"])


class Status(StrEnum):
    """The base of every workflow status; each subclass is declared with `@styled`."""

    @property
    def label_key(self) -> str:
        return f"{_STYLES[type(self)][0]}.{self.value}"

    @property
    def colour(self) -> str:
        return _STYLES[type(self)][1][self.value]


def styled(label_prefix: str, **colours: str) -> Callable[[S], S]:
    """Give a status enum its label keys (`<label_prefix>.<value>`) and one colour per member.

    Raises:
        TypeError: a member has no colour, or a colour names no member.
    """
    def register(cls: S) -> S:
        values = {member.value for member in cls}
        if set(colours) != values:
            raise TypeError(f"{cls.__name__}: colours for {sorted(colours)}, members {sorted(values)}")
        _STYLES[cls] = (label_prefix, colours)
        return cls

    return register
