"""announcements (最新消息): an announcement to everyone or to a regional centre's jurisdiction, with its
publish window and pin, and every saved version

Revision ID: 8a2e6c4f1b37
Revises: 5d7e9a1b3c20
Create Date: 2026-12-04 19:25:19.498266
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = '8a2e6c4f1b37'
down_revision: str | None = '5d7e9a1b3c20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publisher_unit_id', sa.Integer(), nullable=False),
    sa.Column('audience_unit_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('publish_from', UTCDateTime(), nullable=False),
    sa.Column('publish_until', UTCDateTime(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by_account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['audience_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['created_by_account_id'], ['business_account.id'], ),
    sa.ForeignKeyConstraint(['publisher_unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for column in ('audience_unit_id', 'created_by_account_id', 'publish_from', 'publisher_unit_id', 'status'):
        op.create_index(op.f(f'ix_announcement_{column}'), 'announcement', [column], unique=False)
    op.create_table('announcement_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('publish_from', UTCDateTime(), nullable=False),
    sa.Column('publish_until', UTCDateTime(), nullable=True),
    sa.Column('saved_by_account_id', sa.Integer(), nullable=True),
    sa.Column('saved_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcement.id'], ),
    sa.ForeignKeyConstraint(['saved_by_account_id'], ['business_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('announcement_id', 'revision', name='uq_announcement_revision')
    )
    for column in ('announcement_id', 'saved_by_account_id'):
        op.create_index(op.f(f'ix_announcement_revision_{column}'), 'announcement_revision', [column], unique=False)


def downgrade() -> None:
    for column in ('announcement_id', 'saved_by_account_id'):
        op.drop_index(op.f(f'ix_announcement_revision_{column}'), table_name='announcement_revision')
    op.drop_table('announcement_revision')
    for column in ('audience_unit_id', 'created_by_account_id', 'publish_from', 'publisher_unit_id', 'status'):
        op.drop_index(op.f(f'ix_announcement_{column}'), table_name='announcement')
    op.drop_table('announcement')
