"""The one data table: headers, the empty line, the sideways scroll and the optional parts."""

from __future__ import annotations

import reflex as rx

from tpd_app.components.tables import data_table

ROWS = rx.Var.create([{"name": "a"}]).to(list[dict[str, str]])


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(rx.table.cell(r["name"]))


def test_a_table_scrolls_sideways_and_says_when_it_is_empty():
    rendered = str(data_table(("table.status", ""), ROWS, _row, testid="things"))
    assert '["overflowX"] : "auto"' in rendered
    assert '"data-testid":"things"' in rendered
    assert '"data-testid":"things-empty"' in rendered and '"table.empty"' in rendered
    assert rendered.count("RadixThemesTable.ColumnHeaderCell") == 2


def test_a_kept_table_has_no_empty_line_and_a_headerless_one_no_header_row():
    rendered = str(data_table((), ROWS, _row, empty_key=None, variant="ghost", size="2"))
    assert "table.empty" not in rendered and "data-testid" not in rendered
    assert "RadixThemesTable.Header" not in rendered
    assert 'size:"2"' in rendered and 'variant:"ghost"' in rendered


def test_a_captioned_tall_table_scrolls_inside_its_box():
    rendered = str(data_table(("table.status",), ROWS, _row, empty_key=None,
                              caption_key="stats.chart.table_caption", max_height="24rem"))
    assert '"stats.chart.table_caption"' in rendered
    assert '["maxHeight"] : "24rem"' in rendered and '["overflowY"] : "auto"' in rendered
