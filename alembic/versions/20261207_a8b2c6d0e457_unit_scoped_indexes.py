"""one unit's courses by status and one school's serving teachers: indexes, so that the home pages' counts
do not go through a status's courses or every serving teacher of the network

Revision ID: a8b2c6d0e457
Revises: f7a1b5c9d346
Create Date: 2026-12-07 14:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'a8b2c6d0e457'
down_revision: str | None = 'f7a1b5c9d346'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_course_organizer_status', 'course', ['organizer_unit_id', 'status'], unique=False)
    op.create_index('ix_course_reviewer_status', 'course', ['reviewer_unit_id', 'status'], unique=False)
    op.create_index('ix_teacher_school_employment', 'teacher', ['school_unit_id', 'employment'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_teacher_school_employment', table_name='teacher')
    op.drop_index('ix_course_reviewer_status', table_name='course')
    op.drop_index('ix_course_organizer_status', table_name='course')
