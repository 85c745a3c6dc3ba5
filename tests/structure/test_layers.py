"""The layering of STYLE.md: imports point downward only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tpd_app"

# What each layer may NOT import (prefix match on absolute module names).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "domain": ("reflex", "sqlmodel", "sqlalchemy", "tpd_app.models", "tpd_app.services", "tpd_app.state",
               "tpd_app.pages", "tpd_app.components", "tpd_app.api", "tpd_app.settings"),
    "models": ("reflex", "tpd_app.services", "tpd_app.state", "tpd_app.pages", "tpd_app.components",
               "tpd_app.api"),
    "services": ("reflex", "tpd_app.state", "tpd_app.pages", "tpd_app.components", "tpd_app.api"),
    "state": ("tpd_app.pages", "tpd_app.components", "tpd_app.api", "sqlmodel.select", "sqlalchemy"),
    "components": ("tpd_app.pages", "tpd_app.services", "tpd_app.models", "sqlmodel", "sqlalchemy"),
    "pages": ("tpd_app.services", "tpd_app.models", "sqlmodel", "sqlalchemy"),
    "api": ("tpd_app.pages", "tpd_app.components", "tpd_app.state"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_downward(layer: str):
    offences = []
    for path in (PACKAGE / layer).rglob("*.py"):
        for name in _imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                offences.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offences == []


def test_every_module_opens_with_a_docstring():
    missing = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
               if p.stat().st_size and ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None]
    assert missing == []
