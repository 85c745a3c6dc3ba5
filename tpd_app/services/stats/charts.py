"""Chart figures of the statistics dashboards, built as plotly's JSON from a table's view rows.

Figures are data: the state holds the rows, this module turns them into what `rx.plotly` draws.
"""

from __future__ import annotations

from typing import Any

from tpd_app.i18n import translate, valid_lang

#: Tick labels wider than this many Chinese characters are shortened with "…" (the bar's hover shows the
#: whole name); a Latin letter counts half, so an English label gets about twice as many letters.
TICK_CHARS = 9
#: The same where many labels share the axis (a dozen topics): each gets less room.
CROWDED_TICK_CHARS = 6
CROWDED_LABELS = 12
#: Tick labels stay level while all of them together are this wide.
LEVEL_TICK_CHARS = 24
#: Below this many participants plotly would tick 0.5, 1.5 …: a count of people gets whole steps.
WHOLE_STEPS_BELOW = 10


def _width(text: str) -> float:
    """A label's width in Chinese characters (a CJK character is about twice as wide as a Latin one)."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text)


def _shortened(label: str, limit: float) -> str:
    if _width(label) <= limit:
        return label
    kept, width = [], 0.0
    for ch in label:
        width += _width(ch)
        if width > limit - 1:
            break
        kept.append(ch)
    return "".join(kept).rstrip() + "…"


def figure(rows: list[dict[str, str]], *, kind: str, name: str, hover: str, x_title: str = "") -> dict[str, Any]:
    """A plotly figure as its JSON (what rx.plotly sends): building go.Figure objects costs ~12 ms each,
    six per page view. tests/services/stats/test_charts.py checks the result against plotly's schema.

    Margins and label angles are fixed and long tick labels shortened, the hover naming the row in full:
    plotly's automatic margins and angles measured every label and redrew each chart (with the page's
    template, ~0.4 s of a county page)."""
    labels = [r["label"] for r in rows]
    trace: dict[str, Any] = {
        "type": "scatter" if kind == "line" else "bar", "name": name,
        "x": labels, "y": [int(r["participants_n"]) for r in rows],
        "customdata": [[r["courses"], r["offered"], r["participants"], r["credited"]] for r in rows],
        "hovertemplate": hover + "<extra></extra>"}
    if kind == "line":
        trace.update(mode="lines+markers", line={"color": "#0d9488"})
    else:
        trace["marker"] = {"color": "#0d9488"}
    # A fixed angle too: choosing one measures every label. Short label sets stay level, even on a phone.
    level = kind == "line" or sum(_width(label) for label in labels) <= LEVEL_TICK_CHARS
    xaxis: dict[str, Any] = {"type": "category", "automargin": False, "tickangle": 0 if level else -35}
    if x_title:
        xaxis["title"] = {"text": x_title, "standoff": 8}
    limit = TICK_CHARS if len(labels) <= CROWDED_LABELS else CROWDED_TICK_CHARS
    if any(_width(label) > limit for label in labels):
        xaxis.update(tickmode="array", tickvals=labels, ticktext=[_shortened(label, limit) for label in labels])
    yaxis: dict[str, Any] = {"title": {"text": name}, "rangemode": "tozero", "automargin": False,
                             "tickformat": ",d"}
    if max(trace["y"], default=0) < WHOLE_STEPS_BELOW:
        yaxis.update(tick0=0, dtick=1)
    bottom = (40 if level else 100) + (24 if x_title else 0)
    layout = {"margin": {"l": 64, "r": 16, "t": 8, "b": bottom}, "autosize": True,
              "height": 300, "font": {"family": "Noto Sans TC, sans-serif"},
              "xaxis": xaxis, "yaxis": yaxis, "plot_bgcolor": "white", "paper_bgcolor": "white"}
    return {"data": [trace], "layout": layout}


def participants_chart(rows: list[dict[str, str]], lang: str, kind: str, x_title_key: str = "") -> dict[str, Any]:
    """Participants per row of a dashboard table, as a bar (`kind="bar"`) or line chart, labelled in `lang`:
    both axes titled (the rows' dimension, participants), the hover naming every measure."""
    lang = valid_lang(lang)
    return figure(rows, kind=kind, name=translate("stats.measure.participants", lang), hover=_hover(lang),
                  x_title=translate(x_title_key, lang) if x_title_key else "")


def _hover(lang: str) -> str:
    lang = valid_lang(lang)
    names = [translate(f"stats.measure.{k}", lang) for k in ("courses", "offered_hours", "participants",
                                                             "credited_hours")]
    return ("<b>%{x}</b><br>" + "<br>".join(f"{n}: %{{customdata[{i}]}}" for i, n in enumerate(names)))
