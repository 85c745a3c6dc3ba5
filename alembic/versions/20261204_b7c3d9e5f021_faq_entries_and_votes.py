"""faq (問答集): questions and answers kept by the national centre, and readers' "was this helpful"

Revision ID: b7c3d9e5f021
Revises: 8a2e6c4f1b37
Create Date: 2026-12-04 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = 'b7c3d9e5f021'
down_revision: str | None = '8a2e6c4f1b37'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('faq_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('answer', sa.Text(), server_default='', nullable=False),
    sa.Column('search_text', sa.Text(), server_default='', nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('helpful_yes', sa.Integer(), nullable=False),
    sa.Column('helpful_no', sa.Integer(), nullable=False),
    sa.Column('updated_by_account_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_account_id'], ['business_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for column in ('category', 'published', 'updated_by_account_id'):
        op.create_index(op.f(f'ix_faq_entry_{column}'), 'faq_entry', [column], unique=False)
    op.create_table('faq_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('voter', sa.String(length=64), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['faq_entry.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entry_id', 'voter', name='uq_faq_vote')
    )
    op.create_index(op.f('ix_faq_vote_entry_id'), 'faq_vote', ['entry_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_faq_vote_entry_id'), table_name='faq_vote')
    op.drop_table('faq_vote')
    for column in ('category', 'published', 'updated_by_account_id'):
        op.drop_index(op.f(f'ix_faq_entry_{column}'), table_name='faq_entry')
    op.drop_table('faq_entry')
