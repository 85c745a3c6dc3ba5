"""reporting: county reporting modes, API clients, reported courses, confirmed months, refused items (SPEC §3.5)

Revision ID: 3f8b2c6d1a90
Revises: a9c3e5f71d04
Create Date: 2026-12-03 21:35:11.635159
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tpd_app.models.types import UTCDateTime

revision: str = '3f8b2c6d1a90'
down_revision: str | None = 'a9c3e5f71d04'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _add_reference(table: str, column: str) -> None:
    """A nullable column referencing `api_client.id`, added in place on either database."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES api_client (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(f'fk_{table}_{column}', table, 'api_client', [column], ['id'])


def upgrade() -> None:
    op.create_table('api_client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('allowed_addresses', sa.JSON(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('rotated_at', UTCDateTime(), nullable=True),
    sa.Column('revoked_at', UTCDateTime(), nullable=True),
    sa.Column('last_used_at', UTCDateTime(), nullable=True),
    sa.Column('last_used_ip', sa.String(length=64), nullable=False),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_account_id'], ['business_account.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_id')
    )
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_client_created_by_account_id'), ['created_by_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_client_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_client_revoked_at'), ['revoked_at'], unique=False)

    op.create_table('county_reporting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county', sa.String(length=8), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('updated_by_account_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_account_id'], ['business_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('county')
    )
    with op.batch_alter_table('county_reporting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_county_reporting_updated_by_account_id'), ['updated_by_account_id'], unique=False)

    op.create_table('reported_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('lists', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', UTCDateTime(), nullable=False),
    sa.Column('confirmed_by_account_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_account_id'], ['business_account.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_unit_id', 'month', name='uq_reported_month')
    )
    with op.batch_alter_table('reported_month', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reported_month_confirmed_by_account_id'), ['confirmed_by_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reported_month_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_reported_month_owner_unit_id'), ['owner_unit_id'], unique=False)

    op.create_table('report_rejection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['api_client.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('report_rejection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_rejection_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_rejection_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_rejection_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_rejection_owner_unit_id'), ['owner_unit_id'], unique=False)

    op.create_table('reported_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['api_client.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('course_id'),
    sa.UniqueConstraint('owner_unit_id', 'external_id', name='uq_reported_course_external')
    )
    with op.batch_alter_table('reported_course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reported_course_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reported_course_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reported_course_updated_at'), ['updated_at'], unique=False)

    # Two nullable columns on tables other tables point at: added in place. SQLite's batch mode would copy and
    # drop `attendance_list`, which its entries' foreign keys refuse on a database with data (and `audit_log`
    # can be large); SQLite adds a nullable column with an inline REFERENCES without copying.
    _add_reference('attendance_list', 'reported_by_client_id')
    op.add_column('attendance_list', sa.Column('reported_month', sa.String(length=7), nullable=True))
    op.create_index('ix_attendance_list_reported_by_client_id', 'attendance_list', ['reported_by_client_id'])
    op.create_index('ix_attendance_list_reported_month', 'attendance_list', ['reported_month'])
    _add_reference('audit_log', 'actor_client_id')
    op.create_index('ix_audit_log_actor_client_id', 'audit_log', ['actor_client_id'])



def downgrade() -> None:
    op.drop_index('ix_audit_log_actor_client_id', table_name='audit_log')
    op.drop_index('ix_attendance_list_reported_month', table_name='attendance_list')
    op.drop_index('ix_attendance_list_reported_by_client_id', table_name='attendance_list')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_audit_log_actor_client_id', 'audit_log', type_='foreignkey')
        op.drop_constraint('fk_attendance_list_reported_by_client_id', 'attendance_list', type_='foreignkey')
    # SQLite 3.35+ drops a column in place (one with an inline REFERENCES too).
    op.drop_column('audit_log', 'actor_client_id')
    op.drop_column('attendance_list', 'reported_month')
    op.drop_column('attendance_list', 'reported_by_client_id')

    with op.batch_alter_table('reported_course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reported_course_updated_at'))
        batch_op.drop_index(batch_op.f('ix_reported_course_owner_unit_id'))
        batch_op.drop_index(batch_op.f('ix_reported_course_client_id'))

    op.drop_table('reported_course')
    with op.batch_alter_table('report_rejection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_rejection_owner_unit_id'))
        batch_op.drop_index(batch_op.f('ix_report_rejection_month'))
        batch_op.drop_index(batch_op.f('ix_report_rejection_client_id'))
        batch_op.drop_index(batch_op.f('ix_report_rejection_at'))

    op.drop_table('report_rejection')
    with op.batch_alter_table('reported_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reported_month_owner_unit_id'))
        batch_op.drop_index(batch_op.f('ix_reported_month_month'))
        batch_op.drop_index(batch_op.f('ix_reported_month_confirmed_by_account_id'))

    op.drop_table('reported_month')
    with op.batch_alter_table('county_reporting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_county_reporting_updated_by_account_id'))

    op.drop_table('county_reporting')
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_client_revoked_at'))
        batch_op.drop_index(batch_op.f('ix_api_client_owner_unit_id'))
        batch_op.drop_index(batch_op.f('ix_api_client_created_by_account_id'))

    op.drop_table('api_client')
