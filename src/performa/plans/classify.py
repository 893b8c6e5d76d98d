"""Missions and programmes for a plan that prints none, from the function of each Area.

A PIRA files objectives by mission and programme (D.M. 27/03/2013), but a Piano della
performance such as Pistoia-Prato's 2022 prints neither: only the Area di responsabilità of
each card. The chambers tie their institutional functions (D.P.R. 254/2005) to programmes
(seed ``004_…`` §Premessa, and the catalogue's ``missions.json``): A → 032.002 Indirizzo
politico, B → 032.003 Servizi e affari generali, C → 012.004, D → 011.005, except the
internationalisation part of D → 016.005. Performa applies that mapping to the function of each
objective's Area and says so in the data (``classified_by="performa"``), so that nobody takes
the classification for the body's own.

The rules, in order:

- an objective whose source prints a mission keeps it, and so do its operational objectives;
- each operational objective votes with the function of its Area (the body's table in
  ``data/area_functions.json``); transversal ones («Obiettivo trasversale») and Areas not in
  the table do not vote;
- the strategic objective takes the function with most votes; a tie goes to the tied function
  of the first voting operational objective in the plan's order (the card the plan lists
  first); with no vote at all it stays unclassified, with a warning;
- function D goes to 016.005 when the objective's title or description speaks of
  internationalisation (export, internazionalizzazione, estero, made in Italy), else to
  011.005; an operational objective of function D under an internationalisation objective is
  internationalisation too;
- an operational objective whose own Area leads to another programme than its strategic
  objective's gets its own mission and programme; the others stay empty, which means «the
  strategic objective's» (so an edit of the strategic objective carries them along);
- each programme used gets a :class:`ProgrammeDoc` with Performa's standard description of the
  programme, unless the document already describes it.

Applying it twice changes nothing. Pure Python: it works on :class:`PlanDocument`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from performa.catalog.loader import read as read_catalog

from .document import OperationalObjectiveDoc, PlanDocument, ProgrammeDoc, StrategicObjectiveDoc

__all__ = [
    "PERFORMA",
    "area_functions",
    "classify_by_area",
    "classify_plan",
    "is_internationalisation",
    "normalise",
    "programme_for",
]

PERFORMA = "performa"  # plans.models.Classification.PERFORMA (models import Django)
TABLE = Path(__file__).resolve().parent / "data" / "area_functions.json"
# The part of function D that goes to mission 016 (004 §Premessa, point 3).
INTERNATIONAL = "016.005"
INTERNATIONAL_WORDS = re.compile(
    r"\bexport\w*|\binternazionalizzazion\w*|\bestero\b|\bmade in italy\b")

# Performa's standard description of each programme, from the D.M. 27/03/2013 and the wording
# of the chambers' PIRAs (004 §Missione …, «Nella missione … confluiscono …»). It opens by
# saying whose it is: a reader must never take it for the body's own text.
DEFAULT = ("Descrizione standard del programma attribuita da Performa, non tratta dal documento "
           "dell'ente (D.M. 27/03/2013; formulazione dei PIRA delle camere di commercio). ")
NARRATIVES = {
    "011.005": DEFAULT + (
        "Nel programma confluiscono, ad eccezione di quelle inerenti l'internazionalizzazione "
        "delle imprese, tutte le attività riconducibili alla funzione istituzionale D) «Studio, "
        "formazione, informazione e promozione economica» (D.P.R. 254/2005): lo studio "
        "dell'economia locale, per una strategia di azione rispondente alle esigenze del "
        "territorio e degli operatori economici, e le iniziative promozionali a sostegno delle "
        "imprese, realizzate con interventi diretti o con contributi a iniziative di altri "
        "organismi e istituzioni locali."),
    "012.004": DEFAULT + (
        "Nel programma confluisce la funzione istituzionale C) «Anagrafe e servizi di "
        "regolazione del mercato» (D.P.R. 254/2005): l'anagrafe delle imprese (Registro delle "
        "imprese), le attività certificative e metrologiche, la giustizia alternativa, gli "
        "strumenti di regolazione del mercato e di tutela del consumatore."),
    "016.005": DEFAULT + (
        "Nel programma confluisce la parte della funzione istituzionale D) «Studio, formazione, "
        "informazione e promozione economica» (D.P.R. 254/2005) relativa al sostegno "
        "all'internazionalizzazione delle imprese e alla promozione del Made in Italy: le "
        "iniziative che offrono alle imprese opportunità e sostegno sui mercati esteri."),
    "032.002": DEFAULT + (
        "Nel programma rientra la funzione istituzionale A) «Organi istituzionali e segreteria "
        "generale» (D.P.R. 254/2005): il supporto agli organi camerali e le attività che fanno "
        "capo direttamente al Segretario Generale, anche quale Responsabile della prevenzione "
        "della corruzione e della trasparenza (D.Lgs. 150/2009, D.Lgs. 33/2013, L. 190/2012)."),
    "032.003": DEFAULT + (
        "Nel programma rientra la funzione istituzionale B) «Servizi di supporto» (D.P.R. "
        "254/2005): gli obiettivi afferenti al funzionamento della struttura, cioè la gestione "
        "del personale, delle risorse finanziarie e patrimoniali, degli acquisti e del diritto "
        "annuale."),
}


def normalise(text: str) -> str:
    """Names and texts compared as people mean them: case, accents, markup and spacing aside."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = re.sub(r"<[^>]*>|[*_]", " ", plain)
    return " ".join(plain.casefold().split())


@cache
def _tables() -> dict[str, dict[str, str]]:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    return {
        normalise(body): {normalise(row["area"]): row["function"] for row in table["areas"]}
        for body, table in data["bodies"].items()
    }


def area_functions(body: str) -> dict[str, str]:
    """The body's Area → function table (normalised names); empty when Performa has none."""
    return dict(_tables().get(normalise(body), {}))


@cache
def _function_programmes() -> dict[str, tuple[str, ...]]:
    """Function → programmes («011.005») as the catalogue lists them: one home for the map."""
    functions = read_catalog("missions.json")["functions"]
    return {row["code"]: tuple(row["programmes"]) for row in functions}


def is_internationalisation(*texts: str) -> bool:
    return any(INTERNATIONAL_WORDS.search(normalise(text)) for text in texts)


def programme_for(function: str, international: bool) -> str:
    """The programme («011.005») of a function; D splits on internationalisation."""
    programmes = _function_programmes().get(function, ())
    if not programmes:
        return ""
    if len(programmes) > 1:
        others = [p for p in programmes if p != INTERNATIONAL]
        return INTERNATIONAL if international and INTERNATIONAL in programmes else others[0]
    return programmes[0]


def classify_plan(doc: PlanDocument) -> list[str]:
    """Classify ``doc`` with its body's Area table (see :func:`classify_by_area`); a warning,
    and nothing changed, when some objective lacks a mission and the body has no table."""
    if all(so.mission for so in doc.strategic_objectives()):
        return []  # the source classified every objective (a PIRA): nothing to attribute
    table = area_functions(doc.body)
    if not table:
        warning = (f"Nessuna tabella delle Aree per «{doc.body}»: obiettivi non classificati "
                   "per missione e programma.")
        doc.warnings.append(warning)
        return [warning]
    return classify_by_area(doc, table)


def classify_by_area(doc: PlanDocument, functions: Mapping[str, str]) -> list[str]:
    """Give every objective without a mission its mission, programme and function from the
    function of its Area (``functions``: normalised Area name → "A".."D"). Returns the
    warnings (Italian), which are also added to ``doc.warnings``."""
    warnings: list[str] = []
    used: list[str] = []
    for so in doc.strategic_objectives():
        if so.mission:
            continue
        votes = [_area_function(op, functions, warnings) for op in so.operational]
        function = so.function or _majority([v for v in votes if v])
        if not function:
            warnings.append(f"Obiettivo strategico {so.code}: nessuna Area con funzione nota, "
                            "missione e programma non attribuiti.")
            continue
        international = is_internationalisation(so.title, so.description)
        code = programme_for(function, international)
        if not code:
            warnings.append(f"Obiettivo strategico {so.code}: funzione «{function}» senza "
                            "programma nel catalogo.")
            continue
        _set(so, code)
        so.function = function
        so.classified_by = PERFORMA
        used.append(code)
        for op, own in zip(so.operational, votes, strict=True):
            if op.mission or not own:
                continue
            op_code = programme_for(own, (own == function and code == INTERNATIONAL)
                                    or is_internationalisation(op.title, op.description))
            if op_code and op_code != code:
                _set(op, op_code)
                used.append(op_code)
    described = {(p.mission, p.programme) for p in doc.programmes}
    for code in sorted(set(used)):
        mission, programme = code.split(".")
        if (mission, programme) not in described:
            doc.programmes.append(ProgrammeDoc(mission=mission, programme=programme,
                                               narrative=NARRATIVES.get(code, ""),
                                               classified_by=PERFORMA))
    doc.warnings += warnings
    return warnings


def _area_function(op: OperationalObjectiveDoc, functions: Mapping[str, str],
                   warnings: list[str]) -> str:
    """The function of the operational objective's Area; "" when it does not vote."""
    area = normalise(op.area)
    if not area or area == "obiettivo trasversale":
        return ""
    function = functions.get(area, "")
    if not function:
        warnings.append(f"Obiettivo operativo {op.code}: Area «{op.area}» assente dalla tabella "
                        "delle funzioni, classificato come il suo obiettivo strategico.")
    return function


def _majority(votes: list[str]) -> str:
    """Most votes; a tie goes to the tied function voted first (``Counter`` keeps order)."""
    if not votes:
        return ""
    return Counter(votes).most_common(1)[0][0]


def _set(objective: StrategicObjectiveDoc | OperationalObjectiveDoc, code: str) -> None:
    objective.mission, objective.programme = code.split(".")
