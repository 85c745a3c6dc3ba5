"""The registration and hours demo data: registrations in every status, lists in every state, several years."""

from __future__ import annotations

from sqlmodel import select

from tests.factories import actor_for_teacher
from tpd_app.devdata.demo import DEMO_TEACHER_ID, load_demo
from tpd_app.models import AttendanceList, CourseRegistration, Teacher, Unit
from tpd_app.services.hours import records
from tpd_app.services.platform.db import transaction


def test_demo_teacher_has_a_record_over_several_years_and_every_registration_status(db_url: str):
    with transaction() as s:
        load_demo(s)
    with transaction() as s:
        teacher = s.exec(select(Teacher).where(Teacher.national_id == DEMO_TEACHER_ID)).one()
        actor = actor_for_teacher(teacher, s.get(Unit, teacher.school_unit_id))
        data = records.my_record(s, actor)
        statuses = {r.status for r in s.exec(select(CourseRegistration)
                                             .where(CourseRegistration.teacher_id == teacher.id))}
        list_states = {r.status for r in s.exec(select(AttendanceList))}
        late = [r for r in s.exec(select(AttendanceList).where(AttendanceList.late))]
    assert len(data["calendar_years"]) >= 3 and len(data["rows"]) >= 7
    assert {"accepted", "pending", "declined", "waiting", "withdrawn"} <= statuses
    assert list_states == {"draft", "submitted", "returned", "confirmed"}
    assert late
