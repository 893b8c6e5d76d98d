"""A body born of a merger: its staff reach the plans of the bodies merged into it (the RPP
2022 of Toscana Nord-Ovest holds Lucca's, Massa-Carrara's and Pisa's), and nobody else's."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from performa.accounts import access
from performa.accounts.models import Membership, Role
from performa.plans import models as m
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db

MERGED = "Camera di Commercio della Toscana Nord-Ovest"
LUCCA = "Camera di Commercio di Lucca"


@pytest.fixture
def bodies(plan_maker: Callable[[], PlanDocument]) -> dict[str, m.Body]:
    merged = PlanDocument(body=MERGED, year=2022, triennium=(2022, 2024))
    lucca = plan_maker()
    lucca.body = LUCCA
    merged.parts = [lucca]
    store_plan(merged)
    other = plan_maker()
    other.body = "Camera di Commercio di Altrove"
    store_plan(other)
    return {b.name: b for b in m.Body.objects.all()}


def _member(name: str, body: m.Body, role: Role, unit: m.OrgUnit | None = None) -> User:
    user = User.objects.create_user(name, password="x")
    Membership.objects.create(user=user, body=body, role=role, org_unit=unit)
    return user


def test_the_successors_roles_reach_its_predecessors_and_no_other_body(
    bodies: dict[str, m.Body],
) -> None:
    planner = _member("tno.pianificazione", bodies[MERGED], Role.PLANNING)
    assert access.can_plan(planner, bodies[LUCCA])
    assert not access.can_read(planner, bodies["Camera di Commercio di Altrove"])
    lucca_reader = _member("lu.lettore", bodies[LUCCA], Role.READER)
    assert access.can_read(lucca_reader, bodies[LUCCA])
    assert not access.can_read(lucca_reader, bodies[MERGED])  # not the other way round


def test_a_unit_role_of_the_successor_reads_the_predecessor_but_enters_nothing(
    bodies: dict[str, m.Body],
) -> None:
    area = m.OrgUnit.objects.create(body=bodies[MERGED], kind=m.OrgUnit.Kind.AREA,
                                    name="Promozione e sviluppo economico")
    head = _member("tno.dirigente", bodies[MERGED], Role.HEAD, area)
    lucca_office = bodies[LUCCA].org_units.filter(kind=m.OrgUnit.Kind.OFFICE).first()
    assert access.can_read(head, bodies[LUCCA])
    assert not access.can_enter(head, bodies[LUCCA], lucca_office)


def test_the_successors_staff_see_its_predecessors_listed_and_their_dashboards(
    bodies: dict[str, m.Body], client: Client,
) -> None:
    _member("tno.lettore", bodies[MERGED], Role.READER)
    client.login(username="tno.lettore", password="x")
    listing = client.get("/enti/").content.decode()
    assert MERGED in listing and f"{LUCCA}</span> <small" in listing
    assert "accorpato in Camera di Commercio della Toscana Nord-Ovest" in listing
    assert "Altrove" not in listing
    merged = client.get(f"/enti/{bodies[MERGED].pk}/").content.decode()
    assert "Enti accorpati, ciascuno con il proprio piano" in merged and LUCCA in merged
    lucca = client.get(f"/enti/{bodies[LUCCA].pk}/")
    assert lucca.status_code == 200
    assert "Ente accorpato in" in lucca.content.decode()
    other = bodies["Camera di Commercio di Altrove"]
    assert client.get(f"/enti/{other.pk}/").status_code in (403, 404)
