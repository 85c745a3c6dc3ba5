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
