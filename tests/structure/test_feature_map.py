"""The feature map (docs/ARCHITECTURE.md) stays true: it names every function, route and module."""

from __future__ import annotations

import re
from pathlib import Path

from tpd_app import routes
from tpd_app.domain.permissions import Function

ROOT = Path(__file__).resolve().parents[2]
MAP = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
CODE = set(re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", MAP, flags=re.S)))
WORDS = {w for c in CODE for w in re.split(r"[\s,()+;]+", c) if w}


def test_the_map_names_every_function_of_the_matrix_and_every_page_route():
    missing = [f.value for f in Function if f.value not in WORDS]
    missing += [path for path in [*routes.FUNCTION_ROUTES.values(), *routes.PAGE_RULES] if path not in WORDS
                and not any(w.startswith(path + "?") for w in WORDS)]
    assert missing == []


def test_the_map_names_every_service_state_and_page_module():
    package = ROOT / "tpd_app"
    modules = [p for layer in ("services", "state", "pages") for p in (package / layer).rglob("*.py")
               if p.name != "__init__.py"]
    named = {w.split(".")[0] for w in WORDS} | {w.rsplit("/", 1)[-1].removesuffix(".py") for w in WORDS}
    assert sorted(str(p.relative_to(package)) for p in modules if p.stem not in named) == []
