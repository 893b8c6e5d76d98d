"""The Lucca part of the RPP 2022 of Toscana Nord-Ovest: areas, objectives, projects, actions.

The Camera di Commercio di Lucca plans by *Area strategica* (1 Competitività del territorio …),
*Obiettivo strategico* (1A, 1B …), *Progetto* (1B0103: the unit with an office, a cost centre,
indicators) and *Azione complessa* (1B010301: the unit with money). A project card is a table
turned into tab-separated lines::

    Progetto 1B0103⇥Piano strategico provinciale 2030
    Ufficio responsabile⇥Servizio Studi, Politiche economiche e Regolazione del Mercato
    CdC⇥C003 Servizio Regolazione del Mercato
    Descrizione attività⇥<p>…
    indicatore 1⇥realizzazione delle attività richieste … entro 15 giorni …
    benefici attesi⇥<p>…
    Impatto organizzativo (stima impatto su personale, tempi, processi ecc..)⇥1 unità P.O. …
    Azione complessa 1B010301⇥Piano strategico provinciale 2030
    Tipologia azione complessa⇥istituzionale⇥commerciale
    TOTALE RICAVI COMMERCIALI⇥⇥0,00
    330042 Studi, ricerche di mercato e indagini⇥40.000,00⇥
    TOTALE COSTI⇥40.000,00⇥0,00
    312008 contributi da fondazioni e altre Istituzioni sociali⇥40.000,00⇥
    TOTALE CONTRIBUTI⇥40.000,00⇥
    TOTALE COSTI DI PROGETTO⇥40.000,00⇥

How an action's account lines become its money, as the document's own totals show:

* lines before ``TOTALE RICAVI COMMERCIALI`` are *ricavi*; lines between it and ``TOTALE
  COSTI`` are costs, of which accounts ``1xxxxx`` (fixed assets: ``111300 - Macchine
  d'ufficio``) are *investimenti* and the rest *oneri*; lines after ``TOTALE COSTI`` are
  *contributi*, except the 20% increase of the annual fee and its provision for bad debts:
  the area and objective totals count the gross fee (``310007 Diritto annuale incremento
  20%``) among the *contributi* («CONTRIBUTI/DA») and the provision (``342001 Accantonamento
  fondo svalutazione crediti``) among the *costi esterni* (area 2E: 822.000 of action costs
  + 56.700 of provisions = the printed 878.700);
* an amount in the first amount column is institutional, in a later one commercial (the
  cards of commercial actions add an empty column: ``⇥⇥⇥2.700,00``); an action with a
  commercial amount, or titled «Att. Comm.le», is commercial;
* the cost centre and the office of an action are its project's (``CdC``, ``Ufficio
  responsabile``).

Codes are objective (``2E``), activity (``01`` institutional, ``71`` commercial), project
number, action number: project 2E7101 holds actions 2E710102 and 2E010103. An action whose
code's activity is not the one its amounts show is a warning.

Every total the document prints is checked against the sum of the lines it covers: action
(``TOTALE COSTI`` …), project (``TOTALE COSTI DI PROGETTO``, ``TOTALE CONTRIBUTI di
progetto`` …), objective (``Totale costi esterni previsti per l'obiettivo strategico 1B``
and the ``ONERI RICAVI CONTRIBUTI INVESTIMENTI`` rows), area (``COSTI ESTERNI 2022``,
``INVESTIMENTI 2022``, ``CONTRIBUTI/RICAVI 2022``, three times each) and the whole budget
(``TOTALE BUDGET AGGIORNATO 2022``). A disagreement is a warning naming the line, with both
figures: the document is what was adopted, and the reader never corrects it.

Indicators are targets in words («Realizzazione di n. 9 comunicati stampa …»): the text is
the indicator's name (cut at 400 characters, the full text then in its description, after
the printed label «indicatore 1a»); no target value is invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from performa.engine.values import format_money
from performa.plans.document import (
    ActionDoc,
    CostCentreDoc,
    IndicatorDoc,
    LevelLabels,
    OperationalObjectiveDoc,
    OrgUnitDoc,
    PlanDocument,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VersionDoc,
)

from .rpp_common import PlanTextError, Row, SpreadsheetError, amount, fold, money_text, short

__all__ = ["LUCCA_LABELS", "read_lucca"]

LUCCA_LABELS: Final = LevelLabels(area="Area strategica", strategic="Obiettivo strategico",
                                  operational="Progetto", action="Azione complessa")
_NAME_LIMIT: Final = 400  # Indicator.name, OperationalObjective.title in the database

_AREA_RE: Final = re.compile(r"^AREA STRATEGICA\s+(\d+)\s*(?::\s*(.*))?$", re.I)
_OBJECTIVE_RE: Final = re.compile(r"^OB+IETTIVO STRATEGICO\s+(\d)\s*([A-Z])\b\s*(.*)$", re.I)
_PROJECT_RE: Final = re.compile(r"^Progetto\s+(\d\S*)\s*(.*)$")
_PROJECT_CODE_RE: Final = re.compile(r"^\d[A-Z]\d{4}$")
_ACTION_RE: Final = re.compile(r"^Azione complessa\s+(\S+)\s*(.*)$", re.I)
_ACTION_CODE_RE: Final = re.compile(r"^\d[A-Z]\d{6}$")
_ACCOUNT_RE: Final = re.compile(r"^(\d{6})(?!\d)\s*[-–]?\s*(.*)$")
_COST_CENTRE_RE: Final = re.compile(r"^([A-Z]\d{3})\b\s*[-–]?\s*(.*)$")
_INDICATOR_RE: Final = re.compile(r"^indicatore\b", re.I)
_BUDGET_RE: Final = re.compile(
    r"(di cui investimenti|CONTRIBUTI/RICAVI|COSTI ESTERNI|INVESTIMENTI)(?:\s+2022)?\s*€\s*"
    r"([^\s€]+)")
_PLANNED_RE: Final = re.compile(
    r"^Totale (costi esterni|investimenti|contributi/ricavi) previsti per l.(area strategica|"
    r"obiettivo strategico)\s+(\d\s*[A-Z]?)\s+anno \d{4}\s*:?\s*€\s*(\S+)", re.I)
_ELIMINATED_RE: Final = re.compile(r"obiettivo strategico .*stato eliminato", re.I)
# The third and fourth characters of a project or action code tell its activity: 1D7101,
# 1D710102 (commercial) and 2E010103 (institutional) belong to the same project 2E7101.
_ACTIVITY_CODES: Final = {"01": "institutional", "71": "commercial"}
_ACTIVITY_NAMES: Final = {"institutional": "istituzionale", "commercial": "commerciale"}
_MEASURES: Final = {
    "costi esterni": "oneri", "costi": "oneri", "oneri": "oneri",
    "investimenti": "investimenti", "di cui investimenti": "investimenti",
    "contributi/ricavi": "contributi_ricavi", "ricavi": "ricavi",
    "contributi": "contributi", "contributi/da": "contributi",
}
_MEASURE_NAMES: Final = {
    "oneri": "costi esterni", "investimenti": "investimenti", "contributi": "contributi",
    "ricavi": "ricavi", "contributi_ricavi": "contributi/ricavi",
}


@dataclass
class _Money:
    """An action's (or a sum of actions') money, split the way the printed totals need it."""

    revenues: Decimal = Decimal(0)
    costs: Decimal = Decimal(0)  # cost lines that are not investments
    investments: Decimal = Decimal(0)
    contributions: Decimal = Decimal(0)  # contributions proper (TOTALE CONTRIBUTI)
    fee: Decimal = Decimal(0)  # 310xxx: 20% increase of the annual fee
    provisions: Decimal = Decimal(0)  # 342xxx: its provision for bad debts

    def __iadd__(self, other: _Money) -> _Money:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def measure(self, name: str) -> Decimal:
        """The figure the document calls ``name`` (oneri = costi esterni, …)."""
        return {
            "oneri": self.costs + self.provisions,
            "investimenti": self.investments,
            "contributi": self.contributions + self.fee,
            "ricavi": self.revenues,
            "contributi_ricavi": self.contributions + self.fee + self.revenues,
        }[name]


@dataclass
class _Action:
    doc: ActionDoc
    line: int
    money: _Money = field(default_factory=_Money)
    section: str = "revenues"  # revenues → costs → after (contributions)
    columns: set[str] = field(default_factory=set)  # "institutional", "commercial"
    investment_total: bool = False  # the card prints TOTALE INVESTIMENTI apart


@dataclass
class _Project:
    doc: OperationalObjectiveDoc
    line: int
    cost_centre: str = ""
    description: list[str] = field(default_factory=list)
    benefits: list[str] = field(default_factory=list)
    impact: list[str] = field(default_factory=list)
    actions: list[_Action] = field(default_factory=list)
    last_field: str = ""  # the field a continuation row (empty first cell) belongs to
    finished: bool = False  # its TOTALE COSTI DI PROGETTO is read


@dataclass
class _Objective:
    doc: StrategicObjectiveDoc
    area: str
    line: int
    eliminated: int = 0  # the line saying so
    projects: list[_Project] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Area:
    doc: StrategicAreaDoc
    line: int
    objectives: list[_Objective] = field(default_factory=list)


@dataclass(frozen=True)
class _Printed:
    """A total the document prints, checked against the actions once all are read."""

    line: int
    scope: tuple[str, str]  # ("area", "1"), ("obiettivo", "1B"), ("budget", "")
    measure: str
    value: Decimal


class _Reader:
    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.warnings: list[str] = []
        self.areas: dict[str, _Area] = {}
        self.objectives: dict[str, _Objective] = {}
        self.area: _Area | None = None
        self.objective: _Objective | None = None
        self.project: _Project | None = None
        self.action: _Action | None = None
        self.printed: list[_Printed] = []
        self.money_scope: tuple[str, str] | None = None
        self.expect = ""  # "area title" | "objective title" | "objective money"
        self.collecting: _Objective | None = None  # strategic targets being read
        self.table: list[str] = []  # headers of an objective's ONERI/RICAVI/… row
        self.centres: dict[str, list[tuple[str, int]]] = {}
        self.offices: list[str] = []
        self.action_codes: dict[str, int] = {}
        self.project_codes: dict[str, int] = {}

    # -- the walk ----------------------------------------------------------------------

    def read(self) -> None:
        for row in self.rows:
            if row.blank:
                continue
            if self.expect and self._expected(row):
                continue
            self._row(row)

    def _expected(self, row: Row) -> bool:
        """The row right after a heading that announced it; False when it is a heading."""
        expect, self.expect = self.expect, ""
        if _AREA_RE.match(row.first) or _OBJECTIVE_RE.match(row.first):
            return False
        if expect == "area title" and self.area is not None:
            if not self.area.doc.title:
                self.area.doc.title = row.text
            return True
        if expect == "objective title" and self.objective is not None:
            if not self.objective.doc.title:
                self.objective.doc.title = row.text
            return True
        if expect == "objective money" and self.objective is not None:
            self._objective_money(row, self.objective)
            return True
        return False

    def _row(self, row: Row) -> None:
        first = row.first
        if first.upper().startswith("TOTALE BUDGET"):
            self._close_card()
            self.money_scope = ("budget", "")
            return
        planned = _PLANNED_RE.match(row.text)
        if planned:
            self._planned(row, planned)
            return
        if _BUDGET_RE.search(row.text) and not first.upper().startswith("TOTALE"):
            self._budget(row)
            return
        area = _AREA_RE.match(first)
        if area:
            self._area(row, area)
            return
        objective = _OBJECTIVE_RE.match(first)
        if objective:
            self._objective(row, objective)
            return
        if first.upper().startswith("TARGET STRATEGICI"):
            self._close_card()
            self.collecting = self.objective
            if self.objective is not None:
                self.objective.notes.append(row.text)
            return
        if _ELIMINATED_RE.search(row.text):
            self._eliminated(row)
            return
        if first.upper().startswith("ONERI") and len(row.cells) >= 4:
            self.table = [cell.casefold() for cell in row.cells]
            self.expect = "objective money"
            return
        project = _PROJECT_RE.match(first)
        if project:
            self._project(row, project)
            return
        action = _ACTION_RE.match(first)
        if action:
            self._action(row, action)
            return
        if self.project is not None:
            self._card_row(row, self.project)
            return
        if self.collecting is not None:
            self.collecting.notes.append(row.text)
            return
        if self.objective is not None and "accorpati in altri obiettivi" in row.text:
            self.objective.notes.append(row.text)

    # -- headings ----------------------------------------------------------------------

    def _area(self, row: Row, match: re.Match[str]) -> None:
        self._close_card()
        self.collecting = None
        code, title = match.group(1), (match.group(2) or "").strip()
        card_title = row.rest[0] if len(row.cells) > 1 and row.cells[1] else ""
        area = self.areas.get(code)
        if area is None:
            area = _Area(StrategicAreaDoc(code=code, title=title or card_title), row.no)
            self.areas[code] = area
        elif card_title and fold(card_title) not in fold(area.doc.title) \
                and fold(area.doc.title) not in fold(card_title):
            self.warnings.append(
                f"riga {row.no}: la scheda chiama l'area strategica {code} «{card_title}», "
                f"altrove «{area.doc.title}» (riga {area.line}); tenuto il codice {code}")
        self.area = area
        if not card_title:
            self.money_scope = ("area", code)
            self.objective = None
            if not area.doc.title:
                self.expect = "area title"

    def _objective(self, row: Row, match: re.Match[str]) -> None:
        self._close_card()
        self.collecting = None
        code = match.group(1) + match.group(2).upper()
        inline = match.group(3).strip()
        card_title = row.rest[0] if len(row.cells) > 1 and row.cells[1] else ""
        objective = self.objectives.get(code)
        if objective is None:
            area = self.areas.get(match.group(1))
            if area is None:
                raise PlanTextError(row.no, f"obiettivo strategico {code} prima della sua "
                                            f"area strategica {match.group(1)}")
            objective = _Objective(StrategicObjectiveDoc(code=code, title=inline or card_title),
                                   area.doc.code, row.no)
            self.objectives[code] = objective
            area.objectives.append(objective)
        if self.area is not None and self.area.doc.code != objective.area:
            self.warnings.append(f"riga {row.no}: obiettivo strategico {code} sotto l'area "
                                 f"strategica {self.area.doc.code}; tenuta l'area "
                                 f"{objective.area} del suo codice")
        self.objective = objective
        if not objective.doc.title:
            self.expect = "objective title"

    def _eliminated(self, row: Row) -> None:
        if self.objective is None:
            raise PlanTextError(row.no, "obiettivo eliminato, ma nessun obiettivo strategico "
                                        "è aperto")
        self.objective.eliminated = row.no
        self.warnings.append(f"riga {row.no}: obiettivo strategico {self.objective.doc.code} "
                             f"eliminato («{short(row.text, 90)}»): non importato")

    # -- printed totals ----------------------------------------------------------------

    def _figure(self, text: str, line: int) -> Decimal | None:
        try:
            return amount(text, line)
        except SpreadsheetError:
            self.warnings.append(f"riga {line}: «{text}» (errore del foglio di calcolo) al "
                                 "posto di un importo: totale non verificabile")
            return None

    def _budget(self, row: Row) -> None:
        if self.money_scope is None:
            raise PlanTextError(row.no, "importo di bilancio prima di ogni area strategica")
        for match in _BUDGET_RE.finditer(row.text):
            value = self._figure(match.group(2), row.no)
            if value is not None:
                measure = _MEASURES[match.group(1).casefold()]
                self.printed.append(_Printed(row.no, self.money_scope, measure, value))

    def _planned(self, row: Row, match: re.Match[str]) -> None:
        self._close_card()
        self.collecting = None
        measure = _MEASURES[match.group(1).casefold()]
        level = "area" if match.group(2).casefold().startswith("area") else "obiettivo"
        code = match.group(3).replace(" ", "").upper()
        value = self._figure(match.group(4), row.no)
        if value is not None:
            self.printed.append(_Printed(row.no, (level, code), measure, value))

    def _objective_money(self, row: Row, objective: _Objective) -> None:
        """The ``ONERI RICAVI CONTRIBUTI INVESTIMENTI`` figures of the objective just named."""
        for header, cell in zip(self.table, row.cells, strict=False):
            value = self._figure(cell, row.no)
            measure = _MEASURES.get(header)
            if value is not None and measure:
                self.printed.append(_Printed(row.no, ("obiettivo", objective.doc.code),
                                             measure, value))

    # -- project cards -----------------------------------------------------------------

    def _close_card(self) -> None:
        self.project = None
        self.action = None

    def _project(self, row: Row, match: re.Match[str]) -> None:
        code = match.group(1)
        if not _PROJECT_CODE_RE.match(code):
            raise PlanTextError(row.no, f"codice di progetto «{code}» non valido "
                                        "(atteso, per esempio, 1B0103)")
        if code in self.project_codes:
            raise PlanTextError(row.no, f"progetto {code} già presente alla riga "
                                        f"{self.project_codes[code]}")
        if self.objective is None or self.objective.eliminated:
            raise PlanTextError(row.no, f"progetto {code} fuori da un obiettivo strategico")
        self.project_codes[code] = row.no
        self.collecting = None
        self.action = None
        title = match.group(2).strip() or next((c for c in row.rest if c), "")
        if not title:
            raise PlanTextError(row.no, f"manca il titolo del progetto {code}")
        if not code.startswith(self.objective.doc.code):
            self.warnings.append(f"riga {row.no}: il progetto {code} è sotto l'obiettivo "
                                 f"strategico {self.objective.doc.code}")
        self.project = _Project(OperationalObjectiveDoc(code=code, title=short(title,
                                                                               _NAME_LIMIT)),
                                row.no)
        self.objective.projects.append(self.project)

    def _card_row(self, row: Row, project: _Project) -> None:
        first, key = row.first, row.first.casefold()
        text = "\n".join(cell for cell in row.rest if cell)
        if self.action is not None and self._money_row(row, self.action):
            return
        if key.startswith("totale") and self._project_total(row, project):
            return
        if project.finished:
            return  # prose between cards ("Servizi di tipo promozionale")
        if not first:
            self._continuation(row, text, project)
            return
        if key == "ufficio responsabile":
            project.doc.office = text
            if text and text not in self.offices:
                self.offices.append(text)
        elif key == "cdc":
            self._cost_centre(row, text, project)
        elif key.startswith("descrizione"):
            project.description.append(text)
            key = "descrizione"
        elif key.startswith("target/risultato"):
            pass
        elif _INDICATOR_RE.match(first):
            self._indicator(row, first, text, project)
        elif key.startswith("benefici"):
            project.benefits.append(text)
            key = "benefici"
        elif key.startswith("impatto organizzativo"):
            if text not in project.impact:
                project.impact.append(text)
        else:
            self.warnings.append(f"riga {row.no}: riga non riconosciuta nella scheda del "
                                 f"progetto {project.doc.code}: «{short(row.text, 80)}»")
        project.last_field = key

    def _continuation(self, row: Row, text: str, project: _Project) -> None:
        """A row with an empty first cell: more of the field above it, or the description
        when the card prints it without its label (right after ``CdC``)."""
        if project.last_field in ("cdc", "ufficio responsabile", "descrizione"):
            project.description.append(text)
            project.last_field = "descrizione"
        elif project.last_field == "benefici":
            project.benefits.append(text)
        else:
            self.warnings.append(f"riga {row.no}: riga senza etichetta nella scheda del "
                                 f"progetto {project.doc.code}: «{short(row.text, 80)}»")

    def _cost_centre(self, row: Row, text: str, project: _Project) -> None:
        match = _COST_CENTRE_RE.match(text)
        if match is None:
            raise PlanTextError(row.no, f"manca il codice del centro di costo (CdC) del "
                                        f"progetto {project.doc.code}: «{short(text)}» "
                                        "(atteso, per esempio, «C003 Servizio Regolazione "
                                        "mercato»)")
        code, name = match.groups()
        project.cost_centre = code
        names = self.centres.setdefault(code, [])
        if name and all(fold(name) != fold(known) for known, _ in names):
            names.append((name, row.no))

    def _indicator(self, row: Row, label: str, text: str, project: _Project) -> None:
        text = " ".join(text.split())
        if not text:
            self.warnings.append(f"riga {row.no}: «{label}» del progetto "
                                 f"{project.doc.code} senza testo: non importato")
            return
        name = short(text, _NAME_LIMIT)
        description = label if name == text else f"{label}: {text}"
        project.doc.indicators.append(IndicatorDoc(name=name, description=description))

    # -- actions and their money -------------------------------------------------------

    def _action(self, row: Row, match: re.Match[str]) -> None:
        code = match.group(1)
        if self.project is None:
            raise PlanTextError(row.no, f"azione complessa {code} fuori dalla scheda di un "
                                        "progetto")
        if not _ACTION_CODE_RE.match(code):
            raise PlanTextError(row.no, f"codice di azione complessa «{code}» non valido "
                                        "(atteso, per esempio, 1B010301)")
        if code in self.action_codes:
            raise PlanTextError(row.no, f"azione complessa {code} già presente alla riga "
                                        f"{self.action_codes[code]}")
        if not self.project.cost_centre:
            raise PlanTextError(row.no, f"il progetto {self.project.doc.code} (riga "
                                        f"{self.project.line}) non indica il centro di costo "
                                        "(riga «CdC») prima delle sue azioni")
        self.action_codes[code] = row.no
        project_code = self.project.doc.code
        if code[:2] + code[4:6] != project_code[:2] + project_code[4:6]:
            self.warnings.append(f"riga {row.no}: l'azione complessa {code} è nella scheda "
                                 f"del progetto {project_code}")
        title = match.group(2).strip() or next((c for c in row.rest if c), "")
        if not title:
            raise PlanTextError(row.no, f"manca il titolo dell'azione complessa {code}")
        self.action = _Action(ActionDoc(code=code, title=short(title, _NAME_LIMIT),
                                        cost_centre=self.project.cost_centre,
                                        office=self.project.doc.office), row.no)
        self.project.actions.append(self.action)
        self.project.last_field = "azione"

    def _amounts(self, row: Row) -> list[tuple[int, Decimal]]:
        """The amounts of a row with their column (1 = institutional, 2+ = commercial)."""
        found = []
        for column, cell in enumerate(row.cells[1:], start=1):
            value = self._figure(cell, row.no)
            if value is not None:
                found.append((column, value))
        return found

    def _money_row(self, row: Row, action: _Action) -> bool:
        """An account line or an action total; False when the row is something else."""
        key = " ".join(row.first.casefold().split())
        account = _ACCOUNT_RE.match(row.first)
        if account:
            self._account(row, account.group(1), action)
            return True
        if key.startswith(("tipologia azione", "ricavi commerciali")):
            return True
        if not row.first:
            if any(value for _, value in self._amounts(row)):
                raise PlanTextError(row.no, f"importo senza conto nell'azione complessa "
                                            f"{action.doc.code}")
            return True
        money = action.money
        if key == "totale ricavi commerciali":
            self._check(row, money.revenues, "totale ricavi commerciali", action.doc.code)
            action.section = "costs"
        elif key == "totale investimenti":
            self._check(row, money.investments, "totale investimenti", action.doc.code)
            action.investment_total = True
            action.section = "after"
        elif key in ("totale costi", "totale costi/investimenti"):
            costs = money.costs if action.investment_total else money.costs + money.investments
            self._check(row, costs, key, action.doc.code)
            action.section = "after"
        elif key == "totale contributi":
            self._check(row, money.contributions, key, action.doc.code)
        elif key.startswith("entrate nette progetto"):
            self._check(row, money.fee - money.provisions, "entrate nette", action.doc.code)
        else:
            return False
        return True

    def _account(self, row: Row, account: str, action: _Action) -> None:
        amounts = [(column, value) for column, value in self._amounts(row) if value]
        money = action.money
        for column, value in amounts:
            action.columns.add("institutional" if column == 1 else "commercial")
            if action.section == "revenues":
                money.revenues += value
            elif action.section == "costs":
                if account.startswith("1"):
                    money.investments += value
                else:
                    money.costs += value
            elif account.startswith("310"):
                money.fee += value
            elif account.startswith("34"):
                money.provisions += value
            else:
                money.contributions += value

    def _project_total(self, row: Row, project: _Project) -> bool:
        """A project's total (``TOTALE COSTI DI PROGETTO`` …): checked, and the last action
        is closed. False when the row is not one."""
        key = " ".join(row.first.casefold().split())
        total = _Money()
        for action in project.actions:
            total += action.money
        if key == "totale ricavi di progetto":
            figure = total.revenues
        elif key == "totale contributi di progetto":
            figure = total.contributions
        elif key.startswith("totale entrate nette di progetto"):
            figure = total.fee - total.provisions
        elif key.startswith("totale costi") and ("di progetto" in key
                                                 or "istituzionali e commerciali" in key):
            figure = total.costs + total.investments
        else:
            return False
        self.action = None
        if "di progetto" in key and key.startswith("totale costi"):
            project.finished = True
        self._check(row, figure, key, project.doc.code)
        return True

    def _check(self, row: Row, computed: Decimal, label: str, owner: str) -> None:
        amounts = self._amounts(row)
        broken = any(cell.startswith("#") for cell in row.rest)
        if not amounts or broken:
            return
        printed = sum((value for _, value in amounts), Decimal(0))
        if printed != computed:
            self.warnings.append(
                f"riga {row.no}: {owner}, «{label.upper()}» stampato {format_money(printed)}, "
                f"somma delle righe {format_money(computed)} (differenza "
                f"{format_money(printed - computed)})")

    # -- the document ------------------------------------------------------------------

    def document(self, body: str, year: int, version: VersionDoc) -> PlanDocument:
        if not self.areas:
            raise PlanTextError(self.rows[0].no if self.rows else 1,
                                "nessuna «AREA STRATEGICA» nella sezione di Lucca")
        doc = PlanDocument(body=body, year=year, triennium=(year, year + 2), version=version,
                           labels=LUCCA_LABELS)
        sums: dict[tuple[str, str], _Money] = {("budget", ""): _Money()}
        for area in self.areas.values():
            area_sum = sums.setdefault(("area", area.doc.code), _Money())
            for objective in area.objectives:
                objective_sum = sums.setdefault(("obiettivo", objective.doc.code), _Money())
                if objective.eliminated:
                    continue
                objective.doc.description = "\n".join(objective.notes)
                for project in objective.projects:
                    objective.doc.operational.append(self._project_doc(project))
                    for action in project.actions:
                        objective_sum += action.money
                area_sum += objective_sum
                area.doc.objectives.append(objective.doc)
            sums[("budget", "")] += area_sum
            doc.areas.append(area.doc)
        for printed in self.printed:
            self._reconcile(printed, sums)
        for objective in self.objectives.values():
            planned = [p for p in self.printed if p.scope == ("obiettivo", objective.doc.code)
                       and p.measure == "oneri"]
            if planned and not objective.eliminated:
                objective.doc.resources = format_money(planned[-1].value)
        for code, names in sorted(self.centres.items()):
            doc.cost_centres.append(CostCentreDoc(code=code, name=names[0][0] if names else ""))
            if len(names) > 1:
                spelled = "; ".join(f"«{name}» (riga {line})" for name, line in names)
                self.warnings.append(f"centro di costo {code} scritto in più modi: {spelled}; "
                                     "tenuto il primo")
        doc.org_units = [OrgUnitDoc(name=office, kind="office") for office in self.offices]
        doc.warnings = self.warnings
        return doc

    def _project_doc(self, project: _Project) -> OperationalObjectiveDoc:
        doc = project.doc
        parts = ["\n".join(project.description)] if project.description else []
        if project.impact:
            parts.append("Impatto organizzativo (stima impatto su personale, tempi, processi): "
                         + " ".join(project.impact))
        doc.description = "\n\n".join(parts)
        doc.expected_impact = "\n".join(project.benefits)
        for action in project.actions:
            money = action.money
            commercial = "commercial" in action.columns or bool(
                re.search(r"att\.?\s*comm", action.doc.title, re.I))
            if {"commercial", "institutional"} <= action.columns:
                self.warnings.append(f"riga {action.line}: azione complessa {action.doc.code} "
                                     "con importi sia istituzionali sia commerciali: "
                                     "registrata come commerciale")
            action.doc.activity = "commercial" if commercial else "institutional"
            coded = _ACTIVITY_CODES.get(action.doc.code[2:4])
            if coded and coded != action.doc.activity:
                self.warnings.append(f"riga {action.line}: azione complessa {action.doc.code}: "
                                     f"il codice la dice {_ACTIVITY_NAMES[coded]}, gli importi "
                                     f"{_ACTIVITY_NAMES[action.doc.activity]}")
            action.doc.costs = money_text(money.measure("oneri"))
            action.doc.revenues = money_text(money.revenues)
            action.doc.contributions = money_text(money.measure("contributi"))
            action.doc.investments = money_text(money.investments)
            doc.actions.append(action.doc)
        return doc

    def _reconcile(self, printed: _Printed, sums: dict[tuple[str, str], _Money]) -> None:
        total = sums.get(printed.scope)
        level, code = printed.scope
        where = {"area": f"area strategica {code}", "obiettivo": f"obiettivo strategico {code}",
                 "budget": "budget complessivo"}[level]
        if total is None:
            self.warnings.append(f"riga {printed.line}: {where} sconosciuto: totale non "
                                 "verificato")
            return
        computed = total.measure(printed.measure)
        if computed != printed.value:
            self.warnings.append(
                f"riga {printed.line}: {where}, {_MEASURE_NAMES[printed.measure]} stampati "
                f"{format_money(printed.value)}, somma delle azioni {format_money(computed)} "
                f"(differenza {format_money(printed.value - computed)})")


def read_lucca(rows: list[Row], body: str, year: int, version: VersionDoc) -> PlanDocument:
    """The Lucca section (its rows, numbered as in the whole file) as a plan document.

    Raises :class:`PlanTextError` naming the line when the section cannot be read as one
    (an action outside a project, a project without a cost centre code, an amount that is
    not one); what it can read but disagrees with itself is in the document's warnings.
    """
    reader = _Reader(rows)
    reader.read()
    return reader.document(body, year, version)
