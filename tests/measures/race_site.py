"""Builds the races' database in a process of its own and prints what the clients need.

Run by ``test_races.py`` with ``DATABASE_URL`` naming a scratch database (a SQLite file, or a
PostgreSQL database made for the run): the server under test is a separate gunicorn, so the
data must be committed there, not in pytest-django's test transaction.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

BULK_VARIABLES = 1500  # what a large bulk upload writes, one office's period at once


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: conftest
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from conftest import small_plan
    from performa.accounts.models import Membership, Role
    from performa.accounts.tokens import create_token
    from performa.measures.models import Period
    from performa.plans.models import Indicator, Variable
    from performa.plans.store import store_plan

    call_command("migrate", verbosity=0)
    version = store_plan(small_plan()).version
    cycle, body = version.cycle, version.cycle.body
    units = {u.name: u for u in body.org_units.all()}
    pid, secretariat = units["Punto Impresa Digitale"], units["Segreteria Generale"]
    people = {
        "pianificazione": (Role.PLANNING, None),
        "dirigente.promozione": (Role.HEAD, units["Promozione e sviluppo economico"]),
        "referente.pid": (Role.STAFF, pid),
        "referente.segreteria": (Role.STAFF, secretariat),
    }
    tokens = {}
    for name, (role, unit) in people.items():
        user = User.objects.create_user(name, password=sys.argv[1])
        Membership.objects.create(user=user, body=body, role=role, org_unit=unit)
        tokens[name] = create_token(user, "corse")[1]
    june = Period.objects.create(cycle=cycle, date=date(2022, 6, 30), state="open")
    Variable.objects.bulk_create(
        Variable(cycle=cycle, name=f"pratiche_{n:04d}", unit="n.", office=pid)
        for n in range(BULK_VARIABLES)
    )
    own = {office.name: Variable.objects.create(cycle=cycle, name=f"domande_{n}", unit="n.",
                                                office=office)
           for n, office in enumerate((pid, secretariat))}
    fresh = [Variable.objects.create(cycle=cycle, name=f"nuova_{n}", unit="n.", office=pid).pk
             for n in range(4)]
    print(json.dumps({
        "fresh_variables": fresh,
        "body": body.pk, "period": june.pk, "tokens": tokens,
        "bando": Indicator.objects.get(version=version, name="Bando PID").pk,
        "pid_variable": own[pid.name].pk, "secretariat_variable": own[secretariat.name].pk,
        "bulk_variables": [f"pratiche_{n:04d}" for n in range(BULK_VARIABLES)],
    }))


if __name__ == "__main__":
    main()
