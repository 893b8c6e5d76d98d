"""«Bilancio e indici»: the body's budget by year and the financial-health indices it feeds.

Every member of the body reads it (the bilancio is a public document of the chamber);
outsiders get 404 like everywhere else. Below the budget, the context tables of the body's
latest document (territory, staff …), as printed. The page shows what ``budget.reading`` gives — the
same figures as the API and the documents — and writes nothing: the series is loaded with
``performa import-budget``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from performa.budget.context import context_tables
from performa.budget.reading import budget_overview
from performa.measures.reach import body_for


@login_required
@require_safe
def budget(request: HttpRequest, body_id: int) -> HttpResponse:
    body = body_for(request, body_id)
    overview = budget_overview(body)
    tables = context_tables(body)
    return render(request, "web/budget/budget.html", {
        "body": body,
        "overview": overview,
        "by_function": any(r.function for t in overview.schemes for r in t.rows),
        "by_centre": any(r.cost_centre for t in overview.schemes for r in t.rows),
        "context_tables": tables,
        "context_year": tables[0].year if tables else None,
    })
