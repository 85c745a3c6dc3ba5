"""Creates the Reflex `app`; importing every module of `pages/` registers its routes."""

import importlib
import pkgutil

import reflex as rx

from tpd_app import pages
from tpd_app.api.app import build_api
from tpd_app.services.platform.heap import freeze_startup_heap
from tpd_app.services.platform.logs import redact_secrets_in_logs

redact_secrets_in_logs()

for _module in pkgutil.iter_modules(pages.__path__):
    importlib.import_module(f"{pages.__name__}.{_module.name}")

app = rx.App(
    api_transformer=build_api(),
    html_lang="zh-Hant-TW",
)
app.register_lifespan_task(freeze_startup_heap)
