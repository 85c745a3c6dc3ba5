"""Statistics rollups (SPEC §3.6): sums kept current when hours are confirmed, rebuildable from the ledger.

Three "sides" share the rollup tables (`domain.stats.Side`): courses held by an organizer, hours
credited to teachers by *their* school, and hours credited by the course's organizer. `topic` is
`*` on the rows that count every record once; rows of a real topic code repeat the record for
each topic of its course, so only `*` rows may be summed across topics.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

#: Teacher totals above this many minutes share one `stats_teacher_dist` row (100 hours; every rule is below).
DIST_CAP_MINUTES = 6000


class StatsMonth(SQLModel, table=True):
    """County-level sums per month: what national and county dashboards read."""

    __tablename__ = "stats_month"
    __table_args__ = (
        sa.UniqueConstraint("side", "ym", "county", "level", "kind", "topic", name="uq_stats_month_key"),
        # Covering, in month order: the month breakdown and month ranges read the index alone, unsorted.
        sa.Index("ix_stats_month_school_year_cover", "school_year", "topic", "side", "ym", "county", "level", "kind",
                 "records", "minutes"),
        sa.Index("ix_stats_month_calendar_year_cover", "calendar_year", "topic", "side", "ym", "county", "level",
                 "kind", "records", "minutes"),
        # The same led by the county: a county's months are one range (a twentieth of the country's rows).
        sa.Index("ix_stats_month_county_school_year_cover", "county", "school_year", "topic", "side", "ym", "level",
                 "kind", "records", "minutes"),
        sa.Index("ix_stats_month_county_calendar_year_cover", "county", "calendar_year", "topic", "side", "ym",
                 "level", "kind", "records", "minutes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    side: str = Field(max_length=12)
    #: Year and month as one number, e.g. 202608.
    ym: int
    calendar_year: int
    school_year: int
    county: str = Field(default="", max_length=8)
    level: str = Field(default="", max_length=32)
    kind: str = Field(max_length=32)
    topic: str = Field(default="*", max_length=32)
    records: int = Field(default=0)
    minutes: int = Field(default=0)


class StatsYear(SQLModel, table=True):
    """`stats_month` summed per calendar or school year: national and county breakdowns without a month
    range read a twelfth of the rows."""

    __tablename__ = "stats_year"
    __table_args__ = (
        sa.UniqueConstraint("side", "period_type", "period", "county", "level", "kind", "topic",
                            name="uq_stats_year_key"),
        # Covering: one period's breakdowns (topics in order), and the trend across periods.
        sa.Index("ix_stats_year_period_cover", "period_type", "period", "topic", "side", "county", "level", "kind",
                 "records", "minutes"),
        sa.Index("ix_stats_year_trend_cover", "period_type", "topic", "period", "side", "county", "level", "kind",
                 "records", "minutes"),
        # A county's trend as one range.
        sa.Index("ix_stats_year_county_trend_cover", "county", "period_type", "topic", "period", "side", "level",
                 "kind", "records", "minutes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    side: str = Field(max_length=12)
    #: "calendar" (AD year) or "school" (ROC school year).
    period_type: str = Field(max_length=8)
    period: int
    county: str = Field(default="", max_length=8)
    level: str = Field(default="", max_length=32)
    kind: str = Field(max_length=32)
    topic: str = Field(default="*", max_length=32)
    records: int = Field(default=0)
    minutes: int = Field(default=0)


class StatsUnit(SQLModel, table=True):
    """Per-unit sums per half school year (a school year × calendar year pair): unit drill-downs."""

    __tablename__ = "stats_unit"
    __table_args__ = (
        sa.UniqueConstraint("side", "calendar_year", "school_year", "unit_id", "county", "level", "kind",
                            "topic", name="uq_stats_unit_key"),
        # Covering: a county's schools, one period at a time.
        sa.Index("ix_stats_unit_county_school_year_cover", "side", "county", "topic", "school_year", "unit_id",
                 "level", "kind", "records", "minutes"),
        sa.Index("ix_stats_unit_county_calendar_year_cover", "side", "county", "topic", "calendar_year", "unit_id",
                 "level", "kind", "records", "minutes"),
        sa.Index("ix_stats_unit_unit_cover", "unit_id", "side", "topic", "school_year", "calendar_year", "level",
                 "kind", "records", "minutes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    side: str = Field(max_length=12)
    calendar_year: int
    school_year: int
    unit_id: int = Field(foreign_key="unit.id")
    county: str = Field(default="", max_length=8)
    level: str = Field(default="", max_length=32)
    kind: str = Field(max_length=32)
    topic: str = Field(default="*", max_length=32)
    records: int = Field(default=0)
    minutes: int = Field(default=0)


class StatsUnitYear(SQLModel, table=True):
    """`stats_unit` summed per calendar or school year over every course kind: a county's table of its
    units reads one row per unit and side (the per-kind rows stay in `stats_unit` for the kind filter)."""

    __tablename__ = "stats_unit_year"
    __table_args__ = (
        sa.UniqueConstraint("side", "period_type", "period", "unit_id", "county", "level", "topic",
                            name="uq_stats_unit_year_key"),
        # Covering, in unit order: a county's units are summed without sorting.
        sa.Index("ix_stats_unit_year_county_cover", "side", "county", "period_type", "period", "topic", "unit_id",
                 "level", "records", "minutes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    side: str = Field(max_length=12)
    period_type: str = Field(max_length=8)
    period: int
    unit_id: int = Field(foreign_key="unit.id", index=True)
    county: str = Field(default="", max_length=8)
    level: str = Field(default="", max_length=32)
    topic: str = Field(default="*", max_length=32)
    records: int = Field(default=0)
    minutes: int = Field(default=0)


class StatsTeacherPeriod(SQLModel, table=True):
    """One teacher's credited minutes per calendar or school year, per school and topic.

    Distinct teachers and compliance shares come from here (a count of rows, not of records).
    """

    __tablename__ = "stats_teacher_period"
    __table_args__ = (
        sa.UniqueConstraint("period_type", "period", "teacher_id", "unit_id", "county", "level", "topic",
                            name="uq_stats_teacher_period_key"),
        # A unit's dashboard sums its teachers' rows; national and county ones read `stats_teacher_dist`.
        sa.Index("ix_stats_teacher_period_unit", "unit_id", "period_type", "period", "topic", "teacher_id", "level",
                 "minutes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    #: "calendar" (AD year) or "school" (ROC school year).
    period_type: str = Field(max_length=8)
    period: int
    teacher_id: int = Field(foreign_key="teacher.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    county: str = Field(default="", max_length=8)
    level: str = Field(default="", max_length=32)
    topic: str = Field(default="*", max_length=32)
    records: int = Field(default=0)
    minutes: int = Field(default=0)


class StatsTeacherDist(SQLModel, table=True):
    """How many teachers reached each total of credited minutes, per period, topic, county and level.

    `county` "*" is the whole country and `level` "*" every school level; a teacher's total is capped
    at `DIST_CAP_MINUTES` (above every compliance rule). Distinct teachers are the sum of `teachers`,
    and the teachers meeting a rule the sum over `minutes >= rule`: a national or county dashboard
    reads a few hundred rows instead of one index entry per teacher.
    """

    __tablename__ = "stats_teacher_dist"
    __table_args__ = (
        sa.UniqueConstraint("period_type", "period", "topic", "county", "level", "minutes",
                            name="uq_stats_teacher_dist_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    period_type: str = Field(max_length=8)
    period: int
    topic: str = Field(default="*", max_length=32)
    county: str = Field(default="*", max_length=8)
    level: str = Field(default="*", max_length=32)
    #: The teacher's total credited minutes in the period, capped at `DIST_CAP_MINUTES`.
    minutes: int
    teachers: int = Field(default=0)


class StatsCourseFact(SQLModel, table=True):
    """What a published course last contributed to the course side, so a change can be undone exactly."""

    __tablename__ = "stats_course_fact"

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", unique=True)
    held_on: date
    unit_id: int = Field(foreign_key="unit.id", index=True)
    county: str = Field(default="", max_length=8)
    level: str = Field(default="", max_length=32)
    kind: str = Field(max_length=32)
    topics: str = Field(default="", max_length=500)
    minutes: int = Field(default=0)


class StatsRoster(SQLModel, table=True):
    """Serving teachers with active accounts per school today: the compliance shares' denominator.

    Kept current by triggers on `teacher` (`services.roster`), so every write path counts, the ORM's and
    bulk loads alike; `rebuild_roster` recounts it. A county's roster is then ~2,000 rows, not ~41,000
    teachers counted per request.
    """

    __tablename__ = "stats_roster"

    unit_id: int = Field(primary_key=True, foreign_key="unit.id")
    teachers: int = Field(default=0)
