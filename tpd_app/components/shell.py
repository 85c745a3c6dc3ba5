"""The app shell: header with identity and language switch, role-aware sidebar, guarded content."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.i18n import tr
from tpd_app.state.base import AppState, NavEntry


def language_switch() -> rx.Component:
    return rx.button(
        tr("lang.switch"),
        on_click=AppState.toggle_language,
        variant="outline",
        size="1",
        color_scheme=tokens.NEUTRAL,
        style={"background": "white"},
        data_testid="lang-switch",
        aria_label="Switch language / 切換語言",
    )


_NAME_SIZE = rx.breakpoints(initial="3", sm="4")


def header() -> rx.Component:
    identity = rx.hstack(
        rx.vstack(
            rx.text(AppState.unit_name, weight="bold", size="2", data_testid="header-unit"),
            rx.text(
                AppState.user_name,
                " · ",
                tr(AppState.role_key),
                size="1",
                data_testid="header-account",
            ),
            spacing="0",
            align="end",
        ),
        rx.button(
            tr("header.logout"),
            on_click=AppState.logout,
            size="1",
            variant="solid",
            color_scheme=tokens.NEUTRAL,
            high_contrast=True,
            data_testid="logout",
        ),
        spacing="3",
        align="center",
    )
    return rx.el.header(
        rx.hstack(
            rx.cond(AppState.signed_in, mobile_menu()),
            rx.link(
                rx.hstack(
                    rx.icon("graduation-cap", size=24),
                    rx.text(tr("app.name"), weight="bold", size=_NAME_SIZE, data_testid="app-name",
                            class_name=rx.cond(AppState.ui_lang == "en", "tpd-long-name", "")),
                    # The English name takes two lines of a phone's header: the short one stands in there.
                    rx.cond(AppState.ui_lang == "en", rx.text(tr("app.short"), weight="bold", size=_NAME_SIZE,
                                                              class_name="tpd-short-name")),
                    align="center",
                    spacing="2",
                ),
                href=rx.cond(AppState.signed_in, routes.DASHBOARD, routes.HOME),
                color=tokens.HEADER_FG,
                underline="none",
            ),
            rx.spacer(),
            language_switch(),
            rx.cond(
                AppState.signed_in,
                identity,
                rx.link(tr("home.signin"), href=routes.LOGIN, color=tokens.HEADER_FG, weight="bold"),
            ),
            align="center",
            # On a phone the public header's name, language button and sign-in link fit on one line.
            spacing=rx.breakpoints(initial="2", sm="4"),
            padding_x=rx.breakpoints(initial="0.75rem", sm=tokens.SPACE_3),
            padding_y=tokens.SPACE_1,
            wrap="wrap",
        ),
        style={"background": tokens.HEADER_BG, "color": tokens.HEADER_FG},
    )


def _nav_row(entry: NavEntry, with_testid: bool = True) -> rx.Component:
    return rx.cond(
        entry["kind"] == "group",
        rx.text(
            tr(entry["label_key"]),
            size="1",
            weight="bold",
            color=tokens.MUTED,
            padding_top=tokens.SPACE_2,
            padding_x=tokens.SPACE_1,
        ),
        rx.link(
            tr(entry["label_key"]),
            href=entry["href"],
            size="2",
            padding_x=tokens.SPACE_1,
            padding_y="0.2rem",
            border_radius=tokens.RADIUS,
            underline="hover",
            **({"data_testid": "nav-" + entry["key"]} if with_testid else {}),
        ),
    )


def _nav_list(with_testid: bool) -> rx.Component:
    return rx.vstack(
        rx.link(tr("nav.home"), href=routes.DASHBOARD, size="2", weight="bold", padding_x=tokens.SPACE_1),
        rx.foreach(AppState.nav, lambda entry: _nav_row(entry, with_testid)),
        spacing="1",
        align="stretch",
    )


def mobile_menu() -> rx.Component:
    """On narrow screens the sidebar becomes a drawer behind a menu button."""
    return rx.box(
        rx.drawer.root(
            rx.drawer.trigger(
                rx.icon_button(rx.icon("menu"), variant="soft", color_scheme=tokens.NEUTRAL, aria_label="menu",
                               data_testid="mobile-menu"),
            ),
            rx.drawer.overlay(z_index="5"),
            rx.drawer.portal(
                rx.drawer.content(
                    rx.box(_nav_list(with_testid=False), padding=tokens.SPACE_2, overflow_y="auto", height="100%"),
                    background=tokens.SIDEBAR_BG,
                    width="80vw",
                    max_width=tokens.SIDEBAR_WIDTH,
                    height="100%",
                    top="0",
                    left="0",
                    z_index="10",
                ),
            ),
            direction="left",
        ),
        display=["block", "block", "none"],
    )


def sidebar() -> rx.Component:
    return rx.box(
        rx.el.nav(_nav_list(with_testid=True), aria_label="menu"),
        display=["none", "none", "block"],
        style={
            "background": tokens.SIDEBAR_BG,
            "min_width": tokens.SIDEBAR_WIDTH,
            "padding": tokens.SPACE_2,
            "border_right": tokens.BORDER,
        },
    )


#: (test id, label key, address) of the links every page ends with.
FOOTER_LINKS = [("rules", "rules.document.usage", routes.RULES + "/usage"),
                ("privacy", "rules.document.privacy", routes.RULES + "/privacy"),
                ("faq", "faq.title", routes.FAQ), ("guides", "guides.title", routes.GUIDES),
                ("newsletter", "newsletter.title", routes.NEWSLETTER), ("help", "helpdesk.title", routes.HELP)]


def footer() -> rx.Component:
    return rx.el.footer(
        rx.vstack(
            rx.el.nav(
                rx.hstack(*[rx.link(tr(key), href=href, size="1", data_testid=f"footer-{name}")
                            for name, key, href in FOOTER_LINKS], spacing="4", wrap="wrap", justify="center"),
                aria_label=tr("footer.links"),
            ),
            rx.text(tr("footer.rights"), size="1", color=tokens.MUTED),
            rx.text(tr("footer.privacy"), size="1", color=tokens.MUTED),
            spacing="1",
            align="center",
        ),
        padding=tokens.SPACE_2,
        border_top=tokens.BORDER,
    )


def forbidden_panel() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("shield-alert")),
        rx.callout.text(
            rx.text(tr("forbidden.title"), weight="bold"),
            rx.text(tr(AppState.forbidden_key)),
            rx.text(tr("forbidden.body"), size="2"),
        ),
        color_scheme=tokens.DANGER,
        role="alert",
        data_testid="forbidden",
    )


def loading_panel() -> rx.Component:
    return rx.hstack(rx.spinner(), rx.text(tr("common.loading")), data_testid="loading", spacing="2")


def skip_link() -> rx.Component:
    """WCAG 2.4.1: keyboard users jump past the header and menu."""
    return rx.el.a(
        tr("common.skip_to_content"),
        href="#main-content",
        class_name="tpd-skip-link",
        style={"position": "absolute", "left": "-999px", "top": "0", "z_index": "20", "padding": tokens.SPACE_1,
               "background": "white", "_focus": {"left": tokens.SPACE_1}},
    )


#: The document follows the chosen language: `<html lang>` from the marker's data-lang, the title from the
#: page's h1 and the site name as shown (each page's static title is Chinese). Runs on every change of
#: the page, so a navigation, a language switch or a course page's own title all end up in the tab.
#: Focus (WCAG 2.4.3): after a navigation inside the app the page's h1 takes the focus, so a keyboard or
#: screen-reader user starts at the new page, not at the menu link; when an action's result appears
#: (a notice, an error, an alert) while the focus was lost to <body> (the pressed button re-rendered or
#: went away), the result takes it.
#: The header's short English name replaces the long one on a phone (the long one would wrap).
HEADER_CSS = """.tpd-short-name { display: none; }
@media (max-width: 40em) { .tpd-long-name { display: none; } .tpd-short-name { display: inline; } }
.tpd-rich-text { line-height: 1.7; overflow-wrap: anywhere; max-width: 48rem; }
.tpd-rich-text table { border-collapse: collapse; display: block; overflow-x: auto; }
.tpd-rich-text th, .tpd-rich-text td { border: 1px solid #c9ced6; padding: 0.25rem 0.5rem; }
.tpd-rich-text a { text-decoration: underline; }
.tpd-rich-text ul, .tpd-rich-text ol { padding-left: 1.5rem; margin: 0.25rem 0; }
.tpd-rich-text ul { list-style: disc; }
.tpd-rich-text ol { list-style: decimal; }
.tpd-rich-text p { margin: 0.25rem 0; }"""

DOCUMENT_SCRIPT = """(function () {
  var pending = null, oldHeading = null;
  function navigated() {
    oldHeading = document.querySelector('main h1') || document.querySelector('h1');
    pending = Date.now();
  }
  var push = history.pushState;
  history.pushState = function () { navigated(); return push.apply(this, arguments); };
  window.addEventListener('popstate', navigated);
  var RESULTS = '[data-testid=notice], [data-testid=form-error], [role=alert]';
  function focusOn(el) {
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
    el.focus({preventScroll: false});
  }
  function apply() {
    var doc = document.getElementById('tpd-doc');
    if (!doc) return;
    var lang = doc.getAttribute('data-lang') === 'en' ? 'en' : 'zh-Hant-TW';
    if (document.documentElement.lang !== lang) document.documentElement.lang = lang;
    var h1 = document.querySelector('main h1') || document.querySelector('h1');
    var site = document.querySelector('[data-testid=app-name]');
    if (h1 && site) {
      var page = h1.textContent.trim(), name = site.textContent.trim();
      var title = page && page !== name ? page + ' | ' + name : name;
      if (document.title !== title) document.title = title;
    }
    if (pending !== null) {
      if (h1 && h1 !== oldHeading && h1.isConnected) { pending = null; focusOn(h1); }
      else if (Date.now() - pending > 3000) { pending = null; }
    } else if (document.activeElement === document.body || document.activeElement === null) {
      var result = document.querySelector('main ' + RESULTS.split(', ').join(', main '));
      if (result && !result.dataset.tpdFocused) { result.dataset.tpdFocused = '1'; focusOn(result); }
    }
  }
  new MutationObserver(apply).observe(document.documentElement, {childList: true, subtree: true,
    characterData: true, attributes: true, attributeFilter: ['data-lang']});
  // The skip link moves the keyboard focus into <main> itself (a fragment link alone may not, in an app
  // whose router handles links).
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a.tpd-skip-link');
    var main = document.getElementById('main-content');
    if (!link || !main) return;
    event.preventDefault();
    focusOn(main);
  });
})();"""


def document_marker() -> rx.Component:
    """The chosen language, for DOCUMENT_SCRIPT."""
    return rx.el.span(id="tpd-doc", data_lang=AppState.lang, hidden=True)


def hydration_marker() -> rx.Component:
    """An invisible marker present once the server state has reached the browser (for tests)."""
    return rx.cond(rx.State.is_hydrated, rx.el.span(data_testid="hydrated", style={"display": "none"}))


def page_frame(*children: rx.Component) -> rx.Component:
    """Header, body and footer around public pages."""
    return rx.vstack(
        hydration_marker(),
        document_marker(),
        skip_link(),
        header(),
        rx.el.main(*children, id="main-content", tab_index=-1,
                   style={"width": "100%", "max_width": tokens.PAGE_MAX_WIDTH, "margin_left": "auto",
                          "margin_right": "auto",
                          "padding": tokens.SPACE_3, "flex": "1", "outline": "none"}),
        footer(),
        min_height="100vh",
        spacing="0",
        align="stretch",
        style={"font_family": tokens.FONT_STACK},
    )


def app_shell(title_key: str, *content: rx.Component, heading: rx.Component | None = None) -> rx.Component:
    """A signed-in page: the content renders only once the server-side guard said yes.

    `heading` replaces the page's h1 (the title key's text) where the heading names what is shown,
    e.g. a statistics dashboard's scope, so the page does not name it twice."""
    return rx.vstack(
        hydration_marker(),
        document_marker(),
        skip_link(),
        header(),
        rx.hstack(
            rx.cond(AppState.signed_in, sidebar()),
            rx.el.main(
                rx.vstack(
                    heading if heading is not None else rx.heading(tr(title_key), size="6", as_="h1"),
                    rx.cond(AppState.page_guide != "",
                            rx.link(rx.hstack(rx.icon("circle-play", size=16, aria_hidden="true"),
                                              tr("guides.for_page"), align="center", spacing="1"),
                                    href=AppState.page_guide, data_testid="page-guide")),
                    rx.match(
                        AppState.page_status,
                        ("ok", rx.vstack(*content, spacing="4", width="100%")),
                        ("forbidden", forbidden_panel()),
                        loading_panel(),
                    ),
                    spacing="4",
                    width="100%",
                    max_width=tokens.PAGE_MAX_WIDTH,
                ),
                id="main-content",
                tab_index=-1,
                style={"flex": "1", "padding": tokens.SPACE_3, "min_width": "0"},
            ),
            align="stretch",
            spacing="0",
            flex="1",
            width="100%",
        ),
        footer(),
        min_height="100vh",
        spacing="0",
        align="stretch",
        style={"font_family": tokens.FONT_STACK},
    )
