"""SQL that differs by database: the dialect's INSERT, which alone offers ON CONFLICT on both."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def upsert_insert(session: Session, table: Any) -> Any:
    """`INSERT INTO table` of the session's database, with `.on_conflict_do_nothing/_update` available."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
