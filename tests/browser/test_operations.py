"""Operations on the running production server: a restart serves the same build again (no rebuild) and
keeps signed-in people signed in; the readiness check answers from the served app; a page opened at the
wrong address says so; a slow answer says the request is being processed."""

from __future__ import annotations

import json
import re
import time
import urllib.request

from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, Server, sign_in


def test_a_restart_serves_the_same_build_and_keeps_the_signed_in_user(page: Page, server: Server):
    sign_in(page, "demo-school")
    expect(page.get_by_test_id("header-unit")).to_have_text("臺北市大安區和平國民小學")
    stamp = (ROOT / ".web" / "tpd-build.json").read_text()
    logged = len(server.log.read_text(errors="replace"))
    down = server.restart()
    print(f"restart without a rebuild: {down:.1f} s until ready")
    after = server.log.read_text(errors="replace")[logged:]
    assert "Creating Production Build" not in after and "TPD serving on" in after
    assert (ROOT / ".web" / "tpd-build.json").read_text() == stamp
    # The open tab reconnects by itself; a new page load finds the same person signed in.
    page.goto("/home")
    expect(page.get_by_test_id("header-unit")).to_have_text("臺北市大安區和平國民小學")
    with urllib.request.urlopen(f"{server.url}/api/ready", timeout=10) as response:
        assert json.load(response)["ready"] is True


def test_a_page_opened_at_another_address_says_where_the_site_is(page: Page, server: Server):
    """The websocket of a page opened at 127.0.0.1 is refused (CORS): say so instead of spinning."""
    wrong = server.url.replace("localhost", "127.0.0.1")
    page.goto(f"{wrong}/login")
    notice = page.locator("#tpd-origin-notice")
    expect(notice).to_be_visible(timeout=15_000)
    expect(notice).to_contain_text("此網址無法連線到伺服器")
    expect(notice).to_contain_text("This address cannot reach the server")
    assert notice.get_by_role("link").first.get_attribute("href") == f"{server.url}/login/"
    deadline = time.monotonic() + 10
    while "refused: the site's address is TPD_PUBLIC_ORIGIN" not in server.log.read_text(errors="replace"):
        assert time.monotonic() < deadline, "the refusal is not explained in the log"
        time.sleep(0.3)
    page.goto("/login")  # the right address shows no notice
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.wait_for_timeout(2000)
    expect(page.locator("#tpd-origin-notice")).to_have_count(0)


def test_a_slow_answer_says_the_request_was_sent_and_goes_away_with_the_answer(page: Page, server: Server):
    """An overloaded server answers late, not never: the page says the request is being processed (in the
    person's language) so she does not press again, and the notice goes with the answer."""
    held: list[str] = []
    link: dict[str, object] = {"hold": False}

    def route(ws) -> None:
        upstream = ws.connect_to_server()
        link["page"] = ws

        def from_server(message: str | bytes) -> None:
            if link["hold"] and isinstance(message, str) and message.startswith("42/_event,"):
                held.append(message)  # the server's answer, kept back as a busy server would delay it
            else:
                ws.send(message)

        upstream.on_message(from_server)

    page.route_web_socket(re.compile(r".*/_event/.*"), route)
    page.goto("/courses")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    notice = page.locator("#tpd-busy-notice")
    for language, words in (("zh-TW", "系統忙碌中，您的操作已送出"), ("en", "your request was sent")):
        page.wait_for_timeout(500)
        expect(notice).to_have_count(0)  # answered events show nothing
        link["hold"] = True
        page.get_by_test_id("lang-switch").click()
        expect(notice).to_be_visible(timeout=10_000)
        expect(notice).to_contain_text(words)
        assert notice.get_attribute("role") == "status", language
        link["hold"] = False
        for message in held:
            link["page"].send(message)  # type: ignore[attr-defined]
        held.clear()
        expect(notice).to_have_count(0)
    # The two switches both went through: the page is back in Chinese.
    expect(page.get_by_test_id("lang-switch")).to_contain_text("English")
