"""Periods, measured values and bulk uploads: the same actions as the data-entry pages.

Every write goes through ``performa.measures.actions``, which checks the office scope and the
period's state, keeps the revision (a stale write is a 409 with the newer value) and writes
the audit row; the API adds nothing but the transport.
"""

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Header, Router, Status
from ninja.pagination import paginate

from performa import audit
from performa.measures import actions, computing
from performa.measures.models import BulkUpload, Period
from performa.measures.values_file import BULK_MAX_VALUES, Row, ValuesFileError, find_owner
from performa.plans.models import Indicator, Variable

from .objects import cycle_of, period_of
from .pagination import Pagination
from .schemas import (
    BulkIn,
    BulkOut,
    EnteredOut,
    Error,
    PeriodIn,
    PeriodMoveIn,
    PeriodOut,
    ValueIn,
    ValueOut,
)

router = Router(tags=["rilevazioni e valori"])
ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


@router.get("/bodies/{body_id}/cycles/{year}/periods", response=list[PeriodOut],
            summary="Rilevazioni del ciclo")
def periods(request: HttpRequest, body_id: int, year: int) -> Any:
    return cycle_of(request, body_id, year).periods.order_by("date")


@router.post("/bodies/{body_id}/cycles/{year}/periods", response={201: PeriodOut, **ERRORS},
             summary="Nuova rilevazione (controllo di gestione)")
def create_period(request: HttpRequest, body_id: int, year: int, data: PeriodIn) -> Any:
    cycle = cycle_of(request, body_id, year)
    return Status(201, actions.create_period(request.user, cycle, data.date, data.label,
                                             data.deadline))


@router.get("/bodies/{body_id}/periods/{period_id}", response=PeriodOut,
            summary="Una rilevazione")
def period(request: HttpRequest, body_id: int, period_id: int) -> Any:
    return period_of(request, body_id, period_id)


@router.post("/bodies/{body_id}/periods/{period_id}/state", response={200: PeriodOut, **ERRORS},
             summary="Apre, chiude o valida una rilevazione")
def move_period(request: HttpRequest, body_id: int, period_id: int, data: PeriodMoveIn) -> Any:
    found = period_of(request, body_id, period_id)
    return actions.move_period(request.user, found, data.state, data.reason)


@router.get("/bodies/{body_id}/periods/{period_id}/values", response=list[ValueOut],
            summary="Valori inseriti nella rilevazione")
@paginate(Pagination)
def values(request: HttpRequest, body_id: int, period_id: int) -> Any:
    found = period_of(request, body_id, period_id)
    return found.values.select_related("author").order_by("pk")


def _enter(request: HttpRequest, period: Period, owner: Variable | Indicator,
           data: ValueIn) -> EnteredOut:
    entered = actions.enter_value(
        request.user, period, owner, data.value, revision=data.revision, note=data.note,
        reason=data.reason, not_available_reason=data.not_available_reason,
    )
    return EnteredOut.from_orm(entered)


@router.put("/bodies/{body_id}/periods/{period_id}/variables/{variable_id}/value",
            response={200: EnteredOut, **ERRORS},
            summary="Inserisce o modifica il valore di una variabile")
def put_variable_value(request: HttpRequest, body_id: int, period_id: int, variable_id: int,
                       data: ValueIn) -> Any:
    found = period_of(request, body_id, period_id)
    variable = get_object_or_404(Variable, pk=variable_id, cycle=found.cycle)
    return _enter(request, found, variable, data)


@router.put("/bodies/{body_id}/periods/{period_id}/indicators/{indicator_id}/value",
            response={200: EnteredOut, **ERRORS},
            summary="Inserisce o modifica il valore di un indicatore rilevato direttamente")
def put_indicator_value(request: HttpRequest, body_id: int, period_id: int, indicator_id: int,
                        data: ValueIn) -> Any:
    found = period_of(request, body_id, period_id)
    indicator = get_object_or_404(Indicator, pk=indicator_id,
                                  version=found.cycle.current_version())
    return _enter(request, found, indicator, data)  # the action refuses a computed indicator


def _digest(data: BulkIn) -> str:
    return hashlib.sha256(json.dumps(data.model_dump(), sort_keys=True).encode()).hexdigest()


@router.post("/bodies/{body_id}/periods/{period_id}/values/bulk",
             response={200: BulkOut, **ERRORS},
             summary="Caricamento massivo di valori: tutti o nessuno, idempotente")
def bulk(request: HttpRequest, body_id: int, period_id: int, data: BulkIn,
         idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1,
                                       max_length=200)) -> Any:
    """Stores every value or none. A retry with the same ``Idempotency-Key`` and the same
    content stores nothing and answers as the first time (``replayed``: true)."""
    found = period_of(request, body_id, period_id)
    if len(data.values) > BULK_MAX_VALUES:
        raise ValidationError({"values": f"{len(data.values)} valori: al massimo "
                                         f"{BULK_MAX_VALUES} per caricamento, dividerlo in più "
                                         "richieste."})
    digest = _digest(data)
    previous = BulkUpload.objects.filter(user=request.user, key=idempotency_key).first()
    if previous is not None:
        return _replay(previous, found, digest)
    try:
        with transaction.atomic():
            upload = BulkUpload.objects.create(user=request.user, period=found,
                                               key=idempotency_key, digest=digest)
            stored = _store_all(request, found, data)
            upload.response = {"stored": stored, "period_id": found.pk}
            upload.save(update_fields=["response"])
    except IntegrityError:  # the same key, sent twice at once: the other one won
        previous = get_object_or_404(BulkUpload, user=request.user, key=idempotency_key)
        return _replay(previous, found, digest)
    return BulkOut(stored=stored, period_id=found.pk, replayed=False)


def _replay(previous: BulkUpload, period: Period, digest: str) -> BulkOut:
    if previous.digest != digest or previous.period_id != period.pk:
        raise ValidationError("La chiave di idempotenza è già stata usata per un caricamento "
                              "diverso: usarne una nuova.")
    return BulkOut(stored=previous.response["stored"], period_id=period.pk, replayed=True)


def _store_all(request: HttpRequest, period: Period, data: BulkIn) -> int:
    for number, item in enumerate(data.values, start=1):
        cells = {"variabile": item.variable, "obiettivo": item.objective,
                 "indicatore": str(item.indicator or "")}
        try:
            owner = find_owner(Row(number, cells), period)
            actions.enter_value(request.user, period, owner, item.value,
                                revision=item.revision, note=item.note,
                                not_available_reason=item.not_available_reason,
                                reason=data.reason or "caricamento massivo (API)",
                                recompute=False)
        except ValuesFileError as error:
            raise ValidationError(f"values[{number - 1}]: {error.reason}") from None
        except actions.ConflictError as error:
            raise actions.ConflictError(error.current, f"values[{number - 1}]: ") from None
        except ValidationError as error:
            raise ValidationError(f"values[{number - 1}]: {'; '.join(error.messages)}") from None
    computing.store_results(period, audit.account_of(request.user))
    return len(data.values)

