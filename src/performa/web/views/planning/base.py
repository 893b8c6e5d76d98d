"""What the planning pages share: the version a user plans for, the URLs back, the note that
an adopted plan is frozen."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from performa.measures.reach import planning_body
from performa.plans.models import Body, Cycle, PlanVersion

FROZEN_NOTE = "Piano adottato: avviare un aggiornamento per modificarlo."
FORM_METHODS = ["GET", "HEAD", "POST"]


def plan_version(
    request: HttpRequest, body_id: int, version_id: int
) -> tuple[Body, PlanVersion]:
    """A version of a body the user plans for: 404 outside the body, 403 without the role."""
    body = planning_body(request, body_id)
    version = get_object_or_404(
        PlanVersion.objects.select_related("cycle", "based_on"), pk=version_id, cycle__body=body
    )
    return body, version


def tree_url(version: PlanVersion, anchor: str = "") -> str:
    url = reverse("web:planning_version", args=[version.cycle.body_id, version.pk])
    return f"{url}#{anchor}" if anchor else url


def versions_url(cycle: Cycle) -> str:
    return f"{reverse('web:planning', args=[cycle.body_id])}?anno={cycle.year}"


def draft_or_redirect(request: HttpRequest, plan: PlanVersion) -> HttpResponse | None:
    if plan.frozen:
        messages.error(request, FROZEN_NOTE)
        return redirect(tree_url(plan))
    return None
