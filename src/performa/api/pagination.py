"""Paging of the API's lists: ninja's ``limit``/``offset``, bounded by what a database counts.

SQLite and PostgreSQL take LIMIT and OFFSET as signed 64-bit integers, while JSON and query
strings carry integers of any size: ``?limit=10000000000000000000`` was a 500 (SQLite
«datatype mismatch», PostgreSQL «bigint out of range»). Bounded here, such a number is
refused like any malformed parameter (422, ``malformed``), and the document says so.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination

BIGINT = 2**63 - 1


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.PAGINATION_PER_PAGE, ge=1, le=BIGINT)
        offset: int = Field(0, ge=0, le=BIGINT)
