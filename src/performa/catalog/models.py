"""Reference lists a body picks from; loaded from ``catalog/data`` by a data migration."""

from django.db import models


class Mission(models.Model):
    code = models.CharField("codice", max_length=3, unique=True)  # "011"
    name = models.CharField("denominazione", max_length=200)

    class Meta:
        verbose_name = "missione"
        verbose_name_plural = "missioni"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Programme(models.Model):
    mission = models.ForeignKey(Mission, models.PROTECT, related_name="programmes",
                                verbose_name="missione")
    code = models.CharField("codice", max_length=3)  # "005"
    name = models.CharField("denominazione", max_length=300)

    class Meta:
        verbose_name = "programma"
        verbose_name_plural = "programmi"
        ordering = ["mission__code", "code"]
        constraints = [models.UniqueConstraint(fields=["mission", "code"],
                                               name="programme_code_per_mission")]

    def __str__(self) -> str:
        return f"{self.mission.code}.{self.code} {self.name}"


class InstitutionalFunction(models.Model):
    """The functions of DPR 254/2005 (A-D), a cost classification parallel to programmes."""

    code = models.CharField("codice", max_length=1, unique=True)
    name = models.CharField("denominazione", max_length=200)
    programmes = models.ManyToManyField(Programme, blank=True, verbose_name="programmi")

    class Meta:
        verbose_name = "funzione istituzionale"
        verbose_name_plural = "funzioni istituzionali"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}) {self.name}"


class IndicatorType(models.Model):
    class Family(models.TextChoices):
        PERFORMANCE = "performance", "Piano della performance"
        PIRA = "pira", "PIRA (DPCM 18/09/2012)"

    name = models.CharField("tipologia", max_length=100, unique=True)
    family = models.CharField("famiglia", max_length=20, choices=Family.choices)

    class Meta:
        verbose_name = "tipologia di indicatore"
        verbose_name_plural = "tipologie di indicatore"
        ordering = ["family", "name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    symbol = models.CharField("simbolo", max_length=30, unique=True)  # "n.", "%", "data"
    name = models.CharField("denominazione", max_length=100)

    class Meta:
        verbose_name = "unità di misura"
        verbose_name_plural = "unità di misura"
        ordering = ["symbol"]

    def __str__(self) -> str:
        return self.symbol


class CatalogIndicator(models.Model):
    """A nationally defined indicator; each body personalises its targets."""

    code = models.CharField("codice", max_length=30, unique=True)  # "OC_TD_01", "EC27"
    name = models.CharField("nome", max_length=300)
    description = models.TextField("descrizione", blank=True)
    algorithm = models.TextField("algoritmo (come scritto)", blank=True)
    formula = models.CharField("formula", max_length=500, blank=True)
    variables = models.JSONField("variabili", default=dict, blank=True)  # name → description
    kind = models.CharField("tipologia", max_length=100, blank=True)
    unit = models.CharField("unità di misura", max_length=30, blank=True)
    common_objective = models.CharField("obiettivo comune", max_length=200, blank=True)
    source = models.CharField("fonte", max_length=200, blank=True)

    class Meta:
        verbose_name = "indicatore di catalogo"
        verbose_name_plural = "catalogo indicatori"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
