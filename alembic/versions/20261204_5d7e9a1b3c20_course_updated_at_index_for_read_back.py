"""course.updated_at indexed: the read-back API pages courses in the order they changed

Revision ID: 5d7e9a1b3c20
Revises: 3f8b2c6d1a90
Create Date: 2026-12-04 07:05:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '5d7e9a1b3c20'
down_revision: str | None = '3f8b2c6d1a90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f('ix_course_updated_at'), 'course', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_course_updated_at'), table_name='course')
