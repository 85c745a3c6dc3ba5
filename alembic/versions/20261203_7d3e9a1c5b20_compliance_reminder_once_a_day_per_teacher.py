"""compliance_reminder: a school's reminder mail to a teacher short of her hours (one per teacher and day)

Revision ID: 7d3e9a1c5b20
Revises: c4a1f0d2e8b7
Create Date: 2026-12-03 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = "7d3e9a1c5b20"
down_revision: str | None = "c4a1f0d2e8b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "compliance_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("school_unit_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_by_account_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["teacher_id"], ["teacher.id"]),
        sa.ForeignKeyConstraint(["school_unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["sent_by_account_id"], ["business_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("teacher_id", "sent_on", name="uq_compliance_reminder_teacher_day"),
    )
    op.create_index("ix_compliance_reminder_school_day", "compliance_reminder", ["school_unit_id", "sent_on"])
    op.create_index("ix_compliance_reminder_sent_by_account_id", "compliance_reminder", ["sent_by_account_id"])


def downgrade() -> None:
    op.drop_index("ix_compliance_reminder_sent_by_account_id", table_name="compliance_reminder")
    op.drop_index("ix_compliance_reminder_school_day", table_name="compliance_reminder")
    op.drop_table("compliance_reminder")
