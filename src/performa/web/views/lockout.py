"""Login throttling (django-axes): the page a locked-out login gets, and the client address the
failures are counted by. See AXES_* in performa.settings."""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind our reverse proxy (PERFORMA_BEHIND_PROXY) the address it saw.

    The proxy appends the address it received the request from to X-Forwarded-For: the last
    entry is the only one it vouches for (a client can write anything before it).
    """
    if settings.BEHIND_PROXY:
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass
    address: str | None = request.META.get("REMOTE_ADDR")
    return address


def locked_out(request: HttpRequest, original_response: HttpResponse | None,
               credentials: dict[str, Any] | None) -> HttpResponse:
    """429 with an Italian page: blocked for how long, and from when to try again.

    Each failed attempt, including one during the lock-out, restarts the cool-off from now, so
    the retry time is this attempt's time plus the cool-off.
    """
    cool_off = get_cool_off(request) or settings.AXES_COOLOFF_TIME
    attempted = getattr(request, "axes_attempt_time", None) or timezone.now()
    response = render(request, "web/locked_out.html", {
        "username": get_client_username(request, credentials) or "",
        "minutes": math.ceil(cool_off.total_seconds() / 60),
        "until": timezone.localtime(attempted + cool_off),
        "today": timezone.localdate(),
    }, status=429)
    response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response
