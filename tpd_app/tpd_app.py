"""Creates the Reflex `app`; importing every module of `pages/` registers its routes."""

import importlib
import pkgutil

import reflex as rx
from reflex_base.registry import RegistrationContext

from tpd_app import pages
from tpd_app.api.app import build_api
from tpd_app.components import tokens
from tpd_app.components.busy import busy_notice_script
from tpd_app.components.origin import origin_notice_script
from tpd_app.components.shell import DOCUMENT_SCRIPT, HEADER_CSS
from tpd_app.components.tables import STACK_CSS, TABLE_FOCUS_SCRIPT
from tpd_app.services.platform.heap import freeze_startup_heap
from tpd_app.services.platform.logs import configure_logging, redact_secrets_in_logs
from tpd_app.services.platform.sockets import index_rooms
from tpd_app.state.failures import backend_failure
from tpd_app.state.scope import page_scope_from

redact_secrets_in_logs()

for _module in pkgutil.iter_modules(pages.__path__):
    importlib.import_module(f"{pages.__name__}.{_module.name}")

app = rx.App(
    api_transformer=build_api(),
    backend_exception_handler=backend_failure,
    head_components=[origin_notice_script(), busy_notice_script(),
                     rx.el.style(tokens.contrast_css() + STACK_CSS + HEADER_CSS),
                     rx.el.script(TABLE_FOCUS_SCRIPT), rx.el.script(DOCUMENT_SCRIPT),
                     rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
    html_lang="zh-Hant-TW",
)
index_rooms(app.sio)  # type: ignore[arg-type]  # created by rx.App: a state exists
app.add_middleware(page_scope_from(RegistrationContext.ensure_context().decorated_pages))
app.register_lifespan_task(configure_logging)
app.register_lifespan_task(freeze_startup_heap)
