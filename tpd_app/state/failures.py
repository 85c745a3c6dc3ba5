"""What a person reads when an event fails outside the rules: a specific message, in both languages (the
handler runs without the tab's state, so without its language), instead of Reflex's generic
"An error occurred". The database briefly unavailable, the disk full and the server too busy each say
what happened and that nothing was changed; anything else is logged with its traceback as before."""

import logging

from reflex.app import default_backend_exception_handler
from reflex_base.event import EventSpec
from reflex_base.utils.exceptions import LockExpiredError
from reflex_components_sonner.toast import toast

from tpd_app.i18n import translate
from tpd_app.services.platform.failures import storage_failure_key

_log = logging.getLogger("tpd.failures")


def failure_key(exception: BaseException) -> str | None:
    """The message key for a failure a person should hear about specifically, or None."""
    if isinstance(exception, LockExpiredError):
        return "failure.busy"
    return storage_failure_key(exception)


def backend_failure(exception: Exception) -> EventSpec:
    """The app's backend exception handler (`rx.App(backend_exception_handler=...)`)."""
    key = failure_key(exception)
    if key is None:
        return default_backend_exception_handler(exception)
    _log.error("event failed: %s: %s", key, type(exception).__name__, exc_info=exception)
    return toast(f"{translate(key, 'zh-TW')} / {translate(key, 'en')}", level="error", id="backend_error",
                 position="top-center", duration=10_000, fallback_to_alert=True)
