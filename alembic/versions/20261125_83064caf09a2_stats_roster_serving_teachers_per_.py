"""stats roster: serving teachers per school, kept by triggers

Revision ID: 83064caf09a2
Revises: a333adcf78d2
Create Date: 2026-11-25 06:12:24.116589
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "83064caf09a2"
down_revision: str | None = "a333adcf78d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: Who counts: a serving teacher whose account is active (`services.stats._roster` reads the sums).
COUNTS = "{row}.employment = 'serving' AND {row}.status = 'active'"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER teacher_roster_insert AFTER INSERT ON teacher WHEN {COUNTS.format(row="NEW")}
    BEGIN
        INSERT INTO stats_roster (unit_id, teachers) VALUES (NEW.school_unit_id, 1)
            ON CONFLICT (unit_id) DO UPDATE SET teachers = teachers + 1;
    END""",
    f"""CREATE TRIGGER teacher_roster_delete AFTER DELETE ON teacher WHEN {COUNTS.format(row="OLD")}
    BEGIN
        UPDATE stats_roster SET teachers = teachers - 1 WHERE unit_id = OLD.school_unit_id;
    END""",
    f"""CREATE TRIGGER teacher_roster_update AFTER UPDATE OF employment, status, school_unit_id ON teacher
    WHEN ({COUNTS.format(row="OLD")}) OR ({COUNTS.format(row="NEW")})
    BEGIN
        UPDATE stats_roster SET teachers = teachers - 1
            WHERE unit_id = OLD.school_unit_id AND {COUNTS.format(row="OLD")};
        INSERT INTO stats_roster (unit_id, teachers) SELECT NEW.school_unit_id, 1 WHERE {COUNTS.format(row="NEW")}
            ON CONFLICT (unit_id) DO UPDATE SET teachers = teachers + 1;
    END""",
)

POSTGRESQL_TRIGGERS = (
    f"""CREATE FUNCTION teacher_roster_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            IF {COUNTS.format(row="OLD")} THEN
                UPDATE stats_roster SET teachers = teachers - 1 WHERE unit_id = OLD.school_unit_id;
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF {COUNTS.format(row="NEW")} THEN
                INSERT INTO stats_roster (unit_id, teachers) VALUES (NEW.school_unit_id, 1)
                    ON CONFLICT (unit_id) DO UPDATE SET teachers = stats_roster.teachers + 1;
            END IF;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER teacher_roster AFTER INSERT OR DELETE OR UPDATE OF employment, status, school_unit_id
    ON teacher FOR EACH ROW EXECUTE FUNCTION teacher_roster_count()""",
)


def upgrade() -> None:
    op.create_table(
        "stats_roster",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("teachers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    op.execute(
        f"INSERT INTO stats_roster (unit_id, teachers) SELECT school_unit_id, count(*) FROM teacher "
        f"WHERE {COUNTS.format(row='teacher')} GROUP BY school_unit_id"
    )
    for statement in POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER teacher_roster ON teacher")
        op.execute("DROP FUNCTION teacher_roster_count()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER teacher_roster_{name}")
    op.drop_table("stats_roster")
