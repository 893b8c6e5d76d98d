"""Bodies, cycles, plan versions, the tree, indicators and variables (read only).

The plan is edited in the planning editor, where weights, formulas and versions are checked
as a whole; the API reads it for integrations and publishes it.
"""

from collections import defaultdict
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import paginate

from performa.accounts import access
from performa.plans import models as plans

from .objects import body_for, cycle_of, version_of
from .pagination import Pagination
from .schemas import (
    AreaOut,
    BodyOut,
    CycleOut,
    IndicatorOut,
    OperationalOut,
    StrategicOut,
    TargetOut,
    TreeOut,
    VariableOut,
    VersionOut,
)

router = Router(tags=["piano"])


@router.get("/bodies", response=list[BodyOut], summary="Enti visibili all'utente")
@paginate(Pagination)
def bodies(request: HttpRequest) -> Any:
    return access.readable_bodies(request.user)


@router.get("/bodies/{body_id}", response=BodyOut, summary="Un ente")
def body(request: HttpRequest, body_id: int) -> Any:
    return body_for(request, body_id)


@router.get("/bodies/{body_id}/cycles", response=list[CycleOut], summary="Cicli dell'ente")
def cycles(request: HttpRequest, body_id: int) -> Any:
    return body_for(request, body_id).cycles.order_by("year")


@router.get("/bodies/{body_id}/cycles/{year}/versions", response=list[VersionOut],
            summary="Versioni del piano (bozza, adottate, superate)")
def versions(request: HttpRequest, body_id: int, year: int) -> Any:
    cycle = cycle_of(request, body_id, year)
    found = cycle.versions.order_by("number")
    if not access.can_plan(request.user, cycle.body):  # drafts are the planning office's
        found = found.exclude(status=plans.PlanVersion.Status.DRAFT)
    return found


def _version(request: HttpRequest, body_id: int, year: int, version_id: int | None) -> Any:
    cycle = cycle_of(request, body_id, year)
    version = version_of(cycle, version_id)
    if version.status == plans.PlanVersion.Status.DRAFT:
        access.require(access.can_plan(request.user, cycle.body),
                       "Le bozze del piano sono riservate al controllo di gestione.")
    return version


@router.get("/bodies/{body_id}/cycles/{year}/tree", response=TreeOut,
            summary="Albero della performance: ambiti → obiettivi strategici → operativi")
def tree(request: HttpRequest, body_id: int, year: int, version_id: int | None = None) -> Any:
    version = _version(request, body_id, year, version_id)
    indicators: dict[int, list[int]] = defaultdict(list)
    for pk, op in plans.Indicator.objects.filter(version=version).values_list(
            "pk", "operational_objective_id"):
        indicators[op].append(pk)
    operational: dict[int, list[OperationalOut]] = defaultdict(list)
    for op in plans.OperationalObjective.objects.filter(version=version).select_related(
            "area").prefetch_related("offices"):
        operational[op.strategic_objective_id].append(OperationalOut(
            id=op.pk, code=op.code, title=op.title, description=op.description,
            resources=op.resources, area=op.area.name if op.area else op.area_text,
            offices=[o.name for o in op.offices.all()] or
            ([op.office_text] if op.office_text else []),
            transversal=op.transversal, indicators=indicators[op.pk]))
    strategic: dict[int, list[StrategicOut]] = defaultdict(list)
    for so in plans.StrategicObjective.objects.filter(version=version).select_related(
            "mission", "programme"):
        strategic[so.area_id].append(StrategicOut(
            id=so.pk, code=so.code, title=so.title,
            mission=str(so.mission) if so.mission else "",
            programme=str(so.programme) if so.programme else "",
            operational=operational[so.pk]))
    areas = [AreaOut(id=a.pk, code=a.code, title=a.title, strategic=strategic[a.pk])
             for a in plans.StrategicArea.objects.filter(version=version)]
    return TreeOut(version=VersionOut.from_orm(version), areas=areas)


def indicator_out(indicator: plans.Indicator, position: int) -> IndicatorOut:
    return IndicatorOut(
        id=indicator.pk, objective=indicator.operational_objective.code, position=position,
        code=indicator.code, name=indicator.name, description=indicator.description,
        formula=indicator.formula, kind=indicator.kind, unit=indicator.unit,
        source=indicator.source, comparator=indicator.comparator,
        baseline=indicator.baseline, weight=indicator.weight_text,
        office_id=indicator.office_id, lineage=str(indicator.lineage),
        targets=[TargetOut(year=t.year, comparator=t.comparator, value=t.value)
                 for t in indicator.targets.all()],
    )


def _with_positions(indicators: Any) -> list[IndicatorOut]:
    """Each indicator with its position on its card, the key of bulk uploads."""
    seen: dict[int, int] = defaultdict(int)
    out = []
    for indicator in indicators:
        seen[indicator.operational_objective_id] += 1
        out.append(indicator_out(indicator, seen[indicator.operational_objective_id]))
    return out


@router.get("/bodies/{body_id}/cycles/{year}/indicators", response=list[IndicatorOut],
            summary="Indicatori del piano, con target e pesi")
@paginate(Pagination)
def indicators(request: HttpRequest, body_id: int, year: int, version_id: int | None = None,
               objective: str = Query("", max_length=30)) -> Any:
    version = _version(request, body_id, year, version_id)
    found = plans.Indicator.objects.filter(version=version).select_related(
        "operational_objective").prefetch_related("targets").order_by(
        "operational_objective__order", "operational_objective__pk", "order", "pk")
    if objective:  # positions count within a card, so filtering by card keeps them right
        found = found.filter(operational_objective__code=objective)
    return _with_positions(found)


@router.get("/bodies/{body_id}/indicators/{indicator_id}", response=IndicatorOut,
            summary="Un indicatore")
def indicator(request: HttpRequest, body_id: int, indicator_id: int) -> Any:
    body = body_for(request, body_id)
    found = get_object_or_404(plans.Indicator.objects.select_related(
        "operational_objective", "version__cycle"), pk=indicator_id,
        version__cycle__body=body)
    if found.version.status == plans.PlanVersion.Status.DRAFT:
        access.require(access.can_plan(request.user, body),
                       "Le bozze del piano sono riservate al controllo di gestione.")
    siblings = list(plans.Indicator.objects.filter(
        operational_objective=found.operational_objective).order_by("order", "pk")
        .values_list("pk", flat=True))
    return indicator_out(found, siblings.index(found.pk) + 1)


@router.get("/bodies/{body_id}/cycles/{year}/variables", response=list[VariableOut],
            summary="Variabili misurate dell'anno")
@paginate(Pagination)
def variables(request: HttpRequest, body_id: int, year: int) -> Any:
    return cycle_of(request, body_id, year).variables.order_by("name")
