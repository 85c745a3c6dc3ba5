"""password_reset: "forgot password" requests (rate limits) and their single-use, 30-minute links

Revision ID: e4b1c07a9d52
Revises: 7d3e9a1c5b20
Create Date: 2026-12-03 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = "e4b1c07a9d52"
down_revision: str | None = "7d3e9a1c5b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login_key", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["business_account.id"]),
        sa.ForeignKeyConstraint(["teacher_id"], ["teacher.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_password_reset_login_recent", "password_reset", ["login_key", "created_at"])
    op.create_index("ix_password_reset_address_recent", "password_reset", ["address", "created_at"])
    op.create_index("ix_password_reset_account_id", "password_reset", ["account_id"])
    op.create_index("ix_password_reset_teacher_id", "password_reset", ["teacher_id"])


def downgrade() -> None:
    for name in ("ix_password_reset_teacher_id", "ix_password_reset_account_id", "ix_password_reset_address_recent",
                 "ix_password_reset_login_recent"):
        op.drop_index(name, table_name="password_reset")
    op.drop_table("password_reset")
