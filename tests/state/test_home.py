"""The home page's work queues: each account sees the counts of its own work (and only of the functions it
holds), urgent work first, each linked to the page that handles it."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import PASSWORD, make_account, make_world
from tests.services.hours_data import published_course
from tests.state.conftest import build_state, session_cookie
from tpd_app.domain.timeutil import taipei_today, utcnow
from tpd_app.domain.units import AccountCategory
from tpd_app.models import AccountApplication, AttendanceList, CourseRegistration, TeacherApplication
from tpd_app.services.platform.db import transaction
from tpd_app.state.home import HomeState, work_queue


def _counts(actor) -> dict[str, tuple[int, int, str]]:
    with transaction() as s:
        return {i.queue.value: (i.count, i.urgent, i.figure) for i in work_queue(s, actor)}


def _network():
    """School A organizes courses in every state of their life; bureau A reviews them; a teacher of
    school A holds a seat, waits on a list, and has no hours this school year."""
    today = taipei_today()
    with transaction() as s:
        w = make_world(s)
        organizer = w.actor(s, w.school_a, AccountCategory.OPERATOR)
        reviewer = w.actor(s, w.bureau_a, AccountCategory.OPERATOR)
        chief = w.actor(s, w.school_a, AccountCategory.CHIEF)
        teacher, other = w.teacher_actor(s), w.teacher_actor(s)
        published_course(s, w.school_a, status="returned")
        published_course(s, w.school_a, status="submitted", days_ahead=5)  # starts within a week
        published_course(s, w.school_a, status="submitted", days_ahead=30)
        published_course(s, w.school_b, status="submitted", days_ahead=5)  # another county's
        soon = published_course(s, w.school_a, days_ahead=3, capacity=1)
        later = published_course(s, w.school_a, days_ahead=20)
        published_course(s, w.school_a, days_ahead=-40)  # ended: its list is overdue
        published_course(s, w.school_a, days_ahead=-27)  # its list falls due within the week
        published_course(s, w.school_a, days_ahead=-10)  # its list is not due yet
        late = published_course(s, w.school_b, days_ahead=-60)
        for course, whom, status in ((soon, teacher, "accepted"), (later, other, "pending"),
                                     (later, teacher, "waiting"), (soon, other, "pending")):
            s.add(CourseRegistration(course_id=course.id, teacher_id=whom.id, status=status))
        s.add(AttendanceList(course_id=late.id, organizer_unit_id=w.school_b.id, reviewer_unit_id=w.bureau_b.id,
                             status="submitted", late=True, submitted_at=utcnow()))
        s.add(AccountApplication(unit_id=w.school_a.id, category="operator", username="new-operator", name="新人",
                                 title="幹事", email="new@school.edu.tw", phone="02-1234", password_hash="x"))
        s.add(TeacherApplication(school_unit_id=w.school_a.id, national_id="A223456781", name="申請人",
                                 email="t@school.edu.tw", birth_date=today - timedelta(days=9000),
                                 password_hash="x"))
        bureau_b = w.actor(s, w.bureau_b, AccountCategory.OPERATOR)
    return w, organizer, reviewer, chief, teacher, bureau_b


def test_each_account_counts_its_own_work_and_only_its_own(db_url: str):
    _, organizer, reviewer, chief, teacher, bureau_b = _network()
    assert _counts(reviewer)["courses_to_review"] == (2, 1, "")  # its county's two, one starting soon
    assert _counts(reviewer)["lists_to_confirm"] == (0, 0, "")
    assert _counts(bureau_b)["lists_to_confirm"] == (1, 1, "")  # submitted late
    mine = _counts(organizer)
    assert mine["returned_courses"] == (1, 1, "")
    assert mine["lists_overdue"] == (1, 1, "") and mine["lists_due"] == (1, 1, "")
    assert mine["registrants_waiting"] == (2, 1, "")  # one of them for the course starting in 3 days
    assert "courses_to_review" not in mine and "upcoming_courses" not in mine  # not its functions
    hers = _counts(teacher)
    assert hers["upcoming_courses"] == (1, 1, "") and hers["waiting_positions"][0] == 1
    assert hers["hours_missing"][0] >= 1 and hers["hours_missing"][2] == "18"
    assert set(hers) == {"upcoming_courses", "waiting_positions", "hours_missing"}
    chiefs = _counts(chief)
    assert chiefs["unit_applications"][0] == 1 and chiefs["teacher_applications"][0] == 1


def test_the_home_page_puts_urgent_work_first_and_links_each_count(db_url: str):
    w, *_ = _network()
    with transaction() as s:
        make_account(s, w.school_a, username="org-home", category=AccountCategory.OPERATOR)
    state = build_state(HomeState, cookie=session_cookie("org-home", PASSWORD), path="/home/")
    state.load()
    assert state.page_status == "ok"
    queue = [(r["key"], r["state"], r["href"]) for r in state.queue]
    states = [s for _, s, _ in queue]
    assert states == sorted(states, key=["urgent", "waiting", "done"].index)
    assert ("returned_courses", "urgent", "/course/manage?status=returned") in queue
    assert ("lists_overdue", "urgent", "/course/participants") in queue


def test_signed_out_the_home_page_sends_to_the_login_and_counts_nothing(db_url: str):
    _network()
    state = build_state(HomeState, path="/home/")
    assert state.load() is not None and state.queue == []


def test_each_count_is_what_the_page_it_links_to_lists(db_url: str):
    """A county's lists to confirm and courses to review are the rows of the confirmation and review pages:
    a list a back-end county system reported (confirmed with its month on another page) is not counted."""
    from tpd_app.services.courses import review
    from tpd_app.services.hours import attendance

    w, _, reviewer, _, _, bureau_b = _network()
    with transaction() as s:
        reported = published_course(s, w.school_b, days_ahead=-50)
        s.add(AttendanceList(course_id=reported.id, organizer_unit_id=w.school_b.id, reviewer_unit_id=w.bureau_b.id,
                             status="submitted", submitted_at=utcnow(), reported_month="2026-11"))
    with transaction() as s:
        for actor in (reviewer, bureau_b):
            counts = {i.queue.value: i.count for i in work_queue(s, actor)}
            assert counts["lists_to_confirm"] == len(attendance.confirmation_queue(s, actor))
            assert counts["courses_to_review"] == review.review_queue(s, actor)[1]
    assert _counts(bureau_b)["lists_to_confirm"] == (1, 1, "")
