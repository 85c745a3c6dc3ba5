"""訂閱 (SPEC §1.3.4): the teacher's subscription to matching courses."""

from __future__ import annotations

import reflex as rx

from tpd_app import routes
from tpd_app.components import tokens
from tpd_app.components.courses import checkbox, localized
from tpd_app.components.hours import messages
from tpd_app.components.i18n import tr
from tpd_app.components.shell import app_shell
from tpd_app.domain.courses import AudienceLevel, CourseKind
from tpd_app.domain.permissions import Function
from tpd_app.domain.units import COUNTIES
from tpd_app.pages.newsletter import newsletter_tick_box
from tpd_app.state.newsletter import NewsletterTickState
from tpd_app.state.subscriptions import SubscriptionState


def _group(label_key: str, items: list[tuple[str, rx.Var | str]]) -> rx.Component:
    S = SubscriptionState
    return rx.el.fieldset(
        rx.el.legend(tr(label_key), style={"font_weight": "600", "margin_bottom": "0.3rem"}),
        rx.flex(*[checkbox(name, label, checked=S.chosen.contains(name)) for name, label in items], wrap="wrap"),
        style={"border": tokens.BORDER, "border_radius": tokens.RADIUS, "padding": "0.6rem", "width": "100%"},
    )


@rx.page(route=routes.FUNCTION_ROUTES[Function.TEACHER_SUBSCRIPTIONS],
         on_load=[SubscriptionState.load, NewsletterTickState.load], title="訂閱")
def teacher_subscriptions_page() -> rx.Component:
    S = SubscriptionState
    return app_shell(
        "func.teacher.subscriptions",
        messages(S),
        rx.cond(~S.has_email, rx.callout(tr("subscriptions.no_email"), icon="info", color_scheme=tokens.WARN)),
        rx.text(tr("subscriptions.hint"), size="2"),
        rx.form(
            rx.vstack(
                checkbox("active", tr("subscriptions.active"), checked=S.active),
                checkbox("digest", tr("subscriptions.digest"), checked=S.digest),
                _group("subscriptions.kinds", [(f"kind:{k.value}", tr(f"course.kind.{k.value}")) for k in CourseKind]),
                rx.el.fieldset(
                    rx.el.legend(tr("subscriptions.topics"), style={"font_weight": "600"}),
                    rx.flex(rx.foreach(S.topic_options, lambda t: checkbox(
                        "topic:" + t["code"].to(str), localized(t), checked=S.chosen.contains("topic:" + t["code"])))
                        , wrap="wrap"),
                    style={"border": tokens.BORDER, "border_radius": tokens.RADIUS, "padding": "0.6rem",
                           "width": "100%"},
                ),
                _group("subscriptions.counties", [(f"county:{code}", tr(f"county.{code}")) for code in COUNTIES]),
                _group("subscriptions.levels", [(f"level:{lv.value}", tr(f"course.level.{lv.value}"))
                                                for lv in AudienceLevel]),
                rx.button(tr("common.save"), type="submit", data_testid="save"),
                spacing="3", width="100%",
            ),
            on_submit=S.save,
            key=S.form_key,
        ),
        newsletter_tick_box(),
    )
