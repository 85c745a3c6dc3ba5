"""The national statistics generator, at a small scale: plausible shape, and rollups that add up."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from tpd_app.devdata.demo import load_demo
from tpd_app.devdata.volume_stats import generate_national
from tpd_app.models import Course, StatsMonth, Teacher, TrainingRecord, Unit
from tpd_app.services.platform.db import transaction


def test_the_generator_writes_a_skewed_country_and_matching_rollups(db_url: str):
    with transaction() as session:
        load_demo(session)
        before = session.exec(select(sa.func.count()).select_from(TrainingRecord)).one()
        counts = generate_national(session, scale=0.01, years=2)
    assert counts["schools"] >= 120 and counts["teachers"] == 2500 and counts["courses"] == 2000
    with transaction() as session:
        records = session.exec(select(sa.func.count()).select_from(TrainingRecord)).one() - before
        assert records == counts["training_records"] > 20_000
        per_school = session.exec(select(sa.func.count()).select_from(Teacher).where(
            Teacher.school_unit_id.in_(select(Unit.id).where(Unit.code.startswith("G")))).group_by(  # type: ignore
            Teacher.school_unit_id)).all()
        # Log-normal sizes: the biggest schools are many times the median one.
        sizes = sorted(per_school)
        assert sizes[-1] >= 5 * sizes[len(sizes) // 2]
        counties = session.exec(select(sa.func.count(sa.distinct(Unit.county))).where(
            Unit.code.startswith("G"))).one()  # type: ignore[union-attr]
        assert counties == 22
        credited = session.exec(select(sa.func.sum(TrainingRecord.minutes))).one()
        rolled = session.exec(select(sa.func.sum(StatsMonth.minutes)).where(
            StatsMonth.side == "teacher", StatsMonth.topic == "*")).one()
        assert rolled == credited
        assert session.exec(select(sa.func.count()).select_from(Course)).one() >= 2000
