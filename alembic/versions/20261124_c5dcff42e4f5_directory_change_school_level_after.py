"""directory change school level after

Revision ID: c5dcff42e4f5
Revises: 39fc64562506
Create Date: 2026-11-24 23:33:38.342041
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tpd_app.models.types

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

