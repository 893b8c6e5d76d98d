"""Login throttling (django-axes): two limits, the page a locked-out login gets, and the client
address the failures are counted by. See AXES_* in performa.settings."""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
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


ADDRESS = "ip_address"


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    total: int | None = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


class LoginThrottle(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for the address-wide count.

    Axes counts failures for each entry of AXES_LOCKOUT_PARAMETERS — here one user name from
    one address, and one address whatever the user name — but compares the largest count with
    its single AXES_FAILURE_LIMIT. One password tried on many user names from one address is
    never 5 failures for any name, so the address gets its own, higher limit
    (LOGIN_FAILURES_PER_ADDRESS): many people may share an address behind a NAT.
    """

    def address_locked(self, request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
        """Has the address, over every user name, reached its own limit?"""
        for parameter, attempts in zip(get_lockout_parameters(request, credentials),
                                       self.get_user_attempts(request, credentials),
                                       strict=True):
            limit = settings.LOGIN_FAILURES_PER_ADDRESS
            if parameter == ADDRESS and _failures(attempts) >= limit:
                return True
        return False

    def get_failures(self, request: HttpRequest,
                     credentials: dict[str, Any] | None = None) -> int:
        """The count axes compares with AXES_FAILURE_LIMIT: the per-name counts as they are,
        the address-wide one only once it reaches its own limit (then as a lock-out)."""
        counts = [_failures(attempts) for parameter, attempts in zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials), strict=True) if parameter != ADDRESS]
        if self.address_locked(request, credentials):
            counts.append(settings.AXES_FAILURE_LIMIT)
        return max(counts, default=0)

    def reset_user_attempts(self, request: HttpRequest,
                            credentials: dict[str, Any] | None = None) -> int:
        """A successful login forgives that user name's failures from that address only: were
        the address-wide count reset too, an attacker holding one valid account could log in
        between rounds of spraying and never reach the address limit."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address).delete()
        return count


def locked_out(request: HttpRequest, original_response: HttpResponse | None,
               credentials: dict[str, Any] | None) -> HttpResponse:
    """429 with an Italian page: blocked for how long, and from when to try again.

    Each failed attempt, including one during the lock-out, restarts the cool-off from now, so
    the retry time is this attempt's time plus the cool-off.
    """
    cool_off = get_cool_off(request) or settings.AXES_COOLOFF_TIME
    attempted = getattr(request, "axes_attempt_time", None) or timezone.now()
    address_wide = LoginThrottle().address_locked(request, credentials)
    response = render(request, "web/locked_out.html", {
        "address_wide": address_wide,
        "username": "" if address_wide else get_client_username(request, credentials) or "",
        "minutes": math.ceil(cool_off.total_seconds() / 60),
        "until": timezone.localtime(attempted + cool_off),
        "today": timezone.localdate(),
    }, status=429)
    response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response
