"""Documents: every registered document of the body (Piano, PIRA, Relazione…) in every format.

Every member may download them — they are the body's public documents, or drafts of them —
and outsiders get 404 like everywhere else. A document is built and rendered on request from
the data of the year (``?anno=``) and, where it matters, of the period (``?rilevazione=``):
no file is stored, so a download never shows figures older than the screen.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_safe

from performa.documents import registry
from performa.documents.render import CONTENT_TYPES, LABELS, filename
from performa.documents.render import render as render_document
from performa.measures.models import Period
from performa.measures.reach import body_for, cycle_for, period_for
from performa.plans.models import Body, Cycle


def _period(request: HttpRequest, body: Body, cycle: Cycle) -> Period | None:
    """The period asked for (``?rilevazione=`` id, of this cycle), or None: the builder then
    takes the latest with values."""
    asked = request.GET.get("rilevazione", "")
    if not asked:
        return None
    if not asked.isdigit():
        raise Http404("Rilevazione non valida.")
    period = period_for(request, body, int(asked))
    if period.cycle_id != cycle.pk:
        raise Http404("La rilevazione non è di questo ciclo.")
    return period


def _links(body: Body, cycle: Cycle, period: Period | None) -> list[dict[str, Any]]:
    query = {"anno": cycle.year} | ({"rilevazione": period.pk} if period else {})
    rows = []
    for kind in registry.load_all().values():
        links = []
        for fmt in kind.formats:
            url = reverse("web:document_download",
                          kwargs={"body_id": body.pk, "kind": kind.name, "fmt": fmt})
            links.append({"format": fmt, "label": LABELS.get(fmt, fmt.upper()),
                          "url": f"{url}?{urlencode(query)}"})
        rows.append({"kind": kind, "links": links})
    return rows


@login_required
@require_safe
def documents(request: HttpRequest, body_id: int) -> HttpResponse:
    body = body_for(request, body_id)
    return _page(request, body)


def _page(request: HttpRequest, body: Body, error: str = "", status: int = 200) -> HttpResponse:
    cycle = cycle_for(request, body)
    period = _period(request, body, cycle)
    return render(request, "web/documents/documents.html", {
        "body": body,
        "cycle": cycle,
        "cycles": body.cycles.order_by("-year"),
        "periods": cycle.periods.order_by("date"),
        "period": period,
        "plan": cycle.current_version(),
        "rows": _links(body, cycle, period),
        "error": error,
    }, status=status)


@login_required
@require_safe
def download(request: HttpRequest, body_id: int, kind: str, fmt: str) -> HttpResponse:
    body = body_for(request, body_id)
    found = registry.load_all().get(kind)
    if found is None or fmt not in found.formats:
        raise Http404("Documento o formato sconosciuto.")
    cycle = cycle_for(request, body)
    period = _period(request, body, cycle)
    try:
        context = registry.context_for(body, cycle.year, period.date if period else None)
    except ValueError as error:  # no adopted plan for the year: say so on the page
        return _page(request, body, error=str(error), status=404)
    data = render_document(found.build(context), fmt)
    name = filename(kind, body.name, cycle.year, fmt)
    if period is not None:
        name = name.replace(f"_{cycle.year}.", f"_{period.date:%Y-%m-%d}.", 1)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Content-Length"] = str(len(data))
    return response
