"""Rules the plan models answer themselves, so every page and document reads them alike."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from performa.plans import models as m
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db


def test_target_for_a_prefetched_indicator_costs_no_query(
    plan: PlanDocument, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    version = store_plan(plan).version
    indicator = (m.Indicator.objects.filter(version=version, name="Bando PID")
                 .prefetch_related("targets").get())
    with django_assert_num_queries(0):
        found = indicator.target_for(2022)
        missing = indicator.target_for(2023)
    assert found is not None and (found.year, found.value) == (2022, "80")
    assert missing is None


def test_target_for_without_prefetch_reads_the_targets_once(
    plan: PlanDocument, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    version = store_plan(plan).version
    indicator = m.Indicator.objects.get(version=version, name="Bando PID")
    with django_assert_num_queries(1):
        found = indicator.target_for(2022)
    assert found is not None and found.value == "80"
