"""a teacher's registrations by status: an index, so that her home page's counts do not go through every
waiting registration of the network

Revision ID: f7a1b5c9d346
Revises: e6f0a4b8c235
Create Date: 2026-12-07 13:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'f7a1b5c9d346'
down_revision: str | None = 'e6f0a4b8c235'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_course_registration_teacher_status', 'course_registration', ['teacher_id', 'status'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_course_registration_teacher_status', table_name='course_registration')
