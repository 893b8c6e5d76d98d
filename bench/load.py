"""Load on the live app: prints figures, asserts nothing but «no lost writes».

Creates a throwaway database (PostgreSQL, or a SQLite file with ``--database-url
sqlite:////tmp/load.sqlite3``), loads the demo (Pistoia-Prato 2022, 372 indicators, 30/09
open), serves it with gunicorn as production would (DEBUG off), and runs locust headless: 50
concurrent users, three readers of results and tree for each writer typing values through the
API, and one office uploading a third of the values in bulk every few seconds, for 60 s. Then
prints throughput, p50/p95 latency and errors per kind of request — single saves made while a
bulk upload was running apart, which is how long a bulk upload makes other offices wait — and
checks that every write the server acknowledged is in the audit trail (a 409 on two writes to
one value is the locking doing its job, counted apart).

    python bench/load.py [--users 50] [--seconds 60] [--database-url postgres://…|sqlite:///…]

PostgreSQL needs a server (scripts/ensure-postgres.sh) whose role may create databases.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://performa:performa@127.0.0.1:5432/performa_load"
PORT = 8765


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":  # sqlite:////absolute/path (as dj-database-url reads it)
        path = Path(parts.path[1:])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare(url: str) -> dict[str, object]:
    """Migrate, load the demo, make tokens; returns what the locust users need."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "performa.settings"
    os.environ.setdefault("PERFORMA_DEMO_PASSWORD", "bench-Demo-2022")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from performa.accounts.tokens import create_token
    from performa.cli import main as performa
    from performa.measures.computing import uses_resources
    from performa.measures.models import MeasuredValue, Period
    from performa.plans.models import Indicator

    call_command("migrate", verbosity=0)
    quiet = StringIO()
    sys.stdout, saved = quiet, sys.stdout
    try:
        performa(["demo"])
    finally:
        sys.stdout = saved
    period = Period.objects.get(state="open", demo=True)
    version = period.cycle.current_version()
    # Indicators typed directly as a count: any whole number is a valid value for them.
    indicators = Indicator.objects.filter(version=version, formula="")
    typed = [i for i in indicators if i.unit in ("n.", "n") and not uses_resources(i)]
    readers = [create_token(User.objects.get(username=name), "carico")[1]
               for name in ("pianificazione", "dirigente.promozione", "oiv", "lettore")]
    writer = create_token(User.objects.get(username="pianificazione"), "carico")[1]
    revisions = dict(MeasuredValue.objects.filter(period=period, indicator__isnull=False)
                     .values_list("indicator_id", "revision"))
    # Every third indicator belongs to the office that uploads in bulk, the rest are typed
    # one by one: a bulk upload and single saves never touch the same value, so any wait
    # between them is the locking's, not a real conflict.
    bulk = typed[::3]
    positions = {}
    for indicator in bulk:
        card = list(Indicator.objects.filter(
            version=version, operational_objective__code=indicator.operational_objective.code))
        positions[indicator.pk] = (indicator.operational_objective.code,
                                   card.index(indicator) + 1)
    return {"body": period.cycle.body_id, "period": period.pk, "year": period.cycle.year,
            "indicators": [i.pk for i in typed if i not in bulk],
            "bulk": [{"indicator_id": i, "objective": code, "indicator": position}
                     for i, (code, position) in positions.items()],
            "revisions": {str(i): r for i, r in revisions.items()},
            "indicator_count": Indicator.objects.filter(version=version).count(),
            "readers": readers, "writer": writer}


def serve(url: str, workdir: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
               ALLOWED_HOSTS="127.0.0.1", PERFORMA_SSL_REDIRECT="0",
               PERFORMA_VAR_DIR=str(workdir))
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "performa.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "3", "--threads", "4", "--timeout", "120",
         # Longer than a client keeps a connection idle between two requests (locust's users
         # wait up to 4 s): with gunicorn's default of 2 s, the server closed connections the
         # client was just reusing, and those requests failed as "HTTP 0" / connection reset.
         "--keep-alive", "75",
         "--log-level", "warning"], env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/version", timeout=1)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def run_locust(config: Path, workdir: Path, users: int, seconds: int) -> None:
    env = dict(os.environ, PERFORMA_LOAD_CONFIG=str(config))
    subprocess.run(
        [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
         "--users", str(users), "--spawn-rate", str(max(1, users // 5)),
         "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{PORT}",
         "--csv", str(workdir / "load"), "--only-summary", "--loglevel", "WARNING"],
        env=env, check=False, stdout=subprocess.DEVNULL)


def report(workdir: Path) -> None:
    rows = list(csv.DictReader(open(workdir / "load_stats.csv", encoding="utf-8")))  # noqa: SIM115
    print(f"{'richiesta':34} {'n.':>7} {'errori':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}")
    for row in rows:
        print(f"{row['Name'] or row['Type']:34} {row['Request Count']:>7} "
              f"{row['Failure Count']:>7} {float(row['Requests/s']):7.1f} "
              f"{row['50%']:>7} {row['95%']:>7}")


def check_writes(log: Path) -> int:
    """Every acknowledged write must be a history row of its value (who may have been
    overwritten later, legitimately, by a newer revision)."""
    from performa.measures.models import MeasuredValue

    written = json.loads(log.read_text())
    acknowledged = written["acknowledged"]
    history = set(MeasuredValue.history.values_list("id", "revision", "value_text"))
    lost = [w for w in acknowledged if (w["id"], w["revision"], w["value"]) not in history]
    print(f"scritture confermate: {len(acknowledged)}; rifiutate per conflitto (409): "
          f"{written['conflicts']}; perse: {len(lost)}")
    for write in lost[:10]:
        print(f"  PERSA: {write}")
    return len(lost)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--database-url", default=os.environ.get("PERFORMA_LOAD_DATABASE_URL",
                                                                  DEFAULT_URL))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="performa-load-"))
    os.environ["PERFORMA_VAR_DIR"] = str(workdir)
    recreate_database(args.database_url)
    config = prepare(args.database_url)
    config["log"] = str(workdir / "writes.json")
    config_file = workdir / "config.json"
    config_file.write_text(json.dumps(config))
    print(f"demo caricata; {len(config['indicators'])} indicatori scrivibili; "  # type: ignore[arg-type]
          f"{args.users} utenti per {args.seconds} s su {urlsplit(args.database_url).hostname}")
    server = serve(args.database_url, workdir)
    try:
        run_locust(config_file, workdir, args.users, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(workdir)
    lost = check_writes(Path(config["log"]))  # type: ignore[arg-type]
    sys.exit(1 if lost else 0)


if __name__ == "__main__":
    main()
