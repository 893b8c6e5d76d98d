"""What changed between two versions of the plan, grouped by card."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from performa.accounts import access
from performa.measures.reach import body_for
from performa.plans.diff import ADDED, CARD, INDICATOR, REMOVED, STRATEGIC, Change, diff
from performa.plans.models import PlanVersion
from performa.plans.store import plan_document


@dataclass
class ChangeGroup:
    heading: str
    anchor: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (kind, Italian text)


_NOUNS = {  # (article + noun, feminine)
    "ambito": ("l'ambito", False), STRATEGIC: ("l'obiettivo strategico", False),
    CARD: ("la scheda", True), INDICATOR: ("l'indicatore", False),
}
_ANCHORS = {"ambito": "ambito", STRATEGIC: "os", CARD: "scheda"}


@require_safe
@login_required
def compare(request: HttpRequest, body_id: int) -> HttpResponse:
    """What changed between two versions (``?da=`` older, ``?a=`` newer), grouped by card.

    Every member reads it (the OIV checks what an amendment changed); drafts stay the
    planning office's, as everywhere."""
    body = body_for(request, body_id)
    every = PlanVersion.objects.filter(cycle__body=body).select_related("cycle")
    if not access.can_plan(request.user, body):
        every = every.exclude(status=PlanVersion.Status.DRAFT)
    every = list(every.order_by("-cycle__year", "-number"))
    if not every:
        raise Http404("Nessun piano per questo ente.")
    by_pk = {str(v.pk): v for v in every}
    new = by_pk.get(request.GET.get("a", "")) or every[0]
    fallback = new.based_on or next((v for v in every if v.cycle_id == new.cycle_id
                                     and v.number < new.number), new)
    old = by_pk.get(request.GET.get("da", "")) or fallback
    old_doc, new_doc = plan_document(old), plan_document(new)
    changes = diff(old_doc, new_doc)
    return render(request, "web/planning/compare.html", {
        "body": body, "cycle": new.cycle, "old": old, "new": new, "versions": every,
        "can_plan": access.can_plan(request.user, body),
        "groups": _groups(changes, [old_doc, new_doc]), "count": len(changes),
    })


def _groups(changes: list[Change], docs: list[Any]) -> list[ChangeGroup]:
    titles: dict[tuple[str, str], str] = {}
    for doc in docs:  # the newer title wins
        for area in doc.areas:
            titles[("ambito", area.code)] = area.title
            for so in area.objectives:
                titles[(STRATEGIC, so.code)] = so.title
                for card in so.operational:
                    titles[(CARD, card.code)] = card.title
    groups: dict[tuple[str, str], ChangeGroup] = {}
    for change in changes:
        level = CARD if change.level in (CARD, INDICATOR) else change.level
        code = change.path[{"ambito": 0, STRATEGIC: 1, CARD: 2}[level]]
        group = groups.get((level, code))
        if group is None:
            heading = f"{level.capitalize()} {code} {titles.get((level, code), '')}".strip()
            group = groups[(level, code)] = ChangeGroup(heading, f"{_ANCHORS[level]}-{code}")
        group.lines.append((change.kind, _describe(change)))
    return list(groups.values())


def _describe(change: Change) -> str:
    """One change in Italian: «Target 2022: 80 → 60», «Aggiunto l'indicatore «Eventi PID»»."""
    noun, feminine = _NOUNS[change.level]
    ending = "a" if feminine else "o"
    if change.level == INDICATOR:
        subject = f"{noun} «{change.label}»"
    else:
        subject = f"{noun} {change.label} «{change.new or change.old}»"
    if change.kind == ADDED:
        return f"Aggiunt{ending} {subject}"
    if change.kind == REMOVED:
        return f"Eliminat{ending} {subject}"
    text = f"{change.field.capitalize()}: {change.old or '—'} → {change.new or '—'}"
    if change.level == INDICATOR:
        return f"Indicatore «{change.label}» — {text}"
    return text
