"""From a measured value and its target to an achievement (*grado di raggiungimento*).

Each body's SMVP fixes the rules; :class:`ScoringRules` holds them and its defaults reproduce
the practice visible in the seeds (88% against ≥ 90% → 98%; 4.428 against ≥ 15.500 → 29%).
Achievements are fractions (0.98); rounding is for display only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .values import Comparator, Kind, Target, Value, format_percent, format_value

__all__ = [
    "Band",
    "EqualMode",
    "LowerIsBetter",
    "NotAvailablePolicy",
    "ScoringError",
    "ScoringRules",
    "explain_score",
    "rules_from_dict",
    "rules_to_dict",
    "score",
]


class ScoringError(ValueError):
    """A value that cannot be compared with its target (e.g. a number against a date)."""


class LowerIsBetter(StrEnum):
    RATIO = "ratio"  # target / actual
    LINEAR = "linear"  # (2·target − actual) / target: a miss by the whole target scores 0


class EqualMode(StrEnum):
    DISTANCE = "distance"  # 1 − |actual − target| / |target|
    BINARY = "binary"  # hit or nothing


class NotAvailablePolicy(StrEnum):
    EXCLUDE = "exclude"  # no score; roll-up re-normalises the other weights
    ZERO = "zero"  # counts as a miss


@dataclass(frozen=True, slots=True)
class Band:
    """From ``minimum`` up (until the next band), the achievement counts as ``score``.

    ``score=None`` keeps the computed figure, so ``(Band(0.95, 1.0), Band(0.5, None),
    Band(0.0, 0.0))`` reads "at or above 95% counts 100%, below 50% counts 0".
    """

    minimum: float
    score: float | None


MILESTONE_UNITS = frozenset({"fasi", "fase", "milestone", "milestones", "stato di avanzamento"})


@dataclass(frozen=True, slots=True)
class ScoringRules:
    """The options of an SMVP. Defaults follow the seeds; each is one documented choice."""

    lower_is_better: LowerIsBetter = LowerIsBetter.RATIO
    equal_mode: EqualMode = EqualMode.DISTANCE
    equal_tolerance: float = 0.0  # relative to the target; 0.01 = within 1% is a hit
    bands: tuple[Band, ...] = ()  # kept sorted, highest minimum first
    deadline_grace_days: int = 0
    # None: late is 0%. A number N: from 100% at the deadline (plus grace) down to 0% N days on.
    deadline_zero_after_days: int | None = None
    milestone_stages: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    not_available: NotAvailablePolicy = NotAvailablePolicy.EXCLUDE
    cap: float = 1.0  # an SMVP that rewards over-achievement raises it (e.g. 1.2)
    milestone_units: frozenset[str] = field(default=MILESTONE_UNITS)

    def __post_init__(self) -> None:
        if self.cap < 1.0:
            raise ValueError("il tetto del raggiungimento non può essere sotto il 100%")
        if not 0.0 <= self.equal_tolerance < 1.0:
            raise ValueError("la tolleranza per «=» va espressa come frazione tra 0 e 1")
        if self.deadline_zero_after_days is not None and self.deadline_zero_after_days <= 0:
            raise ValueError("i giorni di scala per i ritardi devono essere positivi")
        ordered = tuple(sorted(self.bands, key=lambda b: b.minimum, reverse=True))
        object.__setattr__(self, "bands", ordered)  # frozen: set once, so scoring needn't sort
        if sorted(self.milestone_stages) != list(self.milestone_stages):
            raise ValueError("gli stadi delle milestone vanno elencati in ordine crescente")


DEFAULT_RULES = ScoringRules()

# Enum members bound once: scoring runs ~150.000 times for a national recompute.
_DATE, _ORDINAL, _ZERO = Kind.DATE, Kind.ORDINAL, NotAvailablePolicy.ZERO
_GE, _GT, _LE, _LT = Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT
_TRUTHY_KINDS = (Kind.BOOLEAN, Kind.DONE)
_NUMERIC_KINDS = frozenset({Kind.NUMBER, Kind.PERCENT, Kind.MONEY, Kind.FRACTION})


def score(
    actual: Value, target: Target, unit: str = "", rules: ScoringRules = DEFAULT_RULES
) -> float | None:
    """The achievement of ``actual`` against ``target`` as a fraction, or None for n.d."""
    return _score(actual, target, unit, rules)[0]


def explain_score(
    actual: Value, target: Target, unit: str = "", rules: ScoringRules = DEFAULT_RULES
) -> str:
    """One Italian sentence saying how the figure came about, for the "why 87%?" panels."""
    result, how = _score(actual, target, unit, rules)
    shown_actual, shown_target = format_value(actual), format_value(target.value)
    head = f"{shown_actual} rispetto al target {target.comparator} {shown_target}"
    return f"{head}: {how} → {format_percent(result)}"


def _score(
    actual: Value, target: Target, unit: str, rules: ScoringRules
) -> tuple[float | None, str]:
    # Every available kind carries a number (parse_value sees to it): None means n.d.
    goal = target.value
    if goal.number is None:
        return None, "target non disponibile, indicatore non valutabile"
    if actual.number is None:
        if rules.not_available is _ZERO:
            return 0.0, "valore non disponibile, conta come mancato per regola SMVP"
        return None, "valore non disponibile, escluso dal calcolo"
    goal_kind = goal.kind
    if goal_kind in _TRUTHY_KINDS:
        raw, how = _score_yes_no(actual, goal)
    elif goal_kind is _DATE:
        raw, how = _score_deadline(actual, target, rules)
    elif goal_kind is _ORDINAL:
        raw, how = _score_ordinal(actual, target)
    elif actual.kind in _NUMERIC_KINDS:
        raw, how = _score_number(actual.number, target.comparator, goal.number, rules)
        if unit and unit.strip().lower() in rules.milestone_units:
            stage = max((s for s in rules.milestone_stages if s <= raw + 1e-9), default=0.0)
            raw, how = stage, f"{how}, ridotto allo stadio di avanzamento raggiunto"
    else:
        raise ScoringError(
            f"il valore «{format_value(actual)}» non è confrontabile "
            f"con il target «{format_value(goal)}»"
        )
    return _apply_bands(raw, how, rules)


def _score_yes_no(actual: Value, goal: Value) -> tuple[float, str]:
    if actual.kind in _TRUTHY_KINDS or actual.kind is Kind.DATE:
        done = actual.kind is Kind.DATE or bool(actual.number)
        hit = done == bool(goal.number)
        return (1.0, "risultato conseguito") if hit else (0.0, "risultato non conseguito")
    raise ScoringError(f"il target è «{format_value(goal)}»: il valore deve essere si o no")


def _score_deadline(actual: Value, target: Target, rules: ScoringRules) -> tuple[float, str]:
    goal = target.value
    if goal.day is None:
        raise ScoringError("il target di tipo data non ha una data")
    if actual.kind in _TRUTHY_KINDS:  # done (or not), with no date given: taken as on time
        return (1.0, "realizzato") if actual.number else (0.0, "non realizzato")
    if actual.kind is not Kind.DATE or actual.day is None:
        raise ScoringError(f"il target è una data ({format_value(goal)}): il valore deve esserlo")
    if target.comparator in (Comparator.GE, Comparator.GT):  # "not before": rare, all or nothing
        hit = actual.day >= goal.day
        return (1.0, "data rispettata") if hit else (0.0, "data anticipata rispetto al vincolo")
    late = (actual.day - goal.day).days - rules.deadline_grace_days
    if late <= 0:
        return 1.0, "entro la scadenza"
    if rules.deadline_zero_after_days is None:
        return 0.0, f"oltre la scadenza di {late} giorni"
    share = max(0.0, 1.0 - late / rules.deadline_zero_after_days)
    return share, f"in ritardo di {late} giorni su {rules.deadline_zero_after_days} di scala"


def _score_ordinal(actual: Value, target: Target) -> tuple[float, str]:
    goal = target.value
    if actual.kind is not Kind.ORDINAL or actual.level is None or goal.level is None:
        raise ScoringError(f"il target è il giudizio «{format_value(goal)}»: serve un giudizio")
    a, t = actual.level + 1, goal.level + 1  # positions from 1, so the lowest level is not 0/0
    if target.comparator is Comparator.EQ:
        return (1.0, "giudizio atteso") if a == t else (min(a, t) / max(a, t), "giudizio diverso")
    if target.comparator in (Comparator.LE, Comparator.LT):
        return (1.0, "giudizio entro il livello") if a <= t else (t / a, f"livello {t} / {a}")
    return (1.0, "giudizio raggiunto") if a >= t else (a / t, f"livello {a} su {t} della scala")


def _score_number(
    a: float, comparator: Comparator, t: float, rules: ScoringRules
) -> tuple[float, str]:
    if comparator is _GE or comparator is _GT:
        if a >= t:
            if rules.cap > 1.0 and t > 0:
                return min(rules.cap, a / t), "valore / target"
            return 1.0, "target raggiunto"
        if t > 0 and a >= 0:
            return a / t, "valore / target"
        if t == 0:
            return 0.0, "sotto un target pari a zero"
        return max(0.0, 1.0 - (t - a) / abs(t)), "1 − scarto / |target|"
    if comparator is _LE or comparator is _LT:
        if a <= t:
            if rules.cap > 1.0 and a > 0:
                return min(rules.cap, t / a), "target / valore"
            return 1.0, "entro il target"
        if t <= 0:
            return (0.0, "oltre un target pari a zero") if t == 0 else (
                max(0.0, 1.0 - (a - t) / abs(t)),
                "1 − scarto / |target|",
            )
        if rules.lower_is_better is LowerIsBetter.LINEAR:
            return max(0.0, (2 * t - a) / t), "(2 × target − valore) / target"
        return t / a, "target / valore"
    # Comparator.EQ
    gap = abs(a - t)
    if gap <= rules.equal_tolerance * abs(t) + 1e-12:
        return 1.0, "valore pari al target"
    if rules.equal_mode is EqualMode.BINARY or t == 0:
        return 0.0, "valore diverso dal target"
    return max(0.0, 1.0 - gap / abs(t)), "1 − |valore − target| / |target|"


def _apply_bands(raw: float, how: str, rules: ScoringRules) -> tuple[float, str]:
    result = raw
    for band in rules.bands:
        if raw >= band.minimum:
            if band.score is not None:
                result = band.score
                how = f"{how}; fascia SMVP da {format_percent(band.minimum)}"
            break
    return max(0.0, min(rules.cap, result)), how


def rules_to_dict(rules: ScoringRules) -> dict[str, object]:
    """The rules as plain data, to store with a body and with every result set."""
    return {
        "lower_is_better": str(rules.lower_is_better),
        "equal_mode": str(rules.equal_mode),
        "equal_tolerance": rules.equal_tolerance,
        "bands": [[band.minimum, band.score] for band in rules.bands],
        "deadline_grace_days": rules.deadline_grace_days,
        "deadline_zero_after_days": rules.deadline_zero_after_days,
        "milestone_stages": list(rules.milestone_stages),
        "not_available": str(rules.not_available),
        "cap": rules.cap,
    }


def rules_from_dict(data: Mapping[str, Any]) -> ScoringRules:
    """Rules from stored data; missing keys take the defaults, unknown keys are refused."""
    unknown = set(data) - set(rules_to_dict(DEFAULT_RULES))
    if unknown:
        raise ValueError(f"opzioni SMVP sconosciute: {', '.join(sorted(unknown))}")
    try:
        return ScoringRules(
            lower_is_better=LowerIsBetter(data.get("lower_is_better", "ratio")),
            equal_mode=EqualMode(data.get("equal_mode", "distance")),
            equal_tolerance=float(data.get("equal_tolerance", 0.0)),
            bands=tuple(Band(float(m), None if s is None else float(s))
                        for m, s in data.get("bands", ())),
            deadline_grace_days=int(data.get("deadline_grace_days", 0)),
            deadline_zero_after_days=(
                None if data.get("deadline_zero_after_days") is None
                else int(data["deadline_zero_after_days"])
            ),
            milestone_stages=tuple(float(s) for s in data.get(
                "milestone_stages", DEFAULT_RULES.milestone_stages)),
            not_available=NotAvailablePolicy(data.get("not_available", "exclude")),
            cap=float(data.get("cap", 1.0)),
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"opzioni SMVP non valide: {error}") from None
