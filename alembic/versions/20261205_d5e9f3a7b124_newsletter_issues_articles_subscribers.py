"""newsletter (教師專業發展電子報): issues, articles and contributions, subscribers, subscription requests;
extra mail headers on the outbox (List-Unsubscribe)

Revision ID: d5e9f3a7b124
Revises: c4d8e2f6a013
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = 'd5e9f3a7b124'
down_revision: str | None = 'c4d8e2f6a013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ISSUE_INDEXES = ('status', 'published_at', 'send_state', 'created_by_account_id')
_ARTICLE_INDEXES = ('unit_id', 'account_id', 'status', 'issue_id', 'decided_by_account_id')
_REQUEST_INDEXES = ('email_key', 'address', 'created_at')


def upgrade() -> None:
    op.add_column('outbox_message', sa.Column('headers', sa.Text(), server_default='', nullable=False))
    op.create_table('newsletter_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('intro', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.Column('search_text', sa.Text(), server_default='', nullable=False),
    sa.Column('send_state', sa.String(length=16), nullable=False),
    sa.Column('send_cursor', sa.Integer(), nullable=False),
    sa.Column('sent_count', sa.Integer(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.Column('created_by_account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_account_id'], ['business_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    for column in _ISSUE_INDEXES:
        op.create_index(op.f(f'ix_newsletter_issue_{column}'), 'newsletter_issue', [column], unique=False)
    op.create_table('newsletter_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('decided_by_account_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['business_account.id'], ),
    sa.ForeignKeyConstraint(['decided_by_account_id'], ['business_account.id'], ),
    sa.ForeignKeyConstraint(['issue_id'], ['newsletter_issue.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for column in _ARTICLE_INDEXES:
        op.create_index(op.f(f'ix_newsletter_article_{column}'), 'newsletter_article', [column], unique=False)
    op.create_table('newsletter_subscriber',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('token_expires_at', UTCDateTime(), nullable=True),
    sa.Column('confirmed_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['teacher_id'], ['teacher.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    sa.UniqueConstraint('teacher_id')
    )
    op.create_index(op.f('ix_newsletter_subscriber_status'), 'newsletter_subscriber', ['status'], unique=False)
    op.create_table('newsletter_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email_key', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    for column in _REQUEST_INDEXES:
        op.create_index(op.f(f'ix_newsletter_request_{column}'), 'newsletter_request', [column], unique=False)


def downgrade() -> None:
    for column in _REQUEST_INDEXES:
        op.drop_index(op.f(f'ix_newsletter_request_{column}'), table_name='newsletter_request')
    op.drop_table('newsletter_request')
    op.drop_index(op.f('ix_newsletter_subscriber_status'), table_name='newsletter_subscriber')
    op.drop_table('newsletter_subscriber')
    for column in _ARTICLE_INDEXES:
        op.drop_index(op.f(f'ix_newsletter_article_{column}'), table_name='newsletter_article')
    op.drop_table('newsletter_article')
    for column in _ISSUE_INDEXES:
        op.drop_index(op.f(f'ix_newsletter_issue_{column}'), table_name='newsletter_issue')
    op.drop_table('newsletter_issue')
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_column('headers')
