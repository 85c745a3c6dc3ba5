"""single sign-on (教育雲端帳號, OpenID Connect): identity links, authorization requests under way, identities
waiting to be linked, the per-kind requirement; the link a ticket and a session came through

Revision ID: e6f0a4b8c235
Revises: d5e9f3a7b124
Create Date: 2026-12-07 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = 'e6f0a4b8c235'
down_revision: str | None = 'd5e9f3a7b124'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sso_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('principal', sa.String(length=32), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.String(length=16), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('last_used_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['business_account.id'], ),
    sa.ForeignKeyConstraint(['teacher_id'], ['teacher.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('issuer', 'subject', 'principal', name='uq_sso_link_principal')
    )
    op.create_index('ix_sso_link_identity', 'sso_link', ['issuer', 'subject'], unique=False)
    op.create_index(op.f('ix_sso_link_teacher_id'), 'sso_link', ['teacher_id'], unique=False)
    op.create_index(op.f('ix_sso_link_account_id'), 'sso_link', ['account_id'], unique=False)
    op.create_table('sso_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('binding_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('redirect_uri', sa.String(length=500), nullable=False),
    sa.Column('next_path', sa.String(length=200), nullable=False),
    sa.Column('intent', sa.String(length=16), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['login_session.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('state_hash')
    )
    op.create_index(op.f('ix_sso_request_expires_at'), 'sso_request', ['expires_at'], unique=False)
    op.create_index(op.f('ix_sso_request_session_id'), 'sso_request', ['session_id'], unique=False)
    op.create_table('sso_pending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('school_code', sa.String(length=32), nullable=False),
    sa.Column('next_path', sa.String(length=200), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_sso_pending_expires_at'), 'sso_pending', ['expires_at'], unique=False)
    op.create_table('sso_policy',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by_account_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_account_id'], ['business_account.id'], ),
    sa.PrimaryKeyConstraint('kind')
    )
    op.create_index(op.f('ix_sso_policy_updated_by_account_id'), 'sso_policy', ['updated_by_account_id'],
                    unique=False)
    op.add_column('login_ticket', sa.Column('sso_link_id', sa.Integer(), nullable=True))
    op.add_column('login_session', sa.Column('sso_link_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('login_session') as batch:
        batch.drop_column('sso_link_id')
    with op.batch_alter_table('login_ticket') as batch:
        batch.drop_column('sso_link_id')
    op.drop_index(op.f('ix_sso_policy_updated_by_account_id'), table_name='sso_policy')
    op.drop_table('sso_policy')
    op.drop_index(op.f('ix_sso_pending_expires_at'), table_name='sso_pending')
    op.drop_table('sso_pending')
    op.drop_index(op.f('ix_sso_request_expires_at'), table_name='sso_request')
    op.drop_index(op.f('ix_sso_request_session_id'), table_name='sso_request')
    op.drop_table('sso_request')
    op.drop_index(op.f('ix_sso_link_account_id'), table_name='sso_link')
    op.drop_index(op.f('ix_sso_link_teacher_id'), table_name='sso_link')
    op.drop_index('ix_sso_link_identity', table_name='sso_link')
    op.drop_table('sso_link')
