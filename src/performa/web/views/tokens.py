"""The user's API tokens: create one (its key shown once), see when each was used, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from performa.accounts import tokens


@login_required
@require_safe
def tokens_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _page(request: HttpRequest, key: str = "", error: str = "",
          status: int = 200) -> HttpResponse:
    return render(request, "web/tokens/tokens.html", {
        "tokens": request.user.api_tokens.all(), "key": key, "error": error,
    }, status=status)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    try:
        _, key = tokens.create_token(request.user, request.POST.get("name", ""))
    except ValueError as error:
        return _page(request, error=str(error), status=422)
    return _page(request, key=key)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = tokens.revoke_token(request.user, token_id)
    except ValueError as error:
        return _page(request, error=str(error), status=404)
    messages.success(request, f"Token «{token.name}» revocato.")
    return redirect("web:tokens")
