"""The NinjaAPI instance: authentication, JSON errors in one place, the routers.

Every error comes back as ``{"code": "...", "message": "...", "details": ...}`` with the
Italian message the UI would show, whatever raised it: an action's ValidationError or
PermissionDenied, a 404 of an access helper, a malformed request, or a failure nobody
foresaw (500, logged with its traceback, which the caller never sees). What answers under
/api/ outside the operations — unknown paths, wrong methods, oversized bodies — gets the same
shape from ``performa.api.errors.ApiErrorsMiddleware`` and ``performa.web.uploads``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from performa import __version__
from performa.measures.actions import ConflictError

from . import errors
from .auth import AUTH

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Performa API",
    version="1",
    description="API REST di Performa: piano, indicatori, rilevazioni, valori, risultati e "
                "documenti di un ente. Autenticazione con token personale "
                "(Authorization: Bearer pf_…).",
    auth=AUTH,
    urls_namespace="api",
    # The interactive docs page loads Swagger UI from a CDN, which our CSP (and policy)
    # forbids: the OpenAPI document at /api/v1/openapi.json is what integrators read.
    docs_url=None,
)


def error(request: HttpRequest, status: int, code: str, message: str,
          details: Any = None) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, body, status=status)


def _messages(exc: ValidationError) -> tuple[str, Any]:
    if hasattr(exc, "error_dict"):
        details = {field: list(messages) for field, messages in exc.message_dict.items()}
        first = next(iter(details.values()), [""])
        return "; ".join(first) or "Dati non validi.", details
    return "; ".join(exc.messages) or "Dati non validi.", None


@api.exception_handler(ConflictError)
def _conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    current = exc.current
    return error(request, 409, "conflict", exc.messages[0],
                 {"value": current.value_text, "revision": current.revision})


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    message, details = _messages(exc)
    return error(request, 422, "invalid", message, details)


@api.exception_handler(SchemaError)
def _malformed(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "reason": e.get("msg", "")}
               for e in exc.errors]
    where = details[0]["where"] if details else ""
    return error(request, 422, "malformed",
                 f"Richiesta non valida{f' in «{where}»' if where else ''}.", details)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, "unauthenticated",
                 "Autenticazione richiesta: usare un token valido (Authorization: Bearer …).")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, "forbidden",
                 str(exc) or "Operazione non consentita per il suo ruolo.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", "Risorsa inesistente o non accessibile.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    # ninja's «Cannot parse request body» (a body that is no JSON) says why in Italian.
    message = errors.parse_message(exc.__cause__) if status == 400 and exc.__cause__ \
        else str(exc)
    return error(request, status, errors.CODES.get(status, "error"), message)


@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def _refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    """What Django itself answers 400 (413 for a body over the limit, which
    performa.web.uploads normally refuses before the operation runs)."""
    if isinstance(exc, RequestDataTooBig):
        return error(request, 413, "too_large", errors.MESSAGES[413])
    if isinstance(exc, SuspiciousOperation):  # logged where Django logs them
        logging.getLogger(f"django.security.{type(exc).__name__}").error("%s", exc)
    return error(request, 400, "bad_request", errors.MESSAGES[400])


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything no handler above expected: logged with its traceback for the server's
    administrator, a generic Italian message for the caller (ninja's default would answer
    the traceback itself as text when DEBUG is on)."""
    logger.error("Errore non gestito in %s %s", request.method, request.path, exc_info=exc)
    return error(request, 500, "server_error", errors.MESSAGES[500])


@api.get("/version", auth=None, summary="Versione del servizio")
def version(request: HttpRequest) -> dict[str, str]:
    return {"name": "Performa", "version": __version__, "api": "1"}


def _mount() -> None:
    from . import budget, documents, measures, plan, results, tokens

    for module in (plan, measures, results, documents, budget, tokens):
        api.add_router("", module.router)


_mount()
