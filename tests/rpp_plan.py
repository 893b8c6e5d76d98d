"""Test support: the small plan of tests/conftest.py with what an RPP and a PIRA add — actions
with money and cost centres, phases with milestones, a PIRA card, a key indicator.

The actions and their amounts are Lucca's (``002_…``: azioni complesse 1B010301, 1B010402,
2C010101 and the commercial 1D710104), the PIRA card Frosinone-Latina's (``004_…``), placed
on the small plan's two cards. Not a test module; importable from any test because pytest puts
``tests/`` on the path (``pythonpath`` in pyproject.toml).

Hand-computed totals (oneri, ricavi, contributi, investimenti):

- card 01_01_02 (PID), so strategic objective 01_01, mission 011 and programme 011.005 (its
  strategic objective's): 40.000 + 52.000 + 35.300 = 127.300,00 | 60.800,00 |
  40.000 + 56.000 = 96.000,00 | 0,00
- card 01_03_03, with its own mission 012 and programme 012.004: 12.150,00 | 0,00 |
  17.300,00 | 1.750,00
- Area 1 and the whole plan: 139.450,00 | 60.800,00 | 113.300,00 | 1.750,00
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from performa.plans.document import ActionDoc, CostCentreDoc, PhaseDoc, PlanDocument

PID_TOTALS = (Decimal("127300.00"), Decimal("60800.00"), Decimal("96000.00"), Decimal("0.00"))
SPACES_TOTALS = (Decimal("12150.00"), Decimal("0.00"), Decimal("17300.00"), Decimal("1750.00"))
AREA_TOTALS = (Decimal("139450.00"), Decimal("60800.00"), Decimal("113300.00"),
               Decimal("1750.00"))

REACHED = "Avvio della cabina di regia"  # milestone 30/06/2022
NO_MILESTONE = "Piano strategico provinciale"
LATE = "Bando PID 2022"  # milestone 31/10/2022
FUTURE = "Nuovo bando PID"  # milestone a year from today
AUDITORIUM = "Riallestimento dell'Auditorium"  # card 01_03_03, milestone 30/11/2022


def future_milestone(today: date) -> date:
    return date(today.year + 1, 6, 30)


def with_actions_and_phases(plan: PlanDocument, today: date) -> PlanDocument:
    plan.cost_centres = [CostCentreDoc("C003", "Servizio Regolazione del Mercato"),
                         CostCentreDoc("D003", "Servizio Promozione e sviluppo per le imprese")]
    digital, culture = plan.areas[0].objectives
    digital.classified_by = "performa"
    digital.time_span = "2022/2024 (triennale)"
    digital.stakeholders = "Cittadini, imprese ed Enti locali."
    digital.benefits = "Imprese più digitali"
    digital.responsible_centre = "CDR 3 - Studi, formazione, informazione e promozione economica."
    digital.resources = "€ 460.000,00"
    digital.related = "AA 101 AA 102"
    digital.phases = [PhaseDoc(REACHED, 2022, 2022, "30/06/2022"),
                      PhaseDoc(NO_MILESTONE, 2022, 2024)]
    pid = digital.operational[0]
    later = future_milestone(today)
    pid.phases = [PhaseDoc(LATE, 2021, 2022, "31/10/2022"),
                  PhaseDoc(FUTURE, 2023, max(2024, later.year), later.strftime("%d/%m/%Y"))]
    pid.actions = [
        ActionDoc("1B010301", "Piano strategico provinciale 2030", cost_centre="C003",
                  office="Punto Impresa Digitale", costs="40.000,00",
                  contributions="40.000,00"),
        ActionDoc("2C010101", "Servizi tecnici per lo start up e lo sviluppo d'impresa",
                  cost_centre="D003", costs="52.000,00", contributions="56.000,00"),
        ActionDoc("1D710104", "Organismo di mediazione ADR CAM - Att. Comm.le",
                  activity="commercial", cost_centre="C003", costs="€ 35.300,00",
                  revenues="€ 60.800,00"),
    ]
    pid.indicators[0].published = True
    spaces = culture.operational[0]
    spaces.mission, spaces.programme = "012", "004"
    spaces.phases = [PhaseDoc(AUDITORIUM, 2022, 2023, "30/11/2022")]
    spaces.actions = [
        ActionDoc("1B010402", "Gestione fondo di perequazione 2019-2020: Infrastrutture",
                  cost_centre="C003", costs="12.150,00", contributions="17.300,00",
                  investments="1.750,00"),
    ]
    return plan
