"""What every page load downloads and parses: the message catalogues ship once, not once per `tr()`."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, Server, sign_in
from tpd_app.i18n import CATALOGUES

ASSETS = ROOT / ".web" / "build" / "client" / "assets"


def test_the_production_build_carries_each_message_once(server: Server):
    """Each `tr()` call used to inline both whole catalogues: 46 copies on the sign-in page, 164 on a
    statistics page, 157 MB of JavaScript in all. Now one module holds them and pages import it."""
    scripts = {path.name: path.read_text(encoding="utf-8") for path in ASSETS.glob("*.js")}
    assert scripts, "the production build's scripts are missing"
    for key in ("records.rule.overall", "stats.measure.participants", "func.stats.national"):
        entry = f"{json.dumps(key)}:"  # an entry of a catalogue; pages refer to a key as ?.["key"]
        holders = {name: text.count(entry) for name, text in scripts.items() if entry in text}
        assert sum(holders.values()) == len(CATALOGUES), (key, holders)  # once per language
    assert sum(len(text) for text in scripts.values()) < 30_000_000


def test_messages_follow_the_language_switch_from_the_shared_module(page: Page, server: Server):
    sign_in(page, "demo-moe")
    nav = page.get_by_test_id("nav-stats.national")
    expect(nav).to_have_text(CATALOGUES["zh-TW"]["func.stats.national"])
    page.get_by_test_id("lang-switch").click()
    expect(nav).to_have_text(CATALOGUES["en"]["func.stats.national"])
