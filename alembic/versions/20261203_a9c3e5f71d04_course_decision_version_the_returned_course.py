"""course_decision.version: the course as it was returned, for the reviewer's "what changed" on resubmission

Revision ID: a9c3e5f71d04
Revises: e4b1c07a9d52
Create Date: 2026-12-03 15:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9c3e5f71d04"
down_revision: str | None = "e4b1c07a9d52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("course_decision") as batch:
        batch.add_column(sa.Column("version", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("course_decision") as batch:
        batch.drop_column("version")
