"""What the API returns and accepts, as pydantic schemas (the OpenAPI document is made of them).

Values travel as people write them (``value``: ``"1.500,0"``, ``"88%"``, ``"n.d."``) and as
the number the engine reads (``number``), so an integration never has to guess the format.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from performa.measures.models import (
    CHANGE_REASON_MAX_LENGTH,
    NOT_AVAILABLE_REASON_MAX_LENGTH,
    NOTE_MAX_LENGTH,
)
from performa.measures.values_file import BULK_MAX_VALUES
from performa.text import refuse_nul

# Every text a client sends: PostgreSQL cannot store NUL, and a client that sends one gets
# a 422 naming the field rather than a server error.
Text = Annotated[str, AfterValidator(refuse_nul)]


class Error(Schema):
    code: str = Field(description="codice stabile dell'errore (not_found, forbidden, invalid…)")
    message: str = Field(description="messaggio in italiano, da mostrare all'utente")
    details: Any = None


class BodyOut(Schema):
    id: int
    name: str
    short_name: str
    area_label: str
    strategic_label: str
    operational_label: str


class CycleOut(Schema):
    id: int
    year: int
    first_year: int
    last_year: int


class VersionOut(Schema):
    id: int
    number: int
    title: str
    status: str
    organ: str
    resolution_number: str
    resolution_date: date | None
    based_on_id: int | None


class TargetOut(Schema):
    year: int
    comparator: str
    value: str


class IndicatorOut(Schema):
    id: int
    objective: str = Field(description="codice dell'obiettivo operativo (scheda)")
    position: int = Field(description="posizione nella scheda (1, 2, …)")
    code: str
    name: str
    description: str
    formula: str
    kind: str
    unit: str
    source: str
    comparator: str
    baseline: str
    weight: str
    office_id: int | None
    lineage: str
    targets: list[TargetOut]


class OperationalOut(Schema):
    id: int
    code: str
    title: str
    description: str
    resources: str
    area: str
    offices: list[str]
    transversal: bool
    indicators: list[int] = Field(description="id degli indicatori, in ordine di scheda")


class StrategicOut(Schema):
    id: int
    code: str
    title: str
    mission: str
    programme: str
    operational: list[OperationalOut]


class AreaOut(Schema):
    id: int
    code: str
    title: str
    strategic: list[StrategicOut]


class TreeOut(Schema):
    version: VersionOut
    areas: list[AreaOut]


class VariableOut(Schema):
    id: int
    name: str
    description: str
    unit: str
    source: str
    office_id: int | None


class PeriodOut(Schema):
    id: int
    date: date
    label: str
    deadline: date | None
    state: str
    demo: bool


class PeriodIn(Schema):
    date: date
    label: Text = ""
    deadline: date | None = None


class PeriodMoveIn(Schema):
    state: Literal["open", "closed", "validated"]
    reason: Text = Field("", max_length=CHANGE_REASON_MAX_LENGTH,
                         description="obbligatorio per riaprire (audit)")


class ValueOut(Schema):
    id: int
    period_id: int
    variable_id: int | None
    indicator_id: int | None
    value: str
    number: float | None
    not_available_reason: str
    note: str
    author: str | None
    updated_at: datetime
    revision: int

    @staticmethod
    def resolve_value(obj: Any) -> str:
        return str(obj.value_text)

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return obj.author.get_username() if obj.author_id else None


class ValueIn(Schema):
    value: Text = Field(max_length=60, description="come si scrive: 1.500,0 · 88% · n.d. · si")
    revision: int = Field(ge=0, description="revisione letta (campo revision del valore); 0 se "
                                             "il valore non c'è ancora. Se nel frattempo il "
                                             "valore è cambiato la risposta è 409 con il valore "
                                             "più recente.")
    # The limits of measures.models, which the action checks for the pages too.
    note: Text = Field("", max_length=NOTE_MAX_LENGTH)
    reason: Text = Field("", max_length=CHANGE_REASON_MAX_LENGTH,
                         description="motivo della modifica (audit)")
    not_available_reason: Text = Field("", max_length=NOT_AVAILABLE_REASON_MAX_LENGTH)


class IndicatorResultOut(Schema):
    indicator_id: int
    objective: str
    name: str
    value: float | None
    display: str
    achievement: float | None = Field(description="frazione: 0.98 per 98%; null se n.d.")
    projection: float | None
    projected_achievement: float | None
    at_risk: bool
    error: str
    how: str

    @staticmethod
    def resolve_objective(obj: Any) -> str:
        return str(obj.indicator.operational_objective.code)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.indicator.name)


class EnteredOut(Schema):
    value: ValueOut
    results: list[IndicatorResultOut]

    @staticmethod
    def resolve_results(obj: Any) -> list[Any]:
        return list(obj.result)  # performa.measures.actions.Entered


class BulkItem(Schema):
    variable: Text = Field("", max_length=100, description="nome della variabile")
    objective: Text = Field("", max_length=30, description="codice della scheda, con indicator")
    indicator: int | None = Field(None, ge=1, description="posizione dell'indicatore nella scheda")
    value: Text = Field(max_length=60)
    revision: int = Field(0, ge=0, description="revisione letta; 0 (o assente) se il valore non "
                                                "c'è ancora: un valore già presente non si "
                                                "sovrascrive senza la sua revisione")
    note: Text = Field("", max_length=NOTE_MAX_LENGTH)
    not_available_reason: Text = Field("", max_length=NOT_AVAILABLE_REASON_MAX_LENGTH)


class BulkIn(Schema):
    values: list[BulkItem] = Field(min_length=1, description=(
        f"al massimo {BULK_MAX_VALUES} valori per richiesta (oltre: 422, dividere il "
        "caricamento); un caricamento non blocca gli altri uffici"))
    reason: Text = Field("", max_length=CHANGE_REASON_MAX_LENGTH)


class BulkOut(Schema):
    stored: int
    period_id: int
    replayed: bool = Field(description="vero se la stessa richiesta era già stata eseguita")


class NodeOut(Schema):
    key: str
    tree: str
    label: str
    achievement: float | None
    explanation: dict[str, Any]


class DocumentKindOut(Schema):
    kind: str
    title: str
    formats: list[str]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class BudgetColumnOut(Schema):
    year: int
    kind: str = Field(description="preconsuntivo, preventivo o consuntivo")
    label: str = Field(description="«Preventivo 2022»")


class BudgetRowOut(Schema):
    name: str = Field(description="SCHEMA.VOCE, il nome della voce nelle formule degli indici")
    item: str
    label: str = Field(description="la voce come la stampa il bilancio")
    function: str = Field(description="funzione A-D (DPR 254/2005, all. A) o vuoto")
    cost_centre: str = Field(description="codice e nome del centro di costo, o vuoto")
    amounts: list[Decimal | None] = Field(description="un importo per colonna (null: assente)")


class BudgetSchemeOut(Schema):
    scheme: str
    title: str
    ratio: bool = Field(description="vero se le cifre sono indici, non importi in euro")
    rows: list[BudgetRowOut]


class IndexInputOut(Schema):
    name: str
    label: str
    amount: float | None
    previous: bool = Field(description="vero se è l'importo dell'anno precedente")


class IndexValueOut(Schema):
    year: int
    kind: str
    value: Decimal | None = Field(description="l'indice arrotondato come lo mostra la pagina")
    display: str = Field(description="«1,90», o «n.d.»")
    printed: Decimal | None = Field(description="la cifra stampata nel documento, se caricata")
    met: bool | None = Field(description="target rispettato; null senza target o senza valore")
    reason: str = Field(description="perché manca il valore (voci mancanti, divisione per zero)")
    why: str = Field(description="la formula con le voci e i loro importi")
    inputs: list[IndexInputOut]


class IndexOut(Schema):
    code: str
    name: str
    description: str
    formula: str
    target: str
    values: list[IndexValueOut]


class BudgetOut(Schema):
    columns: list[BudgetColumnOut]
    schemes: list[BudgetSchemeOut]
    indices: list[IndexOut]
