"""course_registration: the waiting list in order as one index (course, status, queued_at, id)

Revision ID: 5c1e0a7b3d2f
Revises: 9b723db9fe6d
Create Date: 2026-12-02 21:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5c1e0a7b3d2f"
down_revision: str | None = "9b723db9fe6d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_course_registration_queue", "course_registration",
                    ["course_id", "status", "queued_at", "id"], unique=False)
    op.drop_index("ix_course_registration_course_status", table_name="course_registration")


def downgrade() -> None:
    op.create_index("ix_course_registration_course_status", "course_registration", ["course_id", "status"],
                    unique=False)
    op.drop_index("ix_course_registration_queue", table_name="course_registration")
