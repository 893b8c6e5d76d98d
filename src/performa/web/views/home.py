from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from performa.accounts import access


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The public landing page, or straight to the user's body."""
    if not request.user.is_authenticated:
        return render(request, "web/home.html")
    return redirect("web:bodies")


@require_safe
@login_required
def bodies(request: HttpRequest) -> HttpResponse:
    """The bodies the user belongs to and those merged into them; with one, its dashboard
    directly."""
    found = list(access.readable_bodies(request.user))
    if len(found) == 1:
        return redirect("web:dashboard", body_id=found[0].pk)
    return render(request, "web/bodies.html", {"bodies": found})
