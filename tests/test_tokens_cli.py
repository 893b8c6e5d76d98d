"""``performa token``: an administrator gives an integration its key, and takes it back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from performa.accounts.tokens import user_for_key
from performa.cli import main

pytestmark = pytest.mark.django_db


def test_create_list_and_revoke_from_the_command_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    owner = User.objects.create_user("contabilita", password="x-Secret-9")
    assert main(["token", "create", "--user", "contabilita", "--name", "bilancio"]) == 0
    key = capsys.readouterr().out.strip()
    assert user_for_key(key) == owner
    assert main(["token", "list", "--user", "contabilita"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    token_id, prefix, name, state = line.split("\t")
    assert (prefix, name, state) == (key[:10] + "…", "bilancio", "attivo")
    assert main(["token", "revoke", token_id]) == 0
    assert user_for_key(key) is None
    assert main(["token", "list", "--user", "contabilita"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("(revocato dalla riga di comando)")
    assert main(["token", "revoke", "999"]) == 2
    assert "Nessun token n. 999" in capsys.readouterr().err
    assert main(["token", "create", "--user", "nessuno", "--name", "x"]) == 2
    assert "nessun utente «nessuno»" in capsys.readouterr().err


def test_no_token_for_a_deactivated_account_and_the_list_says_why_one_was_revoked(
        capsys: pytest.CaptureFixture[str]) -> None:
    owner = User.objects.create_user("contabilita", password="x-Secret-9")
    assert main(["token", "create", "--user", "contabilita", "--name", "bilancio"]) == 0
    key = capsys.readouterr().out.strip()
    owner.is_active = False
    owner.save()
    assert user_for_key(key) is None
    assert main(["token", "list", "--user", "contabilita"]) == 0
    state = capsys.readouterr().out.split("\t")[-1].strip()
    assert state.startswith("revocato il ") and state.endswith("(utente disattivato)")
    assert main(["token", "create", "--user", "contabilita", "--name", "altro"]) == 2
    assert "è disattivato" in capsys.readouterr().err
