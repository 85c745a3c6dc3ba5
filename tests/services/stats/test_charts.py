"""Dashboard charts: valid plotly figures, fast fixed layouts, long names shortened only on the axis."""

from __future__ import annotations

import plotly.graph_objects as go

from tpd_app.services.stats import charts

ROWS = [{"label": "研習", "participants_n": "12", "courses": "1", "offered": "2.0", "participants": "12",
         "credited": "3.0"}, {"label": "工作坊", "participants_n": "3", "courses": "1", "offered": "1.0",
                             "participants": "3", "credited": "1.0"}]


def test_long_unit_names_are_shortened_on_the_axis_but_whole_in_the_hover_and_drill():
    """Fixed margins keep the chart fast; a long school name must not run off them, yet stay findable."""
    name = "新北市立板橋高級中學附設國民中學部"
    rows = [{"label": name, "participants_n": "12", "courses": "1", "offered": "2.0", "participants": "12",
             "credited": "3.0"}, {"label": "短名", "participants_n": "3", "courses": "1", "offered": "1.0",
                                 "participants": "3", "credited": "1.0"}]
    figure = go.Figure(charts.figure(rows, kind="bar", name="參與人次", hover="<b>%{x}</b>"))
    assert figure.data[0].x == (name, "短名")  # a click on the bar sends the whole name to `drill`
    assert figure.layout.xaxis.ticktext == (name[:charts.TICK_CHARS - 1] + "…", "短名")
    assert figure.layout.xaxis.tickvals == (name, "短名")
    assert figure.data[0].y == (12, 3)


def test_a_chart_is_a_valid_plotly_figure_labelled_in_the_page_language():
    for kind in ("bar", "line"):
        zh = go.Figure(charts.participants_chart(ROWS, "zh-TW", kind))
        en = go.Figure(charts.participants_chart(ROWS, "en", kind))
        assert zh.data[0].type == ("scatter" if kind == "line" else "bar")
        assert zh.layout.yaxis.title.text == "參與人次" and en.layout.yaxis.title.text == "Participants"
        assert "Participants" in en.data[0].hovertemplate and "參與人次" in zh.data[0].hovertemplate
