"""Who works on a body and in which role: the Amministratore's job (DOMAIN.md §1).

A body's administrator gives people their roles without the Django admin (which sees every
body of the instance), and sees and changes only the accounts of the body (those with a role
in it): a member gets one more role at once; a new account is created with a password that
passes the password validators; anyone else — an account of another body, or a user name
that is taken by nobody — gets an invitation (``Invitation``), and the answer is the same
in both cases, so the page tells nobody whether an account exists, whose it is or when it
was last used. The role is given when the invited person accepts it.

One thing cannot be hidden: user names are unique across the instance, so asking for a *new*
account with a name already taken cannot create it. That case too becomes an invitation
with the same neutral message — the administrator may infer the name is taken, never whose.

Every grant and removal is a history row of the membership (who, when, why); the last
administrator of a body cannot be removed, so a body never locks itself out.
"""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from performa.audit import account_of, record
from performa.plans.models import Body, OrgUnit
from performa.text import refuse_nul

from . import access
from .models import SCOPED, Invitation, Membership, Role

NOT_ALLOWED = "Solo l'amministratore dell'ente gestisce utenti e ruoli."
USERNAME_MAX = 150  # Django's User.username


def can_manage(user: access.User, body: Body) -> bool:
    return Role.ADMIN in access.roles(user, body)


def members(body: Body) -> list[Membership]:
    return list(Membership.objects.filter(body=body).select_related("user", "org_unit")
                .order_by("user__username", "role", "org_unit__name"))


@transaction.atomic
def grant(actor: access.User, body: Body, *, username: str, role: str,
          org_unit_id: int | None = None, first_name: str = "", last_name: str = "",
          email: str = "", password: str = "") -> Membership | Invitation:
    """Give ``username`` a role in ``body``: at once to a member of the body, to a new
    account created with ``password``, otherwise by an invitation (see the module). Refusals
    are ValidationErrors keyed by field, and none depends on accounts outside the body."""
    access.require(can_manage(actor, body), NOT_ALLOWED)
    texts = {"username": username, "first_name": first_name, "last_name": last_name,
             "email": email}
    for field, text in texts.items():
        try:
            refuse_nul(text)
        except ValueError as error:
            reason = str(error)
            raise ValidationError({field: f"{reason[:1].upper()}{reason[1:]}."}) from None
    username = username.strip()
    if not username:
        raise ValidationError({"username": "Indicare il nome utente."})
    if len(username) > USERNAME_MAX:
        raise ValidationError({"username": f"Il nome utente può avere al massimo "
                                           f"{USERNAME_MAX} caratteri."})
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
    # Checked before any account is looked up: the role and unit must fit either way.
    Membership(body=body, role=role, org_unit=unit).clean()
    users = get_user_model()
    member = users.objects.filter(username=username, memberships__body=body).first()
    if member is not None:
        return _give(actor, member, body, role, unit, "ruolo assegnato dall'amministratore")
    if password:
        account = _new_account(username, first_name, last_name, email, password)
        if not users.objects.filter(username=username).exists():
            try:
                with transaction.atomic():
                    account.save()
            except IntegrityError:  # created meanwhile by someone else: the name is taken
                pass
            else:
                return _give(actor, account, body, role, unit,
                             "ruolo assegnato dall'amministratore")
    return _invite(actor, body, username, role, unit)


def _new_account(username: str, first_name: str, last_name: str, email: str,
                 password: str) -> Any:
    """The account to create, checked but not saved; uniqueness is left to the caller,
    so that no refusal here says whether the name is taken."""
    account = get_user_model()(username=username, first_name=first_name.strip(),
                               last_name=last_name.strip(), email=email.strip())
    try:
        account.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError({field: messages for field, messages
                               in error.message_dict.items()}) from None
    try:
        validate_password(password, account)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    account.set_password(password)
    return account


def _give(actor: Any, user: Any, body: Body, role: str, unit: OrgUnit | None,
          reason: str) -> Membership:
    membership = Membership(user=user, body=body, role=role, org_unit=unit)
    membership.full_clean(validate_unique=False, validate_constraints=False)
    if Membership.objects.filter(user=user, body=body, role=role, org_unit=unit).exists():
        raise ValidationError({"role": f"{user.get_username()} ha già il ruolo "
                                       f"{membership.get_role_display()}"
                                       f"{f' in {unit}' if unit else ''}."})
    record(membership, actor, reason)
    membership.save()
    return membership


def _invite(actor: Any, body: Body, username: str, role: str,
            unit: OrgUnit | None) -> Invitation:
    """A pending invitation (the same one again if it is already pending)."""
    pending = Invitation.objects.filter(body=body, username=username, role=role, org_unit=unit,
                                        status=Invitation.Status.PENDING).first()
    if pending is not None:
        return pending
    return Invitation.objects.create(body=body, username=username, role=role, org_unit=unit,
                                     invited_by=account_of(actor))


def invited_message(invitation: Invitation) -> str:
    """The administrator's answer for every invitation: the same whether the account exists."""
    scope = f" ({invitation.org_unit})" if invitation.org_unit_id else ""
    return (f"Invito registrato per «{invitation.username}», ruolo "
            f"{invitation.get_role_display()}{scope}. Se l'account esiste, la persona troverà "
            "l'invito tra i suoi e riceverà il ruolo solo se lo accetta. Per creare invece un "
            "nuovo account servono un nome utente libero e la password iniziale.")


def pending_invitations(body: Body) -> list[Invitation]:
    return list(Invitation.objects.filter(body=body, status=Invitation.Status.PENDING)
                .select_related("org_unit", "invited_by"))


@transaction.atomic
def withdraw(actor: access.User, body: Body, invitation_id: int) -> Invitation:
    """The administrator takes back an invitation not answered yet."""
    access.require(can_manage(actor, body), NOT_ALLOWED)
    invitation = (Invitation.objects.select_for_update()
                  .filter(pk=invitation_id, body=body, status=Invitation.Status.PENDING).first())
    if invitation is None:
        raise LookupError("Invito inesistente o già chiuso.")
    return _close(invitation, Invitation.Status.WITHDRAWN)


def invitations_for(user: Any) -> list[Invitation]:
    """The invitations waiting for ``user``'s answer."""
    return list(Invitation.objects.filter(username=user.get_username(),
                                          status=Invitation.Status.PENDING)
                .select_related("body", "org_unit", "invited_by"))


def _own_pending(user: Any, invitation_id: int) -> Invitation:
    invitation = (Invitation.objects.select_for_update()
                  .filter(pk=invitation_id, username=user.get_username(),
                          status=Invitation.Status.PENDING).first())
    if invitation is None:  # someone else's is as if it did not exist
        raise LookupError("Invito inesistente o già chiuso.")
    return invitation


def _close(invitation: Invitation, status: str) -> Invitation:
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation


@transaction.atomic
def accept(user: Any, invitation_id: int) -> Membership:
    """The invited person takes the role: the membership is theirs from now, its history
    naming them and who invited them."""
    invitation = _own_pending(user, invitation_id)
    unit = invitation.org_unit
    membership = Membership.objects.filter(user=user, body=invitation.body_id,
                                           role=invitation.role, org_unit=unit).first()
    if membership is None:
        inviter = invitation.invited_by.get_username() if invitation.invited_by else "l'ente"
        membership = _give(user, user, invitation.body, invitation.role, unit,
                           f"invito di {inviter} accettato")
    _close(invitation, Invitation.Status.ACCEPTED)
    return membership


@transaction.atomic
def decline(user: Any, invitation_id: int) -> Invitation:
    return _close(_own_pending(user, invitation_id), Invitation.Status.DECLINED)


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
    record(membership, actor, "ruolo tolto dall'amministratore")
    membership.delete()
    return membership
