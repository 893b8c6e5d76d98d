"""The budget of a body and its financial-health indices: what the «Bilancio e indici» page
shows, from the same reader (``performa.budget.reading``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from performa.budget.reading import budget_overview
from performa.engine.values import format_number

from .objects import body_for
from .schemas import BudgetOut

router = Router(tags=["bilancio"])


@router.get("/bodies/{body_id}/budget", response=BudgetOut,
            summary="Bilancio per anno e indici di salute finanziaria")
def budget(request: HttpRequest, body_id: int) -> Any:
    overview = budget_overview(body_for(request, body_id))
    return {
        "columns": [{"year": c.year, "kind": c.kind, "label": c.label}
                    for c in overview.columns],
        "schemes": [{"scheme": t.scheme, "title": t.title, "ratio": t.ratio,
                     "rows": [{"name": r.name, "item": r.item, "label": r.label,
                               "function": r.function, "cost_centre": r.cost_centre,
                               "amounts": r.amounts} for r in t.rows]}
                    for t in overview.schemes],
        "indices": [{
            "code": row.definition.code, "name": row.definition.name,
            "description": row.definition.description,
            "formula": row.definition.formula.text, "target": row.definition.target_text,
            "values": [{
                "year": column.year, "kind": column.kind, "value": result.shown,
                "display": "n.d." if result.shown is None
                else format_number(float(result.shown), row.definition.decimals),
                "printed": result.printed, "met": result.met, "reason": result.reason,
                "why": result.why,
                "inputs": [{"name": i.name, "label": i.label, "amount": i.amount,
                            "previous": i.previous} for i in result.inputs],
            } for column, result in row.cells],
        } for row in overview.indices],
    }
