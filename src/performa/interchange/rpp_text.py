"""Reader of the RPP 2022 of the Camera di Commercio della Toscana Nord-Ovest (seed ``002_…``).

The merged chamber was born on 30 June 2022 of Lucca, Massa-Carrara and Pisa, and its first
*Relazione Previsionale e Programmatica* is the three legacy chambers' RPPs one after the
other, under a cover of its own: the merged body has no tree of its own for 2022, each legacy
chamber keeps its plan to the end of the year. So the reader returns the merged body's plan
(name and approval act from the cover) whose ``parts`` are the legacy chambers' plans, each
read by the reader of its own layout (:mod:`.rpp_lucca`, :mod:`.rpp_massa`, :mod:`.rpp_pisa`).

A section starts at its chamber's heading (``Camera di Commercio`` / ``Lucca`` on the next
line, ``**CAMERA DI COMMERCIO`` / ``MASSA-CARRARA**``), or at the RPP title printed just above
it, and runs to the next section. A missing section is an error naming where it was looked
for: the document is the three plans or it is not this document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from performa.plans.document import PlanDocument, VersionDoc

from .rpp_common import PlanTextError, Row, by_line, fold, rows_of, text_date
from .rpp_lucca import read_lucca
from .rpp_massa import read_massa
from .rpp_pisa import read_pisa

__all__ = ["PlanTextError", "looks_like_rpp", "read_rpp_text"]

_TITLE_RE: Final = re.compile(
    r"^relazione previsionale e programmatica(?: per (?:l'anno|il))?\s+(\d{4})$", re.I)
_ACT_RE: Final = re.compile(
    r"\b(?:delibera|determinazione)\s+(?:del|della|di)\s+(?P<organ>[A-Za-z][A-Za-z ]*?)\s+"
    r"n\.\s*(?P<number>\d+)\s+del(?:l['’])?\s*(?P<date>\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|"
    r"\d{1,2}\s+[a-z]+\s+\d{4})", re.I)
_BODY_PREFIX: Final = "Camera di Commercio"
_LOOK_AHEAD: Final = 60  # lines of a section's head where its approval act is printed
_TITLE_BEFORE_HEADING: Final = 12  # Lucca prints its RPP title just above its heading

Reader = Callable[[list[Row], str, int, VersionDoc], PlanDocument]


@dataclass(frozen=True)
class _Chamber:
    name: str  # as the heading prints it, folded: "massacarrara"
    body: str  # the legacy body's name in Performa
    read: Reader


_CHAMBERS: Final = (
    _Chamber("lucca", "Camera di Commercio di Lucca", read_lucca),
    _Chamber("massacarrara", "Camera di Commercio di Massa-Carrara", read_massa),
    _Chamber("pisa", "Camera di Commercio di Pisa", read_pisa),
)


def looks_like_rpp(text: str) -> bool:
    """True when the text opens (in its first 100 lines) with an RPP title line and holds the
    chambers' headings: the layout :func:`read_rpp_text` reads."""
    head = [" ".join(line.replace("*", " ").split()) for line in text.splitlines()[:100]]
    if not any(_TITLE_RE.match(line) for line in head):
        return False
    rows = rows_of(text.splitlines(), 1)
    return any(_heading(rows, i) for i in range(len(rows)))


def _heading(rows: list[Row], index: int) -> str:
    """The folded chamber name when ``rows[index]`` opens a chamber's heading, else "".

    A heading is a line of its own, not a table's cell (Massa-Carrara's section has a table
    headed «Camera di Commercio di Massa-Carrara⇥⇥⇥⇥»)."""
    if len(rows[index].cells) != 1:
        return ""
    line = fold(rows[index].text)
    if not line.startswith("cameradicommercio"):
        return ""
    rest = line.removeprefix("cameradicommercio").removeprefix("di")
    if not rest:
        following = next((row for row in rows[index + 1 : index + 4] if not row.blank), None)
        rest = fold(following.text) if following is not None and len(following.cells) == 1 \
            else ""
    return rest if rest in {chamber.name for chamber in _CHAMBERS} else ""


def _sections(rows: list[Row]) -> list[tuple[_Chamber, int]]:
    """Each chamber with the index of its section's first row, in file order."""
    found: dict[str, int] = {}
    for index in range(len(rows)):
        name = _heading(rows, index)
        if name and name not in found:
            found[name] = index
    previous = 0
    sections = []
    for chamber in _CHAMBERS:
        if chamber.name not in found:
            later = [found[c.name] for c in _CHAMBERS if c.name in found and found[c.name] >
                     previous]
            line = rows[min(later)].no if later else (rows[-1].no if rows else 1)
            raise PlanTextError(line, f"manca la sezione della {chamber.body} (intestazione "
                                      f"«Camera di Commercio» seguita dal nome, cercata "
                                      f"dalla riga {rows[previous].no if rows else 1})")
        start = found[chamber.name]
        if start < previous:
            raise PlanTextError(rows[start].no, f"la sezione della {chamber.body} viene prima "
                                                "di quella che dovrebbe precederla")
        for back in range(start - 1, max(previous, start - _TITLE_BEFORE_HEADING) - 1, -1):
            if _TITLE_RE.match(rows[back].text):
                start = back
                break
        sections.append((chamber, start))
        previous = start + 1
    return sections


def _version(rows: list[Row], title: str, *, last: bool = True) -> VersionDoc:
    """The approval act printed in the head of a section, before its PREMESSA or INDICE: the
    last one (the update, when there is one: «Aggiornamento con Delibera del Commissario n. 6
    del 09/02/2022»), or the first (the cover's own, before its account of the legacy acts).
    """
    head: list[str] = []
    for row in rows[:_LOOK_AHEAD]:
        if fold(row.text) in ("premessa", "indice"):
            break
        head.append(row.text)
    acts = list(_ACT_RE.finditer(" ".join(head)))
    if not acts:
        return VersionDoc(title=title)
    act = acts[-1] if last else acts[0]
    return VersionDoc(organ=" ".join(act.group("organ").split()), number=act.group("number"),
                      date=text_date(act.group("date")), title=title)


def _cover(rows: list[Row], body: str, year: int | None) -> tuple[str, int, VersionDoc]:
    """The merged body's name, the year and its approval act, from the cover."""
    titles = (_TITLE_RE.match(row.text) for row in rows)
    title = next((match for match in titles if match), None)
    found_year = int(title.group(1)) if title else None
    the_year = year or found_year
    if the_year is None:
        raise PlanTextError(rows[0].no if rows else 1,
                            "anno del piano non trovato nel frontespizio (usare --year)")
    if not body:
        body = _cover_body(rows)
    if not body:
        raise PlanTextError(rows[0].no if rows else 1,
                            "nome dell'ente non trovato nel frontespizio (usare --body)")
    version = _version(rows, f"Relazione Previsionale e Programmatica {the_year}", last=False)
    return body, the_year, version


def _cover_body(rows: list[Row]) -> str:
    """«CAMERA DI COMMERCIO» / «TOSCANA NORD-OVEST» → the name the text itself uses
    («Camera di Commercio della Toscana Nord Ovest»), with the cover's spelling of the place."""
    for index, row in enumerate(rows[:20]):
        if fold(row.text) != "cameradicommercio":
            continue
        following = next((r for r in rows[index + 1 : index + 4] if not r.blank), None)
        if following is None:
            return ""
        place = " ".join(w.capitalize() if w.isupper() else w
                         for w in following.text.replace("-", "- ").split()).replace("- ", "-")
        article = ""
        for later in rows:
            match = re.search(r"camera di commercio (della|dello|del|di)\s+(.+)", later.text,
                              re.I)
            if match and fold(match.group(2)).startswith(fold(place)):
                article = match.group(1).lower() + " "
                break
        return f"{_BODY_PREFIX} {article}{place}"
    return ""


def read_rpp_text(text: str, body: str = "", year: int | None = None) -> PlanDocument:
    """The RPP as the merged body's plan whose ``parts`` are the legacy chambers' plans.

    ``body`` and ``year`` replace what the cover says. Errors are :class:`PlanTextError`
    naming the line of the whole file; what the reader could read but found inconsistent (a
    printed total that is not the sum of its lines) is in ``warnings``, each part's prefixed
    with its chamber in the merged document, so one list says it all.
    """
    rows = rows_of(text.splitlines(), 1)
    if not any(not row.blank for row in rows):
        raise PlanTextError(1, "il testo è vuoto")
    sections = _sections(rows)
    name, the_year, version = _cover(rows[: sections[0][1]], body, year)
    doc = PlanDocument(body=name, year=the_year, triennium=(the_year, the_year + 2),
                       version=version)
    for position, (chamber, start) in enumerate(sections):
        end = sections[position + 1][1] if position + 1 < len(sections) else len(rows)
        section = rows[start:end]
        part = chamber.read(section, chamber.body, the_year, _version(section, version.title))
        part.warnings = by_line(part.warnings)
        doc.parts.append(part)
        label = chamber.body.removeprefix(f"{_BODY_PREFIX} di ")
        doc.warnings += [f"{label}, {warning}" for warning in part.warnings]
    return doc
