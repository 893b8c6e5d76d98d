"""The Massa-Carrara part of the RPP 2022 of Toscana Nord-Ovest: its strategic tree.

Massa-Carrara plans by *Area strategica* (AS1 … AS3) and *Obiettivo strategico* (1.1, 2.2 …),
each objective measured directly by indicators, most of them from the national catalogue of
common objectives (``OC_TD_01``, ``EC05.1``, ``B3.1_02``, ``DFP 1.3``). Two chapters print it:

* «2.3 Obiettivi e programmi»: mission → programme → objective with its description,
  resources and an indicator table (name and description in one cell, algorithm, target
  2022 / 2023 / 2024 with the comparator, typology, unit). A row the PDF broke in two goes
  on in the next line, cell by cell («OC_TD_02 - … realizzate dal» / «PID Indica …»);
* «2.4 Riepilogo obiettivi strategici 2022»: the areas, each with its objectives and the
  2022 targets.

The reader takes the objectives, missions, programmes and indicators from 2.3 (the three
years' targets) and the areas from 2.4, and checks one against the other: an objective
filed under another area, or a 2022 target that differs, is a warning naming both lines.
The plan has no operational level, while Performa measures indicators on operational
objectives: each strategic objective's indicators are kept on one operational objective with
the same code and title, and a warning says so. The budget tables of chapter 3 («IL QUADRO
DELLE RISORSE ECONOMICHE») are not read here, nor (yet) the table «INTERVENTI ECONOMICI 2022»
of the promotion programme (products with function, process and cost centre): a warning
says so, with its total.

An indicator's code links it to the catalogue; the catalogue's name, when the printed cell
starts with it, tells the name from the description that follows it in the same cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Final

from performa.plans.document import (
    IndicatorDoc,
    LevelLabels,
    OperationalObjectiveDoc,
    PlanDocument,
    ProgrammeDoc,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VersionDoc,
)

from .rpp_common import PlanTextError, Row, fold, short

__all__ = ["read_massa"]

MASSA_LABELS: Final = LevelLabels(area="Area strategica", strategic="Obiettivo strategico")

_TREE_RE: Final = re.compile(r"^2\.3\s+Obiettivi e programmi$", re.I)
_SUMMARY_RE: Final = re.compile(r"^2\.4\s+Riepilogo obiettivi strategici", re.I)
_BUDGET_RE: Final = re.compile(r"^3\.\s+IL QUADRO DELLE RISORSE", re.I)
_MISSION_RE: Final = re.compile(r"^MISSIONE\s*-\s*(\d{3})\s*-\s*(.+)$", re.I)
_PROGRAMME_RE: Final = re.compile(r"^PROGRAMMA\s*-\s*(\d{3})\s*-\s*(.+)$", re.I)
_OBJECTIVE_RE: Final = re.compile(r"^(?:Obiettivo strategico\s+)?(\d\.\d)\s*[-–]\s*(.+)$",
                                  re.I)
_AREA_RE: Final = re.compile(r"^(\d)\s*-\s*(.+?)(?:\s+AS\d)?$")
_INDICATOR_RE: Final = re.compile(r"^(DFP\s+\d+(?:\.\d+)*|[A-Za-z][\w.\-]*)\s+-\s+(.+)$")
_TARGET_RE: Final = re.compile(r"^(>=|<=|≥|≤|=|>|<)\s*(?![<>=≥≤])(.+)$")
_PROMOTION_RE: Final = re.compile(r"^INTERVENTI ECONOMICI \d{4}$", re.I)
_GROUPS_RE: Final = re.compile(r"^2\.2\s+Ambiti strategici$", re.I)
_GROUP_RE: Final = re.compile(r"^([A-Z])\.-\s*(.+)$")
_CODE_IN_GROUP_RE: Final = re.compile(r"(\d\.\d)\.?\s*[-–]")
_SOURCE_RE: Final = re.compile(r"\s*\(([A-Z]{2,6})\)$")
_EXPLAINS: Final = ("Misura", "Indica", "Esprime")  # words that open a description


def _catalogue() -> dict[str, str]:
    """Code → name of the national catalogue's indicators (the catalogue app's own data)."""
    data = json.loads(resources.files("performa.catalog").joinpath(
        "data", "indicators.json").read_text(encoding="utf-8"))
    return {item["code"]: item["name"] for item in data["indicators"]}


@dataclass
class _Indicator:
    line: int
    cells: list[str]
    years: list[tuple[int, int]]  # (column, year) of its table's target columns

    def extend(self, row: Row) -> None:
        """A row the PDF split: each cell goes on in the same column."""
        for column, cell in enumerate(row.cells):
            if not cell:
                continue
            while len(self.cells) <= column:
                self.cells.append("")
            self.cells[column] = f"{self.cells[column]} {cell}".strip()


@dataclass
class _Objective:
    doc: StrategicObjectiveDoc
    line: int
    indicators: list[_Indicator] = field(default_factory=list)


class _Reader:
    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.warnings: list[str] = []
        self.catalogue = _catalogue()

    def _find(self, pattern: re.Pattern[str], what: str, after: int = 0) -> int:
        for index in range(after, len(self.rows)):
            if pattern.match(self.rows[index].text):
                return index
        line = self.rows[after].no if after < len(self.rows) else self.rows[-1].no
        raise PlanTextError(line, f"manca il capitolo «{what}» della sezione di Massa-Carrara "
                                  f"(cercato dalla riga {line})")

    def read(self, body: str, year: int, version: VersionDoc) -> PlanDocument:
        tree = self._find(_TREE_RE, "2.3 Obiettivi e programmi")
        summary = self._find(_SUMMARY_RE, "2.4 Riepilogo obiettivi strategici 2022", tree)
        end = self._find(_BUDGET_RE, "3. IL QUADRO DELLE RISORSE ECONOMICHE", summary)
        doc = PlanDocument(body=body, year=year, triennium=(year, year + 2), version=version,
                           labels=MASSA_LABELS)
        objectives = self._tree(self.rows[tree + 1 : summary], doc, year)
        if not objectives:
            raise PlanTextError(self.rows[tree].no, "nessun obiettivo strategico nel capitolo "
                                                    "2.3 di Massa-Carrara")
        areas = self._areas(self.rows[summary + 1 : end], objectives)
        self._groups(tree, areas)
        for code, (title, line) in areas.items():
            area = StrategicAreaDoc(code=code, title=title)
            for objective in sorted(objectives.values(), key=lambda o: o.doc.code):
                if objective.doc.code.split(".")[0] == code:
                    area.objectives.append(objective.doc)
            if not area.objectives:
                self.warnings.append(f"riga {line}: area strategica {code} senza obiettivi")
            doc.areas.append(area)
        orphans = [o for o in objectives.values() if o.doc.code.split(".")[0] not in areas]
        for objective in orphans:
            raise PlanTextError(objective.line, f"obiettivo strategico {objective.doc.code} "
                                                "senza area strategica nel capitolo 2.4")
        self.warnings.append(
            "il documento non ha obiettivi operativi: gli indicatori di ogni obiettivo "
            "strategico sono registrati su un obiettivo operativo con lo stesso codice e titolo")
        self._promotion_table(tree)
        doc.warnings = self.warnings
        return doc

    def _groups(self, before: int, areas: dict[str, tuple[str, int]]) -> None:
        """Table «2.2 Ambiti strategici» groups the objectives under areas A, B, C: say so
        when its groups are not the areas of chapter 2.4 (the codes' first digit)."""
        start = next((i for i in range(before) if _GROUPS_RE.match(self.rows[i].text)), None)
        if start is None:
            return
        groups: dict[str, list[str]] = {}
        letter, line = "", 0
        for row in self.rows[start + 1 : before]:
            found = _GROUP_RE.match(row.first)
            if found:
                letter, line = found.group(1), line or row.no
            if letter and len(row.cells) > 1:
                groups.setdefault(letter, []).extend(_CODE_IN_GROUP_RE.findall(row.cells[1]))
        mixed = {k: v for k, v in groups.items() if len({c.split(".")[0] for c in v}) > 1}
        if mixed:
            told = "; ".join(f"{k} = {', '.join(v)}" for k, v in groups.items())
            self.warnings.append(f"riga {line}: la tabella «2.2 Ambiti strategici» raggruppa gli "
                                 f"obiettivi in altro modo ({told}) rispetto al riepilogo 2.4 "
                                 f"({len(areas)} aree per prima cifra del codice): tenuto il "
                                 "riepilogo")

    def _promotion_table(self, before: int) -> None:
        """The table of the promotion programme is not read: say so, with its total, so
        nobody takes the plan's missing actions for none."""
        start = next((i for i in range(before)
                      if _PROMOTION_RE.match(self.rows[i].text)), None)
        if start is None:
            return
        total = next((row for row in self.rows[start:before]
                      if fold(row.first).startswith("totaledelpianopromozionale")), None)
        figure = next((c for c in reversed(total.cells) if c), "") if total else ""
        self.warnings.append(
            f"riga {self.rows[start].no}: tabella «{self.rows[start].text}»"
            + (f" (totale del piano promozionale € {figure}, riga {total.no})" if total else "")
            + " non importata: i suoi prodotti e centri di costo non diventano azioni")

    # -- 2.3: missions, programmes, objectives, indicators -----------------------------

    def _tree(self, rows: list[Row], doc: PlanDocument, year: int) -> dict[str, _Objective]:
        objectives: dict[str, _Objective] = {}
        mission = ""
        programme = ""
        objective: _Objective | None = None
        years: list[tuple[int, int]] = []  # (column, year) of the target columns
        for row in rows:
            if row.blank:
                continue
            text, first = row.text, row.first
            found = _MISSION_RE.match(text)
            if found:
                mission, programme, objective = found.group(1), "", None
                continue
            found = _PROGRAMME_RE.match(text)
            if found:
                if not mission:
                    raise PlanTextError(row.no, "programma senza missione")
                programme = found.group(1)
                if all((p.mission, p.programme) != (mission, programme) for p in doc.programmes):
                    doc.programmes.append(ProgrammeDoc(mission=mission, programme=programme,
                                                       title=found.group(2).strip()))
                continue
            found = _OBJECTIVE_RE.match(text)
            if found and len([c for c in row.cells if c]) == 1:
                code = found.group(1)
                if code in objectives:
                    raise PlanTextError(row.no, f"obiettivo strategico {code} già presente alla "
                                                f"riga {objectives[code].line}")
                objective = _Objective(StrategicObjectiveDoc(
                    code=code, title=found.group(2).strip(), mission=mission,
                    programme=programme), row.no)
                objectives[code] = objective
                continue
            if objective is None:
                continue
            key = fold(first)
            if key == "descrizione":
                objective.doc.description = " ".join(c for c in row.rest if c)
            elif key.startswith("risorse"):
                objective.doc.resources = " ".join(c for c in row.rest if c)
            elif key == "indicatore":
                years = []
            elif not first and any(re.fullmatch(r"\d{4}", c) for c in row.cells):
                years = [(i, int(c)) for i, c in enumerate(row.cells) if re.fullmatch(r"\d{4}", c)]
            elif _INDICATOR_RE.match(first) and len(row.cells) >= 5:
                if not years:
                    years = [(2, year), (3, year + 1), (4, year + 2)]
                    self.warnings.append(f"riga {row.no}: tabella degli indicatori senza anni: "
                                         f"intesi {year}, {year + 1}, {year + 2}")
                objective.indicators.append(_Indicator(row.no, list(row.cells), years))
            elif objective.indicators and len(row.cells) >= 2:
                objective.indicators[-1].extend(row)
            else:
                self.warnings.append(f"riga {row.no}: riga non riconosciuta nell'obiettivo "
                                     f"{objective.doc.code}: «{short(text, 80)}»")
        for code, objective in objectives.items():
            op = OperationalObjectiveDoc(code=code, title=objective.doc.title,
                                         description=objective.doc.description)
            op.indicators = [self._indicator(i, i.years) for i in objective.indicators]
            if not op.indicators:
                self.warnings.append(f"riga {objective.line}: obiettivo strategico {code} "
                                     "senza indicatori")
            objective.doc.operational = [op]
        return objectives

    def _indicator(self, raw: _Indicator, years: list[tuple[int, int]]) -> IndicatorDoc:
        cells = raw.cells + [""] * (7 - len(raw.cells))
        found = _INDICATOR_RE.match(cells[0])
        if found is None:
            raise PlanTextError(raw.line, f"indicatore senza codice: «{short(cells[0])}»")
        code, text = found.group(1), found.group(2).strip()
        name, explanation = self._split(code, text)
        source = _SOURCE_RE.search(explanation or name)
        indicator = IndicatorDoc(
            name=short(name, 400), code=code, kind=cells[5], unit=cells[6],
            source=source.group(1) if source else "",
            description="\n".join(part for part in (
                explanation, f"Algoritmo: {cells[1]}" if cells[1] else "") if part),
        )
        comparators: list[str] = []
        for column, target_year in years:
            cell = cells[column] if column < len(cells) else ""
            if not cell:
                continue
            target = _TARGET_RE.match(cell)
            if target is None:
                raise PlanTextError(raw.line, f"target {target_year} «{cell}» dell'indicatore "
                                              f"{code} senza comparatore (>=, <=, =)")
            comparators.append(target.group(1))
            indicator.targets[target_year] = " ".join(target.group(2).split())
        if len(set(comparators)) > 1:
            self.warnings.append(f"riga {raw.line}: indicatore {code} con comparatori diversi "
                                 f"negli anni ({', '.join(comparators)}): tenuto il primo")
        indicator.comparator = comparators[0] if comparators else ""
        return indicator

    def _split(self, code: str, text: str) -> tuple[str, str]:
        """Name and description, printed in one cell: the catalogue's name when the cell
        starts with it, else up to a word that opens a description («Misura», «Indica») or to
        where the name is printed again («Media delle % … Media delle % …»)."""
        words = text.split()
        known = self.catalogue.get(code)
        if known:
            for end in range(1, len(words) + 1):
                if fold(" ".join(words[:end])) == fold(known):
                    return " ".join(words[:end]), " ".join(words[end:])
        for end in range(1, len(words)):
            if words[end] in _EXPLAINS or words[end] == words[0]:
                return " ".join(words[:end]), " ".join(words[end:])
        return text, ""

    # -- 2.4: areas, and the 2022 figures again ----------------------------------------

    def _areas(self, rows: list[Row], objectives: dict[str, _Objective]
               ) -> dict[str, tuple[str, int]]:
        areas: dict[str, tuple[str, int]] = {}
        area = ""
        objective: _Objective | None = None
        for row in rows:
            if row.blank:
                continue
            text = row.text
            found = _AREA_RE.match(text)
            if found and len([c for c in row.cells if c]) == 1:
                area = found.group(1)
                areas[area] = (found.group(2).strip(), row.no)
                continue
            found = _OBJECTIVE_RE.match(text)
            if found and area:
                objective = objectives.get(found.group(1))
                if objective is None:
                    self.warnings.append(f"riga {row.no}: obiettivo strategico {found.group(1)} "
                                         "del riepilogo assente dal capitolo 2.3: non importato")
                elif found.group(1).split(".")[0] != area:
                    self.warnings.append(f"riga {row.no}: il riepilogo mette l'obiettivo "
                                         f"{found.group(1)} nell'area {area}: tenuta l'area "
                                         "del suo codice")
                continue
            if objective is not None:
                self._compare(row, objective)
        if not areas:
            raise PlanTextError(rows[0].no if rows else 1,
                                "nessuna area strategica nel capitolo 2.4 di Massa-Carrara")
        return areas

    def _compare(self, row: Row, objective: _Objective) -> None:
        """The 2022 target and the resources of the summary against chapter 2.3."""
        doc = objective.doc
        if fold(row.first).startswith("risorse"):
            printed = " ".join(c for c in row.rest if c)
            if printed and fold(printed) != fold(doc.resources):
                self.warnings.append(f"riga {row.no}: risorse dell'obiettivo {doc.code} "
                                     f"«{printed}», nel capitolo 2.3 «{doc.resources}» (riga "
                                     f"{objective.line})")
            return
        for indicator in objective.doc.operational[0].indicators if doc.operational else []:
            if not row.text.startswith(f"{indicator.code} "):
                continue
            last = next((c for c in reversed(row.cells) if c), "")
            target = _TARGET_RE.match(last)
            if target is None:
                return
            year = min(indicator.targets) if indicator.targets else 0
            printed = " ".join(target.group(2).split())
            if (target.group(1), fold(printed)) != (indicator.comparator,
                                                    fold(indicator.targets.get(year, ""))):
                self.warnings.append(
                    f"riga {row.no}: indicatore {indicator.code}, target {year} «{last}» nel "
                    f"riepilogo, «{indicator.comparator} {indicator.targets.get(year, '')}» "
                    "nel capitolo 2.3")
            return


def read_massa(rows: list[Row], body: str, year: int, version: VersionDoc) -> PlanDocument:
    """Massa-Carrara's section (rows numbered as in the whole file) as a plan document:
    areas, objectives with mission and programme, indicators with targets per year.

    Raises :class:`PlanTextError` naming the line when a chapter is missing or a target has
    no comparator; differences between chapters 2.3 and 2.4 are warnings.
    """
    return _Reader(rows).read(body, year, version)
