"""Request size limits, enforced while a request is read, before any view runs.

Django reads a body lazily and streams an uploaded file to a temporary file on disk; its own
limit (DATA_UPLOAD_MAX_MEMORY_SIZE) covers only the non-file part. Without a cap, a 1 GiB
"evidence" was written to disk whole and only then refused by the action. Here:

- ``EvidenceUploadHandler``, first of FILE_UPLOAD_HANDLERS, stops the request's files at
  ``EVIDENCE_MAX_BYTES`` (measures.models): bytes beyond it never reach the handlers that
  store them, and when the request's Content-Length already says the file cannot fit, not
  one byte of it is read. The refused file stays in ``request.FILES`` as a
  ``RefusedUpload`` carrying the size announced, so the action (the one place the limits are
  checked) refuses it with its usual Italian message, on the entry row like any other error.
  The fields before the file are read (the entry form puts its file last).
- ``RequestSizeMiddleware`` reads the body before the views and the CSRF check touch it, so
  Django's RequestDataTooBig — raised lazily, wherever ``request.body`` or ``request.POST``
  is first read — becomes a clean 413: a page in Italian, or under /api/ the API's JSON error.

Under WSGI (runserver, gunicorn) the body never exceeds its Content-Length (Django wraps the
input in a LimitedStream), so these checks bound what is read; a reverse proxy in front may
well refuse earlier (nginx's client_max_body_size).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.shortcuts import render

from performa.measures.models import EVIDENCE_MAX_BYTES

# Room for the rest of a data-entry form around its file (fields, boundaries, headers): a
# request announcing more than the cap plus this cannot carry a file within the cap.
FORM_MARGIN = 1024 * 1024
_REFUSED = "_performa_refused_uploads"


class RefusedUpload(UploadedFile):
    """A file cut off at the cap: no content, only its name and the size it came with (at
    least), which is over the cap."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None) -> None:
        super().__init__(io.BytesIO(), name, content_type, size, charset)


class EvidenceUploadHandler(FileUploadHandler):
    """Counts the file bytes of the request and stops at the evidence cap (see the module)."""

    announced = 0  # the request's Content-Length
    received = 0  # file bytes so far, over all the request's files: one cap per request

    def handle_raw_input(self, input_data: Any, META: dict[str, Any], content_length: int,
                         boundary: bytes, encoding: str | None = None) -> None:
        self.announced, self.received = content_length, 0

    def new_file(self, field_name: str, file_name: str, content_type: str,
                 content_length: int | None, charset: str | None = None,
                 content_type_extra: dict[str, Any] | None = None) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset,
                         content_type_extra)
        if self.announced > EVIDENCE_MAX_BYTES + FORM_MARGIN:
            # Known before its first byte: the rest of the body is not read at all.
            self._refuse(self.announced, connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > EVIDENCE_MAX_BYTES:
            # At most FORM_MARGIN is left to read: read and dropped, so the browser gets the
            # answer on a connection still in order.
            self._refuse(self.received, connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) holds the content

    def _refuse(self, size: int, *, connection_reset: bool) -> None:
        refused = RefusedUpload(self.file_name or "", self.content_type or "", size,
                                self.charset)
        refusals = self.request.__dict__.setdefault(_REFUSED, [])
        refusals.append((self.field_name, refused))
        # The parser closes (and so deletes) what the other handlers had stored of the file.
        raise StopUpload(connection_reset=connection_reset)


def _megabytes(size: int) -> str:
    """10485760 → «10», 2621440 → «2,5»."""
    return f"{size / 2**20:.1f}".removesuffix(".0").replace(".", ",")


def too_large(request: HttpRequest) -> HttpResponse:
    """413 as a page; under /api/ the API's middleware (outside this one) answers it as its
    JSON error, with ``error_message`` as the message."""
    limits = (f"al massimo {_megabytes(EVIDENCE_MAX_BYTES)} MB per il documento allegato e "
              f"{_megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)} MB per il resto")
    response = render(request, "web/too_large.html", {"limits": limits}, status=413)
    response.error_message = f"Richiesta troppo grande: {limits}."  # type: ignore[attr-defined]
    return response


class RequestSizeMiddleware:
    """Reads the body up front (see the module): a body over the limits is a 413, before
    the CSRF check or a view would meet Django's RequestDataTooBig as a 400 or a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            if request.method == "POST" and request.content_type in (
                    "multipart/form-data", "application/x-www-form-urlencoded"):
                request.POST  # noqa: B018 - parsed now, through the upload handlers
            elif request.method in ("POST", "PUT", "PATCH", "DELETE"):
                request.body  # noqa: B018 - read now, against DATA_UPLOAD_MAX_MEMORY_SIZE
        except RequestDataTooBig:
            return too_large(request)
        except UnreadablePostError:
            pass  # the client went away: the CSRF check answers it as before
        for field, refused in request.__dict__.get(_REFUSED, ()):
            request.FILES.appendlist(field, refused)
        return self.get_response(request)
