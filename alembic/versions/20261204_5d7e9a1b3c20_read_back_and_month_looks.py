"""read back and month looks: course.updated_at indexed (the read-back API pages courses in the order they
changed); reported_month_look (when a county last looked at a month's summary)

Revision ID: 5d7e9a1b3c20
Revises: 3f8b2c6d1a90
Create Date: 2026-12-04 07:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = '5d7e9a1b3c20'
down_revision: str | None = '3f8b2c6d1a90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f('ix_course_updated_at'), 'course', ['updated_at'], unique=False)
    op.create_table('reported_month_look',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('looked_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_unit_id', 'month', name='uq_reported_month_look')
    )
    op.create_index(op.f('ix_reported_month_look_owner_unit_id'), 'reported_month_look', ['owner_unit_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_reported_month_look_owner_unit_id'), table_name='reported_month_look')
    op.drop_table('reported_month_look')
    op.drop_index(op.f('ix_course_updated_at'), table_name='course')
