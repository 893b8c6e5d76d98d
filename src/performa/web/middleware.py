"""Request checks and response headers Django has no setting for."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (settings.PERMISSIONS_POLICY): no page of Performa uses the
    camera, the microphone or the position, so neither may anything injected into one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


NUL = "\x00"
NUL_MESSAGE = "L'indirizzo contiene il carattere nullo (%00), che non è ammesso."


class RefuseNulMiddleware:
    """Refuses (400) an address whose path or query carries a NUL character.

    PostgreSQL cannot hold NUL in text, so a lookup with one fails deep in the driver as a 500;
    no user types it, and a clear refusal here covers every page and API call at once. Form
    fields already refuse it (Django's ProhibitNullCharactersValidator), API bodies in their
    schemas.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = (text for key, values in request.GET.lists() for text in (key, *values))
        if NUL in request.path or any(NUL in text for text in query):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "bad_request", "message": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
