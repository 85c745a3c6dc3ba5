"""Single sign-on in Chromium on the production build, through a real OpenID Connect provider
(oidc-provider on localhost, started with the server in conftest.py): a teacher the provider vouches for,
a school account linked by its password once, a stranger told what to do, her links on the profile page,
and signing out here and at the provider."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import DEMO_PASSWORD, SSO_CLERK, SSO_STRANGER, SSO_TEACHER, Server, screenshot, sign_in


def _through_provider(page: Page, server: Server, login: str, *, next_path: str = "") -> None:
    page.goto("/login" + (f"?next={next_path}" if next_path else ""))
    expect(page.get_by_test_id("hydrated")).to_be_attached()
    page.get_by_test_id("login-sso").click()
    assert server.oidc is not None
    page.wait_for_url(re.compile(re.escape(server.oidc.issuer) + "/interaction/"))
    server.oidc.sign_in_page(page, login)


def test_a_teacher_signs_in_with_the_education_cloud_and_signs_out_there_too(page: Page, server: Server):
    _through_provider(page, server, SSO_TEACHER, next_path="/me/records")
    page.wait_for_url(re.compile(r"/me/records/?$"))
    expect(page.get_by_test_id("header-account")).to_contain_text("教師")
    screenshot(page, "sso-teacher-records")

    page.goto("/profile")
    row = page.get_by_test_id("sso-link-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("cloud-teacher@example.edu.tw")
    expect(row).to_contain_text("教育雲端帳號提供的身分證字號")
    screenshot(page, "sso-profile-links")

    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login/?\?out=1&sso=1"))
    offer = page.get_by_test_id("sso-logout")
    expect(offer).to_be_visible()
    offer.click()
    assert server.oidc is not None
    page.wait_for_url(re.compile(re.escape(server.oidc.issuer)))
    server.oidc.confirm_logout_page(page)
    page.wait_for_url(re.compile(r"/login/?\?out=1"))
    expect(page.get_by_test_id("login-message")).to_contain_text("您已登出")
    # Signed out at the provider too: the button asks for the provider's password again.
    page.get_by_test_id("login-sso").click()
    page.wait_for_url(re.compile(re.escape(server.oidc.issuer) + "/interaction/"))


def test_a_school_account_is_linked_by_its_password_once_then_signs_in_directly(page: Page, server: Server):
    _through_provider(page, server, SSO_CLERK)
    page.wait_for_url(re.compile(r"/login/sso/?$"))
    expect(page.get_by_test_id("sso-who")).to_contain_text("許文彬")
    expect(page.get_by_test_id("sso-unlinked")).to_be_visible()
    page.get_by_test_id("sso-business-tab").click()
    page.fill("#sso-username", "demo-school")
    page.fill("#sso-password", "not-the-password")
    page.get_by_test_id("sso-link-submit").click()
    expect(page.get_by_test_id("sso-message")).to_contain_text("帳號或密碼錯誤")
    page.fill("#sso-password", DEMO_PASSWORD)
    page.get_by_test_id("sso-link-submit").click()
    page.wait_for_url(re.compile(r"/home/?$"))
    expect(page.get_by_test_id("header-account")).to_contain_text("許文彬")

    page.goto("/profile")
    expect(page.get_by_test_id("sso-link-row")).to_contain_text("以本網站密碼確認")
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login/?\?out=1&sso=1"))
    # The provider still knows her: the button signs her straight in to the linked account.
    page.get_by_test_id("login-sso").click()
    page.wait_for_url(re.compile(r"/home/?$"))
    expect(page.get_by_test_id("header-account")).to_contain_text("許文彬")

    # She removes the link on her profile page; the next sign-in there asks her to link again.
    page.goto("/profile")
    row = page.get_by_test_id("sso-link-row")
    row.get_by_role("button", name="解除連結").click()
    dialog = page.locator('[data-testid^="unlink-sso-"][data-testid$="-dialog"]')
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="解除連結").click()
    expect(page.get_by_test_id("sso-message")).to_contain_text("已解除連結")
    expect(page.get_by_test_id("sso-links-empty")).to_be_visible()
    # And links it again from the profile page: the provider still knows her, so it comes straight back.
    page.get_by_test_id("link-sso").click()
    page.wait_for_url(re.compile(r"/profile/?\?sso=linked"))
    expect(page.get_by_test_id("sso-message")).to_contain_text("已連結教育雲端帳號")
    expect(page.get_by_test_id("sso-link-row")).to_contain_text("登入後自行連結")


def test_the_national_centre_requires_single_sign_on_for_a_kind_of_account(page: Page, server: Server):
    sign_in(page, "demo-national_center")
    page.wait_for_url(re.compile(r"/home/?$"))
    page.goto("/accounts/sso")
    box = page.get_by_test_id("sso-kind-social_ed_org")
    expect(box).not_to_be_checked()
    box.check()
    page.get_by_test_id("sso-policy-save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("已儲存單一登入設定")
    page.reload()
    expect(page.get_by_test_id("sso-kind-social_ed_org")).to_be_checked()
    screenshot(page, "sso-policy")
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))
    sign_in(page, "demo-social_ed_org")  # its password is right, but its kind must use the provider now
    expect(page.get_by_test_id("login-message")).to_contain_text("須以教育雲端帳號登入")

    sign_in(page, "demo-national_center")  # and back, for the other tests
    page.wait_for_url(re.compile(r"/home/?$"))
    page.goto("/accounts/sso")
    page.get_by_test_id("sso-kind-social_ed_org").uncheck()
    page.get_by_test_id("sso-policy-save").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("sso-kind-social_ed_org")).not_to_be_checked()


def test_an_identity_with_no_account_is_told_what_to_do_in_both_languages_and_on_a_phone(page: Page,
                                                                                          server: Server):
    page.set_viewport_size({"width": 390, "height": 844})
    _through_provider(page, server, SSO_STRANGER)
    page.wait_for_url(re.compile(r"/login/sso/?$"))
    expect(page.get_by_test_id("sso-unlinked")).to_contain_text("尚未連結")
    expect(page.get_by_test_id("sso-apply-teacher")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "sso-unlinked-phone")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("sso-unlinked")).to_contain_text("not linked to any account")
    screenshot(page, "sso-unlinked-phone-en")


def test_a_forged_answer_lands_on_the_login_page_with_the_reason(page: Page, server: Server):
    page.goto("/api/auth/sso/callback?code=forged&state=forged")
    page.wait_for_url(re.compile(r"/login/?\?e=sso_bad_state"))
    expect(page.get_by_test_id("login-message")).to_contain_text("登入請求無效或已逾時")
