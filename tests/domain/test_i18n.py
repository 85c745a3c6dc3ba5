"""Message catalogues: both languages complete, and every key the code uses exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tpd_app.domain.navigation import NAV_GROUPS
from tpd_app.domain.permissions import Function, Reason
from tpd_app.domain.units import COUNTIES, AccountCategory, UnitType
from tpd_app.i18n import CATALOGUES, DEFAULT_LANG, translate, valid_lang

ZH, EN = CATALOGUES["zh-TW"], CATALOGUES["en"]
SOURCE = Path(__file__).resolve().parents[2] / "tpd_app"
_KEY = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def test_both_languages_have_the_same_keys():
    assert sorted(set(ZH) - set(EN)) == []
    assert sorted(set(EN) - set(ZH)) == []


def test_no_message_is_empty():
    assert [k for k, v in {**ZH, **EN}.items() if not v.strip()] == []


def test_every_function_group_unit_type_category_and_refusal_has_a_message():
    keys = [f"func.{f.value}" for f in Function]
    keys += [f"nav.group.{group}" for group, _ in NAV_GROUPS]
    keys += [f"unit_type.{t.value}" for t in UnitType]
    keys += [f"category.{c.value}" for c in AccountCategory] + ["category.teacher"]
    keys += [f"error.forbidden.{r.value}" for r in Reason if r is not Reason.ALLOWED]
    assert [k for k in keys if k not in ZH] == []


def _literal_keys() -> set[str]:
    prefixes = {key.split(".")[0] for key in ZH}
    function_keys = {f.value for f in Function}
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        # Model files hold foreign keys such as "course.id", which look like message keys.
        if "i18n" in path.parts or "models" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # A status's label prefix (`@styled("course.status", …)`) is not a key; test_statuses checks its keys.
        prefixes_of_statuses = {id(node.args[0]) for node in ast.walk(tree) if isinstance(node, ast.Call)
                                and getattr(node.func, "id", "") == "styled" and node.args}
        for node in ast.walk(tree):
            if id(node) in prefixes_of_statuses:
                continue
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _KEY.match(node.value)
                and node.value.split(".")[0] in prefixes
                and node.value not in function_keys
            ):
                found.add(node.value)
    return found


def test_every_message_key_written_in_the_code_exists():
    used = _literal_keys()
    assert len(used) > 30
    assert sorted(k for k in used if k not in ZH and not k.endswith(".")) == []


def test_zh_tw_is_the_default_and_unknown_languages_fall_back():
    assert DEFAULT_LANG == "zh-TW"
    assert valid_lang("fr") == "zh-TW"
    assert translate("login.title") == "登入"
    assert translate("login.title", "en") == "Sign in"


def test_placeholders_match_between_languages():
    placeholder = re.compile(r"\{(\w+)\}")
    assert [k for k in ZH if set(placeholder.findall(ZH[k])) != set(placeholder.findall(EN[k]))] == []


def test_every_county_has_its_chinese_and_official_english_name():
    for code, (name, _) in COUNTIES.items():
        assert ZH[f"county.{code}"] == name
        english = EN[f"county.{code}"]
        assert english.isascii() and english.split()[-1] in ("City", "County"), english
    assert EN["county.TPE"] == "Taipei City" and EN["county.NWT"] == "New Taipei City"
    assert EN["county.LIE"] == "Lienchiang County" and EN["county.KIN"] == "Kinmen County"


def test_english_messages_use_no_full_width_punctuation():
    """Full-width punctuation only in Chinese: an English page reads "Hours: 3", never "Hours：3"."""
    wide = re.compile("[：，。（）、；！？「」　]")
    assert sorted(key for key, text in EN.items() if wide.search(text)) == []
