"""Text-search tokens for Chinese: CJK runs become overlapping character bigrams.

SQLite's unicode61 tokenizer treats a run of CJK characters as one token, so "特殊教育研習"
could only be found whole. Indexing bigrams ("特殊 殊教 教育 育研 研習") lets a two-character
query such as 教育 match anywhere, which the trigram tokenizer cannot (it needs three).
"""

from __future__ import annotations

import re

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[0-9A-Za-z]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
MAX_QUERY_TERMS = 8


def _run_tokens(run: str) -> list[str]:
    if not _IS_CJK.match(run):
        return [run.lower()]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(*texts: str) -> str:
    """The space-separated tokens to store in the full-text index for these texts."""
    tokens: list[str] = []
    for text in texts:
        for run in _RUN.findall(text or ""):
            tokens.extend(_run_tokens(run))
    return " ".join(tokens)


def match_query(query: str) -> str | None:
    """An FTS5 MATCH expression requiring every word of `query`; None when nothing searchable.

    Each CJK run becomes a phrase of its bigrams (adjacent, in order); a single CJK character
    or a Latin word becomes a prefix term. Only tokens we produced reach MATCH, so user input
    cannot inject FTS5 syntax.
    """
    parts: list[str] = []
    for run in _RUN.findall(query or "")[:MAX_QUERY_TERMS]:
        if _IS_CJK.match(run) and len(run) > 1:
            parts.append('"' + " ".join(_run_tokens(run)) + '"')
        else:
            parts.append(f'"{_run_tokens(run)[0]}"*')
    return " AND ".join(parts) if parts else None


def like_terms(query: str) -> list[str]:
    """The words of `query` for a plain substring search (the PostgreSQL path and the baseline)."""
    return [run for run in _RUN.findall(query or "")][:MAX_QUERY_TERMS]
