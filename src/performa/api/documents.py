"""Documents of a body (Piano, PIRA, Relazione, open data…), generated on request.

The same builders and renderers as ``performa report`` and the Documenti page: a file from
the API is the file a person downloads, byte for byte the same figures.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router

from performa.documents import registry
from performa.documents.render import CONTENT_TYPES, filename, render

from .objects import body_for, period_of
from .schemas import DocumentKindOut, Error

router = Router(tags=["documenti"])
BINARY = {"type": "string", "format": "binary"}
# A JSON document (the open data) is an object, not a binary string: a client parsing it as
# the document said would be told its data are wrong.
FILE_SCHEMAS = {"application/json": {"type": "object"}}


@router.get("/bodies/{body_id}/documents", response=list[DocumentKindOut],
            summary="Documenti disponibili e loro formati")
def kinds(request: HttpRequest, body_id: int) -> Any:
    body_for(request, body_id)
    return [DocumentKindOut(kind=k.name, title=k.title, formats=list(k.formats))
            for k in registry.load_all().values()]


@router.get("/bodies/{body_id}/documents/{kind}", response={200: None, 404: Error, 422: Error},
            summary="Genera e scarica un documento",
            openapi_extra={"responses": {"200": {
                "description": "il file nel formato chiesto",
                "content": {t: {"schema": FILE_SCHEMAS.get(t, BINARY)}
                            for t in sorted(set(CONTENT_TYPES.values()))}}}})
def document(request: HttpRequest, body_id: int, kind: str, year: int, format: str = "pdf",
             period_id: int | None = None) -> Any:
    body = body_for(request, body_id)
    found = registry.load_all().get(kind)
    if found is None or format not in found.formats:
        raise Http404
    period = period_of(request, body_id, period_id) if period_id is not None else None
    if period is not None and period.cycle.year != year:
        raise Http404
    try:
        context = registry.context_for(body, year, period.date if period else None)
        data = render(found.build(context), format)
    except ValueError as error:  # no cycle, no adopted plan, no values for the year
        raise ValidationError(str(error)) from None
    response = HttpResponse(data, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = content_disposition_header(
        True, filename(kind, body.name, year, format))
    return response
