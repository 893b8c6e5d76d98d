from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from performa.accounts.models import Membership
from performa.plans.models import Body


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The public landing page, or straight to the user's body."""
    if not request.user.is_authenticated:
        return render(request, "web/home.html")
    return redirect("web:bodies")


@require_safe
@login_required
def bodies(request: HttpRequest) -> HttpResponse:
    """The bodies the user belongs to; with one, its dashboard directly."""
    if request.user.is_superuser:
        found = list(Body.objects.all())
    else:
        found = list(Body.objects.filter(
            pk__in=Membership.objects.filter(user=request.user).values("body")))
    if len(found) == 1:
        return redirect("web:dashboard", body_id=found[0].pk)
    return render(request, "web/bodies.html", {"bodies": found})
