"""Message catalogues: zh-TW (default) and English; code refers to messages by key."""

from __future__ import annotations

from tpd_app.i18n import en, zh_tw

DEFAULT_LANG = "zh-TW"
LANGUAGES: tuple[str, ...] = ("zh-TW", "en")
CATALOGUES: dict[str, dict[str, str]] = {"zh-TW": zh_tw.MESSAGES, "en": en.MESSAGES}


def valid_lang(lang: str | None) -> str:
    """The language if supported, else the default (the stored value is client-controlled)."""
    return lang if lang in CATALOGUES else DEFAULT_LANG


def translate(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The message for `key` in `lang`, formatted with `params`; the key itself if unknown."""
    text = CATALOGUES[valid_lang(lang)].get(key) or CATALOGUES[DEFAULT_LANG].get(key, key)
    return text.format(**params) if params else text
