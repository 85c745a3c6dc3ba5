"""The production preflight (what stops a start) and the private files (what other users may not read)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tpd_app.cli import main
from tpd_app.devdata.demo import load_demo
from tpd_app.services.accounts.admin import create_first_admin
from tpd_app.services.platform import mail
from tpd_app.services.platform.db import transaction
from tpd_app.services.platform.readiness import make_private, production_problems
from tpd_app.settings import reset_settings

KEY = "k" * 64


@pytest.fixture
def production_env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TPD_SECRET_KEY", KEY)
    monkeypatch.setenv("TPD_PUBLIC_ORIGIN", "https://tpd.example.edu.tw")


def _admin() -> None:
    with transaction() as session:
        create_first_admin(session, username="nknu-admin", password="Correct-Horse-42!", name="王大明",
                           email="admin@example.edu.tw")


def test_an_empty_database_cannot_serve_until_an_administrator_exists(production_env):
    with transaction() as session:
        problems = production_problems(session)
    assert len(problems) == 1 and "create-admin" in problems[0]
    _admin()
    with transaction() as session:
        assert production_problems(session) == []


def test_without_a_secret_key_or_public_origin_production_refuses(production_env, monkeypatch):
    _admin()
    monkeypatch.setenv("TPD_SECRET_KEY", "short")
    monkeypatch.delenv("TPD_PUBLIC_ORIGIN")
    with transaction() as session:
        problems = production_problems(session)
    assert [p.split(" ")[0] for p in problems] == ["TPD_SECRET_KEY", "TPD_PUBLIC_ORIGIN"]
    assert "token_hex" in problems[0]  # how to make one


def test_a_database_with_the_demo_accounts_is_not_served_as_production(production_env):
    with transaction() as session:
        load_demo(session)
    with transaction() as session:
        problems = production_problems(session)
    assert len(problems) == 1 and "demo accounts" in problems[0] and "README" in problems[0]


def test_the_preflight_command_exits_non_zero_and_says_why(production_env, monkeypatch, capsys):
    monkeypatch.delenv("TPD_SECRET_KEY")
    assert main(["preflight", "--production"]) == 1
    err = capsys.readouterr().err
    assert "Cannot serve: TPD_SECRET_KEY is not set" in err and "Cannot serve: No administrator" in err
    assert main(["preflight"]) == 0  # the demo start checks readiness only


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_files_become_readable_by_their_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db = tmp_path / "tpd.db"
    private = tmp_path / "private"
    (private / "attachments").mkdir(parents=True)
    for path in (db, private / "secret_key", private / "attachments" / "a.pdf"):
        path.write_bytes(b"x")
        path.chmod(0o644)
    private.chmod(0o755)
    monkeypatch.setenv("TPD_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("TPD_PRIVATE_DIR", str(private))
    monkeypatch.delenv("TPD_ATTACHMENTS_DIR", raising=False)
    reset_settings()
    try:
        changed = make_private()
        assert set(changed) == {db, private, private / "secret_key", private / "attachments" / "a.pdf"}
        assert {_mode(p) for p in changed} == {0o600, 0o700}
        assert make_private() == []  # nothing left to change
    finally:
        reset_settings()


def test_the_generated_secret_key_is_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("TPD_SECRET_KEY", raising=False)
    monkeypatch.setenv("TPD_PRIVATE_DIR", str(tmp_path / "private"))
    reset_settings()
    try:
        token = mail.sign("test", 7)
        key = tmp_path / "private" / "secret_key"
        assert _mode(key) == 0o600 and _mode(key.parent) == 0o700
        assert mail.verify("test", token) == 7  # read back, same key
    finally:
        reset_settings()
