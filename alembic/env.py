"""Alembic environment: migrates the database named by tpd_app.settings."""

from __future__ import annotations

from sqlmodel import SQLModel

import tpd_app.models  # (registers every table on SQLModel.metadata)
from alembic import context
from tpd_app.services.platform.db import make_engine
from tpd_app.settings import get_settings

target_metadata = SQLModel.metadata


# Autogenerate ignores what raw SQL created (the FTS5 table and its shadows, the trigram index).
include_name = tpd_app.models.include_in_schema_compare


def _url() -> str:
    return context.config.attributes.get("url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=_url().startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
