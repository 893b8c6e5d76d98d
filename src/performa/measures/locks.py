"""The locks a write takes, no wider than what it shares with other writes.

Two offices typing values into one period share nothing but the period's state (it must stay
open until both have saved) and the period's result set (each recompute must see the other's
value). So a value write holds the period row in *share* mode — many writers at once, while
opening, closing or validating (which take it exclusively) waits for them and they for it —
and the result set is recomputed under a lock of its own, held only for the recompute. The
value row itself is guarded by its revision and the database's unique constraints.

On SQLite, which has one writer at a time, every transaction begins IMMEDIATE (settings), so
these statements add nothing there: the file lock already orders the writes.
"""

from __future__ import annotations

from django.db import connection

# The first key of PostgreSQL's two-key advisory locks: the recompute of one period's results.
_RESULTS = 1


def share_period(period_id: int) -> str:
    """The period's state, read under a lock that lets other writers in but not a state change
    until this transaction ends."""
    from .models import Period

    table = connection.ops.quote_name(Period._meta.db_table)
    share = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT state FROM {table} WHERE id = %s{share}",  # noqa: S608
                       [period_id])
        row = cursor.fetchone()
    if row is None:
        raise LookupError(f"rilevazione {period_id} inesistente")
    return str(row[0])


def results_of(period_id: int) -> None:
    """Serialise the recomputes of one period until this transaction ends.

    An advisory lock rather than a row lock: it exists before the period's first result set
    does, and it never meets the share locks writers hold on the period row.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                           [_RESULTS, period_id % 2**31])
