"""Open data for Amministrazione Trasparente: the plan and its results as plain tables.

One table per dataset (``obiettivi``, ``indicatori``, ``unita_organizzative``, ``fondo``),
named by ``Table.sheet``, with snake_case Italian column names documented in
``docs/opendata.md``. Plan values (baseline, target, weight) stay as the plan prints them;
computed figures (achievement, amounts) are plain numbers with a decimal point, so a
spreadsheet or a script reads them without guessing the locale. An empty cell means «not
available». Changing a column is a change of a published format: update the documentation.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from performa.measures.fund import fund_outcome
from performa.measures.models import NodeResult

from . import registry
from .model import Cover, Document, Table
from .plan_data import Plan, Results, load_plan, load_results

ORGANISATION = NodeResult.Tree.ORGANISATION

DATASETS: dict[str, list[str]] = {
    "obiettivi": ["codice", "livello", "titolo", "obiettivo_padre", "area", "ufficio",
                  "raggiungimento"],
    "indicatori": ["codice_obiettivo", "indicatore", "tipologia", "udm", "baseline",
                   "comparatore", "target", "peso", "valore", "raggiungimento"],
    "unita_organizzative": ["codice", "denominazione", "tipo", "area", "fte",
                            "raggiungimento"],
    "fondo": ["codice_obiettivo", "obiettivo_strategico", "ambito", "importo",
              "raggiungimento", "importo_erogabile", "calcolo"],
}
LEVELS = ("ambito", "obiettivo strategico", "obiettivo operativo")
# Comparators in plain ASCII, whichever way the plan printed them.
COMPARATORS = {"≥": ">=", "≤": "<=", "=>": ">=", "=<": "<="}


def number(value: float | None) -> str:
    """A percent 0-100 with at most one decimal and a decimal point: 0.8632 → «86.3»."""
    if value is None:
        return ""
    # Half up like every figure the documents print (format_percent), not banker's rounding.
    exact = Decimal(repr(round(value * 100, 9))).quantize(Decimal("0.1"), ROUND_HALF_UP)
    text = f"{exact:.1f}"
    return text[:-2] if text.endswith(".0") else text


def comparator(text: str) -> str:
    text = text.strip()
    return COMPARATORS.get(text, text)


def amount(value: Decimal) -> str:
    return f"{value:.2f}"


def build(ctx: registry.Context) -> Document:
    plan = load_plan(ctx.version)
    results = load_results(ctx.period) if ctx.period is not None else None
    if results is not None and results.result_set.version_id != plan.version.pk:
        plan = load_plan(results.result_set.version)
    when = f" al {ctx.period.date:%d/%m/%Y}" if results is not None else ""
    doc = Document(kind="opendata", demo=bool(results and results.period.demo), cover=Cover(
        body=plan.body.name, title=f"Piano della Performance {plan.triennium}: dati aperti",
        subtitle=f"Obiettivi, indicatori, strutture e fondo, con i risultati{when}",
    ))
    doc.blocks += [
        table("obiettivi", objectives(plan, results)),
        table("indicatori", indicators(plan, results)),
        table("unita_organizzative", units(plan, results)),
        table("fondo", fund(plan, results)),
    ]
    return doc


def table(name: str, rows: list[list[str]]) -> Table:
    return Table(header=list(DATASETS[name]), rows=rows, caption=name, sheet=name)


def objectives(plan: Plan, results: Results | None) -> list[list[str]]:
    def achieved(key: str) -> str:
        return number(results.achievement(key)) if results else ""

    rows = []
    for area in plan.areas:
        rows.append([area.code, LEVELS[0], area.title, "", "", "", achieved(f"area:{area.code}")])
        for so in plan.strategic.get(area.pk, []):
            rows.append([so.code, LEVELS[1], so.title, area.code, "", "",
                         achieved(f"so:{so.code}")])
            for op in plan.operational.get(so.pk, []):
                rows.append([op.code, LEVELS[2], op.title, so.code, plan.area_of(op),
                             plan.offices_of(op), achieved(f"op:{op.code}")])
    return rows


def indicators(plan: Plan, results: Results | None) -> list[list[str]]:
    rows = []
    year = plan.year
    for op in plan.all_operational():
        for indicator in plan.indicators.get(op.pk, []):
            target = indicator.target_for(year)
            result = results.of(indicator) if results else None
            value = result.display if result is not None and result.value is not None else ""
            rows.append([
                op.code, indicator.name, indicator.kind, indicator.unit, indicator.baseline,
                comparator(target.comparator if target and target.comparator
                           else indicator.comparator),
                target.value if target else "", indicator.weight_text, value,
                number(result.achievement) if result is not None else "",
            ])
    return rows


def units(plan: Plan, results: Results | None) -> list[list[str]]:
    rows = []
    for unit in sorted(plan.units, key=lambda u: (u.parent.name if u.parent else u.name,
                                                  u.parent_id is not None, u.name)):
        achieved = results.achievement(f"unit:{unit.pk}", ORGANISATION) if results else None
        rows.append([str(unit.pk), unit.name, unit.get_kind_display().lower(),
                     unit.parent.name if unit.parent else "",
                     f"{unit.fte:.2f}" if unit.fte is not None else "", number(achieved)])
    return rows


def fund(plan: Plan, results: Results | None) -> list[list[str]]:
    if plan.fund is None:
        return []
    outcome = fund_outcome(results.period) if results is not None else None
    lines = {line.key: line for line in outcome.lines} if outcome else {}
    rows = []
    for share in plan.shares:
        so = share.strategic_objective
        line = lines.get(f"so:{so.code}")
        rows.append([
            so.code, so.title, so.area.title, amount(share.amount),
            number(line.achievement) if line else "",
            amount(line.payable) if line else "", line.formula if line else "",
        ])
    return rows


registry.register(registry.Kind(
    "opendata", "Dati aperti per Amministrazione Trasparente", build, formats=("csv", "json")))
