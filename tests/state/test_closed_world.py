"""The closed-world sweep: every public event handler of every state, called as a hostile browser would.

A browser can send any event with any arguments (reflex-guide §3). This sweep finds every handler by
introspection and every one must be named below: in `PUBLIC_BY_DESIGN` (anyone may call it: public
reference data, the sign-in form, the caller's own session), in `OWN_RECORD` (a signed-in caller acts on
her own record, and the tables it may write are listed), or in `GUARDED` (everything else). A new handler
without an entry fails `test_every_handler_is_classified` until someone decides which it is.

Then, in the demo network (the data `./scripts/run` loads), four personas from a county the demo has no
data in (Penghu: its bureau, one of its schools, and a teacher there) plus an anonymous tab call every
handler twice over in the same tab (so that a selection one handler leaves behind reaches the next),
with the ids of other units' objects in every state (courses submitted, drafted, published; lists,
registrations, applications, teachers, accounts, units), as strings, inside forged forms, and as
values of the wrong type. After each call:

- it answered (nothing, a message, a redirect), never raised;
- it committed no write (beyond the audit log and the sign-in bookkeeping), except an `OWN_RECORD`
  handler to its listed tables;
- neither the tab's state nor what the handler returned holds any personal datum of the demo's teachers
  and staff (national IDs, e-mails, phones, birthdays) or the title of a course not yet published.
"""

from __future__ import annotations

import inspect
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import reflex as rx
import sqlalchemy as sa

from tests.factories import PASSWORD, make_account, make_teacher, make_unit
from tests.state.conftest import build_state, run_handler, session_cookie
from tpd_app.devdata.demo import load_demo
from tpd_app.domain.units import UnitType
from tpd_app.models import Unit
from tpd_app.services.accounts import auth
from tpd_app.services.platform.db import dispose_engines, transaction
from tpd_app.settings import reset_settings
from tpd_app.state.base import AppState, page_states

# ---------------------------------------------------------------------------------------------------------
# The reviewed classification
# ---------------------------------------------------------------------------------------------------------

#: Anyone may call these; each says why. They are still swept: they must not raise or leak.
PUBLIC_BY_DESIGN: dict[str, str] = {
    "AppState.toggle_language": "the tab's own language",
    "AppState.logout": "ends the caller's own session (swept last, once)",
    "LoginState.load": "the sign-in page",
    "LoginState.show_business": "the sign-in page's tab",
    "LoginState.show_teacher": "the sign-in page's tab",
    "LoginState.submit": "signing in; failures write only the throttle and the audit log",
    "SsoLoginState.load": "after a single sign-on: the identity waiting in this browser's cookie, else nothing",
    "SsoLoginState.show_business": "the single sign-on page's tab",
    "SsoLoginState.show_teacher": "the single sign-on page's tab",
    "SsoLoginState.choose": "a linked account of the identity waiting in this browser; without one, nothing",
    "SsoLoginState.link": "signing in with a password (linking the waiting identity, if any): as LoginState.submit",
    "ApplyState.load": "the public account application form",
    "ApplyState.search_units": "the public directory of units (names and codes)",
    "ApplyState.choose_unit": "the public application form",
    "ApplyState.submit": "anyone may apply for a business account; a forged form is refused",
    "TeacherApplyState.load": "the public teacher application form",
    "TeacherApplyState.search_units": "the public directory of schools",
    "TeacherApplyState.choose_unit": "the public application form",
    "TeacherApplyState.submit": "anyone may apply for a teacher account; a forged form is refused",
    "CatalogueState.load": "the public course catalogue",
    "CatalogueState.search": "the public course catalogue",
    "CourseDetailState.load": "a published course's public page",
    "ForgotState.load": "the public forgot-password page",
    "ForgotState.show_business": "the forgot-password page's tab",
    "ForgotState.show_teacher": "the forgot-password page's tab",
    "ForgotState.submit": "anyone may ask for a reset link; the same answer whether the account exists",
    "ResetState.load": "the page a mailed reset link opens; a link that is not valid shows nothing",
    "ResetState.submit": "the new password through a valid link; anything else is refused",
    "NewsState.load": "the public announcements (a signed-in reader: her jurisdiction's too)",
    "NewsState.load_home": "the public home page's latest announcements",
    "NewsState.load_item": "one announcement meant for the reader; any other is not found",
    "FaqState.load": "the public FAQ",
    "FaqState.search": "the public FAQ's search (a redirect to its URL)",
    "RulesState.load": "the rule documents in force (public by the seed: teachers follow them)",
    "RulesState.load_document": "one published version of a rule document and its public history",
    "GuidesState.load": "the video guides shown to everyone",
    "HelpFormState.load": "the public contact form (a signed-in asker: her own name and e-mail)",
    "HelpFormState.choose_topic": "the contact form's topic",
    "HelpFormState.submit": "anyone may write; a forged form fails the signed form token and writes nothing",
    "HelpTicketState.load": "the asker's private link: the key is the right; without a valid one nothing shows",
    "HelpTicketState.add_message": "a follow-up through a valid private link only (the key stays server-side)",
    "HelpTicketState.close_ticket": "the asker closes her own ticket through a valid private link only",
    "NewsletterArchiveState.load": "the e-newsletter's public archive",
    "NewsletterArchiveState.search": "the archive's search (a redirect to its URL)",
    "NewsletterArchiveState.subscribe": "anyone may ask for the newsletter: a confirmation mail, one answer for every "
                                        "address; a forged form is refused",
    "NewsletterIssueState.load_item": "a published issue; any other is not found",
    "NewsletterLinkState.load": "the page a mailed link opens; a link that is not valid shows nothing",
    "NewsletterLinkState.confirm": "confirms the subscription a valid link in the page's address names; else nothing",
    "NewsletterLinkState.unsubscribe": "unsubscribes whom a signed link in the page's address names; else nothing",
}

#: A signed-in caller acting on her own record or her own unit's settings: the tables each may write.
OWN_RECORD: dict[str, frozenset[str]] = {
    "ReportPermissionState.save": frozenset({"report_permission"}),
    "RegisterState.register": frozenset({"course_registration", "registration_tally", "outbox_message"}),
    "CourseDetailState.register": frozenset({"course_registration", "registration_tally", "outbox_message"}),
    "SubscriptionState.save": frozenset({"subscription"}),
    "MyRegistrationsState.make_feed": frozenset({"calendar_feed"}),
    "MyRegistrationsState.stop_feed": frozenset({"calendar_feed"}),
    "ProfileState.save": frozenset({"teacher", "business_account"}),
    # Her own 教育雲端帳號 links: only a link of her own account, never her last way in.
    "ProfileState.unlink_sso": frozenset({"sso_link"}),
    "PasswordState.save": frozenset({"teacher", "business_account", "login_session"}),
    # A school reminds its own teachers who are short of their hours (the Penghu school's own teacher).
    "SchoolRecordsState.send_reminders": frozenset({"compliance_reminder", "outbox_message"}),
    # A county bureau keeps its own unit's API clients (the Penghu bureau's own).
    "ApiClientsState.create": frozenset({"api_client"}),
    "ApiClientsState.rotate": frozenset({"api_client"}),
    "ApiClientsState.revoke": frozenset({"api_client"}),
    # Looking at a month's summary marks when the unit last looked at it (its own reported months only).
    "ReportedMonthsState.load": frozenset({"reported_month_look"}),
    # A regional centre publishes to its own jurisdiction (the Penghu bureau's own announcements).
    "AnnouncementsAdminState.save": frozenset({"announcement", "announcement_revision"}),
    "AnnouncementsAdminState.withdraw": frozenset({"announcement", "announcement_revision"}),
    # A reader's own "was this helpful" (once per reader and question).
    "FaqState.vote": frozenset({"faq_vote", "faq_entry"}),
    # A person says she has read what changed in a rule document (her own notice).
    "HomeState.acknowledge_rule": frozenset({"rule_notice"}),
    # A regional centre's own contributions to the e-newsletter (the Penghu bureau's own).
    "NewsletterContributeState.save": frozenset({"newsletter_article"}),
    # A teacher's own tick box: the newsletter to her account's address.
    "NewsletterTickState.save": frozenset({"newsletter_subscriber"}),
}

#: Everything else: refused for a caller without the right, writes nothing, shows no one else's data.
GUARDED: dict[str, str] = {
    "AppState": "",
    "AnnouncementsAdminState": "delete_file edit load new show_history upload",
    "ApiClientsState": "load",
    "HelpFormState": "",
    "HelpTicketState": "",
    "HelpdeskState": "close_detail close_ticket filter_status hand_over load make_faq open_ticket reply",
    "HomeState": "load",
    "ApplyState": "",
    "AttendanceState": "add correct download_template import_file import_good_rows load remove run_import set_hours "
                       "submit",
    "AuditState": "apply_filters load",
    "AutoReviewBrowseState": "ask_reason close_reason confirm_reason go_page load",
    "AutoReviewSettingsState": "load save",
    "CatalogueState": "",
    "ConfirmListsState": "ask_return close_list close_return confirm confirm_return load open_list",
    "CourseDetailState": "withdraw",
    "CourseFormState": "add_session delete_attachment load_edit load_new remove_session save upload",
    "DirectoryState": "acknowledge choose_kind load report",
    "FaqAdminState": "edit load new save",
    "FaqState": "",
    "LoginState": "",
    "MyRecordState": "apply_filters load print_page",
    "NewsState": "",
    "NewsletterArchiveState": "",
    "NewsletterContributeState": "edit load new",
    "NewsletterEditorState": "accept close_preview close_review edit_article edit_issue load move_down move_up "
                             "new_article new_issue open_review place publish return_article save_article save_issue "
                             "show_preview unplace",
    "NewsletterIssueState": "",
    "NewsletterLinkState": "",
    "NewsletterTickState": "load",
    "MyRegistrationsState": "load withdraw",
    "OwnCoursesState": "apply_filters ask_reason close_reason confirm_reason go_page load_browse load_manage",
    "OwnUnitState": "activate apply_filters cancel_grants create disable edit_grants enable load reject "
                    "request_chief_change reset_password save_grants switch_category",
    "ParticipantsState": "load",
    "PasswordState": "load",
    "ProfileState": "load",
    "RegisterState": "load search",
    "RulesAdminState": "edit load new publish save",
    "GuidesAdminState": "edit load new save upload",
    "GuidesState": "",
    "RulesState": "",
    "RegistrantsState": "accept accept_selected ask_decline close_decline confirm_decline load toggle",
    "ReportPermissionState": "load save_rule",
    "ReportedMonthsState": "choose confirm",
    "ReportingModesState": "load save",
    "ReviewState": "allow_late approve_selected close_course decide go_page load open_course search toggle",
    "SchoolRecordsState": "apply_filters close_teacher export_summary go_page load open_teacher print_page",
    "SsoPolicyState": "load save",
    "StatsReportState": "load",
    "StatsState": "annual_report apply_filters download drill load_county load_national load_school "
                  "load_subject_center show_all_area",
    "SubordinateState": "activate apply_filters decide_chief_change disable enable load reject reset_password",
    "SubscriptionState": "load",
    "TeacherApplyState": "",
    "TeacherEntryState": "download_template enter import_file load run_import",
    "TeacherRosterState": "cancel_edit decide_application load reset_password reveal save_contact search "
                          "set_employment show_history start_edit take_in",
    "TopicsState": "edit load save set_active",
    "UnitContactState": "load save",
    "UnitEditState": "find load save",
}

# ---------------------------------------------------------------------------------------------------------
# Handlers found by introspection
# ---------------------------------------------------------------------------------------------------------

STATES = sorted([AppState, *page_states()], key=lambda c: c.__name__)
#: Reflex's generic setter: inert in every app state (tested at the end of this module).
_INERT = {"setvar"}


def _own_handlers(state_cls: type[AppState]) -> list[str]:
    """The handlers a state adds to `AppState`'s (those are swept once, on `AppState`)."""
    inherited = set() if state_cls is AppState else set(AppState.event_handlers)
    return sorted(n for n in state_cls.event_handlers if n not in inherited and n not in _INERT)


def _live() -> set[str]:
    return {f"{s.__name__}.{n}" for s in STATES for n in _own_handlers(s)}


def _classified() -> set[str]:
    guarded = {f"{state}.{name}" for state, names in GUARDED.items() for name in names.split()}
    return guarded | set(PUBLIC_BY_DESIGN) | set(OWN_RECORD)


# ---------------------------------------------------------------------------------------------------------
# The demo network, the personas and what they must never see
# ---------------------------------------------------------------------------------------------------------

#: Tables a refused call may write: the refusal's audit row, a throttle's count, the tab's session touch.
#: The sign-in bookkeeping, and the forgot-password requests every request writes (known login or not) for
#: its rate limits.
BOOKKEEPING = {"audit_log", "login_throttle", "login_session", "login_ticket", "password_reset"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class WriteLog:
    """The tables whose writes were committed (SQLAlchemy's engine events, for every engine)."""

    def __init__(self) -> None:
        self.pending: dict[int, set[str]] = {}
        self.committed: set[str] = set()

    def executed(self, conn, _cursor, statement, _params, _context, _many) -> None:
        if (match := _WRITE.match(statement)) and match.group(1) not in BOOKKEEPING:
            self.pending.setdefault(id(conn), set()).add(match.group(1))

    def commit(self, conn) -> None:
        self.committed |= self.pending.pop(id(conn), set())

    def rollback(self, conn) -> None:
        self.pending.pop(id(conn), None)

    def take(self) -> set[str]:
        taken, self.committed = self.committed, set()
        return taken


@dataclass
class Network:
    cookies: dict[str, str]
    secrets: list[str]
    ids: list[str]
    codes: list[str]
    writes: WriteLog


@pytest.fixture(scope="module")
def network(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    path = tmp_path_factory.mktemp("closed-world") / "tpd.db"
    shutil.copy(migrated_template, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TPD_DATABASE_URL", f"sqlite:///{path}")
        reset_settings()
        dispose_engines()
        with transaction() as s:
            load_demo(s)
            secrets = _secrets(s)
            ids, codes = _other_units_ids(s)
            nc = s.exec(sa.select(Unit).where(Unit.type == UnitType.NATIONAL_CENTER.value)).scalar_one()
            bureau = make_unit(s, UnitType.COUNTY_BUREAU, county="PEN", reviewer=nc, name="澎湖縣政府教育處")
            school = make_unit(s, UnitType.SCHOOL, county="PEN", reviewer=bureau, name="澎湖縣立測試國小")
            make_account(s, bureau, username="pen-bureau")
            make_account(s, school, username="pen-school")
            teacher = make_teacher(s, school).national_id
        cookies = {"anonymous": "", "Penghu teacher": session_cookie(teacher, PASSWORD),
                   "Penghu school chief": session_cookie("pen-school", PASSWORD),
                   "Penghu county bureau": session_cookie("pen-bureau", PASSWORD)}
        writes = WriteLog()
        events = (("after_cursor_execute", writes.executed), ("commit", writes.commit), ("rollback", writes.rollback))
        for name, fn in events:
            sa.event.listen(sa.Engine, name, fn)
        try:
            yield Network(cookies=cookies, secrets=secrets, ids=ids, codes=codes, writes=writes)
        finally:
            for name, fn in events:
                sa.event.remove(sa.Engine, name, fn)
            dispose_engines()
            reset_settings()


def _secrets(s) -> list[str]:
    """Personal data of every demo teacher and staff member, and the titles of unpublished courses."""
    found: set[str] = set()
    for national_id, email, phone, birth in s.execute(sa.text(
            "SELECT national_id, email, phone, birth_date FROM teacher")):
        found |= {national_id, email, phone}
        if birth:
            found.add(str(birth))
    found |= {e for (e,) in s.execute(sa.text("SELECT email FROM business_account"))}
    # The askers of the demo enquiries: shown only to the unit each ticket is routed to.
    for email, phone, name in s.execute(sa.text("SELECT email, phone, name FROM helpdesk_ticket")):
        found |= {email, phone, name}
    published = {t for (t,) in s.execute(sa.text(
        "SELECT title FROM course WHERE status IN ('approved', 'auto_approved', 'cancelled')"))}
    found |= {t for (t,) in s.execute(sa.text("SELECT title FROM course")) if t not in published}
    return sorted(v for v in found if v and len(v) >= 8)


def _other_units_ids(s) -> tuple[list[str], list[str]]:
    """For each table with an id: its first row, and its first row in each status (a submitted course,
    a pending application, a list awaiting confirmation …). None of them is the personas' (made after)."""
    ids: set[int] = set()
    for table in sa.inspect(s.get_bind()).get_table_names():
        if table in BOOKKEEPING or table.startswith(("catalogue_fts", "alembic", "stats_")):
            continue
        columns = {c["name"] for c in sa.inspect(s.get_bind()).get_columns(table)}
        if "id" not in columns:
            continue
        ids |= {i for (i,) in s.execute(sa.text(f'SELECT MIN(id) FROM "{table}"')) if i is not None}
        if "status" in columns:
            ids |= {i for (i,) in s.execute(sa.text(f'SELECT MIN(id) FROM "{table}" GROUP BY status'))}
    codes = [c for (c,) in s.execute(sa.text("SELECT MIN(code) FROM course GROUP BY status"))]
    codes += [c for (c,) in s.execute(sa.text("SELECT code FROM unit WHERE type = 'school' LIMIT 2"))]
    return [str(i) for i in sorted(ids)], codes


# ---------------------------------------------------------------------------------------------------------
# Calling a handler as the browser would
# ---------------------------------------------------------------------------------------------------------

#: Values of the wrong type for any parameter.
JUNK = (["1"], 3.5, None, "x" * 300)
#: Every field name the app's forms use: a forged form carries another unit's id or code in each.
FORM_KEYS = ("id", "course_id", "teacher_id", "unit_id", "school_id", "unit_code", "code", "list", "course",
             "teacher", "unit", "school", "registration", "successor", "successor_code", "national_id",
             "username", "county", "organizer", "organizer_ids", "target", "key", "topic", "new_chief",
             "name", "email", "phone", "password", "new", "confirm", "reason", "status", "text", "q",
             "keyword", "year", "from", "to", "hours", "mode", "kind", "scope", "title")


def _forged_form(value: str) -> dict[str, object]:
    return {**{key: value for key in FORM_KEYS}, "decision": "approve", "intent": "submit", "checked": True}


def _arity(fn) -> int:
    parameters = list(inspect.signature(fn).parameters.values())[1:]
    return len([p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)])


def _call(state: rx.State, name: str, args: list[object]) -> object:
    return run_handler(state, name, *args)


def _argument_sets(network: Network, arity: int) -> list[list[object]]:
    if arity == 0:
        return [[]]
    values: list[object] = [*network.ids, *network.codes]
    values += [_forged_form(v) for v in (*network.ids, *network.codes)]
    values += [[v] for v in network.ids] + list(JUNK)
    return [[v] * arity for v in values]


def _visible(state: AppState, result: object) -> str:
    """What the browser could receive after the call: the state's vars (computed ones too), the shell's,
    and the events the handler returned."""
    shell = state if type(state) is AppState else state.parent_state
    shown = {name: shell.get_value(name) for name in AppState.__fields__}
    return json.dumps([state.dict(), shown, repr(result)], default=str, ensure_ascii=False)


SWEPT: dict[str, int] = {}


@pytest.mark.parametrize("state_cls", STATES, ids=[s.__name__ for s in STATES])
def test_no_handler_of_the_state_acts_or_leaks_for_a_caller_without_the_right(network: Network,
                                                                            state_cls: type[AppState]):
    names = [n for n in _own_handlers(state_cls) if f"{state_cls.__name__}.{n}" != "AppState.logout"]
    calls = 0
    network.writes.take()
    for persona, cookie in network.cookies.items():
        state = build_state(state_cls, cookie=cookie, path="/")
        for _ in range(2):  # twice over in the same tab: what one call leaves behind reaches the next
            for name in names:
                qualified = f"{state_cls.__name__}.{name}"
                allowed = OWN_RECORD.get(qualified, frozenset()) if cookie else frozenset()
                for args in _argument_sets(network, _arity(type(state).event_handlers[name].fn)):
                    calls += 1
                    try:
                        result = _call(state, name, args)
                    except Exception as error:  # any exception is the finding
                        pytest.fail(f"{qualified}{tuple(args)!r} as {persona} raised {error!r}")
                    written = network.writes.take() - allowed
                    assert not written, f"{qualified}{tuple(args)!r} as {persona} wrote {sorted(written)}"
                    seen = _visible(state, result)
                    leaked = [v for v in network.secrets if v in seen]
                    assert not leaked, f"{qualified}{tuple(args)!r} as {persona} exposed {leaked[:3]}"
        if cookie:  # the persona stayed signed in throughout: the sweep tested her rights, not anonymity
            assert auth.resolve_session(auth.session_token_in(cookie)) is not None, persona
    SWEPT[state_cls.__name__] = calls


# ---------------------------------------------------------------------------------------------------------
# Every HTTP route
# ---------------------------------------------------------------------------------------------------------

#: Reflex's own endpoints (`reflex_base.constants.Endpoint`), each with where it is covered.
REFLEX_ENDPOINTS: dict[str, str] = {
    "_event": "the websocket that carries every handler above",
    "_upload": "bound to the request's own session cookie (tests/browser/test_session_edges.py)",
    "ping": "liveness: answers without reading anything",
    "_health": "health check: no one's data",
    "auth-codespace": "GitHub Codespaces only, not served here",
    "_all_routes": "the list of page routes (public by design)",
}
#: Our routes anyone may call, or that serve only the caller's own things; swept like the rest, but a
#: success is allowed.
HTTP_PUBLIC_BY_DESIGN: dict[str, str] = {
    "POST /api/auth/session": "signing in: a forged or used ticket is refused",
    "GET /api/auth/sso/start": "to the single sign-on provider (404 while it is not configured)",
    "POST /api/auth/sso/start": "links the caller's own account: same-origin posts with a session only",
    "GET /api/auth/sso/callback": "the provider's answer: refused without the state this browser started",
    "GET /api/auth/sso/logout": "to the provider's own sign-out page",
    "GET /api/unsubscribe": "the one-click unsubscribe link: a signed token, no sign-in",
    "GET /api/newsletter/unsubscribe": "the newsletter's one-click address opened in a browser: to the page's button",
    "POST /api/newsletter/unsubscribe": "the newsletter's one-click unsubscribe (RFC 8058): a signed token, no sign-in",
    "GET /api/calendar/{token}.ics": "a teacher's calendar feed: the signed random key is the address",
    "GET /api/attendance/template.xlsx": "an empty template for any signed-in person",
    "GET /api/me/records.pdf": "the caller's own training record",
    "GET /api/ready": "readiness: which checks pass, no one's data",
    "GET /api/portal/guides/{attachment_id}/video": "a shown video guide's video is public (a hidden one's: keepers')",
    "GET /api/portal/guides/{attachment_id}/captions.vtt": "a shown video guide's captions, as its video",
    "GET /api/v1/openapi.json": "the reporting API's description (no one's data)",
    "GET /api/v1/docs": "the reporting API's browsable description",
    "GET /api/v1/docs/oauth2-redirect": "the browsable description's sign-in return page (static)",
}
#: Ends the caller's own session: called last, in the test below, not in the sweep.
HTTP_SIGN_OUT = "POST /api/auth/logout"
_PATH_PARAM = re.compile(r"\{(\w+)\}")


def _routes() -> list[tuple[str, str]]:
    """Every (method, path), the reporting API mounted under /api/v1 included (its static files are not routes)."""
    from starlette.routing import Mount

    from tpd_app.api.app import build_api

    def flat(routes: list, prefix: str = "") -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for route in routes:
            if isinstance(route, Mount):
                found += flat(route.routes, prefix + route.path)
            elif getattr(route, "methods", None):
                found += [(method, prefix + route.path) for method in route.methods - {"HEAD"}]
        return found

    return sorted(flat(build_api().routes))


def _client():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's test client warns about httpx: only the test's transport
        from starlette.testclient import TestClient

    from tpd_app.api.app import build_api

    return TestClient(build_api(), base_url="http://testserver", follow_redirects=False)


def test_no_http_route_acts_or_leaks_for_a_caller_without_the_right(network: Network):
    client = _client()
    values = [*network.ids, *network.codes, "9" * 23, "-1", "x" * 300]
    calls = 0
    network.writes.take()
    for method, path in _routes():
        key = f"{method} {path}"
        if key == HTTP_SIGN_OUT:
            continue
        for persona, cookie in network.cookies.items():
            for value in values:
                url = _PATH_PARAM.sub(value, path)
                headers = {"origin": "http://testserver", **({"cookie": cookie} if cookie else {})}
                if method == "GET":
                    response = client.get(url, params={"token": value}, headers=headers)
                elif method == "PUT":  # the reporting API: a body of the right shape, no token but the cookie
                    response = client.put(url, json={"rows": [{"national_id": value}]}, headers=headers)
                else:
                    response = client.post(url, data={"ticket": value, "next": "/home"}, headers=headers)
                calls += 1
                assert response.status_code < 500, f"{key} {value!r} as {persona}: {response.status_code}"
                if key not in HTTP_PUBLIC_BY_DESIGN:
                    assert response.status_code in (400, 401, 403, 404), f"{key} {value!r} as {persona}"
                assert not network.writes.take(), f"{key} {value!r} as {persona} wrote data"
                if response.headers.get("content-type", "").startswith(("text/", "application/json")):
                    leaked = [v for v in network.secrets if v in response.text]
                    assert not leaked, f"{key} {value!r} as {persona} exposed {leaked[:3]}"
    SWEPT["HTTP"] = calls


def test_every_http_route_is_classified():
    from reflex_base.constants import Endpoint

    ours = {f"{method} {path}" for method, path in _routes()}
    public = set(HTTP_PUBLIC_BY_DESIGN) | {HTTP_SIGN_OUT}
    assert public <= ours, f"entries naming no route: {sorted(public - ours)}"
    assert {e.value for e in Endpoint} == set(REFLEX_ENDPOINTS), "a Reflex endpoint without an entry"
    assert len(ours) >= 8


def test_signing_out_last_ends_only_the_callers_own_session(network: Network):
    remaining = [cookie for cookie in network.cookies.values() if cookie]
    for persona, cookie in network.cookies.items():
        state = build_state(AppState, cookie=cookie)
        _call(state, "logout", [])
        assert not state.signed_in and not network.writes.take(), persona
        if cookie:  # the endpoint the sign-out then posts to: already ended, it only clears the cookie
            response = _client().post("/api/auth/logout", headers={"origin": "http://testserver", "cookie": cookie})
            assert response.status_code in (200, 303) and not network.writes.take()
        remaining = [c for c in remaining if c != cookie]
        assert auth.resolve_session(auth.session_token_in(cookie)) is None
        assert all(auth.resolve_session(auth.session_token_in(c)) for c in remaining), persona


def test_every_handler_is_classified():
    live, classified = _live(), _classified()
    assert not live - classified, f"handlers without an entry (classify them above): {sorted(live - classified)}"
    assert not classified - live, f"entries naming no handler: {sorted(classified - live)}"
    guarded = {f"{state}.{name}" for state, names in GUARDED.items() for name in names.split()}
    overlap = (set(PUBLIC_BY_DESIGN) & set(OWN_RECORD)) | (guarded & (set(PUBLIC_BY_DESIGN) | set(OWN_RECORD)))
    assert not overlap, f"classified twice: {sorted(overlap)}"


def test_the_sweeps_size(network: Network):
    """Printed with `-s` and in the README's security section."""
    handlers = len(_live())
    routes = len(_routes())
    print(f"closed-world sweep: {handlers} handlers and {routes} HTTP routes x {len(network.cookies)} personas "
          f"({', '.join(network.cookies)}), {sum(SWEPT.values())} calls; "
          f"{len(network.ids)} ids and {len(network.codes)} codes of other units' objects, "
          f"{len(network.secrets)} personal data that must never appear")
    assert handlers > 150 and len(network.secrets) > 500 and len(network.ids) > 10
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"**{handlers} handlers and {routes} HTTP routes**" in readme  # the security section says so
    assert f"**{handlers} 個處理器與 {routes} 條 HTTP 路徑**" in readme


def test_reflex_setvar_reaches_no_set_handler(db_url: str):
    """`setvar("hours", …)` used to call `AttendanceState.set_hours` with one argument the browser chose."""
    from tpd_app.state.hours import AttendanceState

    state = build_state(AttendanceState)
    handler = type(state).event_handlers["setvar"]
    assert handler.fn(state, var_name="hours", value="8") is None  # as the event processor calls it
    assert handler.fn(state, "hours", "8") is None
    assert state.error_text == "" and state.notice_key == ""
