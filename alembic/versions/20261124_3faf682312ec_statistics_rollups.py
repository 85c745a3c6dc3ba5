"""statistics rollups

Revision ID: 3faf682312ec
Revises: eccd5dd5d094
Create Date: 2026-11-24 22:18:39.423756
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tpd_app.models.types

revision: str = "3faf682312ec"
down_revision: str | None = "eccd5dd5d094"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "stats_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("side", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("ym", sa.Integer(), nullable=False),
        sa.Column("calendar_year", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("county", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("side", "ym", "county", "level", "kind", "topic", name="uq_stats_month_key"),
    )
    with op.batch_alter_table("stats_month", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stats_month_calendar_year"), ["calendar_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_stats_month_county"), ["county"], unique=False)
        batch_op.create_index(batch_op.f("ix_stats_month_school_year"), ["school_year"], unique=False)
        batch_op.create_index("ix_stats_month_school_year_topic", ["school_year", "topic", "side"], unique=False)
        batch_op.create_index("ix_stats_month_calendar_year_topic", ["calendar_year", "topic", "side"], unique=False)
        batch_op.create_index("ix_stats_month_topic_side", ["topic", "side", "school_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_stats_month_ym"), ["ym"], unique=False)

    op.create_table(
        "stats_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("side", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("calendar_year", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("county", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "side",
            "calendar_year",
            "school_year",
            "unit_id",
            "county",
            "level",
            "kind",
            "topic",
            name="uq_stats_unit_key",
        ),
    )
    with op.batch_alter_table("stats_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stats_unit_calendar_year"), ["calendar_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_stats_unit_school_year"), ["school_year"], unique=False)
        batch_op.create_index(
            "ix_stats_unit_side_county_topic", ["side", "county", "topic", "school_year"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stats_unit_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index("ix_stats_unit_unit_side_topic", ["unit_id", "side", "topic"], unique=False)

    op.create_table(
        "stats_teacher_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_type", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("county", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["teacher.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "period_type",
            "period",
            "teacher_id",
            "unit_id",
            "county",
            "level",
            "topic",
            name="uq_stats_teacher_period_key",
        ),
    )
    with op.batch_alter_table("stats_teacher_period", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stats_teacher_period_all", ["period_type", "period", "topic", "teacher_id", "minutes"], unique=False
        )
        batch_op.create_index(
            "ix_stats_teacher_period_county",
            ["period_type", "period", "topic", "county", "teacher_id", "minutes"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_stats_teacher_period_teacher_id"), ["teacher_id"], unique=False)
        batch_op.create_index(
            "ix_stats_teacher_period_unit", ["unit_id", "period_type", "period", "topic"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stats_teacher_period_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "stats_course_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("county", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("topics", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("course_id"),
    )
    with op.batch_alter_table("stats_course_fact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stats_course_fact_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("stats_course_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stats_course_fact_unit_id"))

    op.drop_table("stats_course_fact")
    with op.batch_alter_table("stats_teacher_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stats_teacher_period_unit_id"))
        batch_op.drop_index("ix_stats_teacher_period_unit")
        batch_op.drop_index(batch_op.f("ix_stats_teacher_period_teacher_id"))
        batch_op.drop_index("ix_stats_teacher_period_all")
        batch_op.drop_index("ix_stats_teacher_period_county")

    op.drop_table("stats_teacher_period")
    with op.batch_alter_table("stats_unit", schema=None) as batch_op:
        batch_op.drop_index("ix_stats_unit_unit_side_topic")
        batch_op.drop_index(batch_op.f("ix_stats_unit_unit_id"))
        batch_op.drop_index("ix_stats_unit_side_county_topic")
        batch_op.drop_index(batch_op.f("ix_stats_unit_school_year"))
        batch_op.drop_index(batch_op.f("ix_stats_unit_calendar_year"))

    op.drop_table("stats_unit")
    with op.batch_alter_table("stats_month", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stats_month_ym"))
        batch_op.drop_index("ix_stats_month_school_year_topic")
        batch_op.drop_index("ix_stats_month_calendar_year_topic")
        batch_op.drop_index("ix_stats_month_topic_side")
        batch_op.drop_index(batch_op.f("ix_stats_month_school_year"))
        batch_op.drop_index(batch_op.f("ix_stats_month_county"))
        batch_op.drop_index(batch_op.f("ix_stats_month_calendar_year"))

    op.drop_table("stats_month")
