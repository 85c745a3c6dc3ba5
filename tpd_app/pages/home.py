"""The public home page: what the network is, and the way in."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.i18n import date_label, tr
from tpd_app.components.shell import page_frame
from tpd_app.pages.portal import news_card
from tpd_app.state.base import AppState
from tpd_app.state.portal import NewsState


def _card(title_key: str, body_key: str, icon: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon(icon), rx.heading(tr(title_key), size="4", as_="h2"), align="center"),
            rx.text(tr(body_key), size="2"),
            spacing="2",
        ),
        flex="1",
        min_width="14rem",
    )


def _news() -> rx.Component:
    """The latest and pinned announcements the reader may see (a visitor: the national ones)."""
    return rx.el.section(
        rx.vstack(
            rx.heading(tr("home.news.title"), size="5", as_="h2", id="home-news"),
            rx.cond(NewsState.items.length() > 0,
                    rx.vstack(rx.foreach(NewsState.items, lambda item: news_card(item, "h3")), spacing="3",
                              width="100%"),
                    rx.text(tr("portal.news.empty"), size="2")),
            rx.link(tr("portal.news.all"), href=routes.NEWS, data_testid="home-news-all"),
            spacing="3", width="100%",
        ),
        aria_labelledby="home-news", data_testid="home-news", style={"width": "100%"},
    )


def _open_course(course: rx.Var) -> rx.Component:
    return rx.el.li(rx.vstack(
        rx.link(course["title"], href=routes.CATALOGUE + "/" + course["code"].to(str), weight="medium",
                data_testid="home-course-link"),
        rx.text(course["organizer"], " · ", date_label(course["first_date"]),
                rx.cond(course["last_date"] != course["first_date"],
                        rx.fragment(" – ", date_label(course["last_date"]))),
                " · ", course["hours"], " ", tr("home.courses.hours"), size="2", color=tokens.MUTED),
        spacing="0"), style={"padding": "0.4rem 0", "border_bottom": tokens.BORDER})


def _open_courses() -> rx.Component:
    """Courses whose online registration is open today."""
    return rx.el.section(
        rx.vstack(
            rx.heading(tr("home.courses.title"), size="5", as_="h2", id="home-courses"),
            rx.cond(NewsState.open_courses.length() > 0,
                    rx.el.ul(rx.foreach(NewsState.open_courses, _open_course),
                             style={"list_style": "none", "padding": "0", "margin": "0", "width": "100%"}),
                    rx.text(tr("home.courses.empty"), size="2")),
            rx.link(tr("home.courses.all"), " (", NewsState.open_total, ")", href=routes.CATALOGUE + "?open=1",
                    data_testid="home-courses-all"),
            spacing="3", width="100%",
        ),
        aria_labelledby="home-courses", data_testid="home-courses", style={"width": "100%"},
    )


def _quick_links() -> rx.Component:
    links = [("catalogue.title", routes.CATALOGUE, "search"), ("portal.news.title", routes.NEWS, "megaphone"),
             ("faq.title", routes.FAQ, "circle-help"), ("rules.title", routes.RULES, "scale"),
             ("guides.title", routes.GUIDES, "circle-play"), ("helpdesk.title", routes.HELP, "mail"),
             ("newsletter.title", routes.NEWSLETTER, "newspaper")]
    return rx.el.nav(
        rx.vstack(
            rx.heading(tr("home.links.title"), size="5", as_="h2", id="home-links"),
            rx.hstack(*[rx.link(rx.hstack(rx.icon(icon, size=16), tr(key), align="center", spacing="1"), href=href)
                        for key, href, icon in links], spacing="5", wrap="wrap"),
            spacing="2",
        ),
        aria_labelledby="home-links", style={"width": "100%"},
    )


@rx.page(route=routes.HOME, on_load=NewsState.load_home, title="全國教師在職進修資訊網")
def home() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(tr("home.title"), size="8", as_="h1"),
            rx.text(tr("home.lead"), size="4", color=tokens.MUTED),
            rx.hstack(
                rx.cond(
                    AppState.signed_in,
                    rx.link(rx.button(tr("home.go_dashboard"), size="3"), href=routes.DASHBOARD),
                    rx.link(rx.button(tr("home.signin"), size="3", data_testid="home-signin"), href=routes.LOGIN),
                ),
                rx.link(rx.button(rx.icon("search", size=16), tr("catalogue.title"), size="3", variant="outline"),
                        href=routes.CATALOGUE, data_testid="home-catalogue"),
                spacing="3",
                wrap="wrap",
            ),
            _news(),
            _open_courses(),
            _quick_links(),
            rx.flex(
                _card("home.teachers.title", "home.teachers.body", "user-round"),
                _card("home.organizers.title", "home.organizers.body", "school"),
                _card("home.centres.title", "home.centres.body", "landmark"),
                gap=tokens.SPACE_2,
                wrap="wrap",
                width="100%",
            ),
            rx.callout(
                # The callout's text is a <p> already: a <p> inside it is invalid HTML, which the browser
                # splits apart, and React's hydration then fails on every load (error #418).
                rx.fragment(rx.text.strong(tr("home.notice.title")), " ", tr("home.notice.body")),
                icon="info",
            ),
            spacing="5",
            padding_y=tokens.SPACE_4,
        )
    )
