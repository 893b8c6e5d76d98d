"""The objects a request may reach: one helper per protected object, called first by every
page and API operation, so both answer alike.

Outsiders get 404 (the same answer as "does not exist": no probing of other bodies);
members whose role does not allow the action get 403. It lives here, the lowest layer that
knows bodies, roles and periods, so the API need not import the web pages' package.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from performa.accounts import access
from performa.plans.models import Body, Cycle

from .models import Period


def body_for(request: HttpRequest, body_id: int) -> Body:
    body = get_object_or_404(Body, pk=body_id)
    if not access.can_read(request.user, body):
        raise Http404
    return body


def planning_body(request: HttpRequest, body_id: int) -> Body:
    body = body_for(request, body_id)
    if not access.can_plan(request.user, body):
        raise PermissionDenied("Riservato al controllo di gestione.")
    return body


def cycle_for(request: HttpRequest, body: Body) -> Cycle:
    """The cycle asked for (``?anno=``), else the latest one."""
    cycles = body.cycles.order_by("-year")
    year = request.GET.get("anno", "")
    cycle = cycles.filter(year=int(year)).first() if year.isdigit() else cycles.first()
    if cycle is None:
        raise Http404("Nessun ciclo per questo ente.")
    return cycle


def period_for(request: HttpRequest, body: Body, period_id: int) -> Period:
    return get_object_or_404(Period, pk=period_id, cycle__body=body)
