"""A plan document into the database and back: the only place where formats meet models.

Storing is all-or-nothing (one transaction) and builds the version as a draft, adopting it at
the end when the document was adopted. The draft's rows go in level by level in bulk
(``_Draft``): a plan of hundreds of indicators costs a few dozen queries, not thousands. Bulk
inserts skip the frozen-version check of ``save``, which a version created as a draft in the
same transaction, seen by nobody else yet, does not need.
Reading back gives a document that a format writes out; export → import → export is exact.
"""

from __future__ import annotations

import dataclasses
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.db import models, transaction
from django.db.models import Max
from django.db.models.signals import m2m_changed
from simple_history.models import HistoricalRecords

from performa.catalog.models import CatalogIndicator, InstitutionalFunction, Mission, Programme
from performa.engine.values import ValueParseError, format_money, format_number, parse_money
from performa.engine.values import parse_value as parse_engine_value
from performa.plans import models as m
from performa.plans.validation import Finding, FindingCode, validate_document
from performa.text import refuse_nul

from .document import (
    ActionDoc,
    Assignment,
    CostCentreDoc,
    FundShare,
    IncentiveFund,
    IndicatorDoc,
    LevelLabels,
    OperationalObjectiveDoc,
    OrgUnitDoc,
    PhaseDoc,
    PlanDocument,
    ProgrammeDoc,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VariableDoc,
    VersionDoc,
)
from .errors import InterchangeError

TRANSVERSAL = "obiettivo trasversale"


@dataclass
class Stored:
    version: m.PlanVersion
    findings: list[Finding]
    counts: dict[str, int]


@transaction.atomic
def store_plan(doc: PlanDocument, body: str = "", year: int | None = None) -> Stored:
    """Create the body/cycle if needed and a new plan version holding ``doc``.

    Blocking problems that the database cannot hold (duplicate codes, unreadable dates) raise
    :class:`InterchangeError` and nothing is stored; the rule findings of an adopted document
    are returned as warnings, since the document is what was adopted.
    """
    _refuse_nul(doc, "")
    known = {v.name for v in doc.variables} | set(
        m.Variable.objects.filter(cycle__body__name=body or doc.body,
                                  cycle__year=year or doc.year).values_list("name", flat=True)
    )
    findings = validate_document(doc, known or None)
    duplicates = [f for f in findings if f.code is FindingCode.DUPLICATE_CODE]
    if duplicates:
        raise InterchangeError(duplicates[0].item, duplicates[0].message)
    body_name = body or doc.body
    if not body_name:
        raise InterchangeError("ente", "manca il nome dell'ente (usare --body)")
    cycle_year = year or doc.year
    the_body, _ = m.Body.objects.get_or_create(name=body_name)
    _store_labels(the_body, doc)
    first, last = doc.triennium if all(doc.triennium) else (cycle_year, cycle_year + 2)
    cycle, _ = m.Cycle.objects.get_or_create(
        body=the_body, year=cycle_year, defaults={"first_year": first, "last_year": last}
    )
    number = (cycle.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = _Draft(
        cycle=cycle, number=number, title=doc.version.title, organ=doc.version.organ,
        resolution_number=doc.version.number,
        resolution_date=_date(doc.version.date, "versione.data"),
    )
    version = draft.version
    units = _store_units(the_body, doc)
    centres = _store_cost_centres(the_body, doc)
    _store_variables(cycle, doc, units)
    catalog = _Catalog()
    _store_programmes(draft, doc, catalog)
    counts = _store_tree(draft, doc, units, centres, catalog)
    _store_assignments(draft, doc, units)
    _store_fund(draft, doc)
    draft.insert()
    status = doc.version.status or m.PlanVersion.Status.ADOPTED
    if status not in m.PlanVersion.Status.values:
        raise InterchangeError("versione.stato", f"stato «{status}» sconosciuto")
    if status == m.PlanVersion.Status.ADOPTED:
        cycle.versions.filter(status=m.PlanVersion.Status.ADOPTED).update(
            status=m.PlanVersion.Status.SUPERSEDED
        )
    version.status = status
    version.save(update_fields=["status"])
    for position, part in enumerate(doc.parts):
        if not part.body or part.body == body_name:
            raise InterchangeError(f"parte {position + 1}.ente",
                                   "ogni parte nomina un ente accorpato diverso dall'ente")
        if part.parts:
            raise InterchangeError(f"parte {position + 1}", "una parte non ha parti")
        legacy, _ = m.Body.objects.get_or_create(name=part.body)
        if legacy.merged_into_id not in (None, the_body.pk):
            raise InterchangeError(f"parte {position + 1}.ente",
                                   f"«{part.body}» è già accorpato in un altro ente")
        if legacy.merged_into_id is None:
            legacy.merged_into = the_body
            legacy.save(update_fields=["merged_into"])
        stored = store_plan(part, year=cycle_year)
        findings += stored.findings
        for name, count in stored.counts.items():
            counts[name] += count
    return Stored(version, findings, counts)


_Row = TypeVar("_Row", bound=models.Model)


class _Draft:
    """A new version's rows, kept in memory while the document is checked and then inserted
    level by level in bulk, each level with its history rows.

    One query per row (and one more for the frozen-version check of each ``save``) made the
    seeds' imports take seconds. Bulk inserts skip ``VersionedModel.save`` and its check, which
    is safe only for a version nobody else can see or adopt: so a draft creates its version
    itself, as a draft, inside the store's transaction, takes rows of that version alone and
    inserts once, before the store sets the version's status. Nothing outside this module
    makes one; every other write keeps the guard.
    """

    # Parents before children, so each child reads its parent's id.
    LEVELS: tuple[type[models.Model], ...] = (
        m.PlanProgramme, m.StrategicArea, m.StrategicObjective, m.OperationalObjective,
        m.Action, m.Phase, m.Indicator, m.Target, m.Assignment, m.IncentiveFund, m.FundShare,
    )

    def __init__(self, **fields: object) -> None:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("a version is built inside the store's transaction")
        self.version = m.PlanVersion.objects.create(status=m.PlanVersion.Status.DRAFT,
                                                    **fields)
        self.rows: dict[type[models.Model], list[models.Model]] = {}
        self.offices: list[tuple[m.OperationalObjective, m.OrgUnit]] = []
        self.inserted = False

    def add(self, row: _Row) -> _Row:
        owner = row.indicator if isinstance(row, m.Target) else row
        if type(row) not in self.LEVELS or owner.version is not self.version:  # type: ignore[attr-defined]
            raise RuntimeError(f"{row!r} is not a row of the version being built")
        self.rows.setdefault(type(row), []).append(row)
        return row

    def of(self, model: type[_Row]) -> list[_Row]:
        """The rows of ``model`` added so far, in the order they were added."""
        return self.rows.get(model, [])  # type: ignore[return-value]

    def insert(self) -> None:
        """Every row and its history: the history rows carry the author and reason a save
        would have given them (the request's user; none from the command line)."""
        if self.inserted or self.version.status != m.PlanVersion.Status.DRAFT:
            raise RuntimeError("a draft is inserted once, before its version changes status")
        self.inserted = True
        for model in self.LEVELS:
            rows = self.of(model)
            if rows:
                model._default_manager.bulk_create(rows)
                model.history.bulk_history_create(  # type: ignore[attr-defined]
                    rows, default_change_reason=None)
        self._insert_offices()

    def _insert_offices(self) -> None:
        """The objectives' offices as ``offices.add`` records them: a "modified" history row
        of the objective listing the office, and one ``m2m_changed`` so that its listeners
        (the body's inputs revision of measuring) learn the offices moved."""
        if not self.offices:
            return
        objective_model = m.OperationalObjective
        through = objective_model.offices.through
        links = through.objects.bulk_create([
            through(operationalobjective=objective, orgunit=office)
            for objective, office in self.offices
        ])
        changed = objective_model.history.bulk_history_create(  # type: ignore[attr-defined]
            [objective for objective, _ in self.offices], update=True,
            default_change_reason=None)
        listed = HistoricalRecords.m2m_models[objective_model._meta.get_field("offices")]
        listed.objects.bulk_create([
            listed(id=link.pk, history=record, operationalobjective=link.operationalobjective,
                   orgunit=link.orgunit)
            for link, record in zip(links, changed, strict=True)
        ])
        objective, office = self.offices[0]
        # Its history row is written above, with the others'.
        objective.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            m2m_changed.send(sender=through, instance=objective, action="post_add",
                             reverse=False, model=m.OrgUnit, pk_set={office.pk},
                             using=links[0]._state.db)
        finally:
            del objective.skip_history_when_saving  # type: ignore[attr-defined]


class _Catalog:
    """Missions, programmes and functions, read once for a whole document instead of up to
    three queries per objective; the refusals are those of a lookup in the database."""

    def __init__(self) -> None:
        self._missions: dict[str, Mission] | None = None
        self._programmes: dict[tuple[str, str], Programme] = {}
        self._functions: dict[str, InstitutionalFunction] | None = None
        self._indicators: dict[str, CatalogIndicator] | None = None

    def mission(self, code: str) -> Mission | None:
        if self._missions is None:
            self._missions = {mission.code: mission for mission in Mission.objects.all()}
            self._programmes = {
                (programme.mission.code, programme.code): programme
                for programme in Programme.objects.select_related("mission")
            }
        return self._missions.get(code)

    def programme(self, mission: str, code: str) -> Programme | None:
        self.mission(mission)
        return self._programmes.get((mission, code))

    def function(self, code: str) -> InstitutionalFunction | None:
        if self._functions is None:
            self._functions = {f.code: f for f in InstitutionalFunction.objects.all()}
        return self._functions.get(code)

    def indicator(self, code: str) -> CatalogIndicator | None:
        """The national catalogue's indicator a plan's indicator code names («OC_TD_01»,
        «EC05.1», «DFP 1.3»), compared without case or spacing differences."""
        if not code:
            return None
        if self._indicators is None:
            self._indicators = {_key(i.code): i for i in CatalogIndicator.objects.all()}
        return self._indicators.get(_key(code))


def _store_labels(body: m.Body, doc: PlanDocument) -> None:
    names = {"area_label": doc.labels.area, "strategic_label": doc.labels.strategic,
             "operational_label": doc.labels.operational, "action_label": doc.labels.action}
    changed = [f for f, name in names.items() if name and getattr(body, f) != name]
    for field_name in changed:
        if len(names[field_name]) > 60:
            raise InterchangeError(f"livelli.{field_name}", "testo oltre 60 caratteri")
        setattr(body, field_name, names[field_name])
    if changed:
        body.save(update_fields=changed)


def _store_units(body: m.Body, doc: PlanDocument) -> dict[tuple[str, str], m.OrgUnit]:
    units: dict[tuple[str, str], m.OrgUnit] = {
        (u.kind, _key(u.name)): u for u in body.org_units.all()
    }

    def unit(kind: str, name: str, parent: m.OrgUnit | None = None) -> m.OrgUnit:
        found = units.get((kind, _key(name)))
        if found is None:
            found = m.OrgUnit.objects.create(body=body, kind=kind, name=name, parent=parent)
            units[(kind, _key(name))] = found
        return found

    for doc_unit in sorted(doc.org_units, key=lambda u: u.kind != "area"):
        if doc_unit.kind not in m.OrgUnit.Kind.values:
            raise InterchangeError(f"unità «{doc_unit.name}»",
                                   f"tipo «{doc_unit.kind}» sconosciuto")
        parent = unit("area", doc_unit.parent) if doc_unit.parent else None
        stored = unit(doc_unit.kind, doc_unit.name, parent)
        fte = _decimal(doc_unit.fte, f"unità «{doc_unit.name}».fte")
        if fte is not None and stored.fte != fte:
            stored.fte = fte
            stored.save(update_fields=["fte"])
    for objective in doc.operational_objectives():
        if objective.area and _key(objective.area) != TRANSVERSAL:
            area = unit("area", objective.area)
            if objective.office and _key(objective.office) != TRANSVERSAL:
                unit("office", objective.office, area)
    for assignment in doc.assignments:
        unit("area", assignment.area)
    return units


def _store_cost_centres(body: m.Body, doc: PlanDocument) -> dict[str, m.CostCentre]:
    """The body's cost centres by code; a centre the document names but does not list is
    refused, since its code is how the budget finds it."""
    centres = {c.code: c for c in body.cost_centres.all()}
    for centre in doc.cost_centres:
        stored = centres.get(centre.code)
        if stored is None:
            centres[centre.code] = m.CostCentre.objects.create(body=body, code=centre.code,
                                                               name=centre.name)
        elif centre.name and stored.name != centre.name:
            stored.name = centre.name
            stored.save(update_fields=["name"])
    for action in doc.actions():
        if action.cost_centre and action.cost_centre not in centres:
            raise InterchangeError(f"azione {action.code}.centro di costo",
                                   f"centro di costo «{action.cost_centre}» non elencato")
    return centres


def _store_programmes(draft: _Draft, doc: PlanDocument, catalog: _Catalog) -> None:
    for order, programme in enumerate(doc.programmes):
        where = f"programma {programme.mission}.{programme.programme}"
        found = _programme(catalog, programme.mission, programme.programme, where)
        if found is None:
            raise InterchangeError(where, "indicare missione e programma")
        draft.add(m.PlanProgramme(
            version=draft.version, order=order, programme=found, title=programme.title,
            narrative=programme.narrative, stakeholders=programme.stakeholders,
            benefits=programme.benefits,
            classified_by=_classified_by(programme.classified_by, where),
        ))


def _store_variables(
    cycle: m.Cycle, doc: PlanDocument, units: dict[tuple[str, str], m.OrgUnit]
) -> None:
    for variable in doc.variables:
        m.Variable.objects.update_or_create(
            cycle=cycle, name=variable.name,
            defaults={"description": variable.description, "unit": variable.unit,
                      "source": variable.source,
                      "office": units.get(("office", _key(variable.office)))},
        )


def _store_tree(
    draft: _Draft, doc: PlanDocument, units: dict[tuple[str, str], m.OrgUnit],
    centres: dict[str, m.CostCentre], catalog: _Catalog,
) -> dict[str, int]:
    """Build the tree; ``order`` runs through the whole version level by level, so a plain
    ``order_by("order")`` lists any level in document order."""
    counts = {"ambiti": 0, "obiettivi strategici": 0, "obiettivi operativi": 0, "indicatori": 0,
              "azioni": 0, "fasi": 0}
    version = draft.version
    for area_doc in doc.areas:
        area = draft.add(m.StrategicArea(version=version, order=counts["ambiti"],
                                         code=area_doc.code, title=area_doc.title))
        counts["ambiti"] += 1
        for so_doc in area_doc.objectives:
            where = f"obiettivo strategico {so_doc.code}"
            so = draft.add(m.StrategicObjective(
                version=version, order=counts["obiettivi strategici"], area=area,
                code=so_doc.code, title=so_doc.title, common_objective=so_doc.common_objective,
                perspective=so_doc.perspective,
                classified_by=_classified_by(so_doc.classified_by, where),
                description=so_doc.description, time_span=so_doc.time_span,
                stakeholders=so_doc.stakeholders, benefits=so_doc.benefits,
                responsible_centre=so_doc.responsible_centre, resources=so_doc.resources,
                resources_amount=parse_money(so_doc.resources, strict=False),
                related=so_doc.related,
                **_classification(catalog, so_doc.mission, so_doc.programme, where),
                **_function(catalog, so_doc),
            ))
            counts["obiettivi strategici"] += 1
            counts["fasi"] = _store_phases(draft, so_doc.phases, counts["fasi"], where,
                                           strategic_objective=so)
            for op_doc in so_doc.operational:
                _store_operational(draft, so, op_doc, units, centres, catalog, counts)
    return counts


def _programme(catalog: _Catalog, mission: str, programme: str,
               where: str) -> Programme | None:
    if not mission:
        if programme:
            raise InterchangeError(f"{where}.missione", "un programma richiede la missione")
        return None
    if catalog.mission(mission) is None:
        raise InterchangeError(f"{where}.missione",
                               f"missione «{mission}» non presente nel catalogo")
    if not programme:
        return None
    found = catalog.programme(mission, programme)
    if found is None:
        raise InterchangeError(f"{where}.programma",
                               f"programma «{programme}» della missione {mission} "
                               "non presente nel catalogo")
    return found


def _classification(catalog: _Catalog, mission: str, programme: str,
                    where: str) -> dict[str, object]:
    """Mission and programme checked against the catalogue (DM 27/03/2013)."""
    found_programme = _programme(catalog, mission, programme, where)
    return {
        "mission": catalog.mission(mission) if mission else None,
        "programme": found_programme,
    }


def _function(catalog: _Catalog, so: StrategicObjectiveDoc) -> dict[str, object]:
    if not so.function:
        return {}
    function = catalog.function(so.function)
    if function is None:
        raise InterchangeError(f"obiettivo strategico {so.code}.funzione",
                               f"funzione «{so.function}» sconosciuta (A, B, C o D)")
    return {"function": function}


def _classified_by(text: str, where: str) -> str:
    if text not in m.Classification.values:
        raise InterchangeError(f"{where}.classificazione",
                               f"«{text}»: lasciare vuoto (documento) o indicare performa")
    return text


def _store_phases(
    draft: _Draft, phases: list[PhaseDoc], order: int, where: str, **objective: object,
) -> int:
    for position, phase in enumerate(phases):
        here = f"{where}, fase {position + 1}"
        if not phase.title.strip():
            raise InterchangeError(here, "manca la descrizione della fase")
        if phase.first_year > phase.last_year:
            raise InterchangeError(here, f"l'anno di inizio {phase.first_year} viene dopo "
                                         f"quello di fine {phase.last_year}")
        draft.add(m.Phase(version=draft.version, order=order, title=phase.title,
                          first_year=phase.first_year, last_year=phase.last_year,
                          milestone=_date(phase.milestone, f"{here}.milestone"),
                          **objective))
        order += 1
    return order


def _store_actions(
    draft: _Draft, objective: m.OperationalObjective, actions: list[ActionDoc],
    order: int, units: dict[tuple[str, str], m.OrgUnit], centres: dict[str, m.CostCentre],
) -> int:
    for action in actions:
        where = f"azione {action.code}"
        if action.activity not in m.Action.Activity.values:
            raise InterchangeError(f"{where}.tipologia",
                                   f"«{action.activity}»: usare institutional o commercial")
        office = None
        if action.office:
            office = units.get(("office", _key(action.office))) or units.get(
                ("area", _key(action.office)))
            if office is None:
                raise InterchangeError(f"{where}.ufficio",
                                       f"ufficio «{action.office}» non elencato")
        draft.add(m.Action(
            version=draft.version, order=order, operational_objective=objective,
            code=action.code, title=action.title, activity=action.activity,
            description=action.description,
            cost_centre=centres.get(action.cost_centre) if action.cost_centre else None,
            office=office,
            costs=_amount(action.costs, f"{where}.oneri"),
            revenues=_amount(action.revenues, f"{where}.ricavi"),
            contributions=_amount(action.contributions, f"{where}.contributi"),
            investments=_amount(action.investments, f"{where}.investimenti"),
        ))
        order += 1
    return order


def _store_operational(
    draft: _Draft,
    so: m.StrategicObjective,
    op: OperationalObjectiveDoc,
    units: dict[tuple[str, str], m.OrgUnit],
    centres: dict[str, m.CostCentre],
    catalog: _Catalog,
    counts: dict[str, int],
) -> None:
    """Build one operational objective with its indicators, actions and phases, moving the
    running ``counts`` (which give each row its place in the version)."""
    version = draft.version
    area = units.get(("area", _key(op.area)))
    office = units.get(("office", _key(op.office)))
    first_indicator = counts["indicatori"]
    objective = draft.add(m.OperationalObjective(
        version=version, order=counts["obiettivi operativi"], strategic_objective=so,
        code=op.code, title=op.title,
        description=op.description, expected_impact=op.expected_impact,
        resources=op.resources, resources_amount=parse_money(op.resources, strict=False),
        area=area, area_text=op.area, office_text=op.office,
        transversal=op.transversal or _key(op.area) == TRANSVERSAL,
        common_objective=op.common_objective,
        **_classification(catalog, op.mission, op.programme, f"obiettivo operativo {op.code}"),
    ))
    counts["obiettivi operativi"] += 1
    counts["indicatori"] += len(op.indicators)
    counts["azioni"] = _store_actions(draft, objective, op.actions, counts["azioni"], units,
                                      centres)
    counts["fasi"] = _store_phases(draft, op.phases, counts["fasi"],
                                   f"obiettivo operativo {op.code}",
                                   operational_objective=objective)
    if office is not None:
        draft.offices.append((objective, office))
    for position, ind in enumerate(op.indicators):
        where = f"{op.code}, indicatore {position + 1}"
        indicator = draft.add(m.Indicator(
            version=version, order=first_indicator + position, operational_objective=objective,
            code=ind.code, catalog=catalog.indicator(ind.code),
            name=ind.name, description=ind.description, formula=ind.formula, kind=ind.kind,
            unit=ind.unit, source=ind.source, comparator=ind.comparator,
            baseline=ind.baseline, weight_text=ind.weight,
            office=units.get(("office", _key(ind.office))) if ind.office else None,
            lineage=_lineage(ind.key, where), accumulation=_accumulation(ind, where),
            measured_at=ind.measured_at, published=ind.published,
        ))
        indicator.read_weight()  # as its save() would
        for year, text in sorted(ind.targets.items()):
            if len(text) > 60:
                raise InterchangeError(f"{where}.target {year}", "testo oltre 60 caratteri")
            draft.add(m.Target(indicator=indicator, year=year, comparator=ind.comparator,
                               value=text))


def _store_assignments(
    draft: _Draft, doc: PlanDocument, units: dict[tuple[str, str], m.OrgUnit]
) -> None:
    by_title = {_key(o.title): o for o in draft.of(m.OperationalObjective)}
    order = 0
    for assignment in doc.assignments:
        area = units[("area", _key(assignment.area))]
        for title in assignment.objectives:
            draft.add(m.Assignment(
                version=draft.version, order=order, area=area, objective_title=title,
                operational_objective=by_title.get(_key(title)),
            ))
            order += 1


def _store_fund(draft: _Draft, doc: PlanDocument) -> None:
    fund_doc = doc.incentive_fund
    if not fund_doc.total and not fund_doc.shares:
        return
    total = parse_money(fund_doc.total, strict=False)
    shares = [(s, parse_money(s.amount, strict=False)) for s in fund_doc.shares]
    if total is None:
        total = sum((amount or Decimal(0) for _, amount in shares), Decimal(0))
    fund = draft.add(m.IncentiveFund(version=draft.version, total=total,
                                     description=fund_doc.description))
    objectives = {so.code: so for so in draft.of(m.StrategicObjective)}
    for order, (share, amount) in enumerate(shares):
        target = objectives.get(share.strategic_objective)
        if target is None:
            raise InterchangeError(f"fondo.quota {order + 1}",
                                   f"obiettivo strategico «{share.strategic_objective}» "
                                   "non presente nel piano")
        if amount is None:
            raise InterchangeError(f"fondo.quota {order + 1}",
                                   f"importo «{share.amount}» non leggibile")
        draft.add(m.FundShare(version=draft.version, order=order, fund=fund,
                              strategic_objective=target, amount=amount))


# -- reading back -----------------------------------------------------------------------


def _refuse_nul(item: object, where: str) -> None:
    """PostgreSQL cannot store NUL: refuse it, from any format, naming the field."""
    if isinstance(item, str):
        try:
            refuse_nul(item)
        except ValueError as error:
            raise InterchangeError(where, str(error)) from None
    elif isinstance(item, list | tuple):
        for index, part in enumerate(item):
            _refuse_nul(part, f"{where}[{index}]")
    elif isinstance(item, dict):
        for key, part in item.items():
            _refuse_nul(key, where)
            _refuse_nul(part, f"{where}.{key}".lstrip("."))
    elif dataclasses.is_dataclass(item) and not isinstance(item, type):
        for field in dataclasses.fields(item):
            _refuse_nul(getattr(item, field.name), f"{where}.{field.name}".lstrip("."))


def plan_document(version: m.PlanVersion) -> PlanDocument:
    """The whole version as a document, in the order it was planned."""
    cycle = version.cycle
    body = cycle.body
    doc = PlanDocument(
        body=body.name, year=cycle.year, triennium=(cycle.first_year, cycle.last_year),
        labels=LevelLabels(area=body.area_label, strategic=body.strategic_label,
                           operational=body.operational_label, action=body.action_label),
        version=VersionDoc(
            organ=version.organ, number=version.resolution_number,
            date=version.resolution_date.strftime("%d/%m/%Y") if version.resolution_date
            else "",
            status=version.status, title=version.title,
        ),
    )
    offices = {
        o.pk: o for o in m.OperationalObjective.objects.filter(version=version)
        .select_related("mission", "programme").prefetch_related("offices")
    }
    targets: dict[int, dict[int, str]] = {}
    for target in m.Target.objects.filter(indicator__version=version).order_by("year"):
        targets.setdefault(target.indicator_id, {})[target.year] = target.value
    indicators: dict[int, list[IndicatorDoc]] = {}
    for ind in m.Indicator.objects.filter(version=version).select_related("office"):
        indicators.setdefault(ind.operational_objective_id, []).append(IndicatorDoc(
            name=ind.name, description=ind.description, code=ind.code, kind=ind.kind,
            unit=ind.unit, baseline=ind.baseline, comparator=ind.comparator,
            targets=targets.get(ind.pk, {}), weight=ind.weight_text, formula=ind.formula,
            source=ind.source, office=ind.office.name if ind.office else "",
            key=str(ind.lineage), accumulation=ind.accumulation, measured_at=ind.measured_at,
            published=ind.published,
        ))
    actions: dict[int, list[ActionDoc]] = {}
    for action in m.Action.objects.filter(version=version).select_related(
        "cost_centre", "office"
    ).order_by("order"):
        actions.setdefault(action.operational_objective_id, []).append(ActionDoc(
            code=action.code, title=action.title, activity=action.activity,
            cost_centre=action.cost_centre.code if action.cost_centre else "",
            office=action.office.name if action.office else "",
            description=action.description, costs=_amount_text(action.costs),
            revenues=_amount_text(action.revenues),
            contributions=_amount_text(action.contributions),
            investments=_amount_text(action.investments),
        ))
    phases: dict[tuple[str, int], list[PhaseDoc]] = {}
    for phase in m.Phase.objects.filter(version=version).order_by("order"):
        owner = (("so", phase.strategic_objective_id) if phase.strategic_objective_id
                 else ("op", phase.operational_objective_id or 0))
        phases.setdefault(owner, []).append(PhaseDoc(
            title=phase.title, first_year=phase.first_year, last_year=phase.last_year,
            milestone=phase.milestone.strftime("%d/%m/%Y") if phase.milestone else "",
        ))
    operational: dict[int, list[OperationalObjectiveDoc]] = {}
    for op in offices.values():
        operational.setdefault(op.strategic_objective_id, []).append(OperationalObjectiveDoc(
            code=op.code, title=op.title, description=op.description,
            expected_impact=op.expected_impact, resources=op.resources, area=op.area_text,
            office=op.office_text, transversal=op.transversal,
            common_objective=op.common_objective, indicators=indicators.get(op.pk, []),
            mission=op.mission.code if op.mission else "",
            programme=op.programme.code if op.programme else "",
            actions=actions.get(op.pk, []), phases=phases.get(("op", op.pk), []),
        ))
    strategic: dict[int, list[StrategicObjectiveDoc]] = {}
    for so in m.StrategicObjective.objects.filter(version=version).select_related(
        "mission", "programme", "function"
    ):
        strategic.setdefault(so.area_id, []).append(StrategicObjectiveDoc(
            code=so.code, title=so.title,
            mission=so.mission.code if so.mission else "",
            programme=so.programme.code if so.programme else "",
            function=so.function.code if so.function else "",
            perspective=so.perspective, common_objective=so.common_objective,
            classified_by=so.classified_by, description=so.description,
            time_span=so.time_span, stakeholders=so.stakeholders, benefits=so.benefits,
            responsible_centre=so.responsible_centre, resources=so.resources,
            related=so.related, operational=operational.get(so.pk, []),
            phases=phases.get(("so", so.pk), []),
        ))
    doc.areas = [
        StrategicAreaDoc(code=a.code, title=a.title, objectives=strategic.get(a.pk, []))
        for a in m.StrategicArea.objects.filter(version=version)
    ]
    doc.programmes = [
        ProgrammeDoc(mission=p.programme.mission.code, programme=p.programme.code,
                     title=p.title, narrative=p.narrative, stakeholders=p.stakeholders,
                     benefits=p.benefits, classified_by=p.classified_by)
        for p in m.PlanProgramme.objects.filter(version=version)
        .select_related("programme__mission").order_by("order")
    ]
    doc.cost_centres = [CostCentreDoc(code=c.code, name=c.name)
                        for c in body.cost_centres.order_by("code")]
    doc.variables = [
        VariableDoc(name=v.name, description=v.description, unit=v.unit, source=v.source,
                    office=v.office.name if v.office else "")
        for v in cycle.variables.select_related("office")
    ]
    doc.org_units = [
        OrgUnitDoc(name=u.name, kind=u.kind, parent=u.parent.name if u.parent else "",
                   fte=format_number(float(u.fte), 2) if u.fte is not None else "")
        for u in body.org_units.select_related("parent").order_by("kind", "pk")
    ]
    grouped: dict[int, Assignment] = {}
    for row in m.Assignment.objects.filter(version=version).select_related("area"):
        grouped.setdefault(row.area_id, Assignment(row.area.name)).objectives.append(
            row.objective_title
        )
    doc.assignments = list(grouped.values())
    fund = m.IncentiveFund.objects.filter(version=version).first()
    if fund is not None:
        doc.incentive_fund = IncentiveFund(
            total=format_money(fund.total), description=fund.description,
            shares=[FundShare(s.strategic_objective.code, format_money(s.amount))
                    for s in fund.shares.select_related("strategic_objective")],
        )
    return doc


def plan_with_parts(version: m.PlanVersion) -> PlanDocument:
    """The version and, as its parts, the plans in force of the bodies merged into its body
    for the same year: what an export writes. Amendments copy :func:`plan_document` alone,
    so amending a merged body never touches its predecessors' plans."""
    doc = plan_document(version)
    year = version.cycle.year
    for legacy in version.cycle.body.legacy_bodies.order_by("name"):
        cycle = legacy.cycles.filter(year=year).first()
        current = cycle.current_version() if cycle else None
        if current is not None:
            doc.parts.append(plan_document(current))
    return doc


# -- small conversions ------------------------------------------------------------------


def _amount(text: str, where: str) -> Decimal:
    """An amount of an action as printed ("40.000,00", "€ 1.750,00"); empty is none."""
    try:
        amount = parse_money(text)
    except ValueParseError as error:
        raise InterchangeError(where, error.reason) from None
    return Decimal(0) if amount is None else amount


def _amount_text(amount: Decimal) -> str:
    return "" if not amount else format_money(amount)


def _key(text: str) -> str:
    """Names compared as people mean them: case, accents' form and spacing aside."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _decimal(text: str, where: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = parse_engine_value(text)
    except ValueParseError as error:
        raise InterchangeError(where, error.reason) from None
    return None if value.number is None else Decimal(repr(value.number))


def _date(text: str, where: str) -> date | None:
    if not text.strip():
        return None
    try:
        value = parse_engine_value(text, "data")
    except ValueParseError as error:
        raise InterchangeError(where, error.reason) from None
    return value.day


def _lineage(key: str, where: str) -> uuid.UUID:
    if not key:
        return uuid.uuid4()
    try:
        return uuid.UUID(key)
    except ValueError:
        raise InterchangeError(f"{where}.chiave", f"chiave «{key}» non valida") from None


def _accumulation(indicator: IndicatorDoc, where: str) -> str:
    if indicator.accumulation not in m.Accumulation.values:
        raise InterchangeError(f"{where}.andamento",
                               f"«{indicator.accumulation}»: usare stock o cumulative")
    return indicator.accumulation


