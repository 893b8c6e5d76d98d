"""One place that answers "may this person do this here?", called first by every action.

Server-side and role-based (DOMAIN.md §1): the planning office and administrators act on
the whole body; a head of Area on the Area and its offices; office staff on their office;
the OIV reads everything and validates, writing nothing else.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from performa.plans.models import Body, OrgUnit

from .models import Membership, Role


class SystemActor:
    """The command line, run by whoever administers the server.

    It holds every right, as the server's administrator does anyway, and stays recognisable:
    it is no user account, so audit rows show no user and carry the command's reason.
    """

    is_authenticated = True
    is_superuser = True
    is_active = True
    pk = None

    def get_username(self) -> str:
        return "riga di comando"


SYSTEM = SystemActor()
User = AbstractBaseUser | AnonymousUser | SystemActor

BODY_WIDE = {Role.ADMIN, Role.PLANNING}


def _memberships(user: User, body: Body) -> list[Membership]:
    """The user's roles in ``body`` and, for a body merged into another, the roles held in
    the body it became: the successor's staff keep and plan their predecessors' records. An
    Area or office of the successor is no unit of the predecessor, so a role tied to one
    reads there but enters nothing."""
    if not user.is_authenticated or user.pk is None:
        return []
    cache = user.__dict__.setdefault("_performa_memberships", {})
    if body.pk not in cache:
        bodies = [body.pk] if body.merged_into_id is None else [body.pk, body.merged_into_id]
        cache[body.pk] = list(
            Membership.objects.filter(user=user, body__in=bodies).select_related("org_unit")
        )
    memberships: list[Membership] = cache[body.pk]
    return memberships


def readable_bodies(user: User) -> QuerySet[Body]:
    """The bodies the user reads: those they hold a role in and those merged into them (the
    same rule as :func:`_memberships`), for the lists of the pages and the API."""
    found = Body.objects.select_related("merged_into").order_by("name")
    if getattr(user, "is_superuser", False):
        return found
    member_of = Membership.objects.filter(user=user).values("body")
    return found.filter(Q(pk__in=member_of) | Q(merged_into__in=member_of))


def roles(user: User, body: Body) -> set[Role]:
    if getattr(user, "is_superuser", False):
        return set(Role)
    return {Role(m.role) for m in _memberships(user, body)}


def can_read(user: User, body: Body) -> bool:
    return bool(roles(user, body))


def can_plan(user: User, body: Body) -> bool:
    return bool(roles(user, body) & BODY_WIDE)


def can_validate(user: User, body: Body) -> bool:
    return Role.EVALUATOR in roles(user, body) or getattr(user, "is_superuser", False)


def can_enter(user: User, body: Body, office: OrgUnit | None) -> bool:
    """May the user type values owned by ``office`` (None: owned by no office)?"""
    if can_plan(user, body):
        return True
    if office is None:
        return False
    for membership in _memberships(user, body):
        if membership.role == Role.STAFF and membership.org_unit_id == office.pk:
            return True
        if membership.role == Role.HEAD and membership.org_unit_id in (
            office.pk, office.parent_id
        ):
            return True
    return False


def require(allowed: bool, message: str = "Operazione non consentita per il suo ruolo.") -> None:
    if not allowed:
        raise PermissionDenied(message)
