"""Ids sent back by the browser: only plain non-negative 64-bit integers name a row."""

from __future__ import annotations

import pytest

from tpd_app.domain.errors import NotFound
from tpd_app.services.platform.ids import parse_id, require_id


@pytest.mark.parametrize(("value", "parsed"), [
    (42, 42), ("42", 42), ("0", 0), ("9" * 12, 10**12 - 1), (2**63 - 1, 2**63 - 1),
    (True, None), (False, None), (-1, None), ("-1", None), (4.0, None), ("4.0", None), ("", None),
    ("²", None), ("４２", None), ("1" * 13, None), ("1" * 23, None), (2**63, None),
    (None, None), ([1], None), ({"id": 1}, None),
])
def test_only_plain_ids_are_accepted(value: object, parsed: int | None):
    assert parse_id(value) == parsed


def test_a_use_case_treats_a_malformed_id_as_no_such_row():
    assert require_id("7") == 7
    with pytest.raises(NotFound):
        require_id("7; DROP TABLE course")
