"""Demo users, one per role, so a newcomer can see the app as each of its users does.

The password is never in the repository: it comes from ``PERFORMA_DEMO_PASSWORD`` or is
generated and printed once by ``performa demo``.
"""

from __future__ import annotations

import os
import secrets

from django.contrib.auth.models import User

from performa.plans.models import Body, OrgUnit

from .models import Membership, Role

# (username, first name, last name, role, organisational unit of the demo plan or "")
DEMO_USERS = (
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


def create_demo_users(body: Body) -> tuple[str, list[str]]:
    """Create the demo users of ``body``; returns the password and the usernames created."""
    password = os.environ.get("PERFORMA_DEMO_PASSWORD") or secrets.token_urlsafe(9)
    created = []
    for username, first, last, role, unit_name in DEMO_USERS:
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
