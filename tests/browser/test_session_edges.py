"""The session's edges on the running server: a forged event naming no handler leaves no cookie in the log."""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, sign_in

#: Socket.IO over a raw websocket from the signed-in page: connect to Reflex's namespace, then send an
#: event whose handler does not exist (Reflex logs the whole event, its headers included).
FORGE = """async () => {
  const token = crypto.randomUUID();
  const url = location.origin.replace('http', 'ws') + '/_event/?EIO=4&transport=websocket&token=' + token;
  const ws = new WebSocket(url);
  await new Promise((ok) => {
    ws.onmessage = (m) => { if (m.data.startsWith('0')) { ws.send('40/_event,'); ok(); } };
  });
  await new Promise((r) => setTimeout(r, 300));
  const event = {name: 'reflex___state____state.tpd_app___state___base____app_state.no_such_handler',
                 payload: {}, router_data: {pathname: '/home', query: {}, asPath: '/home'}};
  ws.send('42/_event,' + JSON.stringify(['event', event]));
  await new Promise((r) => setTimeout(r, 1500));
  ws.close();
  return token;
}"""


def test_a_forged_event_naming_no_handler_leaves_no_session_cookie_in_the_log(page: Page, server: Server):
    sign_in(page, "demo-school")
    expect(page.get_by_test_id("header-unit")).to_be_visible()
    session = next(c["value"] for c in page.context.cookies() if c["name"] == "tpd_session")
    page.evaluate(FORGE)
    deadline = time.monotonic() + 10
    while "no_such_handler" not in server.log.read_text(errors="replace") and time.monotonic() < deadline:
        time.sleep(0.5)
    log = server.log.read_text(errors="replace")
    assert "no_such_handler" in log  # the error path really ran
    assert session not in log


TEACHER_IMPORT = ("reflex___state____state.tpd_app___state___base____app_state."
                  "tpd_app___state___teachers____teacher_entry_state.import_file")


def _upload(request, server: Server, token: str, cookie: str = "", origin: str = ""):
    headers = {"reflex-client-token": token, "reflex-event-handler": TEACHER_IMPORT,
               "origin": origin or server.url, **({"cookie": cookie} if cookie else {})}
    return request.post(f"{server.url}/_upload", headers=headers, multipart={
        "files": {"name": "教師.xlsx", "mimeType": "application/octet-stream", "buffer": b"not a workbook"}})


def test_an_upload_needs_the_tabs_own_session_cookie_not_just_its_token(page: Page, server: Server):
    sign_in(page, "demo-school")
    expect(page.get_by_test_id("header-unit")).to_be_visible()
    page.goto("/teachers/new")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    token = page.evaluate("window.sessionStorage.getItem('token')")
    session = next(c["value"] for c in page.context.cookies() if c["name"] == "tpd_session")
    bare = page.context.browser.new_context()  # no cookies: what an attacker holding only the token sends
    try:
        assert _upload(bare.request, server, token).status == 403
        assert _upload(bare.request, server, token, "tpd_session=forged").status == 403
        # The right cookie, posted by another site's page (a cross-site form or fetch): refused too.
        assert _upload(bare.request, server, token, f"tpd_session={session}", "https://evil.example").status == 403
        assert _upload(bare.request, server, token, f"tpd_session={session}").status == 200
    finally:
        bare.close()


def test_after_signing_out_the_tab_receives_none_of_the_last_persons_data(page: Page, server: Server):
    sign_in(page, "demo-school")
    expect(page.get_by_test_id("header-unit")).to_be_visible()
    page.goto("/teachers")
    page.locator('[data-testid^="reveal-"]').first.click()
    revealed = page.get_by_test_id("revealed-id").inner_text()
    assert len(revealed) == 10  # a full national ID
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login**")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.wait_for_timeout(1000)
    assert frames, "the login page's websocket sent nothing"
    # Neither the revealed ID nor any masked roster row (names, e-mails, phones beside it) comes back.
    assert not [f for f in frames if revealed in f or "****" in f]


def _roster_with_a_revealed_id(page: Page) -> tuple[str, str]:
    """Signed in as a school, the roster open and one full national ID revealed: (the ID, the unit name)."""
    sign_in(page, "demo-school")
    expect(page.get_by_test_id("header-unit")).to_be_visible()
    unit = page.get_by_test_id("header-unit").inner_text()
    page.goto("/teachers")
    page.locator('[data-testid^="reveal-"]').first.click()
    revealed = page.get_by_test_id("revealed-id").inner_text()
    assert len(revealed) == 10
    return revealed, unit


def _frames_of_the_next_load(page: Page, load) -> str:
    """Every websocket frame the page receives while `load` opens a page in the same tab (same tab token)."""
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    load()
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.wait_for_timeout(1000)
    assert frames, "the page's websocket sent nothing"
    return "\n".join(frames)


def test_a_later_page_of_the_same_tab_receives_none_of_an_earlier_pages_data(page: Page, server: Server):
    revealed, _ = _roster_with_a_revealed_id(page)
    received = _frames_of_the_next_load(page, lambda: page.goto("/home"))
    assert revealed not in received and "****" not in received  # no roster row, masked or revealed


def test_when_the_session_cookie_is_gone_the_tab_receives_none_of_the_last_persons_data(page: Page, server: Server):
    revealed, unit = _roster_with_a_revealed_id(page)
    page.context.clear_cookies()  # what the browser does when the session cookie expires
    received = _frames_of_the_next_load(page, lambda: page.goto("/teachers"))
    page.wait_for_url("**/login**")
    assert revealed not in received and "****" not in received and unit not in received


def test_a_tab_whose_cookie_now_belongs_to_someone_else_sends_none_of_the_first_persons_data(
        page: Page, server: Server):
    revealed, unit = _roster_with_a_revealed_id(page)
    # The session ends and another person signs in in a second tab: the first tab's next load carries
    # the other person's cookie with the first person's tab token.
    page.context.clear_cookies()
    other = page.context.new_page()
    try:
        sign_in(other, "demo-county_bureau-khh")
        expect(other.get_by_test_id("header-unit")).not_to_have_text(unit)
        received = _frames_of_the_next_load(page, lambda: page.goto("/teachers"))
    finally:
        other.close()
    expect(page.get_by_test_id("header-unit")).not_to_have_text(unit)
    assert revealed not in received and "****" not in received and unit not in received
