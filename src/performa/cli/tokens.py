"""``performa token create|list|revoke``: API tokens for integrations, from the server."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from performa.cli import Subparsers
from performa.cli.errors import CommandError

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def register(subparsers: Subparsers) -> None:
    token = subparsers.add_parser("token", help="token per l'API REST (crea, elenca, revoca)")
    verbs = token.add_subparsers(dest="token_command", metavar="AZIONE", required=True)
    create = verbs.add_parser("create", help="crea un token e ne stampa la chiave (una volta)")
    create.add_argument("--user", required=True, metavar="UTENTE")
    create.add_argument("--name", required=True, metavar="DESCRIZIONE")
    create.set_defaults(func=_create)
    listing = verbs.add_parser("list", help="elenca i token di un utente")
    listing.add_argument("--user", required=True, metavar="UTENTE")
    listing.set_defaults(func=_list)
    revoke = verbs.add_parser("revoke", help="revoca un token")
    revoke.add_argument("id", type=int, metavar="ID")
    revoke.set_defaults(func=_revoke)


def _user(name: str) -> User:
    from performa.cli.django_commands import setup_django

    setup_django()
    from django.contrib.auth.models import User

    user = User.objects.filter(username=name).first()
    if user is None:
        raise CommandError(f"nessun utente «{name}»")
    return user


def _create(args: argparse.Namespace) -> int:
    user = _user(args.user)
    from performa.accounts.tokens import create_token

    try:
        token, key = create_token(user, args.name)
    except ValueError as error:
        raise CommandError(str(error)) from error
    print(f"Token n. {token.pk} «{token.name}» di {args.user}. Chiave (non sarà più mostrata):",
          file=sys.stderr)
    print(key)
    return 0


def _list(args: argparse.Namespace) -> int:
    user = _user(args.user)
    for token in user.api_tokens.all():  # type: ignore[attr-defined]
        state = "attivo"
        if token.revoked_at:
            reason = f" ({token.revoked_reason})" if token.revoked_reason else ""
            state = f"revocato il {token.revoked_at:%d/%m/%Y}{reason}"
        print(f"{token.pk}\t{token.prefix}…\t{token.name}\t{state}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from performa.cli.django_commands import setup_django

    setup_django()
    from performa.accounts.access import SYSTEM
    from performa.accounts.tokens import revoke_token

    try:
        token = revoke_token(SYSTEM, args.id)
    except ValueError as error:
        raise CommandError(str(error)) from error
    print(f"Token n. {token.pk} «{token.name}» revocato.")
    return 0
