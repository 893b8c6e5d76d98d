"""Demo users, one per role, so a newcomer can see the app as each of its users does.

The password is never in the repository: it comes from ``PERFORMA_DEMO_PASSWORD`` or is
generated and printed once by ``performa demo``. Each demo body has its own accounts (the
PIRA body's start with ``fl.``), so every demo account belongs to one body and lands on its
dashboard.
"""

from __future__ import annotations

import os
import secrets

from django.contrib.auth.models import User

from performa.plans.models import Body, OrgUnit

from .models import Membership, Role

# (username, first name, last name, role, organisational unit of the demo plan or "")
DemoUser = tuple[str, str, str, Role, str]

DEMO_USERS: tuple[DemoUser, ...] = (
    ("amministratore", "Anna", "Amministratore", Role.ADMIN, ""),
    ("pianificazione", "Paola", "Pianificazione", Role.PLANNING, ""),
    ("dirigente.promozione", "Davide", "Dirigente", Role.HEAD,
     "Promozione e sviluppo economico"),
    ("referente.pid", "Rita", "Referente PID", Role.STAFF, "Punto Impresa Digitale"),
    ("referente.segreteria", "Sara", "Referente Segreteria", Role.STAFF,
     "Segreteria Generale"),
    ("oiv", "Orazio", "OIV", Role.EVALUATOR, ""),
    ("lettore", "Luca", "Lettore", Role.READER, ""),
)
# The PIRA 2021 of Frosinone Latina: its Areas are the cards' centres of responsibility, as
# printed, and it has no offices, so no office staff.
PIRA_DEMO_USERS: tuple[DemoUser, ...] = (
    ("fl.amministratore", "Franca", "Amministratore", Role.ADMIN, ""),
    ("fl.pianificazione", "Fabio", "Pianificazione", Role.PLANNING, ""),
    ("fl.dirigente.cdr3", "Filippo", "Dirigente CDR 3", Role.HEAD,
     "CDR 3 - Studi, formazione, informazione e promozione economica."),
    ("fl.oiv", "Flavia", "OIV", Role.EVALUATOR, ""),
    ("fl.lettore", "Fausto", "Lettore", Role.READER, ""),
)
# The RPP 2022 of Toscana Nord-Ovest: roles held in the merged body reach the plans of Lucca,
# Massa-Carrara and Pisa, the bodies merged into it (performa.accounts.access).
RPP_DEMO_USERS: tuple[DemoUser, ...] = (
    ("tno.amministratore", "Tina", "Amministratore", Role.ADMIN, ""),
    ("tno.pianificazione", "Tommaso", "Pianificazione", Role.PLANNING, ""),
    ("tno.oiv", "Teresa", "OIV", Role.EVALUATOR, ""),
    ("tno.lettore", "Tullio", "Lettore", Role.READER, ""),
)
DEMO_ACCOUNTS: dict[str, tuple[DemoUser, ...]] = {
    "piano": DEMO_USERS, "pira": PIRA_DEMO_USERS, "rpp": RPP_DEMO_USERS,
}


def create_demo_users(body: Body, users: tuple[DemoUser, ...] = DEMO_USERS,
                      password: str = "") -> tuple[str, list[str]]:
    """Create the demo users of ``body``; returns the password and the usernames created."""
    password = password or os.environ.get("PERFORMA_DEMO_PASSWORD") or secrets.token_urlsafe(9)
    created = []
    for username, first, last, role, unit_name in users:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(username, password=password, first_name=first,
                                        last_name=last)
        unit = None
        if unit_name:
            kind = OrgUnit.Kind.AREA if role == Role.HEAD else OrgUnit.Kind.OFFICE
            unit = body.org_units.get(name=unit_name, kind=kind)
        Membership.objects.create(user=user, body=body, role=role, org_unit=unit)
        created.append(username)
    return password, created
