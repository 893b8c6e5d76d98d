"""Object access for the API, on the same rules as the pages (performa.measures.reach).

Outsiders get 404 for a body they may not read, as on the pages: no probing of other bodies.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from performa.measures.models import Period
from performa.measures.reach import body_for, period_for
from performa.plans.models import Cycle, PlanVersion

__all__ = ["body_for", "cycle_of", "period_of", "version_of"]


def cycle_of(request: HttpRequest, body_id: int, year: int) -> Cycle:
    body = body_for(request, body_id)
    return get_object_or_404(Cycle, body=body, year=year)


def version_of(cycle: Cycle, version_id: int | None) -> PlanVersion:
    """The version asked for, else the one in force (the last adopted, else the draft)."""
    if version_id is not None:
        return get_object_or_404(PlanVersion, pk=version_id, cycle=cycle)
    version = cycle.current_version() or cycle.versions.order_by("-number").first()
    if version is None:
        raise Http404
    return version


def period_of(request: HttpRequest, body_id: int, period_id: int) -> Period:
    body = body_for(request, body_id)
    return period_for(request, body, period_id)
