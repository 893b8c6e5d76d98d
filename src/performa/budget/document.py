"""The plain form of a body's budget series: what a reader gives and the store saves.

No Django here, so that the readers of ``performa.interchange`` (the seed text, CSV and XLSX)
build it without the database and the store checks one shape whatever the source. An amount is
identified by its *scheme* (the table it belongs to), its *item* code, the optional function
A-D (DPR 254/2005, Allegato A) and cost centre, the year and the kind of figure
(preconsuntivo, preventivo, consuntivo). In a formula the amount is named ``SCHEME.ITEM``
(``SP.PN``, ``RC.B6``), so the same code may appear in two schemes (``CE.A1`` and ``RC.A1``,
the diritto annuale before and after the reclassification).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

__all__ = [
    "FUNCTIONS",
    "KINDS",
    "SCHEMES",
    "BudgetDocument",
    "BudgetError",
    "BudgetLine",
    "check_lines",
    "variable_name",
]

# Scheme code -> its title on pages and in files. The order is the order of the page.
SCHEMES: Final[dict[str, str]] = {
    "CE": "Conto economico",
    "INV": "Piano degli investimenti",
    "MG": "Margini di copertura e di struttura",
    "SP": "Stato patrimoniale al 31/12",
    "RC": "Conto economico riclassificato",
    "AN": "Dati per gli indici",
    "IX": "Indici come stampati nel documento",
    "BD": "Budget direzionale",
}
# The schemes whose figures are ratios, not amounts in euro.
RATIO_SCHEMES: Final = frozenset({"IX"})

KINDS: Final[dict[str, str]] = {
    "consuntivo": "Consuntivo",
    "preconsuntivo": "Preconsuntivo",
    "preventivo": "Preventivo",
}

# DPR 254/2005, Allegato A: the columns of the preventivo economico.
FUNCTIONS: Final[dict[str, str]] = {
    "A": "Organi istituzionali e segreteria generale",
    "B": "Servizi di supporto",
    "C": "Anagrafe e servizi di regolazione del mercato",
    "D": "Studio, formazione, informazione e promozione economica",
}

ITEM_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
YEARS: Final = (1990, 2199)
LABEL_MAX: Final = 300
CENTRE_MAX: Final = 20
# What the database column holds (16 digits, 2 decimals).
AMOUNT_MAX: Final = Decimal("99999999999999.99")


class BudgetError(ValueError):
    """A budget that cannot be read or stored: where (a line, a row and column) and why."""

    def __init__(self, location: str, reason: str) -> None:
        self.location = location
        self.reason = reason
        super().__init__(f"{location}: {reason}" if location else reason)

    def __reduce__(self) -> tuple[type[BudgetError], tuple[str, str]]:
        return (type(self), (self.location, self.reason))


@dataclass(frozen=True)
class BudgetLine:
    """One amount. ``place`` says where the reader found it («riga 2255»), for messages."""

    scheme: str
    item: str
    label: str
    year: int
    kind: str
    amount: Decimal
    function: str = ""
    cost_centre: str = ""
    place: str = ""

    def key(self) -> tuple[str, str, str, str, int, str]:
        return (self.scheme, self.item, self.function, self.cost_centre, self.year, self.kind)

    @property
    def name(self) -> str:
        return variable_name(self.scheme, self.item)


@dataclass
class BudgetDocument:
    """The lines of one file, and what the reader read differently from the print (notes)."""

    lines: list[BudgetLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = ""


def variable_name(scheme: str, item: str) -> str:
    """The name of an item in an index formula: ``SP.PN``."""
    return f"{scheme}.{item}"


def _check_line(line: BudgetLine) -> None:
    where = line.place or f"voce «{line.item}»"
    if line.scheme not in SCHEMES:
        raise BudgetError(where, f"schema «{line.scheme}» sconosciuto (ammessi: "
                                 f"{', '.join(SCHEMES)})")
    if not ITEM_RE.fullmatch(line.item):
        raise BudgetError(where, f"codice voce «{line.item}» non valido: una lettera seguita "
                                 "da lettere, cifre o _, al massimo 40 caratteri")
    if not line.label.strip() or len(line.label) > LABEL_MAX:
        raise BudgetError(where, f"descrizione della voce vuota o oltre {LABEL_MAX} caratteri")
    if line.kind not in KINDS:
        raise BudgetError(where, f"tipo «{line.kind}» sconosciuto (ammessi: "
                                 f"{', '.join(KINDS)})")
    if not YEARS[0] <= line.year <= YEARS[1]:
        raise BudgetError(where, f"anno {line.year} fuori dall'intervallo {YEARS[0]}-{YEARS[1]}")
    if line.function and line.function not in FUNCTIONS:
        raise BudgetError(where, f"funzione «{line.function}» sconosciuta (ammesse: A, B, C, D)")
    if len(line.cost_centre) > CENTRE_MAX:
        raise BudgetError(where, f"codice del centro di costo oltre {CENTRE_MAX} caratteri")
    if not line.amount.is_finite() or abs(line.amount) > AMOUNT_MAX:
        raise BudgetError(where, "importo fuori dai limiti")
    if any("\x00" in text for text in (line.label, line.item, line.cost_centre)):
        raise BudgetError(where, "il testo contiene il carattere NUL")


def check_lines(lines: Iterable[BudgetLine]) -> None:
    """Refuse, naming the place, a line the store could not hold or two lines for one amount.

    The same amount printed twice (the seed repeats «Liquidità immediata» under each treasury
    index) is one line: the readers merge equal repetitions and refuse different ones.
    """
    seen: dict[tuple[str, str, str, str, int, str], BudgetLine] = {}
    for line in lines:
        _check_line(line)
        first = seen.setdefault(line.key(), line)
        if first is not line:
            also = f" (già alla {first.place})" if first.place else ""
            raise BudgetError(line.place or f"voce «{line.item}»",
                              f"la voce «{line.name}» del {line.year} ({line.kind}) è "
                              f"ripetuta{also}")
