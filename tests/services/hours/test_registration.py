"""Online registration: eligibility refusals, capacity and waiting list, promotion, organizer decisions,
no overfilling under simultaneous registrations, history, .ics, Excel export."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import select

from tests.factories import make_world
from tests.services.course_data import course_form
from tests.services.hours_data import published_course, register_all_at_once, seats_held
from tpd_app.domain.courses import Action
from tpd_app.domain.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tpd_app.domain.timeutil import TAIPEI, taipei_today
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AuditLog, Course, CourseRegistration, OutboxMessage, RegistrationTally
from tpd_app.services.courses import lifecycle, review
from tpd_app.services.hours import registration
from tpd_app.services.platform.db import get_engine, transaction


def _setup(**course_fields):
    with transaction() as s:
        world = make_world(s)
        course = published_course(s, world.school_a, **course_fields)
        organizer = world.actor(s, world.school_a, AccountCategory.OPERATOR)
        teachers = [world.teacher_actor(s) for _ in range(4)]
    return world, course.id, organizer, teachers


def _register(actor, course_id, **kw):
    with transaction() as s:
        return registration.register(s, actor, course_id, **kw)


def _statuses(course_id):
    with transaction() as s:
        rows = s.exec(select(CourseRegistration).where(CourseRegistration.course_id == course_id)
                      .order_by(CourseRegistration.id)).all()
        return [r.status for r in rows]


def test_teacher_takes_a_seat_then_the_full_course_puts_the_next_on_the_waiting_list(db_url: str):
    _, course_id, _, t = _setup(capacity=2)
    assert _register(t[0], course_id)["status"] == "pending"
    assert _register(t[1], course_id)["status"] == "pending"
    third = _register(t[2], course_id)
    fourth = _register(t[3], course_id)
    assert (third["status"], third["position"]) == ("waiting", 1)
    assert (fourth["status"], fourth["position"]) == ("waiting", 2)


def test_a_second_registration_is_refused_with_its_reason(db_url: str):
    _, course_id, _, t = _setup()
    _register(t[0], course_id)
    with pytest.raises(DomainError) as error:
        _register(t[0], course_id)
    assert error.value.key == "registration.refused.already"


@pytest.mark.parametrize(("fields", "reason"), [
    ({"status": "cancelled"}, "cancelled"),
    ({"status": "submitted"}, "not_published"),
    ({"online_registration": False}, "no_online"),
    ({"registration_opens": taipei_today() + timedelta(days=3)}, "not_open_yet"),
    ({"registration_closes": taipei_today() - timedelta(days=1)}, "closed"),
    ({"eligible_counties": ["KHH"]}, "county"),
    ({"eligible_levels": ["senior_high"]}, "level"),
    ({"eligible_school_codes": ["X0000"]}, "school"),
])
def test_each_ineligible_registration_is_refused_with_its_own_reason(db_url: str, fields, reason):
    _, course_id, _, t = _setup(**fields)
    with pytest.raises(DomainError) as error:
        _register(t[0], course_id)
    assert error.value.key == f"registration.refused.{reason}"
    assert _statuses(course_id) == []


def test_teacher_of_another_county_is_refused_a_county_limited_course(db_url: str):
    world, course_id, _, _ = _setup(eligible_counties=["TPE"])
    with transaction() as s:
        outsider = world.teacher_actor(s, world.school_b)
    with pytest.raises(DomainError) as error:
        _register(outsider, course_id)
    assert error.value.key == "registration.refused.county"


def test_business_account_cannot_register_as_a_teacher(db_url: str):
    _, course_id, organizer, _ = _setup()
    with pytest.raises(Forbidden):
        _register(organizer, course_id)


def test_withdrawal_promotes_the_first_waiting_and_tells_her(db_url: str):
    _, course_id, _, t = _setup(capacity=1)
    first = _register(t[0], course_id)
    _register(t[1], course_id)
    _register(t[2], course_id)
    with transaction() as s:
        registration.withdraw(s, t[0], first["id"])
    assert _statuses(course_id) == ["withdrawn", "pending", "waiting"]
    with transaction() as s:
        mine = registration.my_registrations(s, t[2])
        mails = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "promoted")).all()
    assert mine[0]["position"] == "1"
    assert len(mails) == 1 and "候補" in mails[0].subject


def test_organizer_decline_with_reason_frees_the_seat_for_the_waiting_list(db_url: str):
    _, course_id, organizer, t = _setup(capacity=1)
    first = _register(t[0], course_id)
    _register(t[1], course_id)
    with transaction() as s, pytest.raises(ValidationFailed):
        registration.decline(s, organizer, course_id, first["id"], "")
    with transaction() as s:
        registration.decline(s, organizer, course_id, first["id"], "非本校教師")
    assert _statuses(course_id) == ["declined", "pending"]


def test_bulk_accept_is_all_or_nothing_and_mails_each_teacher(db_url: str):
    _, course_id, organizer, t = _setup(capacity=2)
    a = _register(t[0], course_id)
    b = _register(t[1], course_id)
    waiting = _register(t[2], course_id)
    with transaction() as s, pytest.raises(DomainError):
        registration.accept(s, organizer, course_id, [a["id"], waiting["id"]])
    assert _statuses(course_id) == ["pending", "pending", "waiting"]
    with transaction() as s:
        assert registration.accept(s, organizer, course_id, [a["id"], b["id"]]) == 2
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "accepted")).all()) == 2
    assert _statuses(course_id) == ["accepted", "accepted", "waiting"]


def test_another_units_organizer_cannot_see_or_decide_registrants(db_url: str):
    world, course_id, _, t = _setup()
    reg = _register(t[0], course_id)
    with transaction() as s:
        other = world.actor(s, world.school_b)
    with transaction() as s, pytest.raises(Forbidden):
        registration.accept(s, other, course_id, [reg["id"]])
    with transaction() as s, pytest.raises(Forbidden):
        registration.registrants(s, other, course_id)


def test_teacher_cannot_withdraw_someone_elses_registration_or_after_the_start(db_url: str):
    _, course_id, _, t = _setup()
    reg = _register(t[0], course_id)
    with transaction() as s, pytest.raises(NotFound):
        registration.withdraw(s, t[1], reg["id"])
    with transaction() as s, pytest.raises(DomainError):
        registration.withdraw(s, t[0], reg["id"], today=taipei_today() + timedelta(days=30))


def test_simultaneous_registrations_never_exceed_capacity(db_url: str):
    with transaction() as s:
        world = make_world(s)
        course_id = published_course(s, world.school_a, capacity=3).id
        teachers = [world.teacher_actor(s) for _ in range(12)]
    outcomes, errors = register_all_at_once(teachers, course_id)
    assert errors == []
    assert outcomes.count("pending") == 3 and outcomes.count("waiting") == 9
    assert seats_held(course_id) == (3, 3)


def test_a_teacher_who_withdrew_registers_again_at_the_end_of_the_waiting_list(db_url: str):
    _, course_id, _, t = _setup(capacity=1)
    first = _register(t[0], course_id)
    _register(t[1], course_id)
    with transaction() as s:
        registration.withdraw(s, t[0], first["id"])
        listed = {row["id"]: row for row in registration.open_courses(s, t[0])}
    # The registration list offers 報名 again, not her withdrawn status.
    assert (listed[str(course_id)]["my_status"], listed[str(course_id)]["refusal"]) == ("", "")
    _register(t[2], course_id)  # full again: t[1] was promoted, t[2] waits
    again = _register(t[0], course_id)
    assert (again["status"], again["position"], again["id"]) == ("waiting", 2, first["id"])  # her row, requeued
    assert _statuses(course_id) == ["waiting", "pending", "waiting"]
    with transaction() as s:
        positions = {row["id"]: row["position"] for row in registration.my_registrations(s, t[0])}
    assert positions == {str(first["id"]): "2"}
    with pytest.raises(DomainError, match="already"):
        _register(t[0], course_id)  # registered again means registered: no second place
    # Withdrawing from the waiting list and coming back while a seat is free takes the seat.
    with transaction() as s:
        registration.withdraw(s, t[0], first["id"])
        pending = s.exec(select(CourseRegistration).where(CourseRegistration.course_id == course_id,
                                                          CourseRegistration.status == "pending")).one()
        registration.withdraw(s, t[1], pending.id)  # the seat passes to t[2]
    assert _statuses(course_id) == ["withdrawn", "withdrawn", "pending"]
    assert seats_held(course_id) == (1, 1)


def test_teachers_registering_again_while_others_register_never_overfill(db_url: str):
    with transaction() as s:
        world = make_world(s)
        course_id = published_course(s, world.school_a, capacity=3).id
        teachers = [world.teacher_actor(s) for _ in range(10)]
    for teacher in teachers[:3]:
        row = _register(teacher, course_id)
        with transaction() as s:
            registration.withdraw(s, teacher, row["id"])
    outcomes, errors = register_all_at_once(teachers, course_id)  # the three come back with seven others
    assert errors == []
    assert outcomes.count("pending") == 3 and outcomes.count("waiting") == 7
    assert seats_held(course_id) == (3, 3)
    with transaction() as s:  # the places the waiting teachers see on their pages: 1…7, none twice
        places = [row["position"] for teacher in teachers for row in registration.my_registrations(s, teacher)
                  if row["status"] == "waiting"]
    assert sorted(places, key=int) == [str(n) for n in range(1, 8)]


def test_the_day_before_a_course_each_teacher_holding_a_seat_is_reminded_once(db_url: str):
    from tpd_app.chores import run_due_chores

    _, course_id, organizer, t = _setup(capacity=2, days_ahead=20)
    for teacher in t[:3]:
        _register(teacher, course_id)  # two seats, one waiting
    with transaction() as s:
        registration.accept(s, organizer, course_id, [r.id for r in s.exec(
            select(CourseRegistration).where(CourseRegistration.teacher_id == t[0].id))])
        first = s.get(Course, course_id).first_date
    eve = datetime.combine(first - timedelta(days=1), time(8), tzinfo=TAIPEI)
    assert run_due_chores(eve - timedelta(days=1))["send-course-reminders"] == 0  # two days before: nothing
    assert run_due_chores(eve)["send-course-reminders"] == 2
    assert "send-course-reminders" not in run_due_chores(eve + timedelta(hours=3))  # once a day
    with transaction() as s:
        mails = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all()
    assert len(mails) == 2 and all("明天開始" in m.subject for m in mails)
    assert all("13:30–16:30" in m.body and "本校視聽教室" in m.body and "取消報名" in m.body for m in mails)


def test_cancelling_the_course_cancels_registrations_and_tells_the_teachers(db_url: str):
    _, course_id, organizer, t = _setup()
    _register(t[0], course_id)
    with transaction() as s:
        lifecycle.cancel_course(s, organizer, course_id, "講師因故無法前來")
    assert _statuses(course_id) == ["cancelled"]
    with transaction() as s:
        assert s.exec(select(OutboxMessage).where(OutboxMessage.kind == "cancelled")).first() is not None


def test_history_ics_and_export_mask_and_limit_what_they_show(db_url: str):
    _, course_id, organizer, t = _setup()
    reg = _register(t[0], course_id)
    with transaction() as s:
        registration.accept(s, organizer, course_id, [reg["id"]])
        history = registration.my_registrations(s, t[0])
        name, ics = registration.ics(s, t[0], reg["id"])
        data = registration.registrants_xlsx(s, organizer, course_id)
        course = s.get(Course, course_id)
        teacher_id = t[0].id
    assert history[0]["status"] == "accepted" and history[0]["ics"] == "1"
    assert name == f"{course.code}.ics" and b"BEGIN:VEVENT" in ics and b"DTSTART:" in ics
    assert b"T053000Z" in ics  # 13:30 Taipei is 05:30 UTC
    sheet = load_workbook(io.BytesIO(data)).active
    masked = sheet.cell(row=2, column=3).value
    assert "****" in masked
    with transaction() as s, pytest.raises(NotFound):
        registration.ics(s, t[1], reg["id"])
    assert teacher_id


def test_a_published_course_back_in_review_after_an_edit_stays_open_for_registration(db_url: str):
    from datetime import date

    from tpd_app.models import CatalogueEntry

    _, course_id, _, t = _setup(capacity=5)
    with transaction() as s:
        course = s.get(Course, course_id)
        s.add(CatalogueEntry(course_id=course_id, code=course.code, title=course.title, organizer_name="和平國小",
                             kind="lecture", first_date=course.first_date or date.today(),
                             last_date=course.last_date or date.today()))
        course.status = "submitted"  # a material edit sent it back to review; the catalogue keeps it
        s.add(course)
    assert _register(t[0], course_id)["status"] == "pending"
    with transaction() as s:
        listed = [row["id"] for row in registration.open_courses(s, t[1])]
    assert str(course_id) in listed


def test_a_submitted_course_never_approved_is_not_open(db_url: str):
    _, course_id, _, t = _setup(capacity=5, status="submitted")
    with pytest.raises(DomainError) as refused:
        _register(t[0], course_id)
    assert refused.value.key == "registration.refused.not_published"


def test_raising_the_capacity_promotes_the_waiting_list_at_once(db_url: str):
    """The organizer adds a seat: the first waiting teacher gets it now and is told; the next waits on."""
    world, course_id, organizer, t = _setup(capacity=1)
    for teacher in t[:3]:
        _register(teacher, course_id)
    assert _statuses(course_id) == ["pending", "waiting", "waiting"]
    with transaction() as s:
        # A material edit: back to review, while registration goes on under the new capacity.
        assert lifecycle.update_course(s, organizer, course_id, course_form(capacity="2"), submit=False) == "submitted"
    assert _statuses(course_id) == ["pending", "pending", "waiting"]
    with transaction() as s:
        assert registration.my_registrations(s, t[2])[0]["position"] == "1"
        assert len(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "promoted")).all()) == 1
        review.decide(s, world.actor(s, world.bureau_a), course_id, Action.APPROVE)
    with transaction() as s:
        lifecycle.update_course(s, organizer, course_id, course_form(capacity="5"), submit=False)
    assert _statuses(course_id) == ["pending", "pending", "pending"]


def test_a_batch_of_registrations_answers_each_in_order_and_refuses_only_the_refused(db_url: str):
    """The rush desk's use case: one transaction for many teachers; a refusal stays that teacher's own."""
    _, course_id, _, t = _setup(capacity=2)
    _register(t[3], course_id)  # already registered before the batch
    answers = registration.register_each([(t[0], course_id, ""), (t[3], course_id, ""), (t[1], course_id, ""),
                                          (t[2], course_id, "")])
    assert [a["status"] if isinstance(a, dict) else a.key for a in answers] == [
        "pending", "registration.refused.already", "waiting", "waiting"]
    assert [a["position"] for a in answers if isinstance(a, dict)] == [0, 1, 2]
    assert seats_held(course_id) == (2, 2)


def test_a_batch_answers_with_each_rows_id_and_audits_each_as_one_registration_does(db_url: str):
    """The batch's new rows go in together: each answer names her own row, a teacher who withdrew gets her
    row back, and each registration has its audit row (who, which course, what she got)."""
    _, course_id, _, t = _setup(capacity=1)
    first = _register(t[0], course_id)
    with transaction() as s:
        registration.withdraw(s, t[0], first["id"])
    answers = registration.register_each([(t[1], course_id, "10.0.0.1"), (t[0], course_id, "10.0.0.2"),
                                          (t[2], course_id, "10.0.0.3")])
    with transaction() as s:
        rows = {r.teacher_id: r for r in s.exec(select(CourseRegistration)
                                                .where(CourseRegistration.course_id == course_id))}
        code = s.get(Course, course_id).code
        audited = s.exec(select(AuditLog).where(AuditLog.action == "registration.register")
                         .order_by(AuditLog.id)).all()
    assert [a["id"] for a in answers] == [rows[t[1].id].id, first["id"], rows[t[2].id].id]
    assert [(a["status"], a["position"]) for a in answers] == [("pending", 0), ("waiting", 1), ("waiting", 2)]
    batch = audited[-3:]
    assert [(r.actor_teacher_id, r.target_id, r.after, r.ip) for r in batch] == [
        (t[1].id, code, {"status": "pending", "position": 0}, "10.0.0.1"),
        (t[0].id, code, {"status": "waiting", "position": 1}, "10.0.0.2"),
        (t[2].id, code, {"status": "waiting", "position": 2}, "10.0.0.3")]
    assert all(r.unit_id == t[1].unit.id and r.outcome == "ok" and r.at is not None for r in batch)
    assert all(rows[a.id].created_at is not None for a in t[:3])


def test_a_batch_that_fails_as_a_whole_is_retried_one_by_one(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """A batch that breaks after writing (a lost connection) leaves nothing of itself; each teacher is then
    registered alone, once."""
    _, course_id, _, t = _setup(capacity=5)
    real, sizes = registration.register_batch, []

    def flaky(session, requests, **kw):
        sizes.append(len(requests))
        answers = real(session, requests, **kw)
        if len(requests) > 1:  # the batch wrote its rows, then its transaction breaks
            raise RuntimeError("connection lost")
        return answers

    monkeypatch.setattr(registration, "register_batch", flaky)
    answers = registration.register_each([(t[0], course_id, ""), (t[1], course_id, ""), (t[2], course_id, "")])
    assert sizes == [3, 1, 1, 1]
    assert [a["status"] for a in answers] == ["pending"] * 3  # each retried alone, none lost, none twice
    assert seats_held(course_id) == (3, 3)
    assert _statuses(course_id) == ["pending"] * 3


def test_a_batch_answers_as_one_by_one_would_across_courses_and_double_clicks(db_url: str):
    """Two courses in one batch, a double click, a teacher of another county and a full course: the same
    answers as one registration after another, and the positions the waiting list shows afterwards."""
    world, first, _, t = _setup(capacity=1)
    with transaction() as s:
        second = published_course(s, world.school_a, capacity=2, eligible_counties=["TPE"]).id
        outsider = world.teacher_actor(s, world.school_b)
    answers = registration.register_each([
        (t[0], second, ""), (t[0], first, ""), (t[1], first, ""), (t[0], first, ""), (outsider, second, ""),
        (t[2], first, ""), (t[1], second, ""), (t[2], second, ""), (t[3], 999_999, ""), (t[3], "x", "")])
    assert [a["status"] if isinstance(a, dict) else a.key for a in answers] == [
        "pending", "pending", "waiting", "registration.refused.already", "registration.refused.county",
        "waiting", "pending", "waiting", NotFound().key, NotFound().key]
    assert [a["position"] for a in answers if isinstance(a, dict)] == [0, 0, 1, 2, 0, 1]
    assert seats_held(first) == (1, 1) and seats_held(second) == (2, 2)
    with transaction() as s:
        mine = registration.my_registrations(s, t[2])
    assert sorted(r["position"] for r in mine if r["status"] == "waiting") == ["1", "2"]


def test_a_batch_gives_a_free_seat_to_the_waiting_list_first(db_url: str):
    """A seat came free without being passed on (the tally lowered by hand, as after a repair): the first
    waiting teacher gets it before the batch's newcomers, who queue behind the rest."""
    _, course_id, _, t = _setup(capacity=1)
    _register(t[0], course_id)
    _register(t[1], course_id)
    with transaction() as s:
        s.execute(sa.update(CourseRegistration).where(CourseRegistration.teacher_id == t[0].id)
                  .values(status="withdrawn"))
        s.execute(sa.update(RegistrationTally).where(RegistrationTally.course_id == course_id)
                  .values(seats_taken=0))
    answers = registration.register_each([(t[2], course_id, ""), (t[3], course_id, "")])
    assert [(a["status"], a["position"]) for a in answers] == [("waiting", 1), ("waiting", 2)]
    assert _statuses(course_id) == ["withdrawn", "pending", "waiting", "waiting"]
    assert seats_held(course_id) == (1, 1)


def test_a_batch_costs_the_same_statements_for_ten_teachers_as_for_forty(db_url: str):
    """The rush's point: a batch's reads, locks and updates do not grow with the teachers in it (here a full
    course). The rows themselves go in with one INSERT per table on PostgreSQL; SQLite's driver, which
    cannot match many new ids to their rows, inserts them one by one in process."""
    with transaction() as s:
        world = make_world(s)
        course_id = published_course(s, world.school_a, capacity=5).id
        teachers = [world.teacher_actor(s) for _ in range(55)]
    sent: list[str] = []

    def keep(_conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith("INSERT"):
            sent.append(statement)

    counts = []
    sa.event.listen(get_engine(), "before_cursor_execute", keep)
    try:
        for batch in (teachers[:5], teachers[5:15], teachers[15:55]):
            sent.clear()
            with transaction() as s:
                answers = registration.register_batch(s, [(actor, course_id, "") for actor in batch])
            assert all(isinstance(a, dict) for a in answers)
            counts.append(len(sent))
    finally:
        sa.event.remove(get_engine(), "before_cursor_execute", keep)
    assert counts[1] == counts[2] <= 10, counts
    assert seats_held(course_id) == (5, 5)
