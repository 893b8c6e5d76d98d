"""Who works on a body and in which role: the Amministratore's job (DOMAIN.md §1).

A body's administrator gives people their roles without the Django admin (which sees every
body of the instance): an existing account gets one more role, a new one is created with a
password that passes the password validators. Every grant and removal is a history row of
the membership (who, when, why); the last administrator of a body cannot be removed, so a
body never locks itself out.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from performa.plans.models import Body, OrgUnit

from . import access
from .models import SCOPED, Membership, Role

NOT_ALLOWED = "Solo l'amministratore dell'ente gestisce utenti e ruoli."


def can_manage(user: access.User, body: Body) -> bool:
    return Role.ADMIN in access.roles(user, body)


def members(body: Body) -> list[Membership]:
    return list(Membership.objects.filter(body=body).select_related("user", "org_unit")
                .order_by("user__username", "role", "org_unit__name"))


def _audit(membership: Membership, actor: Any, reason: str) -> None:
    membership._history_user = actor if getattr(actor, "pk", None) else None
    membership._change_reason = reason


@transaction.atomic
def grant(actor: access.User, body: Body, *, username: str, role: str,
          org_unit_id: int | None = None, first_name: str = "", last_name: str = "",
          email: str = "", password: str = "") -> Membership:
    """Give ``username`` a role in ``body``; the account is created when it does not exist
    (then ``password`` is required). Refusals are ValidationErrors keyed by field."""
    access.require(can_manage(actor, body), NOT_ALLOWED)
    texts = {"username": username, "first_name": first_name, "last_name": last_name,
             "email": email}
    for field, text in texts.items():  # PostgreSQL cannot store NUL
        if "\x00" in text:
            raise ValidationError({field: "Il testo contiene il carattere nullo (NUL)."})
    username = username.strip()
    if not username:
        raise ValidationError({"username": "Indicare il nome utente."})
    if not role:
        raise ValidationError({"role": "Scegliere un ruolo."})
    if role not in Role.values:
        raise ValidationError({"role": f"Ruolo «{role}» sconosciuto."})
    unit = None
    if org_unit_id is not None:
        unit = OrgUnit.objects.filter(pk=org_unit_id, body=body).first()
        if unit is None:
            raise ValidationError({"org_unit": "L'unità deve appartenere all'ente."})
    if role not in SCOPED:
        unit = None  # a body-wide role acts on no unit
    users = get_user_model()
    user = users.objects.filter(username=username).first()
    if user is None:
        user = users(username=username, first_name=first_name.strip(),
                     last_name=last_name.strip(), email=email.strip())
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise ValidationError({field: messages for field, messages
                                   in error.message_dict.items()}) from None
        if not password:
            raise ValidationError({"password": "Per un nuovo utente indicare una password."})
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
        user.set_password(password)
        user.save()
    membership = Membership(user=user, body=body, role=role, org_unit=unit)
    membership.full_clean(validate_unique=False, validate_constraints=False)
    if Membership.objects.filter(user=user, body=body, role=role, org_unit=unit).exists():
        raise ValidationError({"role": f"{username} ha già il ruolo "
                                       f"{membership.get_role_display()}"
                                       f"{f' in {unit}' if unit else ''}."})
    _audit(membership, actor, "ruolo assegnato dall'amministratore")
    membership.save()
    return membership


@transaction.atomic
def revoke(actor: access.User, body: Body, membership_id: int) -> Membership:
    """Take a role away; the account stays (it may hold roles elsewhere, and its history)."""
    access.require(can_manage(actor, body), NOT_ALLOWED)
    membership = (Membership.objects.select_for_update(of=("self",))
                  .select_related("user", "org_unit")
                  .filter(pk=membership_id, body=body).first())
    if membership is None:
        raise LookupError("Ruolo inesistente in questo ente.")
    if membership.role == Role.ADMIN and not Membership.objects.filter(
            body=body, role=Role.ADMIN).exclude(pk=membership.pk).exists():
        raise ValidationError("Non si può togliere l'ultimo amministratore dell'ente.")
    _audit(membership, actor, "ruolo tolto dall'amministratore")
    membership.delete()
    return membership
