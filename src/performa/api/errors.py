"""The API's error answer, ``{"code", "message", "details"?}``, for the places outside
django-ninja's views that answer under /api/: middleware, Django's own refusals.

``performa.api.app`` turns what the operations raise into this shape; ``ApiErrorsMiddleware``
makes sure nothing else under /api/ answers in another one — not Django's HTML 404 for an
unknown path, nor ninja's plain-text 405, nor a debug page with a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

PREFIX = "/api/"

# A stable code per status, as documented in the Error schema.
CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
    429: "too_many_requests", 500: "server_error",
}
# What the caller reads when nothing more precise can be said.
MESSAGES = {
    400: "Richiesta non valida.",
    401: "Autenticazione richiesta: usare un token valido (Authorization: Bearer …).",
    403: "Operazione non consentita.",
    404: "Risorsa inesistente o non accessibile.",
    413: "Richiesta troppo grande.",
    500: "Errore interno del server: la richiesta non è stata eseguita. Se il problema si "
         "ripete, segnalarlo all'amministratore di Performa indicando data e ora.",
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(PREFIX)


def body(status: int, message: str = "", details: Any = None) -> dict[str, Any]:
    """The error object for ``status``: its code, and the message given or the generic one."""
    found: dict[str, Any] = {
        "code": CODES.get(status, "server_error" if status >= 500 else "error"),
        "message": message or MESSAGES.get(status) or MESSAGES[500 if status >= 500 else 400],
    }
    if details is not None:
        found["details"] = details
    return found


def json_error(status: int, message: str = "", details: Any = None) -> JsonResponse:
    return JsonResponse(body(status, message, details), status=status,
                        json_dumps_params={"ensure_ascii": False})


def _is_json(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


class ApiErrorsMiddleware:
    """Under /api/, an error answer that is not already JSON becomes the JSON error of its
    status (keeping its Allow header). The API's operations answer their own errors
    (``performa.api.app``); this catches what happens around them: no route for the path
    (404), a method the operation does not take (405), a request Django refuses (400), a
    failure outside the operations (500, Django's HTML or, with DEBUG, its traceback page —
    the traceback still goes to the server's log, never to the caller)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400 or _is_json(response):
            return response
        status = response.status_code
        # A refusal made outside the API (performa.web.uploads) says why in error_message.
        message = str(getattr(response, "error_message", ""))
        if status == 405:
            allowed = str(response.get("Allow", ""))
            message = (f"Metodo {request.method} non consentito per questo indirizzo"
                       f"{f': usare {allowed}' if allowed else ''}.")
        replaced = json_error(status, message)
        if "Allow" in response:
            replaced["Allow"] = response["Allow"]
        replaced.cookies = response.cookies  # a session or CSRF cookie set on the way
        return replaced


def parse_message(cause: BaseException | None) -> str:
    """Why a request body could not be read, in Italian (ninja says «Cannot parse request
    body», adding Python's reason with DEBUG on)."""
    if isinstance(cause, json.JSONDecodeError):
        return (f"Il corpo della richiesta non è JSON valido (riga {cause.lineno}, colonna "
                f"{cause.colno}).")
    if isinstance(cause, UnicodeDecodeError):
        return "Il corpo della richiesta non è testo UTF-8."
    return "Il corpo della richiesta non è leggibile: inviare un oggetto JSON."
