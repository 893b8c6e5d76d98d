"""Utenti e ruoli: the body's administrator gives and takes roles (accounts.members); the
*Inviti* page, where a person invited by another body accepts or declines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from performa.accounts import members
from performa.accounts.models import SCOPED, Invitation, Role
from performa.measures.reach import body_for
from performa.plans.models import Body, OrgUnit

FIELDS = ("username", "first_name", "last_name", "email", "role", "org_unit")


def _managed_body(request: HttpRequest, body_id: int) -> Body:
    body = body_for(request, body_id)
    if not members.can_manage(request.user, body):
        raise PermissionDenied(members.NOT_ALLOWED)
    return body


def _page(request: HttpRequest, body: Body, errors: dict[str, list[str]] | None = None,
          status: int = 200) -> HttpResponse:
    units = OrgUnit.objects.filter(body=body, kind__in=SCOPED.values()).order_by("kind", "name")
    return render(request, "web/members/members.html", {
        "body": body, "members": members.members(body), "units": units,
        "invitations": members.pending_invitations(body),
        "roles": Role.choices, "scoped": [str(r) for r in SCOPED],
        "errors": errors or {}, "sent": {f: request.POST.get(f, "") for f in FIELDS},
    }, status=status)


@login_required
@require_safe
def members_page(request: HttpRequest, body_id: int) -> HttpResponse:
    return _page(request, _managed_body(request, body_id))


@login_required
@require_POST
def grant(request: HttpRequest, body_id: int) -> HttpResponse:
    body = _managed_body(request, body_id)
    unit = request.POST.get("org_unit", "")
    try:
        granted = members.grant(
            request.user, body, username=request.POST.get("username", ""),
            role=request.POST.get("role", ""), org_unit_id=int(unit) if unit.isdigit() else None,
            first_name=request.POST.get("first_name", ""),
            last_name=request.POST.get("last_name", ""), email=request.POST.get("email", ""),
            password=request.POST.get("password", ""))
    except ValidationError as error:
        return _page(request, body, error.message_dict, status=422)
    if isinstance(granted, Invitation):
        messages.info(request, members.invited_message(granted))
    else:
        messages.success(request, f"Ruolo {granted.get_role_display()} assegnato a "
                                  f"{granted.user.get_username()}.")
    return redirect("web:members", body_id=body.pk)


@login_required
@require_POST
def revoke(request: HttpRequest, body_id: int, membership_id: int) -> HttpResponse:
    body = _managed_body(request, body_id)
    try:
        revoked = members.revoke(request.user, body, membership_id)
    except LookupError:
        raise Http404 from None
    except ValidationError as error:
        return _page(request, body, {"__all__": error.messages}, status=422)
    messages.success(request, f"Ruolo {revoked.get_role_display()} tolto a "
                              f"{revoked.user.get_username()}.")
    return redirect("web:members", body_id=body.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, body_id: int, invitation_id: int) -> HttpResponse:
    body = _managed_body(request, body_id)
    try:
        invitation = members.withdraw(request.user, body, invitation_id)
    except LookupError:
        raise Http404 from None
    messages.success(request, f"Invito per «{invitation.username}» ritirato.")
    return redirect("web:members", body_id=body.pk)


@login_required
@require_safe
def invitations_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/members/invitations.html",
                  {"invitations": members.invitations_for(request.user)})


@login_required
@require_POST
def accept(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        membership = members.accept(request.user, invitation_id)
    except LookupError:
        raise Http404 from None
    except ValidationError as error:  # the unit no longer fits the role, say
        messages.error(request, "L'invito non può essere accettato: " + " ".join(error.messages))
        return redirect("web:invitations")
    messages.success(request, f"Invito accettato: ora ha il ruolo "
                              f"{membership.get_role_display()} in {membership.body}.")
    return redirect("web:invitations")


@login_required
@require_POST
def decline(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = members.decline(request.user, invitation_id)
    except LookupError:
        raise Http404 from None
    messages.success(request, f"Invito di {invitation.body} rifiutato.")
    return redirect("web:invitations")
