"""No log line carries a session cookie: Reflex's own error paths log whole events with their headers."""

from __future__ import annotations

import logging

import pytest
from reflex_base.event import Event

import tpd_app.tpd_app  # noqa: F401  (creating the app installs the redaction)
from tpd_app.services.platform.logs import redact
from tpd_app.settings import get_settings

SECRET = "0123456789abcdef0123456789abcdef"


def test_an_event_with_no_handler_is_logged_without_its_cookie(caplog: pytest.LogCaptureFixture):
    event = Event(name="reflex___state____state.nope.missing",
                  router_data={"headers": {"cookie": f"{get_settings().cookie_name}={SECRET}; theme=dark",
                                           "authorization": "Bearer abc.def"}}, payload={})
    logger = logging.getLogger("reflex_base.event.processor.event_processor")
    with caplog.at_level(logging.ERROR):
        try:
            raise KeyError(f"No registered handler found for event: {event.name}")
        except KeyError:
            logger.exception(f"Error processing event queue entry for {event} [txid=1]:")
        logging.getLogger("granian.access").error("headers %s", {"Cookie": f"tpd_session={SECRET}"})
    text = caplog.text
    assert "missing" in text and SECRET not in text and "abc.def" not in text and "[redacted]" in text


@pytest.mark.parametrize(("line", "kept"), [
    ("cookie: tpd_session=AAA; lang=en", "cookie: [redacted]"),
    ("{'cookie': 'tpd_session=AAA'}", "{'cookie': '[redacted]'}"),
    ("GET /?next=/home tpd_session=AAA&x=1", "GET /?next=/home tpd_session=[redacted]&x=1"),
    ("nothing secret here", "nothing secret here"),
])
def test_redaction_keeps_the_rest_of_the_line(line: str, kept: str):
    assert redact(line) == kept
