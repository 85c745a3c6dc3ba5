"""Cross-site request guard: a state-changing request must come from a page of this site.

Browsers send `Origin` with every POST and every cross-origin fetch (`Referer` where a privacy setting
drops it); a request with neither, or with `Origin: null`, did not come from one of our pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from tpd_app.settings import get_settings


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def sent_origin(headers: Mapping[str, str]) -> str:
    """The origin the browser says the request came from ('' when it says nothing)."""
    return headers.get("origin") or origin_of(headers.get("referer", ""))


def from_our_pages(headers: Mapping[str, str], scheme: str) -> bool:
    """True when `Origin` (else `Referer`) is the configured public origin or the host the request reached."""
    sent = sent_origin(headers)
    if not sent or sent == "null":
        return False
    ours = {origin_of(get_settings().public_origin), f"{scheme}://{headers.get('host', '')}"}
    return sent.lower() in ours
