"""Operations on the running production server: a restart serves the same build again (no rebuild) and
keeps signed-in people signed in; the readiness check answers from the served app."""

from __future__ import annotations

import json
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
