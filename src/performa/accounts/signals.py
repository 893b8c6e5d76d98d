"""A person's access ends → their API tokens end with it, however the access was ended.

Signals rather than calls in ``members.revoke``: a role also disappears through the Django
admin, a body's deletion or an account's deactivation in the admin, and a token that outlived
any of these would keep the person's access alive. Who ended it is taken from the membership's
audit (``_history_user``) or the request simple-history keeps, as its history rows do.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from simple_history.models import HistoricalRecords

from .models import Invitation, Membership
from .tokens import DEACTIVATED, LAST_ROLE_REMOVED, revoke_all


def _acting_user(instance: Any) -> Any | None:
    actor = getattr(instance, "_history_user", None)
    if actor is not None:
        return actor
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="performa_deactivated")
def _deactivated(sender: Any, instance: Any, **kwargs: Any) -> None:
    # The token check refuses an inactive account anyway; revoking too means that
    # re-activating the account does not bring old keys (perhaps leaked meanwhile) back.
    if not instance.is_active:
        revoke_all(instance.pk, reason=DEACTIVATED, actor=_acting_user(instance))


@receiver(post_delete, sender=Membership, dispatch_uid="performa_last_role_removed")
def _last_role_removed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    if not Membership.objects.filter(user_id=instance.user_id).exists():
        revoke_all(instance.user_id, reason=LAST_ROLE_REMOVED, actor=_acting_user(instance))


@receiver(user_logged_in, dispatch_uid="performa_pending_invitations")
def _pending_invitations(sender: Any, request: HttpRequest | None, user: Any,
                         **kwargs: Any) -> None:
    """Tell the person at login that a body invited them (the *Inviti* page lists them)."""
    if request is None:
        return
    count = Invitation.objects.filter(username=user.get_username(),
                                      status=Invitation.Status.PENDING).count()
    if count:
        text = "un invito" if count == 1 else f"{count} inviti"
        messages.info(request, f"Ha {text} a lavorare con un altro ente, in attesa di "
                               "risposta: li trova nella pagina «Inviti» (/profilo/inviti/).",
                      fail_silently=True)
