"""The NinjaAPI instance: authentication, JSON errors in one place, the routers.

Every error comes back as ``{"code": "...", "message": "...", "details": ...}`` with the
Italian message the UI would show, whatever raised it: an action's ValidationError or
PermissionDenied, a 404 of an access helper, a malformed request.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from performa import __version__
from performa.measures.actions import ConflictError

from .auth import AUTH

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
    codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_allowed",
             409: "conflict", 413: "too_large"}
    return error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.get("/version", auth=None, summary="Versione del servizio")
def version(request: HttpRequest) -> dict[str, str]:
    return {"name": "Performa", "version": __version__, "api": "1"}


def _mount() -> None:
    from . import documents, measures, plan, results, tokens

    for module in (plan, measures, results, documents, tokens):
        api.add_router("", module.router)


_mount()
