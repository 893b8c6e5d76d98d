"""The JSON plan interchange format (``"format": "performa-plan"``, ``format_version`` 2).

``dump_json`` writes a PlanDocument as a documented, versioned JSON text; ``load_json`` reads it
back and refuses, with an :class:`InterchangeError` naming the JSON path, anything that is not
exactly that format: text that is not JSON, another format or version, missing or unknown keys,
repeated keys, values of the wrong type. Values are text *as printed* (``"12,5%"``, ``"n.d."``,
``"30/11/2022"``), never numbers: the engine reads them when the plan is validated.

The output is canonical: keys in a fixed order, target years sorted, ``ensure_ascii=False``,
indent 2 and a trailing newline, so two dumps of equal documents are byte-identical.
``PlanDocument.warnings`` (findings of a reader) is not part of the file.

See ``docs/interchange.md`` for every key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from performa import filelimits
from performa.plans.document import (
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
from performa.plans.errors import InterchangeError

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "dump_json", "load_json"]

FORMAT_NAME = "performa-plan"
FORMAT_VERSION = 2
# Version 1 had no programmes, cost centres, actions, phases nor PIRA cards: a version 1 file
# is a version 2 file without those keys, so it is read the same way.
READABLE_VERSIONS = (1, 2)

VERSION_STATUSES = ("draft", "adopted", "superseded")
ORG_UNIT_KINDS = ("area", "office")
ACCUMULATIONS = ("stock", "cumulative")
ACTIVITIES = ("institutional", "commercial")
CLASSIFIED_BY = ("", "performa")

_YEAR_KEY = re.compile(r"[0-9]{4}")

# The keys of every object, in the order they are written.
_ROOT_KEYS = (
    "format",
    "format_version",
    "body",
    "year",
    "triennium",
    "version",
    "labels",
    "areas",
    "programmes",
    "org_units",
    "cost_centres",
    "variables",
    "assignments",
    "incentive_fund",
    "parts",
)
# A part is a plan of a merged body: the plan's keys without the format's own nor parts.
_PART_KEYS = tuple(key for key in _ROOT_KEYS if key not in ("format", "format_version", "parts"))
_VERSION_KEYS = ("organ", "number", "date", "status", "title")
_LABEL_KEYS = ("area", "strategic", "operational", "action")
_AREA_KEYS = ("code", "title", "objectives")
_STRATEGIC_KEYS = (
    "code",
    "title",
    "mission",
    "programme",
    "function",
    "perspective",
    "common_objective",
    "classified_by",
    "description",
    "time_span",
    "stakeholders",
    "benefits",
    "responsible_centre",
    "resources",
    "related",
    "phases",
    "operational",
)
_OPERATIONAL_KEYS = (
    "code",
    "title",
    "description",
    "expected_impact",
    "resources",
    "area",
    "office",
    "transversal",
    "common_objective",
    "mission",
    "programme",
    "indicators",
    "actions",
    "phases",
)
_INDICATOR_KEYS = (
    "name",
    "description",
    "code",
    "kind",
    "unit",
    "baseline",
    "comparator",
    "targets",
    "weight",
    "formula",
    "source",
    "office",
    "key",
    "accumulation",
    "measured_at",
    "published",
)
_PROGRAMME_KEYS = (
    "mission",
    "programme",
    "title",
    "narrative",
    "stakeholders",
    "benefits",
    "classified_by",
)
_ACTION_KEYS = (
    "code",
    "title",
    "activity",
    "cost_centre",
    "office",
    "description",
    "costs",
    "revenues",
    "contributions",
    "investments",
)
_PHASE_KEYS = ("title", "first_year", "last_year", "milestone")
_COST_CENTRE_KEYS = ("code", "name")
_ORG_UNIT_KEYS = ("name", "kind", "parent", "fte")
_VARIABLE_KEYS = ("name", "description", "unit", "source", "office")
_ASSIGNMENT_KEYS = ("area", "objectives")
_FUND_KEYS = ("total", "description", "shares")
_SHARE_KEYS = ("strategic_objective", "amount")


# --------------------------------------------------------------------------------------------
# Writing


def dump_json(doc: PlanDocument) -> str:
    """The document as canonical JSON text (UTF-8 characters, indent 2, trailing newline)."""
    return json.dumps(_plan_to_data(doc), ensure_ascii=False, indent=2) + "\n"


def _plan_to_data(doc: PlanDocument) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        **_part_to_data(doc),
        "parts": [_part_to_data(part) for part in doc.parts],
    }


def _part_to_data(doc: PlanDocument) -> dict[str, Any]:
    version = doc.version
    fund = doc.incentive_fund
    return {
        "body": doc.body,
        "year": doc.year,
        "triennium": [doc.triennium[0], doc.triennium[1]],
        "version": {
            "organ": version.organ,
            "number": version.number,
            "date": version.date,
            "status": version.status,
            "title": version.title,
        },
        "labels": {
            "area": doc.labels.area,
            "strategic": doc.labels.strategic,
            "operational": doc.labels.operational,
            "action": doc.labels.action,
        },
        "areas": [_area_to_data(area) for area in doc.areas],
        "programmes": [
            {
                "mission": p.mission,
                "programme": p.programme,
                "title": p.title,
                "narrative": p.narrative,
                "stakeholders": p.stakeholders,
                "benefits": p.benefits,
                "classified_by": p.classified_by,
            }
            for p in doc.programmes
        ],
        "org_units": [
            {"name": unit.name, "kind": unit.kind, "parent": unit.parent, "fte": unit.fte}
            for unit in doc.org_units
        ],
        "cost_centres": [{"code": c.code, "name": c.name} for c in doc.cost_centres],
        "variables": [
            {
                "name": variable.name,
                "description": variable.description,
                "unit": variable.unit,
                "source": variable.source,
                "office": variable.office,
            }
            for variable in doc.variables
        ],
        "assignments": [
            {"area": assignment.area, "objectives": list(assignment.objectives)}
            for assignment in doc.assignments
        ],
        "incentive_fund": {
            "total": fund.total,
            "description": fund.description,
            "shares": [
                {"strategic_objective": share.strategic_objective, "amount": share.amount}
                for share in fund.shares
            ],
        },
    }


def _area_to_data(area: StrategicAreaDoc) -> dict[str, Any]:
    return {
        "code": area.code,
        "title": area.title,
        "objectives": [
            {
                "code": so.code,
                "title": so.title,
                "mission": so.mission,
                "programme": so.programme,
                "function": so.function,
                "perspective": so.perspective,
                "common_objective": so.common_objective,
                "classified_by": so.classified_by,
                "description": so.description,
                "time_span": so.time_span,
                "stakeholders": so.stakeholders,
                "benefits": so.benefits,
                "responsible_centre": so.responsible_centre,
                "resources": so.resources,
                "related": so.related,
                "phases": [_phase_to_data(phase) for phase in so.phases],
                "operational": [_operational_to_data(op) for op in so.operational],
            }
            for so in area.objectives
        ],
    }


def _operational_to_data(op: OperationalObjectiveDoc) -> dict[str, Any]:
    return {
        "code": op.code,
        "title": op.title,
        "description": op.description,
        "expected_impact": op.expected_impact,
        "resources": op.resources,
        "area": op.area,
        "office": op.office,
        "transversal": op.transversal,
        "common_objective": op.common_objective,
        "mission": op.mission,
        "programme": op.programme,
        "indicators": [_indicator_to_data(ind) for ind in op.indicators],
        "actions": [
            {
                "code": a.code,
                "title": a.title,
                "activity": a.activity,
                "cost_centre": a.cost_centre,
                "office": a.office,
                "description": a.description,
                "costs": a.costs,
                "revenues": a.revenues,
                "contributions": a.contributions,
                "investments": a.investments,
            }
            for a in op.actions
        ],
        "phases": [_phase_to_data(phase) for phase in op.phases],
    }


def _phase_to_data(phase: PhaseDoc) -> dict[str, Any]:
    return {
        "title": phase.title,
        "first_year": phase.first_year,
        "last_year": phase.last_year,
        "milestone": phase.milestone,
    }


def _indicator_to_data(ind: IndicatorDoc) -> dict[str, Any]:
    return {
        "name": ind.name,
        "description": ind.description,
        "code": ind.code,
        "kind": ind.kind,
        "unit": ind.unit,
        "baseline": ind.baseline,
        "comparator": ind.comparator,
        "targets": {str(year): ind.targets[year] for year in sorted(ind.targets)},
        "weight": ind.weight,
        "formula": ind.formula,
        "source": ind.source,
        "office": ind.office,
        "key": ind.key,
        "accumulation": ind.accumulation,
        "measured_at": ind.measured_at,
        "published": ind.published,
    }


# --------------------------------------------------------------------------------------------
# Reading


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it saw twice (``json`` keeps only the last)."""

    repeated: list[str]


def _object_hook(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    obj.repeated = []
    for key, value in pairs:
        if key in obj and key not in obj.repeated:
            obj.repeated.append(key)
        obj[key] = value
    return obj


def _reject_constant(name: str) -> None:
    # NaN and Infinity are not JSON; Python's json accepts them unless told otherwise.
    raise ValueError(name)


def load_json(text: str) -> PlanDocument:
    """Read a plan from JSON text, refusing anything but the documented format.

    Raises :class:`InterchangeError` naming the JSON path (or the line and column when the
    text is not JSON) and the reason. A text beyond the limits of :mod:`performa.filelimits`
    (size, nesting depth, number of objects and lists) is refused before it is parsed: the
    parser would otherwise recurse once per level and fail with ``RecursionError``.
    """
    try:
        filelimits.check_json_text(text)
    except filelimits.FileLimitError as exc:
        location = f"riga {exc.row}, colonna {exc.column}" if exc.row else "documento"
        raise InterchangeError(location, exc.reason) from None
    try:
        data = json.loads(text, object_pairs_hook=_object_hook, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InterchangeError(
            f"riga {exc.lineno}, colonna {exc.colno}", f"il testo non è JSON valido ({exc.msg})"
        ) from exc
    except ValueError as exc:  # NaN, Infinity
        raise InterchangeError("documento", f"il testo non è JSON valido ({exc})") from exc
    return _plan_from_data(data)


def _kind_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "un valore booleano"
    if isinstance(value, int | float):
        return f"il numero {value!r}"
    if isinstance(value, str):
        return "del testo"
    if isinstance(value, list):
        return "una lista"
    if isinstance(value, dict):
        return "un oggetto"
    return type(value).__name__  # pragma: no cover - json.loads gives nothing else


def _path(location: str, key: str) -> str:
    return key if location == "documento" else f"{location}.{key}"


def _obj(
    value: object, location: str, keys: Sequence[str], required: Sequence[str] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InterchangeError(location, f"atteso un oggetto {{…}}, trovato {_kind_of(value)}")
    repeated = getattr(value, "repeated", [])
    if repeated:
        names = ", ".join(f"«{key}»" for key in repeated)
        raise InterchangeError(location, f"chiave ripetuta: {names}")
    unknown = [key for key in value if key not in keys]
    if unknown:
        names = ", ".join(f"«{key}»" for key in unknown)
        allowed = ", ".join(keys)
        plural = "chiavi sconosciute" if len(unknown) > 1 else "chiave sconosciuta"
        raise InterchangeError(location, f"{plural}: {names} (ammesse: {allowed})")
    for key in required:
        if key not in value:
            raise InterchangeError(_path(location, key), "chiave obbligatoria mancante")
    return value


def _text(obj: dict[str, Any], key: str, location: str, *, non_empty: bool = False) -> str:
    if key not in obj:
        return ""
    value = obj[key]
    where = _path(location, key)
    if not isinstance(value, str):
        raise InterchangeError(
            where,
            f"atteso testo, trovato {_kind_of(value)}: i valori si scrivono come stampati, "
            'tra virgolette (es. "12,5%", "60", "n.d.")',
        )
    if non_empty and not value.strip():
        raise InterchangeError(where, "non può essere vuoto")
    return value


def _flag(obj: dict[str, Any], key: str, location: str) -> bool:
    if key not in obj:
        return False
    value = obj[key]
    if not isinstance(value, bool):
        raise InterchangeError(
            _path(location, key), f"atteso true o false, trovato {_kind_of(value)}"
        )
    return value


def _integer(value: object, location: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InterchangeError(location, f"atteso un numero intero, trovato {_kind_of(value)}")
    return value


def _list(obj: dict[str, Any], key: str, location: str) -> list[Any]:
    if key not in obj:
        return []
    value = obj[key]
    if not isinstance(value, list):
        raise InterchangeError(
            _path(location, key), f"attesa una lista […], trovato {_kind_of(value)}"
        )
    return value


def _plan_from_data(data: object) -> PlanDocument:
    root = "documento"
    if not isinstance(data, dict):
        raise InterchangeError(root, f"atteso un oggetto {{…}}, trovato {_kind_of(data)}")
    # Format and version first: a file of another kind gets that message, not a key list.
    if "format" not in data:
        raise InterchangeError("format", f'chiave obbligatoria mancante (atteso "{FORMAT_NAME}")')
    if data["format"] != FORMAT_NAME:
        raise InterchangeError(
            "format", f'formato {data["format"]!r} non riconosciuto (atteso "{FORMAT_NAME}")'
        )
    if "format_version" not in data:
        raise InterchangeError("format_version", "chiave obbligatoria mancante")
    version_number = data["format_version"]
    if type(version_number) is not int or version_number not in READABLE_VERSIONS:
        readable = " e ".join(str(v) for v in READABLE_VERSIONS)
        raise InterchangeError(
            "format_version",
            f"versione {version_number!r} non supportata (questa versione di Performa legge "
            f"le versioni {readable})",
        )
    obj = _obj(data, root, _ROOT_KEYS, ("format", "format_version", "body", "year"))
    doc = _part_from_data(obj, root)
    doc.parts = [
        _part_from_data(_obj(item, f"parts[{i}]", _PART_KEYS, ("body", "year")), f"parts[{i}]")
        for i, item in enumerate(_list(obj, "parts", root))
    ]
    return doc


def _part_from_data(obj: dict[str, Any], root: str) -> PlanDocument:
    """The plan keys of the document or of one of its parts (``root`` names which)."""

    def at(key: str) -> str:
        return _path(root, key)

    year = _integer(obj["year"], at("year"))
    if not 1000 <= year <= 9999:
        raise InterchangeError(at("year"), f"anno {year} non valido (attese 4 cifre)")
    triennium: tuple[int, int] = (0, 0)
    if "triennium" in obj:
        raw = obj["triennium"]
        if not isinstance(raw, list) or len(raw) != 2:
            raise InterchangeError(
                at("triennium"), f"attesa una lista di due anni [inizio, fine], trovato {raw!r}"
            )
        start = _integer(raw[0], at("triennium[0]"))
        end = _integer(raw[1], at("triennium[1]"))
        if start > end:
            raise InterchangeError(at("triennium"), f"l'inizio {start} è dopo la fine {end}")
        triennium = (start, end)

    return PlanDocument(
        body=_text(obj, "body", root, non_empty=True),
        year=year,
        triennium=triennium,
        version=_version_from_data(obj.get("version", {}), at("version")),
        labels=_labels_from_data(obj.get("labels", {}), at("labels")),
        areas=[
            _area_from_data(item, at(f"areas[{i}]"))
            for i, item in enumerate(_list(obj, "areas", root))
        ],
        programmes=[
            _programme_from_data(item, at(f"programmes[{i}]"))
            for i, item in enumerate(_list(obj, "programmes", root))
        ],
        org_units=[
            _org_unit_from_data(item, at(f"org_units[{i}]"))
            for i, item in enumerate(_list(obj, "org_units", root))
        ],
        cost_centres=[
            _cost_centre_from_data(item, at(f"cost_centres[{i}]"))
            for i, item in enumerate(_list(obj, "cost_centres", root))
        ],
        variables=_variables_from_data(_list(obj, "variables", root), at("variables")),
        assignments=[
            _assignment_from_data(item, at(f"assignments[{i}]"))
            for i, item in enumerate(_list(obj, "assignments", root))
        ],
        incentive_fund=_fund_from_data(obj.get("incentive_fund", {}), at("incentive_fund")),
    )


def _labels_from_data(value: object, loc: str) -> LevelLabels:
    obj = _obj(value, loc, _LABEL_KEYS)
    return LevelLabels(**{key: _text(obj, key, loc) for key in _LABEL_KEYS})


def _version_from_data(value: object, loc: str) -> VersionDoc:
    obj = _obj(value, loc, _VERSION_KEYS)
    status = _text(obj, "status", loc) if "status" in obj else "adopted"
    if status not in VERSION_STATUSES:
        raise InterchangeError(
            f"{loc}.status",
            f"stato «{status}» non valido (ammessi: {', '.join(VERSION_STATUSES)})",
        )
    return VersionDoc(
        organ=_text(obj, "organ", loc),
        number=_text(obj, "number", loc),
        date=_text(obj, "date", loc),
        status=status,
        title=_text(obj, "title", loc),
    )


def _area_from_data(value: object, loc: str) -> StrategicAreaDoc:
    obj = _obj(value, loc, _AREA_KEYS, ("code", "title"))
    return StrategicAreaDoc(
        code=_text(obj, "code", loc, non_empty=True),
        title=_text(obj, "title", loc),
        objectives=[
            _strategic_from_data(item, f"{loc}.objectives[{i}]")
            for i, item in enumerate(_list(obj, "objectives", loc))
        ],
    )


def _strategic_from_data(value: object, loc: str) -> StrategicObjectiveDoc:
    obj = _obj(value, loc, _STRATEGIC_KEYS, ("code", "title"))
    return StrategicObjectiveDoc(
        code=_text(obj, "code", loc, non_empty=True),
        title=_text(obj, "title", loc),
        mission=_text(obj, "mission", loc),
        programme=_text(obj, "programme", loc),
        function=_text(obj, "function", loc),
        perspective=_text(obj, "perspective", loc),
        common_objective=_text(obj, "common_objective", loc),
        classified_by=_choice(obj, "classified_by", loc, CLASSIFIED_BY),
        description=_text(obj, "description", loc),
        time_span=_text(obj, "time_span", loc),
        stakeholders=_text(obj, "stakeholders", loc),
        benefits=_text(obj, "benefits", loc),
        responsible_centre=_text(obj, "responsible_centre", loc),
        resources=_text(obj, "resources", loc),
        related=_text(obj, "related", loc),
        phases=[
            _phase_from_data(item, f"{loc}.phases[{i}]")
            for i, item in enumerate(_list(obj, "phases", loc))
        ],
        operational=[
            _operational_from_data(item, f"{loc}.operational[{i}]")
            for i, item in enumerate(_list(obj, "operational", loc))
        ],
    )


def _operational_from_data(value: object, loc: str) -> OperationalObjectiveDoc:
    obj = _obj(value, loc, _OPERATIONAL_KEYS, ("code", "title"))
    return OperationalObjectiveDoc(
        code=_text(obj, "code", loc, non_empty=True),
        title=_text(obj, "title", loc),
        description=_text(obj, "description", loc),
        expected_impact=_text(obj, "expected_impact", loc),
        resources=_text(obj, "resources", loc),
        area=_text(obj, "area", loc),
        office=_text(obj, "office", loc),
        transversal=_flag(obj, "transversal", loc),
        common_objective=_flag(obj, "common_objective", loc),
        mission=_text(obj, "mission", loc),
        programme=_text(obj, "programme", loc),
        indicators=[
            _indicator_from_data(item, f"{loc}.indicators[{i}]")
            for i, item in enumerate(_list(obj, "indicators", loc))
        ],
        actions=[
            _action_from_data(item, f"{loc}.actions[{i}]")
            for i, item in enumerate(_list(obj, "actions", loc))
        ],
        phases=[
            _phase_from_data(item, f"{loc}.phases[{i}]")
            for i, item in enumerate(_list(obj, "phases", loc))
        ],
    )


def _choice(obj: dict[str, Any], key: str, loc: str, allowed: Sequence[str]) -> str:
    value = _text(obj, key, loc)
    if value not in allowed:
        shown = ", ".join(f"«{a}»" for a in allowed)
        raise InterchangeError(_path(loc, key), f"«{value}» non valido (ammessi: {shown})")
    return value


def _action_from_data(value: object, loc: str) -> ActionDoc:
    obj = _obj(value, loc, _ACTION_KEYS, ("code", "title"))
    return ActionDoc(
        code=_text(obj, "code", loc, non_empty=True),
        title=_text(obj, "title", loc),
        activity=_choice(obj, "activity", loc, ACTIVITIES) if "activity" in obj
        else "institutional",
        cost_centre=_text(obj, "cost_centre", loc),
        office=_text(obj, "office", loc),
        description=_text(obj, "description", loc),
        costs=_text(obj, "costs", loc),
        revenues=_text(obj, "revenues", loc),
        contributions=_text(obj, "contributions", loc),
        investments=_text(obj, "investments", loc),
    )


def _phase_from_data(value: object, loc: str) -> PhaseDoc:
    obj = _obj(value, loc, _PHASE_KEYS, ("title", "first_year", "last_year"))
    first = _integer(obj["first_year"], f"{loc}.first_year")
    last = _integer(obj["last_year"], f"{loc}.last_year")
    for key, year in (("first_year", first), ("last_year", last)):
        if not 1000 <= year <= 9999:
            raise InterchangeError(f"{loc}.{key}", f"anno {year} non valido (attese 4 cifre)")
    if first > last:
        raise InterchangeError(loc, f"l'anno di inizio {first} è dopo quello di fine {last}")
    return PhaseDoc(
        title=_text(obj, "title", loc, non_empty=True),
        first_year=first,
        last_year=last,
        milestone=_text(obj, "milestone", loc),
    )


def _programme_from_data(value: object, loc: str) -> ProgrammeDoc:
    obj = _obj(value, loc, _PROGRAMME_KEYS, ("mission", "programme"))
    return ProgrammeDoc(
        mission=_text(obj, "mission", loc, non_empty=True),
        programme=_text(obj, "programme", loc, non_empty=True),
        title=_text(obj, "title", loc),
        narrative=_text(obj, "narrative", loc),
        stakeholders=_text(obj, "stakeholders", loc),
        benefits=_text(obj, "benefits", loc),
        classified_by=_choice(obj, "classified_by", loc, CLASSIFIED_BY),
    )


def _cost_centre_from_data(value: object, loc: str) -> CostCentreDoc:
    obj = _obj(value, loc, _COST_CENTRE_KEYS, ("code", "name"))
    return CostCentreDoc(code=_text(obj, "code", loc, non_empty=True),
                         name=_text(obj, "name", loc))


def _indicator_from_data(value: object, loc: str) -> IndicatorDoc:
    obj = _obj(value, loc, _INDICATOR_KEYS, ("name",))
    accumulation = _text(obj, "accumulation", loc) if "accumulation" in obj else "stock"
    if accumulation not in ACCUMULATIONS:
        raise InterchangeError(
            f"{loc}.accumulation",
            f"andamento «{accumulation}» non valido (ammessi: {', '.join(ACCUMULATIONS)})",
        )
    return IndicatorDoc(
        name=_text(obj, "name", loc, non_empty=True),
        description=_text(obj, "description", loc),
        code=_text(obj, "code", loc),
        kind=_text(obj, "kind", loc),
        unit=_text(obj, "unit", loc),
        baseline=_text(obj, "baseline", loc),
        comparator=_text(obj, "comparator", loc),
        targets=_targets_from_data(obj.get("targets", {}), f"{loc}.targets"),
        weight=_text(obj, "weight", loc),
        formula=_text(obj, "formula", loc),
        source=_text(obj, "source", loc),
        office=_text(obj, "office", loc),
        key=_text(obj, "key", loc),
        accumulation=accumulation,
        measured_at=_text(obj, "measured_at", loc),
        published=_flag(obj, "published", loc),
    )


def _targets_from_data(value: object, loc: str) -> dict[int, str]:
    if not isinstance(value, dict):
        raise InterchangeError(
            loc, f'atteso un oggetto {{"anno": "target"}}, trovato {_kind_of(value)}'
        )
    repeated = getattr(value, "repeated", [])
    if repeated:
        raise InterchangeError(loc, f"anno ripetuto: «{repeated[0]}»")
    targets: dict[int, str] = {}
    for key, target in value.items():
        if not _YEAR_KEY.fullmatch(key):
            raise InterchangeError(
                loc, f'la chiave «{key}» non è un anno di 4 cifre (es. "2022": "60")'
            )
        where = f'{loc}["{key}"]'
        if not isinstance(target, str):
            raise InterchangeError(
                where,
                f"atteso testo, trovato {_kind_of(target)}: il target si scrive come stampato, "
                'tra virgolette (es. "60", "30/11/2022")',
            )
        targets[int(key)] = target
    return targets


def _org_unit_from_data(value: object, loc: str) -> OrgUnitDoc:
    obj = _obj(value, loc, _ORG_UNIT_KEYS, ("name", "kind"))
    kind = _text(obj, "kind", loc)
    if kind not in ORG_UNIT_KINDS:
        raise InterchangeError(
            f"{loc}.kind", f"tipo «{kind}» non valido (ammessi: {', '.join(ORG_UNIT_KINDS)})"
        )
    return OrgUnitDoc(
        name=_text(obj, "name", loc, non_empty=True),
        kind=kind,
        parent=_text(obj, "parent", loc),
        fte=_text(obj, "fte", loc),
    )


def _variables_from_data(items: list[Any], loc: str) -> list[VariableDoc]:
    variables: list[VariableDoc] = []
    first: dict[str, int] = {}  # name → index of the variable that first used it
    for i, item in enumerate(items):
        where = f"{loc}[{i}]"
        obj = _obj(item, where, _VARIABLE_KEYS, ("name",))
        name = _text(obj, "name", where, non_empty=True)
        if name in first:
            raise InterchangeError(
                f"{where}.name", f"variabile «{name}» ripetuta (già in {loc}[{first[name]}])"
            )
        first[name] = i
        variables.append(
            VariableDoc(
                name=name,
                description=_text(obj, "description", where),
                unit=_text(obj, "unit", where),
                source=_text(obj, "source", where),
                office=_text(obj, "office", where),
            )
        )
    return variables


def _assignment_from_data(value: object, loc: str) -> Assignment:
    obj = _obj(value, loc, _ASSIGNMENT_KEYS, ("area",))
    objectives = _list(obj, "objectives", loc)
    for i, item in enumerate(objectives):
        if not isinstance(item, str):
            raise InterchangeError(
                f"{loc}.objectives[{i}]", f"atteso testo (un titolo), trovato {_kind_of(item)}"
            )
    return Assignment(area=_text(obj, "area", loc, non_empty=True), objectives=list(objectives))


def _fund_from_data(value: object, loc: str) -> IncentiveFund:
    obj = _obj(value, loc, _FUND_KEYS)
    return IncentiveFund(
        total=_text(obj, "total", loc),
        description=_text(obj, "description", loc),
        shares=[
            _share_from_data(item, f"{loc}.shares[{i}]")
            for i, item in enumerate(_list(obj, "shares", loc))
        ],
    )


def _share_from_data(value: object, loc: str) -> FundShare:
    obj = _obj(value, loc, _SHARE_KEYS, ("strategic_objective", "amount"))
    return FundShare(
        strategic_objective=_text(obj, "strategic_objective", loc, non_empty=True),
        amount=_text(obj, "amount", loc),
    )
