"""The layouts of plan documents converted to text, and which one a text is.

``performa import-plan FILE.txt`` reads a Piano della Performance, a PIRA or an RPP
with the same command: each layout has a recogniser (``looks_like``: cheap, on the raw text)
and a reader (``read(text, body, year) -> PlanDocument``). Adding a layout is one entry in
:data:`LAYOUTS`; the command line offers its name to ``--format`` and recognises it.

Entries name their module and functions instead of importing them, so the command line can
list the names on every start without importing the readers (see ``performa.cli``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from performa.plans.document import PlanDocument

__all__ = ["LAYOUTS", "Layout", "UnknownLayoutError", "read_text", "recognise"]


@dataclass(frozen=True)
class Layout:
    module: str  # "performa.interchange.pira_text"
    looks_like_name: str  # a function (text: str) -> bool of that module
    reader_name: str  # a function (text: str, body: str = "", year: int | None = None)
    label: str  # what it is, in Italian, for messages

    def looks_like(self, text: str) -> bool:
        function = getattr(importlib.import_module(self.module), self.looks_like_name)
        return bool(function(text))

    def read(self, text: str, body: str = "", year: int | None = None) -> PlanDocument:
        reader = cast("Callable[..., PlanDocument]",
                      getattr(importlib.import_module(self.module), self.reader_name))
        return reader(text, body=body, year=year)


LAYOUTS: dict[str, Layout] = {
    "piano": Layout("performa.interchange.seed_text", "looks_like_piano", "read_plan_text",
                    "Piano della performance (schede «Codice:»/«Titolo:» con codici come "
                    "01_01_02)"),
    "pira": Layout("performa.interchange.pira_text", "looks_like_pira", "read_pira_text",
                   "PIRA (missioni, «PROGRAMMA DI SPESA», schede con KPI e «RISULTATI "
                   "ATTESI»)"),
    "rpp": Layout("performa.interchange.rpp_text", "looks_like_rpp", "read_rpp_text",
                  "Relazione previsionale e programmatica (RPP 2022 Toscana Nord-Ovest: "
                  "Lucca, Massa-Carrara, Pisa)"),
}


class UnknownLayoutError(ValueError):
    """A text that matches no layout, or more than one; the message says which, in Italian."""


def recognise(text: str) -> str:
    """The name of the one layout the text has; refused when none or several match."""
    matches = [name for name, layout in LAYOUTS.items() if layout.looks_like(text)]
    if len(matches) == 1:
        return matches[0]
    options = "|".join(LAYOUTS)
    if not matches:
        known = "; ".join(f"{name}: {layout.label}" for name, layout in LAYOUTS.items())
        raise UnknownLayoutError(
            f"il testo non ha la forma di nessun documento conosciuto ({known}); se è uno di "
            f"questi, indicarlo con --format {options}"
        )
    raise UnknownLayoutError(f"il testo ha la forma di più documenti ({', '.join(matches)}): "
                             f"indicare quale con --format {options}")


def read_text(text: str, layout: str = "text", body: str = "",
              year: int | None = None) -> PlanDocument:
    """Read ``text`` with the named layout, or with the one it is recognised as (``text``)."""
    name = recognise(text) if layout == "text" else layout
    found = LAYOUTS.get(name)
    if found is None:
        raise UnknownLayoutError(f"formato di testo «{name}» sconosciuto: usare "
                                 f"{', '.join(['text', *LAYOUTS])}")
    return found.read(text, body=body, year=year)
