"""The session endpoints accept only the app's own pages: a foreign page cannot sign a victim in (login CSRF)."""

from __future__ import annotations

import warnings

from sqlmodel import select

from tests.factories import PASSWORD, make_account, make_world
from tpd_app.models import AuditLog, LoginSession
from tpd_app.services.accounts import auth
from tpd_app.services.platform.db import transaction
from tpd_app.settings import get_settings


def _client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's test client warns about the httpx it is built on
        from starlette.testclient import TestClient

    from tpd_app.api.app import build_api

    return TestClient(build_api(), base_url="http://localhost:3000", follow_redirects=False)


def _ticket() -> str:
    with transaction() as s:
        world = make_world(s)
        make_account(s, world.school_a, username="chief-a")
    return auth.sign_in("chief-a", PASSWORD)


def _sessions() -> int:
    with transaction() as s:
        return len(s.exec(select(LoginSession)).all())


def test_a_ticket_posted_from_a_foreign_page_opens_no_session(db_url: str):
    ticket = _ticket()
    response = _client().post("/api/auth/session", data={"ticket": ticket, "next": "/home"},
                              headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert get_settings().cookie_name not in response.headers.get("set-cookie", "")
    assert _sessions() == 0
    with transaction() as s:
        refused = s.exec(select(AuditLog).where(AuditLog.action == "auth.cross_site")).all()
    assert len(refused) == 1 and refused[0].outcome == "denied"


def test_a_ticket_posted_without_origin_or_referer_is_refused(db_url: str):
    ticket = _ticket()
    response = _client().post("/api/auth/session", data={"ticket": ticket})
    assert response.status_code == 403 and _sessions() == 0


def test_a_foreign_referer_is_refused_and_the_apps_own_origin_signs_in(db_url: str):
    ticket = _ticket()
    client = _client()
    foreign = client.post("/api/auth/session", data={"ticket": ticket},
                          headers={"Referer": "https://evil.example/login"})
    assert foreign.status_code == 403
    response = client.post("/api/auth/session", data={"ticket": ticket, "next": "/home"},
                           headers={"Origin": "http://localhost:3000"})
    assert response.status_code == 303 and response.headers["location"] == "/home"
    assert get_settings().cookie_name in response.headers["set-cookie"]
    assert _sessions() == 1


def test_a_foreign_page_cannot_sign_a_victim_out(db_url: str):
    ticket = _ticket()
    client = _client()
    client.post("/api/auth/session", data={"ticket": ticket}, headers={"Origin": "http://localhost:3000"})
    response = client.post("/api/auth/logout", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    with transaction() as s:
        assert s.exec(select(LoginSession)).one().ended_at is None
