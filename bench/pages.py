"""Page latency with the demo data: dashboard, card and data-entry pages. Prints figures.

Each page is requested through Django's full stack (middleware, sessions, templates, the
database) with the test client, as the demo users who would open it; target p95 < 100 ms.

    python bench/pages.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from io import StringIO


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("PERFORMA_VAR_DIR", tempfile.mkdtemp(prefix="performa-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "performa.settings"
    os.environ["PERFORMA_DEMO_PASSWORD"] = "bench-Demo-2022"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from performa.cli import main as performa
    from performa.plans.models import Body

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    quiet, sys.stdout = sys.stdout, StringIO()
    performa(["demo"])
    sys.stdout = quiet
    body = Body.objects.get(name="Camera di Commercio di Pistoia-Prato")
    pages = [
        ("cruscotto", "lettore", reverse("web:dashboard", args=[body.pk])),
        ("scheda 01_01_02", "lettore", reverse("web:card", args=[body.pk, "01_01_02"])),
        ("albero", "lettore", reverse("web:tree", args=[body.pk])),
        ("inserimento (referente PID)", "referente.pid", reverse("web:entry", args=[body.pk])),
    ]
    print(f"database: {connection.vendor}; demo body, {args.repeat} requests a page")
    for label, username, url in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        assert client.get(url).status_code == 200  # warm up, and fail loudly if broken
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - started)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"{label}: median {statistics.median(timings) * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
