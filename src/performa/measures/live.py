"""The computations a process keeps between writes, so a typed value re-scores only what it feeds.

Computing a period from the database takes about 100 ms (reading the plan, parsing its
formulas, building both trees); the engine redoes one changed input and what depends on it in
a fraction of a millisecond. So each process keeps the computation of the periods it last
wrote — a few dozen, the least recently used dropped — and at the next write
``computing.update_results`` brings it up to date with the inputs as stored (its own value and
any other process's) and writes only the rows those changes touched.

A kept computation is used only while a full one would give the same figures, which its
``stamp`` checks at every use: the same current result set (a new plan version or new rules
open a new set), and nothing read outside the plan version changed since (offices, units,
variables, the body itself: ``InputsRevision``). And only once the transaction that last
changed it has committed: a write rolled back leaves the kept computation ahead of the
database, so it stays unconfirmed and the next write computes in full.

Every use happens inside the writing transaction, under the period's results lock
(``locks.results_of``; on SQLite the single writer), so two writers never change one kept
computation at once; the dictionary itself is guarded for threaded servers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from .computing import Computed

# Enough for every period open at once in a national instance's busy week; a Pistoia-size
# computation holds about 2 MB.
KEPT_PERIODS = 32

Stamp = tuple[int, datetime, int]  # current result set, its creation, InputsRevision


@dataclass(eq=False)
class Kept:
    stamp: Stamp
    computed: Computed
    indicator_rows: dict[str, int]  # engine key → IndicatorResult pk
    node_rows: dict[tuple[str, str], int]  # (tree, key) → NodeResult pk
    confirmed: bool = False


_kept: OrderedDict[int, Kept] = OrderedDict()
_guard = threading.Lock()


def find(period_id: int, stamp: Stamp) -> Kept | None:
    """The period's kept computation, if it is still exactly the stored figures' source."""
    with _guard:
        kept = _kept.get(period_id)
        if kept is not None:
            _kept.move_to_end(period_id)
    if kept is None or not kept.confirmed or kept.stamp != stamp:
        return None
    return kept


def keep(period_id: int, kept: Kept) -> None:
    """Keep a computation just written, usable once its transaction commits."""
    with _guard:
        _kept[period_id] = kept
        _kept.move_to_end(period_id)
        while len(_kept) > KEPT_PERIODS:
            _kept.popitem(last=False)
    transaction.on_commit(lambda: _confirm(kept))


def changing(kept: Kept) -> None:
    """About to move ``kept`` with a write: unusable unless that write commits."""
    kept.confirmed = False
    transaction.on_commit(lambda: _confirm(kept))


def forget(period_id: int) -> None:
    with _guard:
        _kept.pop(period_id, None)


def _confirm(kept: Kept) -> None:
    kept.confirmed = True
