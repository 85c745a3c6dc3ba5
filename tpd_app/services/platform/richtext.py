"""Rich text as its authors type it (Markdown) and as pages show it: HTML made by markdown-it-py with raw
HTML switched off, so whatever an announcement's body holds (`<script>`, `<iframe>`, `onerror=`) comes out
as text, and links to `javascript:` and the like are not made links (markdown-it's own link check)."""

from __future__ import annotations

from markdown_it import MarkdownIt

from tpd_app.services.platform.validation import clean

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"])


def required_text(errors: dict[str, str], name: str, value: object, max_length: int, too_long: str,
                  *, markdown: bool = False) -> str:
    """A required field's trimmed text; its problem (missing, or over `max_length`: `too_long`) goes into
    `errors[name]`. A Markdown body keeps its line breaks; a one-line field is `clean`ed."""
    text = str(value or "").strip() if markdown else clean(value, max_length + 1)
    if not text:
        errors[name] = "validation.required"
    elif len(text) > max_length:
        errors[name] = too_long
    return text


def render(text: str) -> str:
    """The HTML of Markdown `text`: only the tags Markdown itself makes."""
    html = _MD.render(text or "")
    # Links leave the site in a new tab without handing it this page.
    return html.replace("<a href=", '<a rel="noopener noreferrer nofollow" target="_blank" href=')


def plain(text: str, length: int = 160) -> str:
    """A short plain-text summary of Markdown `text` (for lists and mail)."""
    tokens = _MD.parse(text or "")
    words = " ".join(child.content for t in tokens if t.type == "inline" for child in (t.children or [])
                     if child.type in ("text", "code_inline")).split()
    summary = " ".join(words)
    return summary if len(summary) <= length else summary[:length - 1] + "…"
