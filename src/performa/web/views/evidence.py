"""Evidence files (documenti a supporto) attached to measured values, served to those who may
read them.

They live under MEDIA_ROOT, which is never served directly: every download goes through
here, with the same read access as the card and entry pages that link it (a member of the
body; outsiders get 404, the same answer as «does not exist»). A file is always an
attachment, typed from its extension as checked at upload (``MeasuredValue.evidence_type``),
never from what the uploader's browser claimed, and marked nosniff: a stored file cannot be
made to run as a page of Performa.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from performa.measures.models import MeasuredValue
from performa.measures.reach import body_for, period_for


@require_safe
@login_required
def download(request: HttpRequest, body_id: int, period_id: int,
             value_id: int) -> FileResponse:
    body = body_for(request, body_id)
    period = period_for(request, body, period_id)
    value = get_object_or_404(MeasuredValue, pk=value_id, period=period)
    if not value.evidence:
        raise Http404("Nessun documento allegato a questo valore.")
    try:
        handle = value.evidence.open("rb")
    except FileNotFoundError:
        raise Http404("Il documento allegato non si trova più.") from None
    response = FileResponse(handle, as_attachment=True,
                            filename=PurePosixPath(value.evidence.name).name,
                            content_type=value.evidence_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
