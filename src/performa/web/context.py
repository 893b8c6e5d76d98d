"""Role-based navigation: what the menu offers depends on the user's roles in the body."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from performa.accounts import access
from performa.accounts.models import Role
from performa.plans.models import Body


def navigation(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    body_id = match.kwargs.get("body_id") if match else None
    if not body_id or not request.user.is_authenticated:
        return {}
    body = Body.objects.filter(pk=body_id).first()
    if body is None or not access.can_read(request.user, body):
        return {}
    roles = access.roles(request.user, body)
    items = [("Cruscotto", "web:dashboard"), ("Albero della performance", "web:tree"),
             ("Indicatori", "web:indicators")]
    if roles & {Role.ADMIN, Role.PLANNING, Role.HEAD, Role.STAFF}:
        items.append(("Inserimento dati", "web:entry"))
    if roles & {Role.ADMIN, Role.PLANNING}:
        items += [("Pianificazione", "web:planning"), ("Rilevazioni", "web:periods")]
    if Role.EVALUATOR in roles:
        items.append(("Validazione OIV", "web:validation"))
    # «Bilancio e indici» in full on the page; one word keeps the menu on one line.
    items += [("Bilancio", "web:budget"), ("Documenti", "web:documents")]
    if Role.ADMIN in roles:
        items.append(("Utenti e ruoli", "web:members"))
    links = []
    for label, name in items:
        try:
            links.append((label, reverse(name, kwargs={"body_id": body.pk})))
        except Exception:  # noqa: S112 - a section not yet wired in stays out of the menu
            continue
    return {
        "nav_body": body,
        "nav_roles": sorted(Role(r).label for r in roles),
        "nav_links": links,
    }
