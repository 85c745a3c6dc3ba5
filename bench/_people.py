"""Teachers a bench adds to a running target's database: national IDs fresh on every run (the target keeps
the last run's), so a bench can run again without a new database."""

from __future__ import annotations

import random
from typing import Any


def new_teachers(school_id: int, count: int, *, letter: str, label: str) -> list[Any]:
    """`count` active Teacher rows of `school_id`, not yet added to a session."""
    from tpd_app.domain.national_id import check_digit
    from tpd_app.models import Teacher

    base = random.randrange(10_000_000 - count)
    ids = [f"{letter}2{base + i:07d}" for i in range(count)]
    return [Teacher(national_id=n + check_digit(n), name=f"{label}{i}", school_unit_id=school_id,
                    email=f"{label}{i}@example.edu.tw", status="active") for i, n in enumerate(ids)]
