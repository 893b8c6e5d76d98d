"""A whole plan as plain data: what every import reads into and every export writes from.

The seed-text reader, the JSON/XLSX/ODS formats and the database loader all meet here, so a
format never talks to the database and the database never parses a file. Values are kept as
the document prints them (``"n.d."``, ``"12,5%"``, ``"≥ 60"`` split into comparator and
``"60"``): the engine reads them when the plan is validated or stored, and an export gives back
what was imported, character for character.

Pure Python (no Django), so the formats can be tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ActionDoc",
    "Assignment",
    "CostCentreDoc",
    "FundShare",
    "IncentiveFund",
    "IndicatorDoc",
    "LevelLabels",
    "OperationalObjectiveDoc",
    "OrgUnitDoc",
    "PhaseDoc",
    "PlanDocument",
    "ProgrammeDoc",
    "StrategicAreaDoc",
    "StrategicObjectiveDoc",
    "VariableDoc",
    "VersionDoc",
]


@dataclass
class IndicatorDoc:
    name: str  # "Bando PID"
    description: str = ""  # "Numero di domande gestite su bando Pid" (the algorithm in words)
    code: str = ""  # national catalogue code when it comes from one: "OC_TD_01"
    kind: str = ""  # tipologia: "Volume", "Efficacia", "Salute economica", …
    unit: str = ""  # UdM as printed: "n.", "%", "data", "si/no"
    baseline: str = ""  # Stato anno n-1 as printed: "130", "n.d.", "12/03/2021"
    comparator: str = ""  # ">=", "<=", "=", "≥", "≤" as printed
    targets: dict[int, str] = field(default_factory=dict)  # year → target as printed: "60"
    weight: str = ""  # "12,5%", or "n.d." as some cards print it
    formula: str = ""  # algorithm over variables, e.g. "N_Imprese_CD / N_ImprAtt"
    source: str = ""  # data source: "Priamo", "rilevazione interna"
    office: str = ""  # measuring office, when not the objective's
    # Stable identity across plan versions, so values typed for an indicator follow it into
    # an amendment; empty in a new plan (the database assigns one).
    key: str = ""
    accumulation: str = "stock"  # "stock" (last value) or "cumulative" (pro rata projection)
    measured_at: str = ""  # "30/06, 31/12": the periods it is measured at; empty: all
    # A key indicator: one of the few (17-30) a PIRA publishes for its programme.
    published: bool = False


@dataclass
class PhaseDoc:
    """A phase of an objective over the triennium (the *Fasi* table of a real PIRA)."""

    title: str
    first_year: int
    last_year: int
    milestone: str = ""  # the date the phase must be done by, as printed: "30/06/2022"


@dataclass
class ActionDoc:
    """An *azione* of a project, with its money (the project cards of 002_… Lucca).

    Amounts are text as printed ("40.000,00"); empty means none.
    """

    code: str  # "1B010301"
    title: str
    activity: str = "institutional"  # institutional | commercial
    cost_centre: str = ""  # code as in the source: "C003"
    office: str = ""  # responsible office
    description: str = ""
    costs: str = ""  # oneri
    revenues: str = ""  # ricavi
    contributions: str = ""  # contributi
    investments: str = ""  # investimenti


@dataclass
class OperationalObjectiveDoc:
    code: str  # "01_01_02"
    title: str
    description: str = ""
    expected_impact: str = ""  # "Impatto atteso"
    resources: str = ""  # "risorse interne" or "€ 20.000,00" as printed
    area: str = ""  # Area di responsabilità, or "Obiettivo trasversale"
    office: str = ""  # Ufficio (several may be listed in one string, as printed)
    transversal: bool = False
    common_objective: bool = False  # obiettivo comune di sistema (Unioncamere)
    # Mission and programme when not the strategic objective's (empty: the same).
    mission: str = ""
    programme: str = ""
    indicators: list[IndicatorDoc] = field(default_factory=list)
    actions: list[ActionDoc] = field(default_factory=list)
    phases: list[PhaseDoc] = field(default_factory=list)


@dataclass
class StrategicObjectiveDoc:
    code: str  # "01_01"
    title: str
    mission: str = ""  # "011"
    programme: str = ""  # "005"
    function: str = ""  # DPR 254/2005: "A".."D"
    perspective: str = ""  # Balanced Scorecard perspective
    common_objective: str = ""  # national common objective implemented, if any
    # "performa" when Performa assigned mission and programme (from the Area's function),
    # empty when the source document printed them.
    classified_by: str = ""
    # The card of a PIRA objective, as printed.
    description: str = ""
    time_span: str = ""  # arco temporale di realizzazione: "2021/2023 (triennale)"
    stakeholders: str = ""  # portatori d'interesse
    benefits: str = ""  # benefici attesi
    responsible_centre: str = ""  # centro di responsabilità: "CDR 3 - Studi, …"
    resources: str = ""  # risorse economiche: "€ 460.000,00"
    related: str = ""  # operational objectives of the Piano it links to: "AA 101 AA 102"
    operational: list[OperationalObjectiveDoc] = field(default_factory=list)
    phases: list[PhaseDoc] = field(default_factory=list)


@dataclass
class StrategicAreaDoc:
    code: str  # "1" (the order in the document when it has no code)
    title: str  # "Promozione e sostegno allo sviluppo e alla competitività …"
    objectives: list[StrategicObjectiveDoc] = field(default_factory=list)


@dataclass
class VariableDoc:
    """A raw measured quantity of the year that formulas read (``N_ImprAtt``)."""

    name: str
    description: str = ""
    unit: str = ""
    source: str = ""
    office: str = ""  # the office that measures it


@dataclass
class ProgrammeDoc:
    """A spending programme of a mission as the body describes it (DM 27/03/2013)."""

    mission: str  # "011"
    programme: str  # "005"
    title: str = ""  # as the source prints it, when it does
    narrative: str = ""  # what flows into the programme and why
    stakeholders: str = ""  # portatori d'interesse
    benefits: str = ""  # benefici attesi
    classified_by: str = ""  # "performa" when the mapping is Performa's, not the source's


@dataclass
class CostCentreDoc:
    code: str  # "C003"
    name: str  # "Servizio Regolazione del Mercato"


@dataclass
class OrgUnitDoc:
    name: str
    kind: str  # "area" or "office"
    parent: str = ""  # the area an office belongs to
    fte: str = ""  # as printed, e.g. "2,5"


@dataclass
class Assignment:
    """One row group of the assignment table: an Area and the objectives it owns (titles)."""

    area: str
    objectives: list[str] = field(default_factory=list)


@dataclass
class FundShare:
    strategic_objective: str  # code of the strategic objective
    amount: str  # "€ 10.285,71" as printed or computed


@dataclass
class IncentiveFund:
    total: str = ""  # "€ 129.000,00"
    description: str = ""
    shares: list[FundShare] = field(default_factory=list)


@dataclass
class LevelLabels:
    """What the document calls each level (Lucca: Area strategica, Obiettivo strategico,
    Progetto, Azione complessa); empty keeps the body's names."""

    area: str = ""
    strategic: str = ""
    operational: str = ""
    action: str = ""


@dataclass
class VersionDoc:
    organ: str = ""  # "Giunta"
    number: str = ""  # "12/22"
    date: str = ""  # "23/02/2022"
    status: str = "adopted"  # draft | adopted | superseded
    title: str = ""  # "Piano della performance 2022-2024"


@dataclass
class PlanDocument:
    body: str  # "Camera di Commercio di Pistoia-Prato"
    year: int  # 2022
    triennium: tuple[int, int] = (0, 0)  # (2022, 2024)
    version: VersionDoc = field(default_factory=VersionDoc)
    labels: LevelLabels = field(default_factory=LevelLabels)
    areas: list[StrategicAreaDoc] = field(default_factory=list)
    programmes: list[ProgrammeDoc] = field(default_factory=list)
    org_units: list[OrgUnitDoc] = field(default_factory=list)
    cost_centres: list[CostCentreDoc] = field(default_factory=list)
    variables: list[VariableDoc] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    incentive_fund: IncentiveFund = field(default_factory=IncentiveFund)
    warnings: list[str] = field(default_factory=list)  # Italian; findings of the reader
    # The plans of the bodies merged into this one, each with its own tree (the RPP 2022 of
    # Toscana Nord-Ovest holds those of Lucca, Massa-Carrara and Pisa). Each part is stored
    # as a body ``merged_into`` this one, for the same year.
    parts: list[PlanDocument] = field(default_factory=list)

    def operational_objectives(self) -> list[OperationalObjectiveDoc]:
        return [op for area in self.areas for so in area.objectives for op in so.operational]

    def strategic_objectives(self) -> list[StrategicObjectiveDoc]:
        return [so for area in self.areas for so in area.objectives]

    def actions(self) -> list[ActionDoc]:
        return [action for op in self.operational_objectives() for action in op.actions]

    def indicators(self) -> list[IndicatorDoc]:
        return [ind for op in self.operational_objectives() for ind in op.indicators]
