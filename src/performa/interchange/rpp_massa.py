"""The Massa-Carrara part of the RPP 2022 of Toscana Nord-Ovest: not read yet.

The reader does not pretend: it returns the part with its body and approval act, no tree, and
a warning saying the section was not imported.
"""

from __future__ import annotations

from performa.plans.document import PlanDocument, VersionDoc

from .rpp_common import Row

__all__ = ["read_massa"]


def read_massa(rows: list[Row], body: str, year: int, version: VersionDoc) -> PlanDocument:
    first, last = (rows[0].no, rows[-1].no) if rows else (0, 0)
    return PlanDocument(
        body=body, year=year, triennium=(year, year + 2), version=version,
        warnings=[f"righe {first}-{last}: sezione Massa-Carrara non ancora importata"],
    )
