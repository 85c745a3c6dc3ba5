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


def test_both_axes_are_titled_in_the_page_language_and_counts_tick_in_whole_numbers():
    """A chart without an x-axis title leaves the reader guessing what the bars are; a count of people
    ticked 0.5, 1.5 … suggests half a person."""
    zh = go.Figure(charts.participants_chart(ROWS, "zh-TW", "bar", "stats.area.county"))
    en = go.Figure(charts.participants_chart(ROWS, "en", "line", "stats.table.month.label"))
    assert zh.layout.xaxis.title.text == "縣市" and zh.layout.yaxis.title.text == "參與人次"
    assert en.layout.xaxis.title.text == "Month" and en.layout.yaxis.title.text == "Participants"
    assert zh.layout.yaxis.tickformat == ",d" and zh.layout.yaxis.dtick is None  # 12 at most: plotly steps 2 or 5
    few = [{**ROWS[0], "participants_n": "3"}, {**ROWS[1], "participants_n": "1"}]
    assert go.Figure(charts.participants_chart(few, "zh-TW", "bar")).layout.yaxis.dtick == 1


def test_english_labels_get_room_for_as_many_letters_as_chinese_characters_take():
    """A Latin letter is about half as wide as a Chinese character: "Online course" fits where 線上課程 does,
    and is not cut to "Online c…"."""
    rows = [{**ROWS[0], "label": "Online course"}, {**ROWS[1], "label": "Professional learning community"}]
    figure = go.Figure(charts.figure(rows, kind="bar", name="Participants", hover=""))
    assert figure.layout.xaxis.ticktext[0] == "Online course"
    assert figure.layout.xaxis.ticktext[1].endswith("…") and len(figure.layout.xaxis.ticktext[1]) > 9
