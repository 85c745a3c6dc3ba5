"""教師專業發展電子報 on the production build (issue 18): the national centre accepts a regional centre's
contribution, writes an article, previews and publishes an issue; the worker's round queues one mail per
confirmed subscriber (with the one-click unsubscribe header); a visitor finds the issue in the archive by a
word of its text and reads it, a `<script>` shown as text; a visitor subscribes by double opt-in and a mail's
unsubscribe link stops it."""

from __future__ import annotations

import re
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import ROOT, Server, screenshot, sign_in

ISSUE = "寒假研習特輯"
ARTICLE = "雪霸國家公園生態研習報名"
WAITING = "臺北市戶外教育研習心得分享"


def _rows(server: Server, sql: str, **params: object) -> list[tuple]:
    engine = create_engine(server.db_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql), params).all())
    finally:
        engine.dispose()


def _worker_round(server: Server, outbox: Path) -> str:
    """One round of the worker beside the web server, as `scripts/serve` runs it every minute."""
    done = subprocess.run([sys.executable, "-m", "tpd_app.cli", "worker", "--once"], cwd=ROOT, check=True,
                          env={**server.env, "TPD_MAIL_OUTBOX_DIR": str(outbox)}, capture_output=True, text=True)
    return done.stdout


def test_the_national_centre_sends_an_issue_and_a_visitor_finds_it_in_the_archive(page: Page, server: Server,
                                                                                tmp_path: Path):
    sign_in(page, "demo-national_center")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.get_by_test_id("nav-newsletter").click()
    page.wait_for_url(re.compile(r"/portal/newsletter/?$"))
    expect(page.locator("main h1")).to_contain_text("電子報編輯")
    expect(page.locator("#field-number")).to_have_value("3")  # the next number, after the demo's two issues
    page.locator("#field-title").fill(ISSUE)
    page.locator("#field-intro").fill("寒假將至，本期介紹各地的**寒假研習**。")
    page.get_by_test_id("save").first.click()
    expect(page.get_by_test_id("notice")).to_contain_text("期別資料已儲存")
    expect(page.get_by_test_id("placed-empty")).to_be_visible()

    waiting = page.get_by_test_id("queue-row").filter(has_text=WAITING)
    expect(waiting).to_contain_text("待審")
    waiting.get_by_role("button", name="採用").click()
    expect(page.get_by_test_id("notice")).to_contain_text("稿件已採用")
    page.get_by_test_id("queue-row").filter(has_text=WAITING).get_by_role("button", name="編入本期").click()
    expect(page.get_by_test_id("placed-row").filter(has_text=WAITING)).to_be_visible()

    expect(page.get_by_test_id("new-article")).to_be_visible()  # the article form is empty and ready
    page.locator("#field-article_title").fill(ARTICLE)
    page.locator("#field-article_summary").fill("雪霸國家公園與師資培育大學合辦的生態研習。")
    page.locator("#field-article_body").fill("三天兩夜的**生態研習**，名額 40 名。\n\n<script>alert('x')</script>")
    page.get_by_role("button", name="儲存").last.click()
    expect(page.get_by_test_id("notice")).to_contain_text("文章已儲存")
    placed = page.get_by_test_id("placed-row")
    expect(placed).to_have_count(2)
    placed.filter(has_text=ARTICLE).get_by_role("button", name="上移").click()
    expect(page.get_by_test_id("placed-row").first).to_contain_text(ARTICLE)

    row = page.get_by_test_id("issue-row").filter(has_text=ISSUE)
    row.get_by_role("button", name="預覽").click()
    preview = page.get_by_test_id("newsletter-preview")
    expect(preview.get_by_test_id("preview-title")).to_contain_text(ISSUE)
    expect(preview.get_by_test_id("newsletter-article")).to_have_count(2)
    screenshot(page, "newsletter-editor")
    row.get_by_role("button", name="發行並寄送").click()
    page.get_by_role("alertdialog").get_by_role("button", name="發行並寄送").click()
    expect(page.get_by_test_id("notice")).to_contain_text("3 位已確認的訂閱者")
    expect(row).to_contain_text("已發行")
    expect(row).to_contain_text("排程寄送中")

    outbox = tmp_path / "outbox"
    assert "send-newsletters: 3" in _worker_round(server, outbox)
    mails = _rows(server, "SELECT to_address, body, sent_at FROM outbox_message WHERE kind = 'newsletter' "
                          "AND subject LIKE :subject", subject=f"%{ISSUE}%")
    assert len(mails) == 3 and all(sent for _, _, sent in mails)
    assert all("/newsletter-subscription?unsubscribe=" in body for _, body, _ in mails)
    delivered = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox.glob("*.eml")]
    issue_mails = [m for m in delivered if ISSUE in str(m["Subject"])]
    assert len(issue_mails) == 3
    assert all(m["List-Unsubscribe"].startswith("<http") and m["List-Unsubscribe-Post"] for m in issue_mails)
    assert "send-newsletters" not in _worker_round(server, outbox)  # the next round mails no one again
    page.reload()
    expect(page.get_by_test_id("issue-row").filter(has_text=ISSUE)).to_contain_text("已寄出 3")
    screenshot(page, "newsletter-editor-sent")
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))

    page.goto("/newsletter")
    expect(page.get_by_test_id("newsletter-item")).to_have_count(3)
    page.locator("#newsletter-q").fill("雪霸")
    page.get_by_test_id("newsletter-search").click()
    page.wait_for_url(re.compile(r"/newsletter\?q="))
    found = page.get_by_test_id("newsletter-item")
    expect(found).to_have_count(1)
    expect(found).to_contain_text(ISSUE)
    screenshot(page, "newsletter-archive")
    found.get_by_test_id("newsletter-link").click()
    page.wait_for_url(re.compile(r"/newsletter/\d+/?$"))
    expect(page.get_by_test_id("newsletter-title")).to_contain_text(f"第 3 期：{ISSUE}")
    articles = page.get_by_test_id("newsletter-article")
    expect(articles).to_have_count(2)
    expect(articles.first).to_contain_text(ARTICLE)
    body = articles.first.get_by_test_id("newsletter-article-body")
    expect(body.locator("strong")).to_have_text("生態研習")
    expect(body).to_contain_text("<script>alert('x')</script>")  # shown as text, never run
    expect(page.locator("main script")).to_have_count(0)
    screenshot(page, "newsletter-issue")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "newsletter-issue-phone")
    page.get_by_test_id("lang-switch").first.click()
    expect(page.get_by_test_id("newsletter-title")).to_contain_text(f"No. 3: {ISSUE}")
    screenshot(page, "newsletter-issue-phone-en")


def test_a_visitor_subscribes_by_double_opt_in_and_a_mail_link_unsubscribes(page: Page, server: Server):
    page.goto("/newsletter")
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.locator("#newsletter-email").fill("not-an-address")
    page.get_by_test_id("subscribe").click()
    expect(page.get_by_test_id("subscribe-error")).to_be_visible()
    page.locator("#newsletter-email").fill("visitor.chen@example.net")
    page.get_by_test_id("subscribe").click()
    expect(page.get_by_test_id("subscribe-sent")).to_contain_text("確認信已寄出")
    screenshot(page, "newsletter-subscribe")
    [(body,)] = _rows(server, "SELECT body FROM outbox_message WHERE to_address = 'visitor.chen@example.net'")
    link = re.search(r"https?://\S+/newsletter-subscription\?confirm=\S+", body).group(0)
    page.goto(link)
    expect(page.get_by_test_id("link-confirm")).to_be_visible()
    expect(page.locator("main")).to_contain_text("v***@example.net")
    page.get_by_test_id("link-confirm").click()
    expect(page.get_by_test_id("link-result")).to_contain_text("訂閱完成")
    assert _rows(server, "SELECT status FROM newsletter_subscriber WHERE email = 'visitor.chen@example.net'") == [
        ("confirmed",)]
    page.goto(link)
    expect(page.get_by_test_id("link-result")).to_contain_text("已失效")  # once

    [(mail_body,)] = _rows(server, "SELECT body FROM outbox_message WHERE kind = 'newsletter' "
                                   "AND to_address = 'reader@example.com' LIMIT 1") or [("",)]
    unsubscribe = re.search(r"https?://\S+/newsletter-subscription\?unsubscribe=\S+", mail_body)
    assert unsubscribe, "an issue's mail (the other test sends one) carries its unsubscribe link"
    page.goto(unsubscribe.group(0))
    page.get_by_test_id("link-unsubscribe").click()
    expect(page.get_by_test_id("link-result")).to_contain_text("已取消訂閱")
    screenshot(page, "newsletter-unsubscribed")
    page.goto("/newsletter-subscription?unsubscribe=1.0000")
    expect(page.get_by_test_id("link-result")).to_contain_text("已失效")


def test_a_regional_centre_contributes_and_a_teacher_ticks_the_newsletter(page: Page, server: Server):
    sign_in(page, "demo-county_bureau")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.get_by_test_id("nav-newsletter_contribute").click()
    page.wait_for_url(re.compile(r"/portal/newsletter/contribute/?$"))
    expect(page.get_by_test_id("nav-newsletter")).to_have_count(0)  # the editor's page is not hers
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("error-title")).to_contain_text("必填")
    page.locator("#field-title").fill("臺北市閱讀教育研習成果")
    page.locator("#field-body").fill("本學期辦理四場**閱讀教育**研習。")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("稿件已送出")
    expect(page.get_by_test_id("contribution-row").filter(has_text="臺北市閱讀教育研習成果")).to_contain_text("待審")
    screenshot(page, "newsletter-contribute")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("contribution-row").first).to_be_visible()  # a card on a phone
    screenshot(page, "newsletter-contribute-phone")
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))

    page.set_viewport_size({"width": 1280, "height": 860})
    sign_in(page, "A123456789", teacher_tab=True)
    page.wait_for_url(re.compile(r"/home/?$"))
    page.goto("/me/subscriptions")
    tick = page.get_by_test_id("newsletter-tick")
    expect(tick.locator("#field-newsletter")).to_be_checked()  # the demo teacher receives it
    tick.locator("#field-newsletter").uncheck()
    tick.get_by_test_id("newsletter-tick-save").click()
    expect(tick.get_by_test_id("newsletter-tick-notice")).to_contain_text("已取消訂閱電子報")
    screenshot(page, "newsletter-tick")
    assert _rows(server, "SELECT s.status FROM newsletter_subscriber s JOIN teacher t ON t.id = s.teacher_id "
                         "WHERE t.national_id = 'A123456789'") == [("unsubscribed",)]
