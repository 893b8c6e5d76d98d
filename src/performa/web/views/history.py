"""The audit trail of one item: who changed what, when, from which value to which, and why.

The OIV and the auditors ask "who typed 55 here, and why not 50?": every plan and measure
model keeps django-simple-history rows, and this page reads them for any item whose body the
user may read. Only the models listed here are reachable; for anything else, or an item of
another body, the answer is 404, as for an item that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from simple_history.models import DeletedObject

from performa.accounts import access
from performa.plans.models import Body, PlanVersion, Target, VersionedModel

from ..listing import italian

ROME = ZoneInfo("Europe/Rome")
COMMAND_LINE = "riga di comando"
KINDS = {"+": "creato", "~": "modificato", "-": "eliminato"}
EMPTY = "—"
# Bookkeeping that changes on every save and says nothing to a reader.
HIDDEN_FIELDS = {"revision"}
MAX_ROWS = 500


def _itself(obj: Any) -> Body:
    return obj  # type: ignore[no-any-return]


def _of_body(obj: Any) -> Body:
    return obj.body  # type: ignore[no-any-return]


def _of_cycle(obj: Any) -> Body:
    return obj.cycle.body  # type: ignore[no-any-return]


def _of_version(obj: Any) -> Body:
    return obj.version.cycle.body  # type: ignore[no-any-return]


def _of_indicator(obj: Any) -> Body:
    return obj.indicator.version.cycle.body  # type: ignore[no-any-return]


def _of_period(obj: Any) -> Body:
    return obj.period.cycle.body  # type: ignore[no-any-return]


# The models whose history can be read, each with the way to its body.
RESOLVERS: dict[str, Callable[[Any], Body]] = {
    "plans.body": _itself,
    "plans.orgunit": _of_body,
    "plans.planversion": _of_cycle,
    "plans.variable": _of_cycle,
    "plans.strategicarea": _of_version,
    "plans.strategicobjective": _of_version,
    "plans.operationalobjective": _of_version,
    "plans.action": _of_version,
    "plans.phase": _of_version,
    "plans.indicator": _of_version,
    "plans.assignment": _of_version,
    "plans.incentivefund": _of_version,
    "plans.fundshare": _of_version,
    "plans.target": _of_indicator,
    "measures.period": _of_cycle,
    "measures.measuredvalue": _of_period,
    "measures.deviation": _of_period,
    "measures.resourceuse": _of_period,
    "measures.phasecompletion": _of_cycle,
    "measures.resultset": _of_period,
    "accounts.membership": _of_body,
}


def history_url(obj: models.Model) -> str:
    """The "Cronologia" link of an item, or "" when its history is not shown."""
    meta = obj._meta
    if meta.label_lower not in RESOLVERS or obj.pk is None:
        return ""
    return reverse("web:history", kwargs={"app_label": meta.app_label,
                                          "model_name": meta.model_name, "pk": obj.pk})


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: str
    who: str
    kind: str
    reason: str
    changes: list[Change] = field(default_factory=list)


@require_safe
@login_required
def history(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    model, item, records = _item_for(request, app_label, model_name, pk)
    entries = _entries(model, records)
    return render(request, "web/history/history.html", {
        "item": item, "label": str(item), "verbose_name": model._meta.verbose_name,
        "entries": entries, "deleted": records[0].history_type == "-" if records else False,
        "truncated": len(records) >= MAX_ROWS, "max_rows": MAX_ROWS,
    })


def _item_for(request: HttpRequest, app_label: str, model_name: str,
              pk: int) -> tuple[type[models.Model], Any, list[Any]]:
    """The item (or, once deleted, its last recorded state) if the user may read its body."""
    label = f"{app_label}.{model_name}".lower()
    resolve = RESOLVERS.get(label)
    if resolve is None:
        raise Http404
    model = apps.get_model(label)
    records = list(
        model.history.filter(**{model._meta.pk.attname: pk})  # type: ignore[attr-defined]
        .select_related("history_user").order_by("-history_date", "-history_id")[:MAX_ROWS]
    )
    item = model._default_manager.filter(pk=pk).first()
    if item is None and records:
        item = records[0].instance
    if item is None:
        raise Http404
    try:
        body = resolve(item)
        version = _version_of(item)
    except models.ObjectDoesNotExist:
        raise Http404 from None
    if not access.can_read(request.user, body):
        raise Http404
    # A draft of the plan is the planning office's, here as in the editor and the API.
    if version is not None and version.status == PlanVersion.Status.DRAFT:
        access.require(access.can_plan(request.user, body),
                       "Le bozze del piano sono riservate al controllo di gestione.")
    return model, item, records


def _version_of(item: Any) -> PlanVersion | None:
    """The plan version an item of the plan belongs to; None for anything else (measures
    and results follow the plan in force)."""
    if isinstance(item, PlanVersion):
        return item
    if isinstance(item, Target):
        return item.indicator.version
    if isinstance(item, VersionedModel):
        return item.version
    return None


def _entries(model: type[models.Model], records: list[Any]) -> list[Entry]:
    """Newest first; each row compared with the one before it."""
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        entry = Entry(
            when=record.history_date.astimezone(ROME).strftime("%d/%m/%Y %H:%M"),
            who=_who(record.history_user or _author(model, record)),
            kind=KINDS.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
        )
        if record.history_type == "~" and previous is not None:
            entry.changes = _changes(model, record, previous)
        elif record.history_type == "+" or previous is None:
            entry.changes = _initial(model, record)
        entries.append(entry)
    return entries


def _author(model: type[models.Model], record: Any) -> Any:
    """Who saved the row, when no request recorded it (an action called by a command or a
    batch): measured data carries its author on every save."""
    names = {f.name for f in model._meta.concrete_fields}
    for name in ("author", "created_by"):
        if name in names:
            try:
                return getattr(record, name)
            except models.ObjectDoesNotExist:
                return None
    return None


def _who(user: Any) -> str:
    if user is None:
        return COMMAND_LINE
    return str(user.get_full_name() or user.get_username())


def _changes(model: type[models.Model], record: Any, previous: Any) -> list[Change]:
    delta = record.diff_against(previous, excluded_fields=HIDDEN_FIELDS,
                                foreign_keys_are_objs=True)
    found = []
    for change in delta.changes:
        model_field = model._meta.get_field(change.field)
        found.append(Change(_label(model_field), _shown(model_field, change.old),
                            _shown(model_field, change.new)))
    return sorted(found, key=lambda c: _order(model, c.label))


def _initial(model: type[models.Model], record: Any) -> list[Change]:
    """A creation: the values the item started with."""
    found = []
    for model_field in model._meta.concrete_fields:
        if not model_field.editable or model_field.primary_key or (
            model_field.name in HIDDEN_FIELDS
        ):
            continue
        value = getattr(record, model_field.attname)
        if value in (None, "", {}, []):
            continue
        if isinstance(model_field, models.ForeignKey):
            value = model_field.related_model._default_manager.filter(pk=value).first() or \
                DeletedObject(model_field.related_model, value)
        found.append(Change(_label(model_field), EMPTY, _shown(model_field, value)))
    return found


def _label(model_field: Any) -> str:
    return str(getattr(model_field, "verbose_name", model_field.name))


def _order(model: type[models.Model], label: str) -> int:
    labels = [_label(f) for f in model._meta.get_fields() if hasattr(f, "verbose_name")]
    return labels.index(label) if label in labels else len(labels)


def _shown(model_field: Any, value: Any) -> str:
    """A field's value as the page shows it: choice labels, Italian numbers, names."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, DeletedObject):  # also what simple_history gives for an empty key
        if value.pk is None:
            return EMPTY
        return f"{value.model._meta.verbose_name} n. {value.pk} (eliminato)"
    if isinstance(value, AbstractBaseUser):
        return _who(value)
    if isinstance(value, list):  # many-to-many: rows of the through table
        target = model_field.related_model
        names = [
            _shown(None, item) for row in value for item in row.values()
            if isinstance(item, target)
            or (isinstance(item, DeletedObject) and item.model is target)
        ]
        return ", ".join(names) or EMPTY
    choices = dict(getattr(model_field, "flatchoices", None) or [])
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, bool | int | float | Decimal | date):
        return italian(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)[:300]
    if isinstance(value, models.Model) or not isinstance(value, str):
        return str(value)
    return value
