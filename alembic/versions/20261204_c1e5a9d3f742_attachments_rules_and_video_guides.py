"""public information: announcement attachments, rule documents by version (使用管理要點) with who was told
what changed, and video guides (影音說明)

Revision ID: c1e5a9d3f742
Revises: b7c3d9e5f021
Create Date: 2026-12-04 21:57:02.337374
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = 'c1e5a9d3f742'
down_revision: str | None = 'b7c3d9e5f021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rule_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reader', sa.String(length=40), nullable=False),
    sa.Column('document', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reader', 'document', name='uq_rule_notice')
    )
    op.create_table('rule_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('changes', sa.Text(), server_default='', nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.Column('saved_by_account_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['saved_by_account_id'], ['business_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document', 'version', name='uq_rule_version')
    )
    with op.batch_alter_table('rule_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_version_document'), ['document'], unique=False)
        batch_op.create_index(batch_op.f('ix_rule_version_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_rule_version_saved_by_account_id'), ['saved_by_account_id'], unique=False)

    op.create_table('video_guide',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('page', sa.String(length=80), nullable=False),
    sa.Column('duration_seconds', sa.Integer(), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('video_stored_name', sa.String(length=64), nullable=True),
    sa.Column('video_content_type', sa.String(length=100), nullable=False),
    sa.Column('captions_stored_name', sa.String(length=64), nullable=True),
    sa.Column('transcript', sa.Text(), server_default='', nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('updated_by_account_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_account_id'], ['business_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('captions_stored_name'),
    sa.UniqueConstraint('video_stored_name')
    )
    with op.batch_alter_table('video_guide', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_video_guide_audience'), ['audience'], unique=False)
        batch_op.create_index(batch_op.f('ix_video_guide_page'), ['page'], unique=False)
        batch_op.create_index(batch_op.f('ix_video_guide_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_video_guide_updated_by_account_id'), ['updated_by_account_id'], unique=False)

    op.create_table('announcement_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_account_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcement.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by_account_id'], ['business_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stored_name')
    )
    with op.batch_alter_table('announcement_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_attachment_announcement_id'), ['announcement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_attachment_uploaded_by_account_id'), ['uploaded_by_account_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('announcement_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_attachment_uploaded_by_account_id'))
        batch_op.drop_index(batch_op.f('ix_announcement_attachment_announcement_id'))

    op.drop_table('announcement_attachment')
    with op.batch_alter_table('video_guide', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_video_guide_updated_by_account_id'))
        batch_op.drop_index(batch_op.f('ix_video_guide_published'))
        batch_op.drop_index(batch_op.f('ix_video_guide_page'))
        batch_op.drop_index(batch_op.f('ix_video_guide_audience'))

    op.drop_table('video_guide')
    with op.batch_alter_table('rule_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_version_saved_by_account_id'))
        batch_op.drop_index(batch_op.f('ix_rule_version_published'))
        batch_op.drop_index(batch_op.f('ix_rule_version_document'))

    op.drop_table('rule_version')
    op.drop_table('rule_notice')
