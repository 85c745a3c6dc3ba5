"""The names a dashboard, its charts and its exports give to scopes, rows and periods, in one language.

The figures come without words (`dashboards`); the page and the workbook name them here, so a
county is 臺北市 or Taipei City, a month 115/08 or 2026-08 and a period 115 學年度 or School year 115
(2026–27) alike wherever it appears.
"""

from __future__ import annotations

from tpd_app.domain.stats import PeriodType
from tpd_app.domain.units import COUNTIES
from tpd_app.i18n import translate, valid_lang
from tpd_app.services.stats.dashboards import NO_COUNTY, Crumb, Row


def crumb_label(crumb: Crumb, lang: str) -> str:
    """A scope's name: the country and the counties in `lang`, a unit by its own name."""
    return translate(crumb.name_key, valid_lang(lang)) if crumb.name_key else crumb.label


def scope_path(crumbs: list[Crumb], lang: str) -> str:
    """The way to a scope in words: 全國 > 臺北市 > 臺北市大安區和平國民小學."""
    return " > ".join(crumb_label(c, lang) for c in crumbs)


def county_label(code: str, lang: str) -> str:
    if code == NO_COUNTY:
        return translate("stats.area.no_county", valid_lang(lang))
    if code not in COUNTIES:
        return code
    return translate(f"county.{code}", valid_lang(lang))


def month_label(ym: int, lang: str) -> str:
    """202608 → 115/08 (民國) in zh-TW, 2026-08 (ISO) in English."""
    if valid_lang(lang) == "en":
        return f"{ym // 100}-{ym % 100:02d}"
    return f"{ym // 100 - 1911}/{ym % 100:02d}"


def period_label(period_type: str, period: int, lang: str) -> str:
    """A compliance period as stored (school years in ROC, calendar years AD) in words:
    115 學年度 / 115 年 in zh-TW, School year 115 (2026–27) / Calendar year 115 (2026) in English."""
    lang = valid_lang(lang)
    english = lang == "en"  # English readers get the Gregorian years too (English dates are ISO)
    if period_type == PeriodType.CALENDAR.value:
        label = translate("stats.period.calendar_label", lang, roc=period - 1911)
        return f"{label} ({period})" if english else label
    label = translate("stats.period.school_label", lang, roc=period)
    return f"{label} ({period + 1911}–{(period + 1912) % 100:02d})" if english else label


def row_label(table: str, row: Row, lang: str, *, area_kind: str = "",
              topics: dict[str, tuple[str, str]] | None = None, in_progress: str = "") -> str:
    """A breakdown row's name as the page and the workbook show it in `lang`; the trend's year still under
    way says so (115（至今）), so its smaller figures do not read as a fall."""
    lang = valid_lang(lang)
    if table == "trend" and in_progress and row.key == in_progress:
        return row.label + translate("stats.trend.so_far", lang)
    if table == "kind":
        return translate(f"course.kind.{row.key}", lang)
    if table == "level":
        return translate(f"course.level.{row.key}", lang) if row.key else translate("stats.level.none", lang)
    if table == "month" and row.key.isdigit():
        return month_label(int(row.key), lang)
    if table == "area" and area_kind == "county":
        return county_label(row.key, lang)
    if table == "topic" and topics and row.key in topics:
        zh, en = topics[row.key]
        return (en or zh) if lang == "en" else zh
    return row.label
