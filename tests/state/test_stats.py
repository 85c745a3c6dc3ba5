"""Statistics handlers: identity from the session, scope re-checked on every load, exports scoped."""

from __future__ import annotations

from urllib.parse import urlencode

import plotly.graph_objects as go
import pytest
import reflex as rx

from tests.factories import make_account
from tests.services.stats.test_dashboards import _build
from tests.state.conftest import run_async, run_handler, session_cookie
from tpd_app.services.platform.db import transaction
from tpd_app.state.stats import StatsState


def _state(cookie: str, path: str, query: dict[str, str]) -> StatsState:
    root = rx.State(_reflex_internal_init=True)
    full = f"{path}?{urlencode(query)}"
    root._update_router_vars(
        {"headers": {"cookie": cookie}, "pathname": path, "asPath": full, "query": query, "ip": "127.0.0.1",
         "token": "test-token", "sid": "test-sid"}, {})
    return root.get_substate(StatsState.get_full_name().split(".")[1:])


def _accounts():
    with transaction() as session:
        data = _build(session)
        make_account(session, data.world.moe, username="stats-moe")
        make_account(session, data.world.bureau_a, username="stats-tpe")
    return data


def test_moe_loads_the_national_dashboard_and_drills_into_a_county(db_url: str):
    _accounts()
    state = _state(session_cookie("stats-moe", "correct-horse-42"), "/stats/national", {"year": "114"})
    run_async(state.load_national())
    assert state.page_status == "ok"
    assert state.totals["participants"] == "5" and state.totals["teachers"] == "4"
    # The page draws the figures only under the URL they were computed for.
    assert state.shown_url == str(state.router.url) and "year=114" in state.shown_url
    labels = [r["label"] for r in state.area_table_rows]
    assert "高雄市" in labels
    event = state.drill([{"x": "高雄市", "y": 1}])
    assert "county=KHH" in str(event) and "year=114" in str(event)
    figure = go.Figure(state.area_figure)  # the JSON the page sends is a valid plotly figure
    assert figure.data[0].x == tuple(labels)
    assert [float(y) for y in figure.data[0].y] == [float(r["participants_n"]) for r in state.area_table_rows]
    for name in ("kind_figure", "topic_figure", "level_figure", "month_figure", "trend_figure"):
        go.Figure(getattr(state, name))
    assert "參與人次" in figure.data[0].hovertemplate
    kaohsiung = next(r for r in state.area_table_rows if r["label"] == "高雄市")
    assert kaohsiung["href"] == "/stats/national?year=114&period=school&county=KHH"


def test_a_county_bureau_cannot_open_another_county_by_editing_the_url(db_url: str):
    _accounts()
    cookie = session_cookie("stats-tpe", "correct-horse-42")
    own = _state(cookie, "/stats/county", {"year": "114"})
    run_async(own.load_county())
    assert own.page_status == "ok" and own.scope_title == "臺北市"
    other = _state(cookie, "/stats/county", {"year": "114", "county": "KHH"})
    run_async(other.load_county())
    assert other.page_status == "forbidden" and other._area_rows == [] and other.shown_url == ""


def test_the_download_handler_exports_the_scoped_table_and_refuses_teacher_records(db_url: str):
    _accounts()
    state = _state(session_cookie("stats-tpe", "correct-horse-42"), "/stats/county", {"year": "114"})
    run_async(state.load_county())
    event = run_handler(state, "download", "area")
    assert "download" in str(event)
    refused = run_handler(state, "download", "teacher_records")
    assert refused is None and "Excel" in state.error_text


def test_a_county_with_thousands_of_schools_shows_the_top_of_the_list_until_asked_for_all(db_url: str):
    """Rendering ~2,000 rows and bars takes the browser seconds: the chart draws the top 30, the table
    the first 100 with a button for the rest (every row stays in the Excel download)."""
    from tpd_app.state.stats import AREA_CHART_ROWS, AREA_TABLE_ROWS

    state = _state("", "/stats/county", {"year": "114"})
    state.area_kind = "unit"
    state._link_base = "/stats/county"
    state._area_rows = [(str(i), f"學校{i}", 1, 60, 2000 - i, 60) for i in range(1500)]
    assert len(state.area_table_rows) == AREA_TABLE_ROWS
    assert state.area_more_label == "目前顯示前 100 筆，顯示全部 1,500 筆"
    assert "30" in state.area_chart_note
    assert len(state.area_figure["data"][0]["x"]) == AREA_CHART_ROWS
    assert state.area_figure["data"][0]["x"][0] == "學校0"
    assert state.area_table_rows[0]["href"] == "/stats/county?unit=0"
    assert state.area_table_rows[1]["participants"] == "1,999" and state.area_table_rows[1]["offered"] == "1.0"
    state.show_all_area()
    assert len(state.area_table_rows) == 1500 and state.area_more_label == ""


def test_switching_the_language_relabels_the_figures_already_on_the_page(db_url: str):
    """The tables, compliance rules and charts follow the language switch without a new query."""
    _accounts()
    state = _state(session_cookie("stats-moe", "correct-horse-42"), "/stats/national", {"year": "114"})
    run_async(state.load_national())
    zh = {"rules": [c["rule"] for c in state.compliance], "kinds": [r["label"] for r in state.kind_rows],
          "figures": [r["participants"] for r in state.kind_rows]}
    assert "講座" in zh["kinds"] or "研習" in "".join(zh["kinds"])
    state.toggle_language()
    assert state.lang == "en"
    rules = [c["rule"] for c in state.compliance]
    kinds = [r["label"] for r in state.kind_rows]
    assert rules != zh["rules"] and all(rule.isascii() for rule in rules)
    assert kinds != zh["kinds"] and all(kind.isascii() for kind in kinds)
    assert [r["participants"] for r in state.kind_rows] == zh["figures"]
    assert "Participants" in go.Figure(state.kind_figure).data[0].hovertemplate
    assert state.totals["teachers"] == "4"


def test_the_scope_is_named_once_and_wider_scopes_link_back_in_the_viewers_language(db_url: str):
    """The page's heading names the scope; the line above it lists only the wider scopes, as links back
    (none on the home scope), so "全國" is not written three times over the figures."""
    _accounts()
    cookie = session_cookie("stats-moe", "correct-horse-42")
    home = _state(cookie, "/stats/national", {"year": "114"})
    run_async(home.load_national())
    assert home.scope_title == "全國" and home.breadcrumb == []
    drilled = _state(cookie, "/stats/national", {"year": "114", "county": "KHH"})
    run_async(drilled.load_national())
    assert drilled.scope_title == "高雄市"
    assert drilled.breadcrumb == [{"label": "全國", "href": "/stats/national?year=114&period=school"}]
    drilled.toggle_language()
    assert drilled.scope_title == "Kaohsiung City" and drilled.breadcrumb[0]["label"] == "Nationwide"
    assert drilled.compliance[1]["period"] == "Calendar year 114 (2025)"


def test_the_national_chart_has_every_county_and_a_click_on_an_english_bar_drills_down(db_url: str):
    _accounts()
    state = _state(session_cookie("stats-moe", "correct-horse-42"), "/stats/national", {"year": "114"})
    run_async(state.load_national())
    assert len(state.area_figure["data"][0]["x"]) == 22 and len(state.area_table_rows) == 22
    assert state.area_figure["layout"]["xaxis"]["title"]["text"] == "縣市"
    state.toggle_language()
    assert "Lienchiang County" in state.area_figure["data"][0]["x"]
    assert state.area_figure["layout"]["xaxis"]["title"]["text"] == "County"
    event = state.drill([{"x": "Kaohsiung City", "y": 1}])
    assert "county=KHH" in str(event)


def test_a_failed_download_says_so_beside_its_button_and_hands_out_nothing(db_url: str,
                                                                         monkeypatch: pytest.MonkeyPatch):
    """The export's worker process gone (killed, out of memory): the viewer reads why nothing came, in her
    language, next to the table she asked for; the failure is audited."""
    from concurrent.futures.process import BrokenProcessPool

    import sqlalchemy as sa

    from tpd_app.models import AuditLog
    from tpd_app.services.platform import offload

    _accounts()
    state = _state(session_cookie("stats-tpe", "correct-horse-42"), "/stats/county", {"year": "114"})
    run_async(state.load_county())

    async def dead(*_args):
        raise BrokenProcessPool("A child process terminated abruptly")

    monkeypatch.setattr(offload, "run", dead)
    state.toggle_language()
    event = run_handler(state, "download", "kind")
    assert event is None
    assert state.failed_export == "kind"
    assert state.error_text.startswith("The Excel file could not be produced, and nothing was downloaded")
    with transaction() as session:
        failed = session.execute(sa.select(AuditLog.action, AuditLog.target_id)
                                 .where(AuditLog.outcome == "failed")).all()
    assert ("statistics.export", "kind") in failed
    # The next download that works clears the message.
    async def works(*_args):
        return "t.xlsx", b"PK"

    monkeypatch.setattr(offload, "run", works)
    assert "download" in str(run_handler(state, "download", "kind"))
    assert state.failed_export == "" and state.error_text == ""


def test_a_failed_annual_report_says_so_and_brings_the_button_back(db_url: str, monkeypatch: pytest.MonkeyPatch):
    from tpd_app.services.stats import export

    _accounts()
    state = _state(session_cookie("stats-moe", "correct-horse-42"), "/stats/national", {"year": "114"})
    run_async(state.load_national())

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(export, "write_workbook", broken)
    items = run_handler(state, "annual_report")
    assert items == [] and not state.report_running
    assert state.failed_export == "report" and state.error_text.startswith("統計年報未能產生")
