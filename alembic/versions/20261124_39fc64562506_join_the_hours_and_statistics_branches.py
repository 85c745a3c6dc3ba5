"""join the hours and statistics branches

Revision ID: 39fc64562506
Revises: 3faf682312ec, 579bb2aed43f
Create Date: 2026-11-24 22:49:04.915904
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tpd_app.models.types

revision: str = "39fc64562506"
down_revision: str | None = ("3faf682312ec", "579bb2aed43f")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
