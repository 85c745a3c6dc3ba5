"""calendar_feed: a teacher's personal iCal subscription (the random key of her secret address)

Revision ID: c4a1f0d2e8b7
Revises: 5c1e0a7b3d2f
Create Date: 2026-12-03 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = "c4a1f0d2e8b7"
down_revision: str | None = "5c1e0a7b3d2f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("feed_key", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_read_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["teacher_id"], ["teacher.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("teacher_id"),
        sa.UniqueConstraint("feed_key"),
    )


def downgrade() -> None:
    op.drop_table("calendar_feed")
