"""Every demo account through the real login page: exactly its functions, refusals, language, sign-out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, create_engine, select

from tests.browser.conftest import Server, screenshot, sign_in
from tests.factories import actor_for_teacher
from tpd_app import routes
from tpd_app.domain.accounts import may_view_audit
from tpd_app.domain.courses import may_manage_topics
from tpd_app.domain.helpdesk import handles_enquiries
from tpd_app.domain.newsletter import may_contribute, may_edit_newsletter
from tpd_app.domain.permissions import Function, allowed_functions
from tpd_app.domain.portal import keeps_public_pages, may_publish
from tpd_app.domain.reporting import may_manage_clients, may_set_modes
from tpd_app.domain.sso import may_set_policy
from tpd_app.models import BusinessAccount, Teacher, Unit
from tpd_app.services.accounts.auth import actor_for_account

DEMO_ACCOUNTS = [
    "demo-moe", "demo-national_center", "demo-k12ea", "demo-county_bureau", "demo-curriculum_circle",
    "demo-teacher_ed_university", "demo-school", "demo-school-contact", "demo-school-operator",
    "demo-social_ed_org", "demo-experimental_org", "demo-subject_center",
]
DEMO_TEACHER = "A123456789"


def _expected(server_db: str, login: str) -> tuple[list[Function], set[str]]:
    """What the matrix gives this demo login (and its oversight links), read from the server's database."""
    engine = create_engine(server_db)
    with Session(engine) as session:
        if login == DEMO_TEACHER:
            teacher = session.exec(select(Teacher).where(Teacher.national_id == login)).one()
            actor = actor_for_teacher(teacher, session.get(Unit, teacher.school_unit_id))
        else:
            account = session.exec(select(BusinessAccount).where(BusinessAccount.username == login)).one()
            actor = actor_for_account(account, session.get(Unit, account.unit_id))
    engine.dispose()
    allowed = allowed_functions(actor)
    oversight = {"directory"} if Function.ACCOUNTS_SUBORDINATE in allowed else set()
    # Registrant and attendance lists (organizers) and list confirmation (centres), SPEC §3.3.
    oversight |= {"participants"} if Function.COURSE_MANAGE in allowed else set()
    oversight |= {"confirm_lists"} if Function.COURSE_REVIEW in allowed else set()
    oversight |= {"audit"} if may_view_audit(actor) else set()
    # Back-end reporting (SPEC §3.5): API clients and reported months for county bureaus and the national
    # centre, the counties' reporting modes for the national centre.
    oversight |= {"api_clients", "reported_months"} if may_manage_clients(actor) else set()
    oversight |= {"reporting_modes"} if may_set_modes(actor) else set()
    oversight |= {"sso_policy"} if may_set_policy(actor) else set()
    # 最新消息 (seed 參.二.(二).13): the ministry and the national centre publish to all, a regional centre to its own.
    oversight |= {"announcements"} if may_publish(actor) else set()
    oversight |= {"faq", "rules", "guides"} if keeps_public_pages(actor) else set()
    # The e-newsletter: the national centre edits, regional centres contribute; the help desk's queue.
    oversight |= {"newsletter"} if may_edit_newsletter(actor) else set()
    oversight |= {"newsletter_contribute"} if may_contribute(actor) else set()
    oversight |= {"helpdesk"} if Function.UNIT_CONTACT in allowed and handles_enquiries(actor) else set()
    return allowed, oversight | ({"topics"} if may_manage_topics(actor) else set())


def _nav_keys(page: Page) -> set[str]:
    return set(page.eval_on_selector_all("[data-testid^='nav-']",
                                         "els => els.map(e => e.dataset.testid.slice(4))"))


@pytest.mark.parametrize("login", [*DEMO_ACCOUNTS, DEMO_TEACHER])
def test_each_demo_login_sees_exactly_its_functions(page: Page, server: Server, login: str):
    allowed, oversight = _expected(server.db_url, login)
    sign_in(page, login, teacher_tab=login == DEMO_TEACHER)
    page.wait_for_url(re.compile(r"/home/?$"))
    expect(page.get_by_test_id("dashboard-role")).to_contain_text(login[:3])
    expect(page.get_by_test_id(f"nav-{allowed[0].value}")).to_be_visible()
    assert _nav_keys(page) == {f.value for f in allowed} | oversight
    screenshot(page, f"home-{login}")

    forbidden = next(f for f in routes.FUNCTION_ROUTES if f not in allowed)
    page.goto(routes.FUNCTION_ROUTES[forbidden])
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    expect(page.get_by_test_id("forbidden")).to_contain_text("權限不足")

    page.goto(routes.DASHBOARD)
    first = page.get_by_test_id(f"nav-{allowed[0].value}")
    zh_label = first.inner_text()
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("lang-switch")).to_have_text("中文")
    expect(first).not_to_have_text(zh_label)
    assert re.search(r"[A-Za-z]", first.inner_text())
    page.get_by_test_id("lang-switch").click()
    expect(first).to_have_text(zh_label)

    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login/?\?out=1"))
    expect(page.get_by_test_id("login-message")).to_contain_text("您已登出")
    page.goto(routes.DASHBOARD)
    page.wait_for_url(re.compile(r"/login"))
