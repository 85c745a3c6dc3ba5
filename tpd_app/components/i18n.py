"""`tr(key)`: a message in the current language, looked up in the browser (no round-trip).

The catalogues reach the browser once, as one JavaScript module (`i18n_catalogues.js`, written from
`tpd_app.i18n.CATALOGUES` when this module is imported) that every page imports by name. Before, each
`tr()` call inlined both whole catalogues as an object literal: 46 copies on the sign-in page (2 MB
of JavaScript), 164 on a statistics page (7.6 MB), all parsed on every page load.
"""

from __future__ import annotations

import json
from pathlib import Path

import reflex as rx
from reflex.utils.imports import ImportVar
from reflex.vars.base import VarData
from reflex.vars.function import FunctionStringVar

from tpd_app.i18n import CATALOGUES
from tpd_app.state.base import AppState

#: The JavaScript name the module exports; `tr()` compiles to `tpdCatalogues[lang][key]`.
EXPORT = "tpdCatalogues"
MODULE = Path(__file__).with_name("i18n_catalogues.js")


def catalogue_module() -> str:
    """The module's source: the catalogues as one exported constant (JSON is a JavaScript literal)."""
    return (f"// Generated from tpd_app.i18n when tpd_app.components.i18n is imported; do not edit.\n"
            f"export const {EXPORT} = {json.dumps(CATALOGUES, ensure_ascii=False, sort_keys=True, indent=0)};\n")


def _write_module() -> str:
    """Write the module if its text changed (an unchanged file keeps the build's cache) and return the
    path pages import it by."""
    source = catalogue_module()
    if not MODULE.exists() or MODULE.read_text(encoding="utf-8") != source:
        MODULE.write_text(source, encoding="utf-8")
    return rx.asset(MODULE.name, shared=True).importable_path


_TABLE = rx.Var(_js_expr=EXPORT, _var_data=VarData(imports={_write_module(): [ImportVar(tag=EXPORT)]})
                ).to(dict[str, dict[str, str]])


def tr(key: str | rx.Var) -> rx.Var:
    """The message for `key` (a literal or a Var holding a key) in the user's language."""
    return _TABLE[AppState.ui_lang][key].to(str)


#: `2026-12-23` (and `2026-12-23 14:05`) → `115/12/23` (14:05); anything else unchanged.
_ROC_DATE = FunctionStringVar.create(
    "((s) => { const m = /^(\\d{4})-(\\d{2})-(\\d{2})/.exec(s || \"\"); "
    "return m ? `${Number(m[1]) - 1911}/${m[2]}/${m[3]}${s.slice(10)}` : (s || \"\"); })")


def date_label(value: rx.Var) -> rx.Var:
    """An ISO date or date and time as the user's language writes it: 115/12/23 in zh-TW, 2026-12-23 in English.
    Services hand dates to pages in ISO; the switch of language then needs no round trip."""
    text = value.to(str)
    return rx.cond(AppState.ui_lang == "en", text, _ROC_DATE.call(text)).to(str)


def county_label(code: rx.Var) -> rx.Var:
    """A county's name from its code (臺北市 / Taipei City); nothing for none."""
    return rx.cond(code, tr("county." + code.to(str)), "").to(str)


#: Punctuation between a label and its value, by language (full-width only in Chinese).
COLON = tr("common.colon")
COMMA = tr("common.comma")
GAP = tr("common.gap")
