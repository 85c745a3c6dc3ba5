"""The layering of STYLE.md: imports point downward only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tpd_app"

# What each layer may NOT import (prefix match on absolute module names).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "domain": ("reflex", "sqlmodel", "sqlalchemy", "tpd_app.models", "tpd_app.services", "tpd_app.state",
               "tpd_app.pages", "tpd_app.components", "tpd_app.api", "tpd_app.settings", "tpd_app.devdata"),
    "models": ("reflex", "tpd_app.services", "tpd_app.state", "tpd_app.pages", "tpd_app.components",
               "tpd_app.api", "tpd_app.devdata"),
    "services": ("reflex", "tpd_app.state", "tpd_app.pages", "tpd_app.components", "tpd_app.api",
                 "tpd_app.devdata", "tpd_app.chores"),
    "state": ("tpd_app.pages", "tpd_app.components", "tpd_app.api", "sqlmodel.select", "sqlalchemy",
              "tpd_app.devdata"),
    "components": ("tpd_app.pages", "tpd_app.services", "tpd_app.models", "sqlmodel", "sqlalchemy",
                   "tpd_app.devdata"),
    "pages": ("tpd_app.services", "tpd_app.models", "sqlmodel", "sqlalchemy", "tpd_app.devdata"),
    "api": ("tpd_app.pages", "tpd_app.components", "tpd_app.state", "tpd_app.devdata"),
    "devdata": ("reflex", "tpd_app.state", "tpd_app.pages", "tpd_app.components", "tpd_app.api"),
}

#: The only modules of the app that may load demo or volume data: the command line.
DEVDATA_USERS = frozenset({"cli.py"})


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


def test_demo_data_is_loaded_only_by_the_command_line():
    users = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
             if p.parent != PACKAGE / "devdata"
             and any(n == "tpd_app.devdata" or n.startswith("tpd_app.devdata.") for n in _imports(p))}
    assert users <= DEVDATA_USERS


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_of_the_app_imports_itself_back_through_others():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt):], nxt] if nxt in trail else [name, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_services_are_feature_packages_and_no_loose_modules():
    services = PACKAGE / "services"
    assert sorted(p.name for p in services.iterdir() if p.is_dir() and (p / "__init__.py").exists()) == [
        "accounts", "courses", "helpdesk", "hours", "newsletter", "platform", "portal", "reporting", "stats"]
    assert [p.name for p in services.glob("*.py")] == ["__init__.py"]


#: The only calls between feature packages (docs/ARCHITECTURE.md explains each): the hours use cases
#: reach courses through its loaders; a course change tells its registrations and subscribers; a
#: confirmed list or a changed course keeps the statistics rollups current in the same transaction; a
#: directory merge re-routes review to the surviving school's centre.
SANCTIONED_CROSS_FEATURE = {
    ("hours", "tpd_app.services.courses.access"),
    ("courses", "tpd_app.services.hours.registration"),
    ("courses", "tpd_app.services.hours.subscriptions"),
    ("courses", "tpd_app.services.stats.rollups"),
    ("hours", "tpd_app.services.stats.rollups"),
    ("accounts", "tpd_app.services.courses.access"),
    # Back-end reporting writes what a county's system sent by the rules of the pages: a course through the
    # course form's parser and the lifecycle, a list through the attendance module.
    ("reporting", "tpd_app.services.courses.form_input"),
    ("reporting", "tpd_app.services.courses.lifecycle"),
    ("reporting", "tpd_app.services.hours.attendance"),
    # The help desk counts its public form's limit by the address the sign-in throttle uses (IPv6 by its /64),
    # and the national centre makes a draft FAQ entry from an answer through the FAQ's own use case.
    ("helpdesk", "tpd_app.services.accounts.throttle"),
    ("helpdesk", "tpd_app.services.portal.faq"),
    # The newsletter's subscription limits count client addresses the way the sign-in throttle does.
    ("newsletter", "tpd_app.services.accounts.throttle"),
}
FEATURES = ("accounts", "courses", "helpdesk", "hours", "newsletter", "portal", "reporting", "stats")


def test_feature_packages_call_each_other_only_through_the_sanctioned_doors():
    calls = set()
    for feature in FEATURES:
        for path in (PACKAGE / "services" / feature).glob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if len(parts) >= 4 and parts[:2] == ["tpd_app", "services"] and parts[2] in FEATURES \
                        and parts[2] != feature and (PACKAGE / "services" / parts[2] / f"{parts[3]}.py").exists():
                    calls.add((feature, ".".join(parts[:4])))
    assert calls == SANCTIONED_CROSS_FEATURE
