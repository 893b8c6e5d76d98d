"""The budget series of a body: one row per amount, with its history.

A row belongs to the body, not to a plan version: the bilancio preventivo is adopted on its own
calendar and the same figures serve every document of the triennium. The optional function
(A-D of DPR 254/2005, Allegato A) and cost centre give the preventivo by function and the
budget direzionale by cost centre as columns of the same series.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from performa.engine.values import format_money
from performa.plans.models import Body, CostCentre

from .document import FUNCTIONS, KINDS, SCHEMES, variable_name


class BudgetEntry(models.Model):
    body = models.ForeignKey(Body, models.CASCADE, related_name="budget_entries",
                             verbose_name="ente")
    scheme = models.CharField("schema", max_length=4,
                              choices=[(code, title) for code, title in SCHEMES.items()])
    item = models.CharField("codice voce", max_length=40)
    label = models.CharField("voce", max_length=300)
    function = models.CharField("funzione", max_length=1, blank=True,
                                choices=[(code, f"{code}) {name}")
                                         for code, name in FUNCTIONS.items()])
    cost_centre = models.ForeignKey(CostCentre, models.RESTRICT, null=True, blank=True,
                                    related_name="budget_entries",
                                    verbose_name="centro di costo")
    year = models.PositiveSmallIntegerField("anno")
    kind = models.CharField("tipo", max_length=14,
                            choices=[(code, label) for code, label in KINDS.items()])
    amount = models.DecimalField("importo", max_digits=16, decimal_places=2)
    # The order the source printed the items in, so pages show the table as printed.
    position = models.PositiveIntegerField("ordine", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "voce di bilancio"
        verbose_name_plural = "voci di bilancio"
        ordering = ["body", "scheme", "position", "item", "year"]
        # A NULL cost centre is distinct from every other on both databases: one constraint
        # for the rows without a cost centre, one for those with.
        constraints = [
            models.UniqueConstraint(
                fields=["body", "scheme", "item", "function", "year", "kind"],
                condition=Q(cost_centre__isnull=True), name="budget_entry_unique",
            ),
            models.UniqueConstraint(
                fields=["body", "scheme", "item", "function", "cost_centre", "year", "kind"],
                condition=Q(cost_centre__isnull=False), name="budget_entry_unique_centre",
            ),
        ]
        indexes = [models.Index(fields=["body", "year"], name="budget_entry_body_year")]

    def __str__(self) -> str:
        return f"{variable_name(self.scheme, self.item)} {self.year} {self.kind}: " \
               f"{format_money(self.amount)}"

    def clean(self) -> None:
        if self.cost_centre_id and self.cost_centre.body_id != self.body_id:
            raise ValidationError({"cost_centre": "Il centro di costo deve essere dello "
                                                  "stesso ente."})


class ContextTable(models.Model):
    """A table of the «analisi del contesto» a document prints (territory, staff by function,
    category, age …), kept as printed: the pages show it beside the budget, and its figures
    are the body's own, like the budget's, not a plan version's."""

    body = models.ForeignKey(Body, models.CASCADE, related_name="context_tables",
                             verbose_name="ente")
    year = models.PositiveSmallIntegerField("anno del documento")
    position = models.PositiveSmallIntegerField("ordine")
    title = models.CharField("titolo", max_length=200)
    chapter = models.CharField("capitolo", max_length=200)
    heading = models.CharField("intestazione delle righe", max_length=200)
    line = models.PositiveIntegerField("riga del documento")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tabella di contesto"
        verbose_name_plural = "tabelle di contesto"
        ordering = ["body", "-year", "position"]
        constraints = [models.UniqueConstraint(fields=["body", "year", "position"],
                                               name="context_table_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class ContextCell(models.Model):
    """One printed cell: its text as printed and, when the text is a plain number or
    percent, the number (percents as fractions, as ``performa.engine.values`` reads them)."""

    table = models.ForeignKey(ContextTable, models.CASCADE, related_name="cells",
                              verbose_name="tabella")
    row = models.PositiveSmallIntegerField("riga")
    column = models.PositiveSmallIntegerField("colonna")
    row_label = models.CharField("etichetta della riga", max_length=300)
    column_label = models.CharField("etichetta della colonna", max_length=200)
    text = models.CharField("testo", max_length=300)
    number = models.DecimalField("numero", max_digits=24, decimal_places=8, null=True,
                                 blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cella di contesto"
        verbose_name_plural = "celle di contesto"
        ordering = ["table", "row", "column"]
        constraints = [models.UniqueConstraint(fields=["table", "row", "column"],
                                               name="context_cell_unique")]

    def __str__(self) -> str:
        return f"{self.row_label} / {self.column_label}: {self.text}"
