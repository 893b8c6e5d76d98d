"""The rules a plan must keep, as findings in Italian that name the item.

One set of rules serves two situations: importing a plan that was already adopted (its
findings become warnings: the document is what the Giunta adopted, breaks included — in
`000_…` some cards' weights do not sum to 100%) and editing in the app (the same findings
refuse the save). The rules read the interchange document, so they need no database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from performa.engine.formula import FormulaSyntaxError, parse
from performa.engine.values import (
    Kind,
    ValueParseError,
    format_number,
    parse_comparator,
    parse_target,
    parse_value,
    unit_kind,
)
from performa.plans.document import IndicatorDoc, OperationalObjectiveDoc, PlanDocument

# Weights printed with one decimal miss 100% by rounding only: each by up to 0,05 points, so
# n of them by n × 0,05 (14 × 7,1% = 99,4%); never less than ±0,5 points.
WEIGHT_TOLERANCE = Decimal("0.005")
WEIGHT_ROUNDING_EACH = Decimal("0.0005")


def weight_tolerance(count: int) -> Decimal:
    return max(WEIGHT_TOLERANCE, WEIGHT_ROUNDING_EACH * count)

# What a target or value may be under each unit family; "n." tolerates percents because the
# seeds print ratios such as 0,1% under "n.".
_ACCEPTED: dict[Kind | None, frozenset[Kind]] = {
    Kind.PERCENT: frozenset({Kind.PERCENT, Kind.NUMBER, Kind.FRACTION}),
    Kind.MONEY: frozenset({Kind.MONEY, Kind.NUMBER}),
    Kind.DATE: frozenset({Kind.DATE, Kind.BOOLEAN, Kind.DONE}),
    Kind.BOOLEAN: frozenset({Kind.BOOLEAN, Kind.DONE}),
    None: frozenset({Kind.NUMBER, Kind.PERCENT, Kind.MONEY, Kind.FRACTION, Kind.ORDINAL}),
}


class FindingCode(StrEnum):
    """What kind of finding: callers pick findings by code, never by the words of the message,
    which say it to people and may be reworded."""

    DUPLICATE_CODE = "duplicate_code"
    NO_INDICATORS = "no_indicators"
    MISSING_WEIGHT = "missing_weight"
    WEIGHT_SUM = "weight_sum"
    BAD_WEIGHT = "bad_weight"
    BAD_COMPARATOR = "bad_comparator"
    BAD_BASELINE = "bad_baseline"
    BASELINE_UNIT_MISMATCH = "baseline_unit_mismatch"
    BAD_FORMULA = "bad_formula"
    UNKNOWN_VARIABLE = "unknown_variable"
    MISSING_TARGET = "missing_target"
    BAD_TARGET = "bad_target"
    TARGET_NOT_AVAILABLE = "target_not_available"
    TARGET_UNIT_MISMATCH = "target_unit_mismatch"


@dataclass(frozen=True)
class Finding:
    code: FindingCode
    item: str  # "01_01_02, indicatore 3 «Bando PID»"
    message: str
    blocking: bool = True  # False: worth saying, never a reason to refuse (e.g. target n.d.)

    def __str__(self) -> str:
        return f"{self.item}: {self.message}"


def parse_weight(text: str) -> Decimal | None:
    """A printed weight ("12,5%", "25", "n.d.") as a fraction; None when not given."""
    if not text.strip():
        return None
    value = parse_value(text, "%")
    if value.number is None:
        return None
    if not 0 <= value.number <= 1:
        raise ValueParseError(text, "un peso va da 0% a 100%")
    return Decimal(repr(round(value.number, 6)))


def indicator_item(objective: OperationalObjectiveDoc, position: int, name: str) -> str:
    return f"{objective.code}, indicatore {position} «{_short(name)}»"


def check_indicator(
    indicator: IndicatorDoc, item: str, variables: Collection[str] | None = None
) -> list[Finding]:
    """Comparator, baseline, targets, weight and formula of one indicator."""
    findings = check_fields(indicator.unit, indicator.comparator, indicator.baseline,
                            indicator.weight, indicator.formula, item, variables)
    if not indicator.targets:
        findings.append(Finding(FindingCode.MISSING_TARGET, item, "manca il target"))
    for year, text in sorted(indicator.targets.items()):
        findings += check_target(year, text, indicator.unit, indicator.comparator, item)
    return findings


def check_fields(
    unit: str,
    comparator: str,
    baseline: str,
    weight: str,
    formula: str,
    item: str,
    variables: Collection[str] | None = None,
) -> list[Finding]:
    """The indicator's own fields, apart from targets (which live in their own rows)."""
    findings: list[Finding] = []
    if comparator.strip():
        try:
            parse_comparator(comparator)
        except ValueParseError as error:
            findings.append(Finding(FindingCode.BAD_COMPARATOR, item,
                                    f"comparatore: {error.reason} («{error.text}»)"))
    if baseline.strip():
        findings += _check_baseline(item, baseline, unit)
    try:
        parse_weight(weight)
    except ValueParseError as error:
        findings.append(Finding(FindingCode.BAD_WEIGHT, item,
                                f"peso «{error.text}» non leggibile: {error.reason}"))
    if formula.strip():
        findings += _check_formula(item, formula, variables)
    return findings


def check_target(year: int, text: str, unit: str, comparator: str, item: str) -> list[Finding]:
    """A target must be readable, and of the kind the unit of measure says."""
    label = f"target {year}"
    try:
        target = parse_target(text, unit, comparator)
    except ValueParseError as error:
        return [Finding(FindingCode.BAD_TARGET, item,
                        f"{label} «{error.text}» non leggibile: {error.reason}")]
    if not target.value.available:
        return [Finding(FindingCode.TARGET_NOT_AVAILABLE, item,
                        f"{label} non disponibile (n.d.): l'indicatore non potrà essere "
                        "valutato", blocking=False)]
    if target.value.kind not in _expected(unit):
        return [Finding(FindingCode.TARGET_UNIT_MISMATCH, item,
                        f"{label} «{text}» non coerente con l'unità di misura «{unit}»")]
    return []


def _expected(unit: str) -> frozenset[Kind]:
    return _ACCEPTED.get(unit_kind(unit), _ACCEPTED[None])


def _check_baseline(item: str, text: str, unit: str) -> list[Finding]:
    label = "stato anno precedente"
    try:
        value = parse_value(text, unit)
    except ValueParseError as error:
        return [Finding(FindingCode.BAD_BASELINE, item,
                        f"{label} «{error.text}» non leggibile: {error.reason}")]
    if value.available and value.kind not in _expected(unit):
        return [Finding(FindingCode.BASELINE_UNIT_MISMATCH, item,
                        f"{label} «{text}» non coerente con l'unità di misura «{unit}»")]
    return []


def _check_formula(item: str, text: str, variables: Collection[str] | None) -> list[Finding]:
    try:
        formula = parse(text, known=variables)
    except FormulaSyntaxError as error:
        return [Finding(FindingCode.BAD_FORMULA, item, f"formula: {error}")]
    if variables is None:
        return []
    unknown = sorted((formula.variables | formula.previous_variables) - set(variables))
    return [Finding(FindingCode.UNKNOWN_VARIABLE, item, f"formula: variabile «{name}» non definita")
            for name in unknown]


def check_weights(objective: OperationalObjectiveDoc) -> list[Finding]:
    """The weights of one objective's indicators must sum to 100% (± rounding)."""
    weights: list[Decimal] = []
    missing = 0
    for indicator in objective.indicators:
        try:
            weight = parse_weight(indicator.weight)
        except ValueParseError:
            continue  # reported by check_indicator
        if weight is None:
            missing += 1
        else:
            weights.append(weight)
    if not objective.indicators:
        return [Finding(FindingCode.NO_INDICATORS, objective.code, "l'obiettivo non ha indicatori")]
    total = sum(weights, Decimal(0))
    findings = []
    if missing:
        noun = "indicatore" if missing == 1 else "indicatori"
        findings.append(Finding(FindingCode.MISSING_WEIGHT, objective.code,
                                f"{missing} {noun} senza peso (n.d.)"))
    if weights and abs(total - 1) > weight_tolerance(len(weights)):
        findings.append(Finding(
            FindingCode.WEIGHT_SUM, objective.code,
            f"la somma dei pesi degli indicatori è {format_number(float(total) * 100, 1)}%: "
            "deve essere 100%",
        ))
    return findings


def validate_document(
    doc: PlanDocument, variables: Collection[str] | None = None
) -> list[Finding]:
    """Every rule over a whole plan; ``variables`` None skips the "variable exists" rule."""
    findings = _duplicate_codes(doc)
    for objective in doc.operational_objectives():
        for position, indicator in enumerate(objective.indicators, 1):
            item = indicator_item(objective, position, indicator.name)
            findings += check_indicator(indicator, item, variables)
        findings += check_weights(objective)
    return findings


def _duplicate_codes(doc: PlanDocument) -> list[Finding]:
    levels = {
        "ambito": [a.code for a in doc.areas],
        "obiettivo strategico": [so.code for a in doc.areas for so in a.objectives],
        "obiettivo operativo": [op.code for op in doc.operational_objectives()],
        "azione": [action.code for action in doc.actions()],
        "programma": [f"{p.mission}.{p.programme}" for p in doc.programmes],
        "centro di costo": [c.code for c in doc.cost_centres],
        "indicatore con chiave": [i.key for i in doc.indicators() if i.key],
    }
    return [
        Finding(FindingCode.DUPLICATE_CODE, f"{level} {code}",
                f"codice usato {count} volte nella stessa versione del piano")
        for level, codes in levels.items()
        for code, count in Counter(codes).items()
        if count > 1
    ]


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
