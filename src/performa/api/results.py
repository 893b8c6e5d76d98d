"""Results of a period: per indicator, and per node of either tree with its explanation.

The current result set of the period (the frozen one once the OIV validated it), computed
on first read when values exist: the same figures the dashboard and the documents show.
"""

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate

from performa.measures.models import NodeResult, ResultSet
from performa.measures.reading import current_results as result_set

from .objects import period_of
from .pagination import Pagination
from .schemas import IndicatorResultOut, NodeOut

router = Router(tags=["risultati"])
Tree = Literal["strategy", "organisation"]


def _results(request: HttpRequest, body_id: int, period_id: int) -> ResultSet:
    found = result_set(period_of(request, body_id, period_id))
    if found is None:
        raise Http404  # no values yet: nothing to compute
    return found


@router.get("/bodies/{body_id}/periods/{period_id}/results/indicators",
            response=list[IndicatorResultOut], summary="Risultati per indicatore")
@paginate(Pagination)
def indicator_results(request: HttpRequest, body_id: int, period_id: int) -> Any:
    results = _results(request, body_id, period_id)
    return results.indicators.select_related(
        "indicator__operational_objective").order_by("pk")


@router.get("/bodies/{body_id}/periods/{period_id}/results/nodes", response=list[NodeOut],
            summary="Grado di raggiungimento per nodo, con la spiegazione («perché?»)")
@paginate(Pagination)
def node_results(request: HttpRequest, body_id: int, period_id: int,
                 tree: Tree = "strategy") -> Any:
    return _results(request, body_id, period_id).nodes.filter(tree=tree).order_by("pk")


@router.get("/bodies/{body_id}/periods/{period_id}/results/nodes/{tree}/{path:key}",
            response=NodeOut, summary="Un nodo (ente, ambito, obiettivo, area, ufficio)")
def node_result(request: HttpRequest, body_id: int, period_id: int, tree: Tree,
                key: str) -> Any:
    node = NodeResult.objects.filter(result_set=_results(request, body_id, period_id),
                                     tree=tree, key=key).first()
    if node is None:
        raise Http404
    return node
