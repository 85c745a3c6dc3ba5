"""The first national-centre administrator of a real deployment."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tpd_app.cli import main
from tpd_app.domain.errors import ValidationFailed
from tpd_app.models import BusinessAccount, Unit
from tpd_app.services.accounts import auth
from tpd_app.services.accounts.admin import create_first_admin
from tpd_app.services.platform.db import transaction


def test_creates_the_national_centre_and_a_chief_who_can_sign_in(db_url: str):
    with transaction() as s:
        create_first_admin(s, username="nknu-admin", password="long-enough-1", name="管理者",
                           email="admin@nknu.edu.tw")
    with transaction() as s:
        unit = s.exec(select(Unit)).one()
        account = s.exec(select(BusinessAccount)).one()
    assert (unit.type, unit.name) == ("national_center", "國立高雄師範大學")
    assert (account.category, account.status) == ("chief", "active")
    assert auth.sign_in("nknu-admin", "long-enough-1")


def test_rejects_usernames_shaped_like_national_ids_and_weak_passwords(db_url: str):
    with pytest.raises(ValidationFailed) as failed, transaction() as s:
        create_first_admin(s, username="a123456789", password="short", name="", email="bad")
    assert failed.value.field_errors == {
        "username": "account.error.username_national_id", "password": "password.error.too_short",
        "email": "validation.email", "name": "validation.required"}


def test_command_line_reads_the_password_from_stdin(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-2\n"))
    assert main(["create-admin", "--username", "root-admin", "--name", "王", "--email", "a@b.tw",
                 "--password-stdin"]) == 0
    assert "root-admin" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-2\n"))
    assert main(["create-admin", "--username", "root-admin", "--name", "王", "--email", "a@b.tw",
                 "--password-stdin"]) == 2
    assert "此帳號已被使用" in capsys.readouterr().err
