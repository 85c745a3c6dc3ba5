"""The home page as a work queue, on the production build: each demo account's counts are what the page
behind each count then lists, the urgent ones come first, and it reads the same in English and at 390 px."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlmodel import Session, col, create_engine, func, select

from tests.browser.conftest import Server, screenshot
from tests.browser.test_hours import DEMO_TEACHER, _as_staff, _as_teacher
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import Course, CourseRegistration, Teacher


def _count(page: Page, key: str) -> int:
    card = page.get_by_test_id(f"queue-{key}")
    expect(card).to_be_visible()
    return int(card.get_by_test_id("queue-count").inner_text())


def test_a_schools_queue_opens_its_returned_courses_and_its_lists(page: Page, server: Server):
    _as_staff(page, "demo-school")
    queue = page.get_by_test_id("work-queue")
    expect(queue).to_be_visible()
    states = [page.get_by_test_id("work-queue").locator("[data-state]").nth(i).get_attribute("data-state")
              for i in range(queue.locator("[data-state]").count())]
    assert states == sorted(states, key=["urgent", "waiting", "done"].index), states
    screenshot(page, "home-01-school")
    returned = _count(page, "returned_courses")
    assert returned >= 1  # the demo data has one returned course
    expect(page.get_by_test_id("queue-returned_courses")).to_have_attribute("data-state", "urgent")
    page.get_by_test_id("queue-returned_courses").click()
    page.wait_for_url(re.compile(r"/course/manage/?\?status=returned$"))
    expect(page.get_by_test_id("course-row")).to_have_count(returned)
    expect(page.get_by_test_id("filter-status")).to_have_value("returned")
    for row in page.get_by_test_id("course-row").all():
        expect(row).to_contain_text("退回")


def test_a_reviewers_queue_counts_what_the_review_page_lists(page: Page, server: Server):
    _as_staff(page, "demo-county_bureau")
    to_review = _count(page, "courses_to_review")
    page.get_by_test_id("queue-courses_to_review").click()
    page.wait_for_url(re.compile(r"/course/review/?$"))
    expect(page.get_by_test_id("review-row")).to_have_count(min(to_review, 20))


def test_a_teachers_queue_shows_her_courses_and_hours_in_both_languages(page: Page, server: Server):
    _as_teacher(page, DEMO_TEACHER)
    upcoming = _count(page, "upcoming_courses")
    hours = page.get_by_test_id("queue-hours_missing")
    expect(hours).to_contain_text(re.compile(r"本學年尚缺 \d+ 小時|本學年 18 小時已達成"))
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "home-02-teacher-390")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("queue-upcoming_courses")).to_contain_text("Your courses to come")
    expect(hours).to_contain_text(re.compile(r"hours still missing this school year|18 hours reached"))
    screenshot(page, "home-03-teacher-en-390")
    page.get_by_test_id("lang-switch").click()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_test_id("queue-upcoming_courses").click()
    page.wait_for_url(re.compile(r"/me/registrations/?$"))
    expect(page.get_by_test_id("my-registration").first).to_be_visible()
    with Session(create_engine(server.db_url)) as session:  # her accepted courses still to come
        expected = session.exec(select(func.count()).select_from(CourseRegistration)
                                .join(Course, col(Course.id) == CourseRegistration.course_id)
                                .join(Teacher, col(Teacher.id) == CourseRegistration.teacher_id)
                                .where(Teacher.national_id == DEMO_TEACHER, CourseRegistration.status == "accepted",
                                       col(Course.first_date) >= taipei_today())).one()
    assert upcoming == expected
