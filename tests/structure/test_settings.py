"""Settings read from the environment."""

from __future__ import annotations

import pytest

from tpd_app.settings import get_settings, reset_settings


def test_the_websocket_origin_follows_the_server_port_unless_set(monkeypatch: pytest.MonkeyPatch):
    """`TPD_PORT=3917 ./scripts/run` must accept the browser it serves (its websocket was refused)."""
    monkeypatch.delenv("TPD_PUBLIC_ORIGIN", raising=False)
    monkeypatch.setenv("TPD_PORT", "3917")
    reset_settings()
    assert get_settings().public_origin == "http://localhost:3917"
    monkeypatch.setenv("TPD_PUBLIC_ORIGIN", "https://tpd.example.tw")
    reset_settings()
    assert get_settings().public_origin == "https://tpd.example.tw"
    monkeypatch.delenv("TPD_PORT")
    monkeypatch.delenv("TPD_PUBLIC_ORIGIN")
    reset_settings()
    assert get_settings().public_origin == "http://localhost:3000"
    reset_settings()
