"""helpdesk (來信指教): enquiries as tickets in the queue of the unit they are routed to, and their threads

Revision ID: c4d8e2f6a013
Revises: c1e5a9d3f742
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = 'c4d8e2f6a013'
down_revision: str | None = 'c1e5a9d3f742'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TICKET_INDEXES = ('topic', 'status', 'unit_id', 'course_id', 'asker_teacher_id', 'asker_account_id', 'email',
                   'address', 'created_at')
_MESSAGE_INDEXES = ('ticket_id', 'unit_id', 'account_id', 'to_unit_id')


def upgrade() -> None:
    op.create_table('helpdesk_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('asker_teacher_id', sa.Integer(), nullable=True),
    sa.Column('asker_account_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('key_salt', sa.String(length=64), nullable=False),
    sa.Column('form_nonce', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['asker_account_id'], ['business_account.id'], ),
    sa.ForeignKeyConstraint(['asker_teacher_id'], ['teacher.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('form_nonce'),
    sa.UniqueConstraint('number')
    )
    for column in _TICKET_INDEXES:
        op.create_index(op.f(f'ix_helpdesk_ticket_{column}'), 'helpdesk_ticket', [column], unique=False)
    op.create_table('helpdesk_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('to_unit_id', sa.Integer(), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['business_account.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['helpdesk_ticket.id'], ),
    sa.ForeignKeyConstraint(['to_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for column in _MESSAGE_INDEXES:
        op.create_index(op.f(f'ix_helpdesk_message_{column}'), 'helpdesk_message', [column], unique=False)


def downgrade() -> None:
    for column in _MESSAGE_INDEXES:
        op.drop_index(op.f(f'ix_helpdesk_message_{column}'), table_name='helpdesk_message')
    op.drop_table('helpdesk_message')
    for column in _TICKET_INDEXES:
        op.drop_index(op.f(f'ix_helpdesk_ticket_{column}'), table_name='helpdesk_ticket')
    op.drop_table('helpdesk_ticket')
