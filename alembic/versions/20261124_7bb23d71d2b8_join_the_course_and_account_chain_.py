"""join the course and account-chain branches

Revision ID: 7bb23d71d2b8
Revises: 1b178c49fc49, b85186148550
Create Date: 2026-11-24 22:10:41.077466
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tpd_app.models.types

revision: str = "7bb23d71d2b8"
down_revision: str | None = ("1b178c49fc49", "b85186148550")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
