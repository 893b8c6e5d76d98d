"""Measuring: periods (rilevazioni), values as offices type them, and computed results.

Values are stored as typed (``value_text``) next to the number the engine reads, with author,
time, note and evidence; each change is a history row (who, when, old → new, why) and each
save carries a revision number so two people never silently overwrite each other. Results
are derived from plan + values + rules and are stored per *result set*: the current set of
a period is recomputed as values change, until the OIV validates the period and the set is
frozen; a recompute of a validated period with new rules is a new set, never an edit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from simple_history.models import HistoricalRecords

from performa.engine.values import format_money
from performa.plans.models import (
    Body,
    Cycle,
    Indicator,
    OperationalObjective,
    OrgUnit,
    Phase,
    PlanVersion,
    Variable,
)

# What people type and attach, one limit per field. The actions (performa.measures.actions)
# check them, being the one place the pages, the API and the values file all go through; the
# API schemas declare the same numbers (docs/openapi.json), the entry form's inputs carry them
# as maxlength, and the upload handler (performa.web.uploads) stops reading an evidence file
# at EVIDENCE_MAX_BYTES, so an oversized one is never written to disk.
NOTE_MAX_LENGTH = 2000
NOT_AVAILABLE_REASON_MAX_LENGTH = 300
DEVIATION_MAX_LENGTH = 4000
# The reason of a change lands in the history row's history_change_reason, which
# django-simple-history makes a 100-character column (PostgreSQL refuses anything longer).
CHANGE_REASON_MAX_LENGTH = 100
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# The evidence types accepted, with the content type a download is served as: taken from the
# extension checked at upload time (kept by the stored name), never from the client's header.
EVIDENCE_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
EVIDENCE_EXTENSIONS = list(EVIDENCE_TYPES)


class Period(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", "Programmata"
        OPEN = "open", "Aperta"
        CLOSED = "closed", "Chiusa"
        VALIDATED = "validated", "Validata"

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="periods",
                              verbose_name="ciclo")
    date = models.DateField("data di riferimento")  # 30/06, 30/09, 31/12 or custom
    label = models.CharField("denominazione", max_length=60, blank=True)
    deadline = models.DateField("scadenza inserimento dati", null=True, blank=True)
    state = models.CharField("stato", max_length=10, choices=State.choices,
                             default=State.PLANNED)
    demo = models.BooleanField("dati dimostrativi", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "rilevazione"
        verbose_name_plural = "rilevazioni"
        ordering = ["cycle", "date"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "date"], name="period_date_per_cycle")
        ]

    def __str__(self) -> str:
        return self.label or f"Rilevazione al {self.date:%d/%m/%Y}"

    @property
    def year_end(self) -> bool:
        return self.date.month == 12 and self.date.day == 31

    def clean(self) -> None:
        if self.date and self.cycle_id and self.date.year != self.cycle.year:
            raise ValidationError({"date": "La data deve cadere nell'anno del ciclo."})
        if self.deadline and self.date and self.deadline < self.date:
            raise ValidationError({"deadline": "La scadenza non può precedere la data."})


def evidence_path(instance: MeasuredValue, filename: str) -> str:
    return f"evidence/{instance.period.cycle.body_id}/{instance.period_id}/{filename}"


class MeasuredValue(models.Model):
    """A value for a variable, or for an indicator measured directly (no formula)."""

    period = models.ForeignKey(Period, models.CASCADE, related_name="values",
                               verbose_name="rilevazione")
    variable = models.ForeignKey(Variable, models.CASCADE, null=True, blank=True,
                                 related_name="values", verbose_name="variabile")
    indicator = models.ForeignKey(Indicator, models.CASCADE, null=True, blank=True,
                                  related_name="values", verbose_name="indicatore")
    value_text = models.CharField("valore (come scritto)", max_length=60)
    number = models.FloatField("valore", null=True, blank=True)  # None: n.d.
    not_available_reason = models.CharField("motivo n.d.",
                                            max_length=NOT_AVAILABLE_REASON_MAX_LENGTH,
                                            blank=True)
    note = models.TextField("nota", blank=True)
    evidence = models.FileField(
        "documento a supporto", upload_to=evidence_path, blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name="autore")
    updated_at = models.DateTimeField("aggiornato il", auto_now=True)
    revision = models.PositiveIntegerField("revisione", default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "valore rilevato"
        verbose_name_plural = "valori rilevati"
        ordering = ["period", "variable__name", "indicator__order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(variable__isnull=True) ^ models.Q(indicator__isnull=True),
                name="value_of_variable_xor_indicator",
            ),
            models.UniqueConstraint(fields=["period", "variable"], name="value_per_variable",
                                    condition=models.Q(variable__isnull=False)),
            models.UniqueConstraint(fields=["period", "indicator"], name="value_per_indicator",
                                    condition=models.Q(indicator__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.variable or self.indicator}: {self.value_text}"

    @property
    def evidence_type(self) -> str:
        """The content type the evidence is served as, from its (checked) extension."""
        extension = self.evidence.name.rsplit(".", 1)[-1].lower() if self.evidence else ""
        return EVIDENCE_TYPES.get(extension, "application/octet-stream")


class SourceResult(models.Model):
    """An indicator's figures for a period as a document printed them (a monitoring report, a
    PIRA a consuntivo), kept beside Performa's own to compare: the document's achievement, and
    its value (for an indicator Performa computes, the only place that value is kept — the
    value Performa scores is the measured one, ``MeasuredValue``, or its own computation).

    Found by the indicator's lineage, like values, so it follows the indicator into a new plan
    version.
    """

    period = models.ForeignKey(Period, models.CASCADE, related_name="source_results",
                               verbose_name="rilevazione")
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="source_results",
                                  verbose_name="indicatore")
    value_text = models.CharField("valore nel documento", max_length=60, blank=True)
    achievement_text = models.CharField("raggiungimento nel documento (come stampato)",
                                        max_length=30, blank=True)
    achievement = models.FloatField("raggiungimento nel documento", null=True, blank=True)
    document = models.CharField("documento", max_length=200)
    line = models.PositiveIntegerField("riga del documento")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name="autore")
    updated_at = models.DateTimeField("aggiornato il", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "risultato nel documento di origine"
        verbose_name_plural = "risultati nei documenti di origine"
        ordering = ["period", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator"],
                                    name="source_result_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.achievement_text or self.value_text} ({self.document})"

    def gap(self, achievement: float | None) -> float | None:
        """Performa's ``achievement`` minus the document's, in points (None: either is n.d.)."""
        if self.achievement is None or achievement is None:
            return None
        return round((achievement - self.achievement) * 100, 6)

    def differs_from(self, achievement: float | None) -> bool:
        """Whether Performa's achievement and the document's differ by more than one point
        (documents print whole points, so rounding alone stays within one): the card flags
        it."""
        gap = self.gap(achievement)
        return gap is not None and abs(gap) > 1


class Deviation(models.Model):
    """The written explanation (scostamento) of an indicator below target at a period."""

    period = models.ForeignKey(Period, models.CASCADE, related_name="deviations",
                               verbose_name="rilevazione")
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="deviations",
                                  verbose_name="indicatore")
    text = models.TextField("motivazione dello scostamento")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name="autore")
    updated_at = models.DateTimeField("aggiornato il", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "scostamento"
        verbose_name_plural = "scostamenti"
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator"], name="deviation_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.text[:60]}"


class ResourceUse(models.Model):
    """Resources used so far by an objective: with its budget, the *grado di utilizzo*."""

    period = models.ForeignKey(Period, models.CASCADE, related_name="resource_uses",
                               verbose_name="rilevazione")
    objective = models.ForeignKey(OperationalObjective, models.CASCADE,
                                  related_name="resource_uses",
                                  verbose_name="obiettivo operativo")
    used = models.DecimalField("risorse utilizzate (€)", max_digits=14, decimal_places=2)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name="autore")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "utilizzo delle risorse"
        verbose_name_plural = "utilizzo delle risorse"
        constraints = [
            models.UniqueConstraint(fields=["period", "objective"], name="use_per_objective")
        ]

    def __str__(self) -> str:
        return f"{self.objective.code}: {format_money(self.used)}"


class PhaseCompletion(models.Model):
    """The day a phase of the plan was actually completed: measured once per cycle, not per
    period, and judged against the phase's milestone (``engine.phases``).

    A phase is found by its objective's code and its own title, as spending follows the
    objective's code: the record holds across amendments, which copy the phases anew.
    """

    class Level(models.TextChoices):
        STRATEGIC = "strategic", "Obiettivo strategico"
        OPERATIONAL = "operational", "Obiettivo operativo"

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="phase_completions",
                              verbose_name="ciclo")
    level = models.CharField("livello", max_length=12, choices=Level.choices)
    objective_code = models.CharField("codice dell'obiettivo", max_length=30)
    phase_title = models.CharField("fase", max_length=400)
    completed_on = models.DateField("completata il")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name="autore")
    updated_at = models.DateTimeField("aggiornato il", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "completamento di una fase"
        verbose_name_plural = "completamenti delle fasi"
        ordering = ["cycle", "level", "objective_code", "phase_title"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "level", "objective_code", "phase_title"],
                                    name="completion_per_phase")
        ]

    def __str__(self) -> str:
        return f"{self.objective_code} «{self.phase_title}»: {self.completed_on:%d/%m/%Y}"


def phase_key(phase: Phase) -> dict[str, object]:
    """What finds a phase's completion in its cycle, whichever plan version is read."""
    if phase.strategic_objective_id:
        level, code = PhaseCompletion.Level.STRATEGIC, phase.strategic_objective.code
    else:
        level = PhaseCompletion.Level.OPERATIONAL
        code = phase.operational_objective.code  # type: ignore[union-attr]
    return {"level": level, "objective_code": code, "phase_title": phase.title}


class ResultSet(models.Model):
    """The results of one period computed under one set of rules; frozen once validated."""

    period = models.ForeignKey(Period, models.CASCADE, related_name="result_sets",
                               verbose_name="rilevazione")
    version = models.ForeignKey(PlanVersion, models.RESTRICT, related_name="+",
                                verbose_name="versione del piano")
    rules = models.JSONField("regole SMVP applicate", default=dict)
    current = models.BooleanField("in vigore", default=True)
    frozen = models.BooleanField("congelato (validato)", default=False)
    reason = models.CharField("motivo del ricalcolo", max_length=300, blank=True)
    created_at = models.DateTimeField("calcolato il", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name="calcolato da")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "insieme di risultati"
        verbose_name_plural = "insiemi di risultati"
        ordering = ["period", "-created_at"]

    def __str__(self) -> str:
        state = "validato" if self.frozen else ("in vigore" if self.current else "storico")
        return f"Risultati {self.period} ({state})"


class IndicatorResult(models.Model):
    result_set = models.ForeignKey(ResultSet, models.CASCADE, related_name="indicators",
                                   verbose_name="insieme di risultati")
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="results",
                                  verbose_name="indicatore")
    value = models.FloatField("valore", null=True)
    display = models.CharField("valore mostrato", max_length=60)
    achievement = models.FloatField("grado di raggiungimento", null=True)
    projection = models.FloatField("proiezione a fine anno", null=True)
    projected_achievement = models.FloatField("raggiungimento proiettato", null=True)
    at_risk = models.BooleanField("a rischio", default=False)
    error = models.CharField("errore", max_length=300, blank=True)
    how = models.CharField("come è calcolato", max_length=500, blank=True)

    class Meta:
        verbose_name = "risultato di indicatore"
        verbose_name_plural = "risultati degli indicatori"
        constraints = [
            models.UniqueConstraint(fields=["result_set", "indicator"],
                                    name="result_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.display}"


class NodeResult(models.Model):
    """A rolled-up figure (objective, area, body, or org unit) with its explanation."""

    class Tree(models.TextChoices):
        STRATEGY = "strategy", "Albero della performance"
        ORGANISATION = "organisation", "Struttura organizzativa"

    result_set = models.ForeignKey(ResultSet, models.CASCADE, related_name="nodes",
                                   verbose_name="insieme di risultati")
    tree = models.CharField("albero", max_length=12, choices=Tree.choices)
    key = models.CharField("nodo", max_length=60)  # "op:01_01_02", "so:01_01", "unit:12"
    label = models.CharField("denominazione", max_length=400)
    achievement = models.FloatField("grado di raggiungimento", null=True)
    explanation = models.JSONField("spiegazione", default=dict)

    class Meta:
        verbose_name = "risultato aggregato"
        verbose_name_plural = "risultati aggregati"
        constraints = [
            models.UniqueConstraint(fields=["result_set", "tree", "key"],
                                    name="result_per_node")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.achievement}"


def office_of(value_owner: Variable | Indicator) -> OrgUnit | None:
    """The office that owns a value: the variable's, or the measuring office of an indicator
    (falling back to the first office of its objective)."""
    if isinstance(value_owner, Variable):
        return value_owner.office
    if value_owner.office_id:
        return value_owner.office
    return value_owner.operational_objective.offices.first()


class BulkUpload(models.Model):
    """A bulk value upload through the API, remembered under the client's idempotency key.

    An integration that times out retries: the same key with the same content answers with
    the stored response and stores nothing twice; the same key with other content is refused.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+",
                             verbose_name="utente")
    period = models.ForeignKey(Period, models.CASCADE, related_name="bulk_uploads",
                               verbose_name="rilevazione")
    key = models.CharField("chiave di idempotenza", max_length=200)
    digest = models.CharField("impronta del contenuto", max_length=64)
    response = models.JSONField("risposta", default=dict)
    created_at = models.DateTimeField("ricevuto il", auto_now_add=True)

    class Meta:
        verbose_name = "caricamento massivo"
        verbose_name_plural = "caricamenti massivi"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="bulk_upload_key_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.period})"


class InputsRevision(models.Model):
    """Moves whenever something a period's computation reads besides the plan version changes
    (the body, its units, a card's offices, the cycle's variables), so every process knows
    that a computation it kept (``live``) is out of date.

    Not on ``Body``: it is coordination between processes, not the body's data — no history,
    no backup, no admin.
    """

    body = models.OneToOneField(Body, models.CASCADE, primary_key=True,
                                related_name="inputs_revision")
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "revisione degli input di calcolo"
        verbose_name_plural = "revisioni degli input di calcolo"

    def __str__(self) -> str:
        return f"{self.body} ({self.revision})"
