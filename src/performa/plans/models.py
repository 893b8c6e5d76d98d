"""The planning side: bodies, organisation, cycles, plan versions and the performance tree.

Values (baselines, targets, weights) are stored as the planning office writes them and read
by the engine, so what a document printed is what the app shows; the parsed weight is kept
alongside for roll-ups. An adopted version is frozen: its tree refuses changes, and an
amendment starts a new draft copied from it (``actions.amend``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from performa.catalog.models import CatalogIndicator, InstitutionalFunction, Mission, Programme
from performa.engine.scoring import ScoringRules, rules_from_dict
from performa.engine.values import format_money


class Body(models.Model):
    """An ente; a body born of a merger keeps its predecessors as bodies ``merged_into`` it."""

    name = models.CharField("denominazione", max_length=200, unique=True)
    short_name = models.CharField("nome breve", max_length=60, blank=True)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="legacy_bodies",
        verbose_name="accorpato in",
    )
    # Level names vary per body (Ambito / Area strategica, Progetto / Obiettivo operativo).
    area_label = models.CharField("nome livello 1", max_length=60, default="Ambito strategico")
    strategic_label = models.CharField(
        "nome livello 2", max_length=60, default="Obiettivo strategico"
    )
    operational_label = models.CharField(
        "nome livello 3", max_length=60, default="Obiettivo operativo"
    )
    action_label = models.CharField("nome livello 4", max_length=60, default="Azione")
    # The SMVP options (performa.engine.scoring.ScoringRules as a dict; empty = defaults).
    scoring_rules = models.JSONField("regole SMVP", default=dict, blank=True)
    deviation_required = models.BooleanField(
        "scostamento motivato obbligatorio a fine anno", default=True,
        help_text="Un indicatore sotto il 100% al 31/12 richiede la motivazione prima della "
                  "chiusura della rilevazione.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ente"
        verbose_name_plural = "enti"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def rules(self) -> ScoringRules:
        return rules_from_dict(self.scoring_rules)


class OrgUnit(models.Model):
    class Kind(models.TextChoices):
        AREA = "area", "Area"
        OFFICE = "office", "Ufficio"

    body = models.ForeignKey(Body, models.CASCADE, related_name="org_units", verbose_name="ente")
    name = models.CharField("denominazione", max_length=300)
    kind = models.CharField("tipo", max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", models.RESTRICT, null=True, blank=True, related_name="children",
        verbose_name="area di appartenenza",
    )
    fte = models.DecimalField("FTE", max_digits=8, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "unità organizzativa"
        verbose_name_plural = "unità organizzative"
        ordering = ["body", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "kind", "name"], name="org_unit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.body_id != self.body_id:
            raise ValidationError({"parent": "L'area deve appartenere allo stesso ente."})
        if self.kind == self.Kind.AREA and self.parent_id:
            raise ValidationError({"parent": "Un'area non può stare dentro un'altra unità."})


class CostCentre(models.Model):
    body = models.ForeignKey(Body, models.CASCADE, related_name="cost_centres",
                             verbose_name="ente")
    code = models.CharField("codice", max_length=20)  # "C003", "D003"
    name = models.CharField("denominazione", max_length=200)

    class Meta:
        verbose_name = "centro di costo"
        verbose_name_plural = "centri di costo"
        ordering = ["body", "code"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="cost_centre_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Cycle(models.Model):
    body = models.ForeignKey(Body, models.CASCADE, related_name="cycles", verbose_name="ente")
    year = models.PositiveSmallIntegerField("anno")
    first_year = models.PositiveSmallIntegerField("triennio: primo anno")
    last_year = models.PositiveSmallIntegerField("triennio: ultimo anno")

    class Meta:
        verbose_name = "ciclo"
        verbose_name_plural = "cicli"
        ordering = ["body", "-year"]
        constraints = [models.UniqueConstraint(fields=["body", "year"], name="cycle_per_year")]

    def __str__(self) -> str:
        return f"{self.body} {self.year} ({self.first_year}-{self.last_year})"

    def clean(self) -> None:
        if not self.first_year <= self.year <= self.last_year:
            raise ValidationError("L'anno deve cadere nel triennio.")

    def current_version(self) -> PlanVersion | None:
        """The plan in force: the last adopted version."""
        return (
            self.versions.filter(status=PlanVersion.Status.ADOPTED).order_by("-number").first()
        )


class PlanVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Bozza"
        ADOPTED = "adopted", "Adottato"
        SUPERSEDED = "superseded", "Sostituito"

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="versions",
                              verbose_name="ciclo")
    number = models.PositiveSmallIntegerField("versione", default=1)
    title = models.CharField("titolo", max_length=200, blank=True)
    status = models.CharField("stato", max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    organ = models.CharField("organo", max_length=60, blank=True)  # Giunta, Consiglio
    resolution_number = models.CharField("delibera n.", max_length=30, blank=True)
    resolution_date = models.DateField("delibera del", null=True, blank=True)
    based_on = models.ForeignKey(
        "self", models.RESTRICT, null=True, blank=True, related_name="amendments",
        verbose_name="aggiorna la versione",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "versione del piano"
        verbose_name_plural = "versioni del piano"
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="version_number_per_cycle")
        ]

    def __str__(self) -> str:
        resolution = f", delibera {self.resolution_number}" if self.resolution_number else ""
        return f"{self.title or 'Piano'} v{self.number} ({self.get_status_display()}{resolution})"

    @property
    def frozen(self) -> bool:
        return self.status != self.Status.DRAFT


FROZEN_MESSAGE = "Il piano è adottato e non si può modificare: avviare un aggiornamento."


class FrozenVersionError(ValidationError):
    def __init__(self, message: str = FROZEN_MESSAGE) -> None:
        super().__init__(message)


class VersionedQuerySet(models.QuerySet):
    """Bulk writes bypass ``save()``; refuse them on frozen versions as well."""

    def _refuse_frozen(self) -> None:
        frozen = self.exclude(version__status=PlanVersion.Status.DRAFT)
        if frozen.exists():
            raise FrozenVersionError()

    def update(self, **kwargs: object) -> int:
        self._refuse_frozen()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_frozen()
        return super().delete()

    def _refuse_frozen_rows(self, rows: Iterable[VersionedModel]) -> None:
        versions = {row.version_id for row in rows}
        if PlanVersion.objects.filter(pk__in=versions).exclude(
            status=PlanVersion.Status.DRAFT
        ).exists():
            raise FrozenVersionError()

    def bulk_create(self, objs: Iterable[VersionedModel], *args: Any,  # type: ignore[override]
                    **kwargs: Any) -> list[VersionedModel]:
        rows = list(objs)
        self._refuse_frozen_rows(rows)
        return super().bulk_create(rows, *args, **kwargs)

    def bulk_update(self, objs: Iterable[VersionedModel], *args: Any,  # type: ignore[override]
                    **kwargs: Any) -> int:
        rows = list(objs)
        self._refuse_frozen_rows(rows)
        return super().bulk_update(rows, *args, **kwargs)


class VersionedModel(models.Model):
    """A piece of one plan version: frozen once the version is adopted.

    Loaders build a version as a draft and adopt it at the end, so nothing needs a way round.
    The check reads the version's status from the database, not from a cached instance that
    may be older than another user's adoption.
    """

    version = models.ForeignKey(PlanVersion, models.CASCADE, related_name="+",
                                verbose_name="versione")
    order = models.PositiveIntegerField("ordine", default=0)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order"]

    def save(self, *args: object, **kwargs: object) -> None:
        self._check_writable()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        self._check_writable()
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]

    def _check_writable(self) -> None:
        if self.version_id and PlanVersion.objects.filter(
            pk=self.version_id
        ).exclude(status=PlanVersion.Status.DRAFT).exists():
            raise FrozenVersionError()


class StrategicArea(VersionedModel):
    code = models.CharField("codice", max_length=20)
    title = models.CharField("titolo", max_length=400)
    history = HistoricalRecords()

    class Meta(VersionedModel.Meta):
        verbose_name = "ambito strategico"
        verbose_name_plural = "ambiti strategici"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="area_code_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Classification(models.TextChoices):
    """Who put an objective under its mission and programme."""

    SOURCE = "", "Documento di origine"
    PERFORMA = "performa", "Performa (dalla funzione dell'Area)"


class PlanProgramme(VersionedModel):
    """A spending programme as the body describes it in one plan version (DM 27/03/2013)."""

    programme = models.ForeignKey(Programme, models.PROTECT, related_name="+",
                                  verbose_name="programma")
    title = models.CharField("titolo (come scritto)", max_length=400, blank=True)
    narrative = models.TextField("descrizione del programma", blank=True)
    stakeholders = models.TextField("portatori d'interesse", blank=True)
    benefits = models.TextField("benefici attesi", blank=True)
    classified_by = models.CharField("classificazione", max_length=10, blank=True,
                                     choices=Classification.choices)
    history = HistoricalRecords()

    class Meta(VersionedModel.Meta):
        verbose_name = "programma del piano"
        verbose_name_plural = "programmi del piano"
        constraints = [
            models.UniqueConstraint(fields=["version", "programme"],
                                    name="programme_once_per_version")
        ]

    def __str__(self) -> str:
        return str(self.programme)


class StrategicObjective(VersionedModel):
    class Perspective(models.TextChoices):
        STAKEHOLDERS = "stakeholders", "Imprese, territorio e consumatori"
        PROCESSES = "processes", "Processi interni"
        GROWTH = "growth", "Innovazione e crescita"
        FINANCE = "finance", "Economico-finanziaria"

    area = models.ForeignKey(StrategicArea, models.CASCADE, related_name="objectives",
                             verbose_name="ambito strategico")
    code = models.CharField("codice", max_length=20)
    title = models.CharField("titolo", max_length=400)
    mission = models.ForeignKey(Mission, models.PROTECT, null=True, blank=True,
                                verbose_name="missione")
    programme = models.ForeignKey(Programme, models.PROTECT, null=True, blank=True,
                                  verbose_name="programma")
    function = models.ForeignKey(InstitutionalFunction, models.PROTECT, null=True, blank=True,
                                 verbose_name="funzione istituzionale (DPR 254/2005)")
    perspective = models.CharField("prospettiva BSC", max_length=20, blank=True,
                                   choices=Perspective.choices)
    common_objective = models.CharField("obiettivo comune del sistema camerale",
                                        max_length=200, blank=True)
    weight = models.DecimalField("peso nell'ambito", max_digits=7, decimal_places=4,
                                 null=True, blank=True)
    classified_by = models.CharField("classificazione", max_length=10, blank=True,
                                     choices=Classification.choices)
    description = models.TextField("descrizione", blank=True)
    time_span = models.CharField("arco temporale di realizzazione", max_length=100,
                                 blank=True)
    stakeholders = models.TextField("portatori d'interesse", blank=True)
    benefits = models.TextField("benefici attesi", blank=True)
    responsible_centre = models.CharField("centro di responsabilità", max_length=300,
                                          blank=True)
    resources = models.CharField("risorse economiche (come scritte)", max_length=200,
                                 blank=True)
    resources_amount = models.DecimalField("risorse economiche (€)", max_digits=14,
                                           decimal_places=2, null=True, blank=True)
    related = models.CharField("obiettivi operativi collegati (come scritti)",
                               max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta(VersionedModel.Meta):
        verbose_name = "obiettivo strategico"
        verbose_name_plural = "obiettivi strategici"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="so_code_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        if self.programme_id and self.mission_id and self.programme.mission_id != self.mission_id:
            raise ValidationError({"programme": "Il programma non appartiene alla missione."})


class OperationalObjective(VersionedModel):
    strategic_objective = models.ForeignKey(
        StrategicObjective, models.CASCADE, related_name="operational",
        verbose_name="obiettivo strategico",
    )
    code = models.CharField("codice", max_length=30)
    title = models.CharField("titolo", max_length=400)
    description = models.TextField("descrizione", blank=True)
    expected_impact = models.TextField("impatto atteso", blank=True)
    resources = models.CharField("risorse economiche (come scritte)", max_length=200,
                                 blank=True)
    resources_amount = models.DecimalField("risorse economiche (€)", max_digits=14,
                                           decimal_places=2, null=True, blank=True)
    area = models.ForeignKey(OrgUnit, models.RESTRICT, null=True, blank=True,
                             related_name="owned_objectives",
                             verbose_name="area di responsabilità")
    offices = models.ManyToManyField(OrgUnit, blank=True, related_name="objectives",
                                     verbose_name="uffici")
    area_text = models.CharField("area (come scritta)", max_length=300, blank=True)
    office_text = models.CharField("ufficio (come scritto)", max_length=400, blank=True)
    transversal = models.BooleanField("obiettivo trasversale", default=False)
    common_objective = models.BooleanField("obiettivo comune di sistema", default=False)
    weight = models.DecimalField("peso nell'obiettivo strategico", max_digits=7,
                                 decimal_places=4, null=True, blank=True)
    # Empty: the strategic objective's mission and programme.
    mission = models.ForeignKey(Mission, models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="missione")
    programme = models.ForeignKey(Programme, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="programma")
    history = HistoricalRecords(m2m_fields=[offices])

    class Meta(VersionedModel.Meta):
        verbose_name = "obiettivo operativo"
        verbose_name_plural = "obiettivi operativi"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="oo_code_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Action(VersionedModel):
    class Activity(models.TextChoices):
        INSTITUTIONAL = "institutional", "Istituzionale"
        COMMERCIAL = "commercial", "Commerciale"

    operational_objective = models.ForeignKey(
        OperationalObjective, models.CASCADE, related_name="actions",
        verbose_name="obiettivo operativo",
    )
    code = models.CharField("codice", max_length=30)  # Lucca "2C010801"
    title = models.CharField("titolo", max_length=400)
    activity = models.CharField("tipologia", max_length=15, choices=Activity.choices,
                                default=Activity.INSTITUTIONAL)
    cost_centre = models.ForeignKey(CostCentre, models.RESTRICT, null=True, blank=True,
                                    verbose_name="centro di costo")
    office = models.ForeignKey(OrgUnit, models.RESTRICT, null=True, blank=True,
                               related_name="actions", verbose_name="ufficio responsabile")
    description = models.TextField("descrizione", blank=True)
    costs = models.DecimalField("oneri", max_digits=14, decimal_places=2, default=Decimal(0))
    revenues = models.DecimalField("ricavi", max_digits=14, decimal_places=2,
                                   default=Decimal(0))
    contributions = models.DecimalField("contributi", max_digits=14, decimal_places=2,
                                        default=Decimal(0))
    investments = models.DecimalField("investimenti", max_digits=14, decimal_places=2,
                                      default=Decimal(0))
    history = HistoricalRecords()

    class Meta(VersionedModel.Meta):
        verbose_name = "azione"
        verbose_name_plural = "azioni"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="action_code_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Accumulation(models.TextChoices):
    """How a figure grows during the year, which decides its year-end projection."""

    STOCK = "stock", "Valore puntuale (si proietta l'ultimo valore)"
    CUMULATIVE = "cumulative", "Cumulato nell'anno (si proietta pro rata)"


class Indicator(VersionedModel):
    operational_objective = models.ForeignKey(
        OperationalObjective, models.CASCADE, related_name="indicators",
        verbose_name="obiettivo operativo",
    )
    code = models.CharField("codice", max_length=30, blank=True)
    catalog = models.ForeignKey(CatalogIndicator, models.PROTECT, null=True, blank=True,
                                verbose_name="indicatore di catalogo")
    name = models.CharField("nome", max_length=400)
    description = models.TextField("descrizione / algoritmo", blank=True)
    formula = models.CharField("formula", max_length=2000, blank=True)
    kind = models.CharField("tipologia", max_length=100, blank=True)
    unit = models.CharField("unità di misura", max_length=30, blank=True)
    source = models.CharField("fonte del dato", max_length=200, blank=True)
    comparator = models.CharField("comparatore", max_length=4, blank=True)
    baseline = models.CharField("stato anno precedente", max_length=60, blank=True)
    weight_text = models.CharField("peso (come scritto)", max_length=20, blank=True)
    weight = models.DecimalField("peso", max_digits=7, decimal_places=4, null=True, blank=True)
    office = models.ForeignKey(OrgUnit, models.RESTRICT, null=True, blank=True,
                               related_name="measured_indicators",
                               verbose_name="ufficio che rileva")
    # The same indicator across amendments: values typed for it follow it to the new version.
    lineage = models.UUIDField("identità", default=uuid.uuid4, editable=False)
    accumulation = models.CharField(
        "andamento nell'anno", max_length=10, choices=Accumulation.choices,
        default=Accumulation.STOCK,
        help_text="Decide la proiezione a fine anno nelle rilevazioni intermedie.",
    )
    measured_at = models.CharField(
        "rilevato alle date", max_length=100, blank=True,
        help_text="Date gg/mm separate da virgola (es. 30/06, 31/12); vuoto: ogni rilevazione.",
    )
    published = models.BooleanField(
        "indicatore chiave (PIRA)", default=False,
        help_text="Pubblicato nel Piano degli indicatori e risultati attesi di bilancio.",
    )
    history = HistoricalRecords()

    class Meta(VersionedModel.Meta):
        verbose_name = "indicatore"
        verbose_name_plural = "indicatori"
        constraints = [
            models.UniqueConstraint(fields=["version", "lineage"], name="indicator_per_version")
        ]
        # A value is found by its indicator's lineage, whichever version is in force.
        indexes = [models.Index(fields=["lineage"], name="indicator_lineage")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.read_weight()
        super().save(*args, **kwargs)

    def read_weight(self) -> None:
        """``weight`` from ``weight_text``: the printed weight is the source; keep both. Run
        by ``save`` and by the bulk insert of a new version, which skips ``save``."""
        from .validation import parse_weight

        try:
            self.weight = parse_weight(self.weight_text)
        except ValueError:
            self.weight = None  # unreadable: the forms refuse it, an import reports it

    def target_for(self, year: int) -> Target | None:
        """The target set for ``year``, or None.

        Reads ``targets.all()`` rather than filtering, so that an indicator loaded with
        ``prefetch_related("targets")`` answers from memory: a page or document of hundreds
        of indicators then costs no query per indicator.
        """
        return next((t for t in self.targets.all() if t.year == year), None)


class Phase(VersionedModel):
    """A phase of an objective over the triennium; its milestone is the date it is due by."""

    strategic_objective = models.ForeignKey(
        StrategicObjective, models.CASCADE, null=True, blank=True, related_name="phases",
        verbose_name="obiettivo strategico",
    )
    operational_objective = models.ForeignKey(
        OperationalObjective, models.CASCADE, null=True, blank=True, related_name="phases",
        verbose_name="obiettivo operativo",
    )
    title = models.CharField("fase", max_length=400)
    first_year = models.PositiveSmallIntegerField("dal")
    last_year = models.PositiveSmallIntegerField("al")
    milestone = models.DateField("milestone entro il", null=True, blank=True)
    history = HistoricalRecords()

    class Meta(VersionedModel.Meta):
        verbose_name = "fase"
        verbose_name_plural = "fasi"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strategic_objective__isnull=False,
                                   operational_objective__isnull=True)
                | models.Q(strategic_objective__isnull=True,
                           operational_objective__isnull=False),
                name="phase_of_one_objective",
            ),
            models.CheckConstraint(condition=models.Q(first_year__lte=models.F("last_year")),
                                   name="phase_years_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.first_year}-{self.last_year})"


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="targets",
                                  verbose_name="indicatore")
    year = models.PositiveSmallIntegerField("anno")
    comparator = models.CharField("comparatore", max_length=4, blank=True)
    value = models.CharField("target (come scritto)", max_length=60)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "target"
        verbose_name_plural = "target"
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.comparator} {self.value}".replace("  ", " ")

    def save(self, *args: object, **kwargs: object) -> None:
        self.indicator._check_writable()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        self.indicator._check_writable()
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]


class Variable(models.Model):
    """A raw measured quantity of a body's year; feeds many indicators (``N_ImprAtt``)."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="variables",
                              verbose_name="ciclo")
    name = models.CharField("nome", max_length=100)
    description = models.CharField("descrizione", max_length=500, blank=True)
    unit = models.CharField("unità di misura", max_length=30, blank=True)
    source = models.CharField("fonte", max_length=200, blank=True)
    office = models.ForeignKey(OrgUnit, models.RESTRICT, null=True, blank=True,
                               verbose_name="ufficio che rileva")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "variabile"
        verbose_name_plural = "variabili"
        ordering = ["cycle", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="variable_name_per_cycle")
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(VersionedModel):
    """A row of the assignment table: an Area owns an objective (as the document lists it)."""

    area = models.ForeignKey(OrgUnit, models.RESTRICT, related_name="assignments",
                             verbose_name="area di responsabilità")
    objective_title = models.CharField("obiettivo (come scritto)", max_length=400)
    operational_objective = models.ForeignKey(
        OperationalObjective, models.SET_NULL, null=True, blank=True,
        related_name="assignments", verbose_name="obiettivo operativo",
    )
    history = HistoricalRecords()

    class Meta(VersionedModel.Meta):
        verbose_name = "assegnazione"
        verbose_name_plural = "assegnazioni"

    def __str__(self) -> str:
        return f"{self.area}: {self.objective_title}"


class IncentiveFund(VersionedModel):
    total = models.DecimalField("importo totale (€)", max_digits=14, decimal_places=2)
    description = models.TextField("descrizione", blank=True)
    history = HistoricalRecords()

    class Meta(VersionedModel.Meta):
        verbose_name = "fondo incentivante (quota obiettivi)"
        verbose_name_plural = "fondi incentivanti"
        constraints = [models.UniqueConstraint(fields=["version"], name="fund_per_version")]

    def __str__(self) -> str:
        return f"Fondo {format_money(self.total)}"


class FundShare(VersionedModel):
    fund = models.ForeignKey(IncentiveFund, models.CASCADE, related_name="shares",
                             verbose_name="fondo")
    strategic_objective = models.ForeignKey(StrategicObjective, models.CASCADE,
                                            related_name="fund_shares",
                                            verbose_name="obiettivo strategico")
    amount = models.DecimalField("importo (€)", max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta(VersionedModel.Meta):
        verbose_name = "quota del fondo"
        verbose_name_plural = "quote del fondo"

    def __str__(self) -> str:
        return f"{self.strategic_objective.code}: {format_money(self.amount)}"
