"""The admin: every plan model usable, Italian labels, plan rules enforced on edits."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.access import SYSTEM
from performa.plans import models as m
from performa.plans.actions import amend
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = User.objects.create_superuser("pianificazione", "p@example.invalid", "x-Secret-9")
    client.force_login(user)
    return client


def _form_data(response: Any) -> dict[str, Any]:
    """What the browser would send back unchanged: the page's own forms and inlines."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


@pytest.mark.parametrize(
    "model",
    [m.Body, m.OrgUnit, m.Cycle, m.PlanVersion, m.StrategicArea, m.StrategicObjective,
     m.OperationalObjective, m.Action, m.Indicator, m.Target, m.Variable, m.Assignment,
     m.IncentiveFund, m.CostCentre],
)
def test_every_model_lists_and_adds_in_italian(
    admin_client: Client, plan: PlanDocument, model: type
) -> None:
    store_plan(plan)
    meta = model._meta
    listing = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert listing.status_code == 200
    assert str(meta.verbose_name_plural) in listing.content.decode().lower()
    assert admin_client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 200


def test_catalogues_are_shipped(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:catalog_catalogindicator_changelist")).content.decode()
    for code in ("OC_TD_01", "OC_Int_03", "EC05.1", "EC27", "B3.1_02", "DFP 1.3"):
        assert code in page
    missions = admin_client.get(reverse("admin:catalog_mission_changelist")).content.decode()
    assert "Competitività e sviluppo delle imprese" in missions


def test_broken_weight_sum_is_refused_with_the_card_named(
    admin_client: Client, plan: PlanDocument
) -> None:
    draft = amend(SYSTEM, store_plan(plan).version.cycle)
    card = m.OperationalObjective.objects.get(version=draft, code="01_01_02")
    url = reverse("admin:plans_operationalobjective_change", args=[card.pk])
    data = _form_data(admin_client.get(url))
    data["indicators-0-weight_text"] = "15,0%"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "La somma dei pesi degli indicatori di «01_01_02» è 90,0%: deve essere 100%." \
        in response.content.decode()
    assert card.indicators.first().weight_text == "25,0%"  # nothing saved

    data["indicators-1-weight_text"] = "35,0%"  # 15 + 35 + 25 + 25 = 100
    assert admin_client.post(url, data).status_code == 302
    assert [i.weight_text for i in card.indicators.all()] == ["15,0%", "35,0%", "25,0%", "25,0%"]


def test_unreadable_target_is_refused_inline(admin_client: Client, plan: PlanDocument) -> None:
    draft = amend(SYSTEM, store_plan(plan).version.cycle)
    indicator = m.Indicator.objects.get(version=draft, name="Bando PID")
    url = reverse("admin:plans_indicator_change", args=[indicator.pk])
    data = _form_data(admin_client.get(url))
    data["targets-0-value"] = "ottanta"
    response = admin_client.post(url, data)
    assert "target 2022 «ottanta» non leggibile" in response.content.decode()
    assert indicator.targets.get().value == "80"


def test_adopted_version_is_read_only_in_the_admin(
    admin_client: Client, plan: PlanDocument
) -> None:
    version = store_plan(plan).version
    indicator = m.Indicator.objects.filter(version=version).first()
    url = reverse("admin:plans_indicator_change", args=[indicator.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()  # shown, not editable
    assert admin_client.post(url, {"name": "Altro"}).status_code == 403
    assert m.Indicator.objects.get(pk=indicator.pk).name == "Bando PID"


def test_history_of_an_item_is_viewable(admin_client: Client, plan: PlanDocument) -> None:
    draft = amend(SYSTEM, store_plan(plan).version.cycle)
    indicator = m.Indicator.objects.get(version=draft, name="Bando PID")
    indicator.source = "Priamo"
    indicator.save()
    page = admin_client.get(reverse("admin:plans_indicator_history", args=[indicator.pk]))
    assert page.status_code == 200
    assert indicator.history.count() == 2
