"""Message catalogues: zh-TW (default) and English; code refers to messages by key.

The base messages live in `zh_tw.py` / `en.py`; each feature adds a module under
`features/` with `ZH` and `EN` dicts, merged here so features never edit one shared file.
"""

from __future__ import annotations

import importlib
import pkgutil

from tpd_app.i18n import en, features, zh_tw

DEFAULT_LANG = "zh-TW"


def _merge() -> dict[str, dict[str, str]]:
    zh, english = dict(zh_tw.MESSAGES), dict(en.MESSAGES)
    for info in sorted(pkgutil.iter_modules(features.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{features.__name__}.{info.name}")
        for target, extra in ((zh, module.ZH), (english, module.EN)):
            clash = set(target) & set(extra)
            if clash:
                raise ValueError(f"message keys defined twice ({info.name}): {sorted(clash)}")
            target.update(extra)
    return {"zh-TW": zh, "en": english}


CATALOGUES: dict[str, dict[str, str]] = _merge()


def valid_lang(lang: str | None) -> str:
    """The language if supported, else the default (the stored value is client-controlled)."""
    return lang if lang in CATALOGUES else DEFAULT_LANG


def translate(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The message for `key` in `lang`, formatted with `params`; the key itself if unknown."""
    text = CATALOGUES[valid_lang(lang)].get(key) or CATALOGUES[DEFAULT_LANG].get(key, key)
    return text.format(**params) if params else text
