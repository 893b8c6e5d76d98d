"""Editing a draft plan: the nodes of its tree, a card's indicators and their targets, the
phases of an objective and the actions of a card with their money.

Each action takes the acting user first, lets only the body's planning office (and
administrators) act, refuses a version that is no longer a draft, owns its transaction and
names who and why on every history row it writes (``performa.audit``). The version's status
is read under lock, as adoption reads it (``actions.adopt``), so no edit lands in a plan
adopted meanwhile.

The tree keeps the ``order`` of each level running through the whole version in document
order (as the loader stores it), so every other page can list a level with a plain
``order_by("order")``. Deleting indicators or cards asks the layers above first
(``signals.nodes_deleting``): measured data is never lost to an edit.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Max
from django.db.models.deletion import Collector
from simple_history.utils import bulk_update_with_history

from performa.accounts import access
from performa.audit import account_of, record
from performa.engine.values import parse_money

from .actions import PLANNERS_ONLY
from .models import (
    Action,
    Classification,
    FrozenVersionError,
    Indicator,
    OperationalObjective,
    OrgUnit,
    Phase,
    PlanVersion,
    StrategicArea,
    StrategicObjective,
    Target,
)
from .signals import nodes_deleting

ORDER_REASON = "ordine nel piano"

Node = StrategicArea | StrategicObjective | OperationalObjective

# The field naming a node's parent ("" for areas): a node is placed among its siblings.
PARENT: dict[type[models.Model], str] = {
    StrategicArea: "", StrategicObjective: "area", OperationalObjective: "strategic_objective",
}


def _require_draft(user: Any, version: PlanVersion) -> None:
    access.require(access.can_plan(user, version.cycle.body), PLANNERS_ONLY)
    status = (PlanVersion.objects.select_for_update().values_list("status", flat=True)
              .get(pk=version.pk))
    if status != PlanVersion.Status.DRAFT:
        raise FrozenVersionError()


# -- the tree's nodes -----------------------------------------------------------------------


@transaction.atomic
def save_node(user: Any, node: Node, changed: Collection[str] = (),
              offices: Iterable[OrgUnit] | None = None, reason: str = "") -> None:
    """Add ``node`` (it has no ``pk`` yet) or save the fields set on it, which ``changed``
    names; a new node, or one given another parent, goes last among its siblings.
    ``offices``: all of a card's offices."""
    _require_draft(user, node.version)
    new = node.pk is None
    offices = None if offices is None else list(offices)
    if isinstance(node, OperationalObjective):
        _follow_choices(node, changed, offices)
    if isinstance(node, StrategicObjective):
        node.resources_amount = parse_money(node.resources, strict=False)
        if {"mission", "programme"} & set(changed):
            node.classified_by = Classification.SOURCE  # a person chose: no longer Performa's
    record(node, user, reason)
    node.save()
    if isinstance(node, OperationalObjective) and offices is not None:
        node.offices.set(offices)
    parent = PARENT[type(node)]
    if new or (parent and parent in changed):
        _place_last(user, node, parent, reason)


def _follow_choices(card: OperationalObjective, changed: Collection[str],
                    offices: list[OrgUnit] | None) -> None:
    """The texts are what documents print; follow a changed choice, keep imported wording."""
    card.resources_amount = parse_money(card.resources, strict=False)
    if "area" in changed or "transversal" in changed:
        card.area_text = (card.area.name if card.area else
                          "Obiettivo trasversale" if card.transversal else "")
    if "offices" in changed and offices is not None:
        card.office_text = ", ".join(o.name for o in offices)


def cards_under(node: Node) -> models.QuerySet[OperationalObjective]:
    if isinstance(node, StrategicArea):
        return OperationalObjective.objects.filter(strategic_objective__area=node)
    if isinstance(node, StrategicObjective):
        return OperationalObjective.objects.filter(strategic_objective=node)
    return OperationalObjective.objects.filter(pk=node.pk)


@transaction.atomic
def delete_node(user: Any, node: Node, reason: str = "") -> None:
    """Delete a node with everything under it — refused if measured data would go too."""
    _require_draft(user, node.version)
    cards = cards_under(node)
    nodes_deleting.send(sender=type(node), cards=cards,
                        indicators=Indicator.objects.filter(operational_objective__in=cards))
    _delete(user, node, reason)


def _delete(user: Any, instance: models.Model, reason: str) -> None:
    """Delete as ``Model.delete`` does, naming who and why on the history row of everything
    deleted with ``instance`` too (outside a request nothing else would name them)."""
    collector = Collector(using=router.db_for_write(type(instance)), origin=instance)
    collector.collect([instance])
    for found in collector.data.values():
        for each in found:
            record(each, user, reason)
    collector.delete()


@transaction.atomic
def move_node(user: Any, node: StrategicObjective | OperationalObjective,
              parent: StrategicArea | StrategicObjective, reason: str = "") -> bool:
    """Give a strategic objective another area, or a card another strategic objective, last
    among its new siblings; False if it is there already."""
    _require_draft(user, node.version)
    if parent.version_id != node.version_id:
        raise ValidationError("Si sposta solo dentro la stessa versione del piano.")
    field = PARENT[type(node)]
    if getattr(node, f"{field}_id") == parent.pk:
        return False
    setattr(node, field, parent)
    record(node, user, reason)
    node.save(update_fields=[field])
    _place_last(user, node, field, reason)
    return True


@transaction.atomic
def reorder_node(user: Any, node: Node, step: int, reason: str = "") -> None:
    """Move a node one place up (``step`` -1) or down (+1) among its siblings; at the end of
    the row, nothing."""
    _require_draft(user, node.version)
    sequence = _siblings(node, PARENT[type(node)])
    at = sequence.index(node.pk)
    other = at + step
    if 0 <= other < len(sequence):
        sequence[at], sequence[other] = sequence[other], sequence[at]
        _renumber(user, node.version, (type(node), sequence), reason)


# -- phases and actions ---------------------------------------------------------------------

Part = Phase | Action


@transaction.atomic
def save_part(user: Any, part: Part, reason: str = "") -> None:
    """Add ``part`` (no ``pk`` yet: it goes last in the version) or save it as changed: a
    phase of a strategic objective or of a card, or an action of a card with its money."""
    _require_draft(user, part.version)
    if isinstance(part, Phase):
        _check_phase(part)
    else:
        _check_action(part)
    if part.pk is None:
        last = type(part).objects.filter(version=part.version_id).aggregate(n=Max("order"))
        part.order = (last["n"] + 1) if last["n"] is not None else 0
    record(part, user, reason)
    part.save()


def _check_phase(phase: Phase) -> None:
    owner = phase.strategic_objective or phase.operational_objective
    if owner is None or (phase.strategic_objective_id and phase.operational_objective_id):
        raise ValidationError("Una fase appartiene a un solo obiettivo.")
    if owner.version_id != phase.version_id:
        raise ValidationError("La fase e il suo obiettivo devono stare nella stessa versione.")
    if phase.first_year > phase.last_year:
        raise ValidationError({"last_year": f"L'anno di fine {phase.last_year} viene prima di "
                                            f"quello di inizio {phase.first_year}."})


def _check_action(action: Action) -> None:
    body = action.version.cycle.body_id
    if action.operational_objective.version_id != action.version_id:
        raise ValidationError("L'azione e la sua scheda devono stare nella stessa versione.")
    if action.cost_centre_id and action.cost_centre.body_id != body:
        raise ValidationError({"cost_centre": "Il centro di costo è di un altro ente."})
    if action.office_id and action.office.body_id != body:
        raise ValidationError({"office": "L'ufficio è di un altro ente."})
    for name in ("costs", "revenues", "contributions", "investments"):
        if getattr(action, name) < 0:
            label = Action._meta.get_field(name).verbose_name
            raise ValidationError({name: f"Indicare {label} non negativi."})


@transaction.atomic
def delete_part(user: Any, part: Part, reason: str = "") -> None:
    """Delete a phase or an action (no measured data hangs on them: a phase's completion is
    kept by its objective's code and title, for the version in force)."""
    _require_draft(user, part.version)
    record(part, user, reason)
    part.delete()


# -- a card's indicators --------------------------------------------------------------------


@dataclass
class IndicatorRow:
    """One row of a card's indicator table as typed.

    ``indicator`` carries the typed fields, unsaved (a new row has no ``pk``); ``changed``
    names the fields typed differently from those shown (none: the row stays as it is);
    ``shown`` is the row's target of the year and ``shown_comparator`` its comparator, as
    the page showed them."""

    indicator: Indicator
    target: str = ""  # the target of the year as typed; "" removes it
    shown: Target | None = None
    shown_comparator: str = ""
    changed: Collection[str] = ()
    position: int | None = None  # the «Posizione» typed
    moved: bool = False  # the position was typed anew
    deleted: bool = False


@transaction.atomic
def save_indicators(user: Any, card: OperationalObjective, year: int,
                    rows: list[IndicatorRow], reason: str = "") -> None:
    """Save a card's indicator table at once: the rows added, changed and deleted, each
    row's target of ``year``, and the rows' order as typed."""
    _require_draft(user, card.version)
    gone = [row.indicator.pk for row in rows if row.deleted and row.indicator.pk]
    if gone:
        nodes_deleting.send(sender=Indicator, cards=None,
                            indicators=Indicator.objects.filter(pk__in=gone))
    for row in rows:
        indicator = row.indicator
        if row.deleted:
            if indicator.pk:
                _delete(user, indicator, reason)
            continue
        if indicator.pk and not row.changed:
            continue
        if indicator.pk is None:
            indicator.operational_objective, indicator.version = card, card.version
        record(indicator, user, reason)
        indicator.save()
        _save_target(user, row, year, reason)
    _renumber(user, card.version, (Indicator, _sequence(rows)), reason)


def _sequence(rows: list[IndicatorRow]) -> list[int]:
    """The rows kept, by the «Posizione» typed; a row given the position of another takes
    its place (typing 2 puts a row second), blank positions go last, as listed."""
    kept = [(i, row) for i, row in enumerate(rows) if not row.deleted and row.indicator.pk]

    def key(item: tuple[int, IndicatorRow]) -> tuple[float, int, int]:
        index, row = item
        return (math.inf if row.position is None else row.position, 0 if row.moved else 1,
                index)

    return [row.indicator.pk for _, row in sorted(kept, key=key)]


def _save_target(user: Any, row: IndicatorRow, year: int, reason: str) -> None:
    """The year's target follows the row; the other years' follow a changed comparator."""
    indicator = row.indicator
    text = row.target.strip()
    current = row.shown
    if "comparator" in row.changed:
        old = row.shown_comparator
        for target in indicator.targets.exclude(year=year):
            if target.comparator in ("", old):
                target.comparator = indicator.comparator
                record(target, user, reason)
                target.save(update_fields=["comparator"])
    if not text:
        if current is not None:
            record(current, user, reason)
            current.delete()
        return
    if current is None:
        new = Target(indicator=indicator, year=year, comparator=indicator.comparator,
                     value=text)
        record(new, user, reason)
        new.save(force_insert=True)
    elif (current.value, current.comparator) != (text, indicator.comparator):
        current.value, current.comparator = text, indicator.comparator
        record(current, user, reason)
        current.save(update_fields=["value", "comparator"])


# -- keeping the order of the tree ----------------------------------------------------------

_ORDERED: list[tuple[type[models.Model], str]] = [
    (StrategicArea, ""), (StrategicObjective, "area_id"),
    (OperationalObjective, "strategic_objective_id"), (Indicator, "operational_objective_id"),
]


def _siblings(node: Any, parent_field: str) -> list[int]:
    """The node and its siblings, in their order."""
    siblings = type(node).objects.filter(version=node.version_id)
    if parent_field:
        siblings = siblings.filter(**{parent_field: getattr(node, f"{parent_field}_id")})
    return list(siblings.order_by("order", "pk").values_list("pk", flat=True))


def _place_last(user: Any, node: Any, parent_field: str, reason: str) -> None:
    """Put a new or moved node last among its siblings."""
    sequence = [pk for pk in _siblings(node, parent_field) if pk != node.pk]
    _renumber(user, node.version, (type(node), [*sequence, node.pk]), reason)


def _renumber(
    user: Any, plan: PlanVersion,
    sequence: tuple[type[models.Model], list[int]] | None = None, reason: str = "",
) -> None:
    """Number each level of the version 0, 1, 2… in document order (parent first, then own
    order); ``sequence`` imposes the order of one group of siblings. Only rows whose number
    changes are written, each with its history row."""
    rank: dict[int, int] = {}
    for model, parent in _ORDERED:
        rows: list[Any] = list(model.objects.filter(version=plan))
        rows.sort(key=lambda r, p=parent: (rank.get(getattr(r, p), -1) if p else 0, r.order,
                                           r.pk))
        if sequence is not None and sequence[0] is model:
            wanted = {pk: i for i, pk in enumerate(sequence[1])}
            slots = [i for i, row in enumerate(rows) if row.pk in wanted]
            for slot, row in zip(slots, sorted((rows[i] for i in slots),
                                               key=lambda r: wanted[r.pk]), strict=True):
                rows[slot] = row
        changed = []
        for position, row in enumerate(rows):
            if row.order != position:
                row.order = position
                changed.append(row)
        if changed:
            bulk_update_with_history(changed, model, ["order"], default_user=account_of(user),
                                     default_change_reason=reason or ORDER_REASON)
        rank = {row.pk: position for position, row in enumerate(rows)}
