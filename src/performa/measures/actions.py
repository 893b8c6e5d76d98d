"""State changes of measuring, each owning its transaction, its permission check and its audit.

Views, the API and the CLI call these and nothing else, so the rules hold everywhere: only
the owning office (or its head, or the planning office) writes a value, only into an open
period; a value read before another person's save cannot overwrite it; every change leaves a
history row with who, when, old → new and why; results follow each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from performa.accounts import access
from performa.audit import account_of, record
from performa.engine.values import ValueParseError, format_value, parse_money, parse_value
from performa.plans.models import Indicator, OperationalObjective, Phase, Variable

from . import computing, locks, phases
from .models import (
    CHANGE_REASON_MAX_LENGTH,
    DEVIATION_MAX_LENGTH,
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    NOT_AVAILABLE_REASON_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    Deviation,
    IndicatorResult,
    MeasuredValue,
    Period,
    PhaseCompletion,
    ResourceUse,
    office_of,
    phase_key,
)

State = Period.State


class ConflictError(ValidationError):
    """Someone saved the value after it was read: the newer value is in ``current``."""

    def __init__(self, current: MeasuredValue, where: str = "") -> None:
        self.current = current
        who = current.author.get_username() if current.author else "un altro utente"
        when = timezone.localtime(current.updated_at)
        super().__init__(
            f"{where}Il valore è stato modificato da {who} alle {when:%H:%M del %d/%m/%Y}: "
            f"ora vale «{current.value_text}». Ricaricare la pagina e riprovare."
        )


@dataclass
class Entered:
    value: MeasuredValue
    result: Any  # the indicator results touched, for "saving shows the new achievement"


def _body(period: Period) -> Any:
    return period.cycle.body


@transaction.atomic
def enter_value(
    user: Any,
    period: Period,
    owner: Variable | Indicator,
    text: str,
    *,
    revision: int | None = None,
    note: str = "",
    reason: str = "",
    not_available_reason: str = "",
    evidence: UploadedFile | None = None,
    recompute: bool = True,
) -> Entered:
    """Store a value as typed (Italian numbers, n.d., si/no, dates) and recompute.

    ``revision`` is what the writer read: the value's revision, or 0 for "nothing yet". If
    the value moved on since (someone saved in between, or created it first), the save is a
    ConflictError showing the newer value. Only loaders that own the data outright — the demo,
    the administrator's values file — pass None and replace whatever is there (audited);
    people, on the pages and the API, always state what they read.
    """
    if revision is not None and revision < 0:
        raise ValidationError({"revision": "Revisione non valida."})
    state = locks.share_period(period.pk)
    body = _body(period)
    # The planning office enters any value: no need to look up whose it is.
    access.require(access.can_plan(user, body) or access.can_enter(user, body, office_of(owner)),
                   "Può inserire solo i valori del proprio ufficio.")
    _require_open(period, state)
    if isinstance(owner, Indicator):
        _require_typed(owner)
    unit = owner.unit
    try:
        value = parse_value(text, unit)
    except ValueParseError as error:
        raise ValidationError({"value": str(error)}) from None
    if not value.available and not not_available_reason.strip():
        raise ValidationError({"not_available_reason": "Indicare il motivo del valore n.d."})
    _check_lengths(note=note, not_available_reason=not_available_reason, reason=reason)
    if evidence is not None:
        _check_evidence(evidence)
    written = format_value(value) if value.available else "n.d."
    if len(written) > MeasuredValue._meta.get_field("value_text").max_length:
        raise ValidationError({"value": f"«{text[:20]}…»: valore troppo lungo, ridurre i "
                                        "decimali."})
    fields = {
        "value_text": written,
        "number": value.number,
        "not_available_reason": "" if value.available else not_available_reason.strip(),
        "note": note, "author": account_of(user),
    }
    stored = _write(user, period, owner, revision, fields, evidence, reason)
    if not recompute:  # a batch recomputes once at its end
        return Entered(stored, [])
    result_set, computed = computing.update_results(period, account_of(user))
    if computed is None:  # frozen: cannot happen on an open period, but say nothing moved
        return Entered(stored, [])
    name = owner.name if isinstance(owner, Variable) else computing.direct_name(owner)
    # The rows just written, from the computation that wrote them: no need to read them back.
    return Entered(stored, [
        IndicatorResult(result_set=result_set, indicator=computed.inputs.indicators[int(key)],
                        **computing.indicator_fields(period, computed, key))
        for key in computed.computation.readers(name)
    ])


def _write(user: Any, period: Period, owner: Variable | Indicator, revision: int | None,
           fields: dict[str, Any], evidence: UploadedFile | None, reason: str) -> MeasuredValue:
    """Insert or update the value row, refusing a write built on a stale reading.

    The database arbitrates, not this code: of two first saves the unique constraint lets one
    in, of two updates from one revision the conditional UPDATE does. Either loser sees the
    winner's value in its ConflictError.
    """
    # An indicator's value follows it across plan amendments (same lineage, new row).
    lookup: dict[str, Any] = (
        {"variable": owner} if isinstance(owner, Variable)
        else {"indicator__lineage": owner.lineage}
    )
    existing = MeasuredValue.objects.filter(period=period, **lookup).order_by("pk").first()
    if existing is None:
        if revision:
            raise ValidationError("Il valore da modificare non esiste più: ricaricare la pagina.")
        owner_field = "variable" if isinstance(owner, Variable) else "indicator"
        stored = MeasuredValue(period=period, **{owner_field: owner}, **fields)
    else:
        seen = existing.revision if revision is None else revision
        # Claim the next revision atomically: of two saves built on the same revision, the
        # database lets exactly one through, on SQLite as on PostgreSQL.
        if not MeasuredValue.objects.filter(pk=existing.pk, revision=seen).update(
                revision=seen + 1):
            existing.refresh_from_db()
            raise ConflictError(existing)
        stored = existing
        for name, field_value in fields.items():
            setattr(stored, name, field_value)
        if isinstance(owner, Indicator):
            stored.indicator = owner  # the plan version in force now
        stored.revision = seen + 1
    if evidence is not None:
        stored.evidence = evidence
    record(stored, user, reason)
    if existing is not None:  # the revision claimed above: nobody else can write this row
        stored.save()
        return stored
    try:
        with transaction.atomic():  # a savepoint: the loser's transaction goes on
            stored.save()
    except IntegrityError:  # another first save of this value got in before this one
        raise ConflictError(MeasuredValue.objects.get(period=period, **lookup)) from None
    return stored


def _require_typed(indicator: Indicator) -> None:
    """Refuse a value for an indicator the engine computes: the results would ignore it (the
    formula or the budget wins), yet the page, the history and an export would show it.

    Here, not in each caller, because every write goes through this action: the entry page,
    the API and the values file all get the same refusal.
    """
    if indicator.formula:
        raise ValidationError({"value": f"«{indicator.name}» si calcola con una formula: "
                                        "inserire le variabili."})
    if computing.uses_resources(indicator):
        raise ValidationError({"value": f"«{indicator.name}» si calcola dalle risorse "
                                        "utilizzate e da quelle stanziate a budget: registrare "
                                        "l'utilizzo delle risorse della scheda."})


def _require_open(period: Period, state: str) -> None:
    """Closed means closed for every write: values, deviations, spending. Reopening is the
    planning office's act, with a reason, in the period's history."""
    if state != State.OPEN:
        raise ValidationError(f"La rilevazione «{period}» non è aperta all'inserimento: "
                              "chiedere al controllo di gestione di riaprirla.")




_LIMITS = {
    "note": (NOTE_MAX_LENGTH, "La nota"),
    "not_available_reason": (NOT_AVAILABLE_REASON_MAX_LENGTH, "Il motivo del valore n.d."),
    "reason": (CHANGE_REASON_MAX_LENGTH, "Il motivo della modifica"),
    "text": (DEVIATION_MAX_LENGTH, "La motivazione dello scostamento"),
}


def _check_lengths(**texts: str) -> None:
    """One limit per field (measures.models), the same whichever way the text came in: the
    API's schemas declare these numbers, but the pages and the values file only meet them
    here."""
    for field, text in texts.items():
        limit, what = _LIMITS[field]
        if len(text) > limit:
            raise ValidationError({field: f"{what} può avere al massimo {limit:,} caratteri "
                                          f"(ne ha {len(text):,}).".replace(",", ".")})


def _check_evidence(upload: UploadedFile) -> None:
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_EXTENSIONS:
        raise ValidationError({"evidence": f"Tipo di file «{extension or name}» non ammesso: "
                                           f"{', '.join(EVIDENCE_EXTENSIONS)}."})
    if (upload.size or 0) > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": f"Il file «{name}» supera i "
                                           f"{EVIDENCE_MAX_BYTES // 2**20} MB consentiti: "
                                           "ridurlo (ad esempio un PDF a risoluzione minore) "
                                           "o dividerlo."})
    head = upload.read(5)
    upload.seek(0)
    if extension == "pdf" and head != b"%PDF-":
        raise ValidationError({"evidence": "Il file non è un PDF valido."})


@transaction.atomic
def record_resource_use(user: Any, period: Period, objective: OperationalObjective,
                        amount: str, reason: str = "", recompute: bool = True) -> ResourceUse:
    state = locks.share_period(period.pk)
    access.require(access.can_plan(user, _body(period)))
    _require_open(period, state)
    try:
        used = parse_money(amount)
    except ValueParseError as error:
        raise ValidationError({"used": str(error)}) from None
    if used is None or used < 0:
        raise ValidationError({"used": "Indicare un importo non negativo."})
    use = ResourceUse.objects.filter(period=period, objective__code=objective.code).first()
    if use is None:
        use = ResourceUse(period=period, objective=objective)
    use.objective = objective  # the plan version in force now
    use.used = used
    use.author = account_of(user)
    record(use, user, reason)
    use.save()
    if recompute:
        computing.store_results(period, account_of(user))
    return use


DATE_FORMAT_HINT = "scriverla come gg/mm/aaaa"


@transaction.atomic
def record_phase_completion(user: Any, phase: Phase, text: str,
                            reason: str = "") -> PhaseCompletion | None:
    """Record the day ``phase`` was completed (``text`` as typed, «20/06/2022»), once for the
    cycle; a blank ``text`` takes a recorded completion back. Who enters the objective's
    values may do it; the day cannot be after today. None when nothing is recorded."""
    access.require(phases.may_record(user, phase),
                   "Solo chi rileva i valori dell'obiettivo registra il completamento delle "
                   "sue fasi.")
    _check_lengths(reason=reason)
    cycle = phase.version.cycle
    typed = text.strip()
    found = PhaseCompletion.objects.select_for_update().filter(
        cycle=cycle, **phase_key(phase)).first()
    if not typed:
        if found is not None:
            record(found, user, reason)
            found.delete()
        return None
    try:
        value = parse_value(typed, "data")
    except ValueParseError as error:
        raise ValidationError({"completed_on": f"«{typed}» non è una data ({error.reason}): "
                                               f"{DATE_FORMAT_HINT}."}) from None
    if value.day is None:
        raise ValidationError({"completed_on": f"«{typed}» non è una data: "
                                               f"{DATE_FORMAT_HINT}."})
    today = timezone.localdate()
    if value.day > today:
        raise ValidationError({"completed_on": "La fase non può risultare completata dopo "
                                               f"oggi ({today:%d/%m/%Y})."})
    completion = found or PhaseCompletion(cycle=cycle, **phase_key(phase))
    if found is not None and found.completed_on == value.day:
        return found
    completion.completed_on, completion.author = value.day, account_of(user)
    record(completion, user, reason)
    try:
        with transaction.atomic():
            completion.save()
    except IntegrityError:  # a first completion recorded meanwhile by someone else
        raise ValidationError({"completed_on": "Un'altra persona ha appena registrato il "
                                               "completamento: ricaricare la pagina."}) from None
    return completion


@transaction.atomic
def explain_deviation(user: Any, period: Period, indicator: Indicator, text: str) -> Deviation:
    """A head of area (or the planning office) explains why an indicator missed its target."""
    state = locks.share_period(period.pk)
    access.require(access.can_enter(user, _body(period), office_of(indicator)))
    _require_open(period, state)
    if not text.strip():
        raise ValidationError({"text": "Scrivere la motivazione dello scostamento."})
    _check_lengths(text=text.strip())
    deviation = Deviation.objects.filter(period=period, indicator=indicator).first() or \
        Deviation(period=period, indicator=indicator)
    deviation.text, deviation.author = text.strip(), account_of(user)
    record(deviation, user, "")
    deviation.save()
    return deviation


@transaction.atomic
def create_period(user: Any, cycle: Any, date: Any, label: str = "",
                  deadline: Any = None) -> Period:
    """A new rilevazione of the cycle, planned until the planning office opens it."""
    access.require(access.can_plan(user, cycle.body),
                   "Solo il controllo di gestione crea le rilevazioni.")
    period = Period(cycle=cycle, date=date, label=label, deadline=deadline)
    period.full_clean()
    record(period, user, "")
    period.save()
    return period


def missing_deviations(period: Period) -> list[Indicator]:
    """Indicators below 100% at the year end with no written explanation."""
    result_set = computing.store_results(period)
    explained = set(period.deviations.values_list("indicator_id", flat=True))
    return [
        r.indicator for r in result_set.indicators.select_related("indicator")
        if r.achievement is not None and r.achievement < 1 and r.indicator_id not in explained
    ]


_MOVES = {
    (State.PLANNED, State.OPEN), (State.OPEN, State.CLOSED), (State.CLOSED, State.VALIDATED),
    (State.CLOSED, State.OPEN), (State.VALIDATED, State.OPEN), (State.VALIDATED, State.CLOSED),
}


@transaction.atomic
def move_period(user: Any, period: Period, state: str, reason: str = "") -> Period:
    """planned → open → closed → validated; going back (reopening) needs a reason."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    body = _body(period)
    target = State(state)
    if (State(period.state), target) not in _MOVES:
        raise ValidationError(f"Passaggio da «{period.get_state_display()}» a "
                              f"«{target.label}» non previsto.")
    if target == State.VALIDATED:
        access.require(access.can_validate(user, body), "Solo l'OIV valida la rilevazione.")
    else:
        access.require(access.can_plan(user, body),
                       "Solo il controllo di gestione apre e chiude le rilevazioni.")
    reopening = period.state == State.VALIDATED or (
        target == State.OPEN and period.state == State.CLOSED
    )
    _check_lengths(reason=reason)
    if reopening and not reason.strip():
        raise ValidationError({"reason": "Per riaprire una rilevazione serve una motivazione."})
    if target == State.CLOSED and period.year_end and body.deviation_required:
        missing = missing_deviations(period)
        if missing:
            names = "; ".join(f"«{i.name}»" for i in missing[:10])
            more = f" e altri {len(missing) - 10}" if len(missing) > 10 else ""
            raise ValidationError(f"Mancano le motivazioni dello scostamento per {len(missing)} "
                                  f"indicatori sotto il 100%: {names}{more}.")
    result_set = computing.store_results(period, account_of(user))
    if target == State.VALIDATED:
        result_set.frozen = True
        result_set.save(update_fields=["frozen"])
    elif period.state == State.VALIDATED:
        result_set.frozen = False  # reopened: results follow values again until revalidated
        result_set.save(update_fields=["frozen"])
    period.state = target
    record(period, user, reason)
    period.save(update_fields=["state"])
    return period


@transaction.atomic
def recompute(user: Any, period: Period, reason: str, rules: Any = None) -> Any:
    """An explicit recompute, e.g. of a validated period under new SMVP rules: a new result
    set, the previous kept as history; refused without a reason."""
    access.require(access.can_plan(user, _body(period)))
    if not reason.strip():
        raise ValidationError({"reason": "Indicare il motivo del ricalcolo."})
    _check_lengths(reason=reason)
    return computing.store_results(period, account_of(user), reason=reason, new_set=True,
                                   rules=rules)


def require_reader(user: Any, period: Period) -> None:
    if not access.can_read(user, _body(period)):
        raise PermissionDenied
