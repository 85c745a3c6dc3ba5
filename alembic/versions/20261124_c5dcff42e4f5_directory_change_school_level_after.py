"""directory change school level after

Revision ID: c5dcff42e4f5
Revises: 39fc64562506
Create Date: 2026-11-24 23:33:38.342041
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c5dcff42e4f5"
down_revision: str | None = "39fc64562506"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("directory_change", schema=None) as batch_op:
        batch_op.add_column(
            # Existing reports keep their level: the empty default means "unchanged".
            sa.Column(
                "school_level_after",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default=sa.text("''"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("directory_change", schema=None) as batch_op:
        batch_op.drop_column("school_level_after")


def _fill_from_teacher_periods(cap: int = 6000) -> None:
    """Existing rollups: one row per (period, topic, county or "*", level or "*", capped total)."""
    for county in ("'*'", "county"):
        for level in ("'*'", "level"):
            extra = ", ".join(c for c in (county, level) if not c.startswith("'"))
            grouping = f", {extra}" if extra else ""
            op.execute(
                "INSERT INTO stats_teacher_dist (period_type, period, topic, county, level, minutes, teachers) "
                f"SELECT period_type, period, topic, {county}, {level}, "
                f"CASE WHEN total > {cap} THEN {cap} ELSE total END, count(*) FROM ("
                f"SELECT period_type, period, topic, teacher_id{grouping}, sum(minutes) AS total "
                f"FROM stats_teacher_period GROUP BY period_type, period, topic, teacher_id{grouping}) t "
                f"GROUP BY period_type, period, topic{grouping}, CASE WHEN total > {cap} THEN {cap} ELSE total END"
            )
