"""A body's period computed end to end: formulas, scores, roll-up, incremental redo."""

from __future__ import annotations

import pytest

from performa.engine.compute import BodyComputation, IndicatorSpec
from performa.engine.formula import parse
from performa.engine.rollup import Node
from performa.engine.values import parse_target


def _spec(key: str, formula: str, target: str, unit: str = "n.", comparator: str = "") -> (
    IndicatorSpec
):
    return IndicatorSpec(key, parse(formula), parse_target(target, unit, comparator), unit, key)


def _body() -> tuple[list[IndicatorSpec], Node]:
    # Two cards shaped like 02_01_01 (Cassetto digitale over N. imprese attive, OC_TBS_02)
    # and 01_01_02, plus a transversal objective measuring the mean of the others.
    indicators = [
        _spec("cd", "N_Imprese_CD / N_ImprAtt", ">= 25,0%", "%"),
        _spec("sd", "N_Strumenti / N_ImprAtt", ">= 7,1%", "n."),
        _spec("bando", "N_Domande_PID", ">= 80"),
        _spec("fte", "FTE_PID", "<= 2,0"),
        _spec("media", 'avg(achievement("02_01_01"), achievement("01_01_02"))', ">= 90%", "%"),
    ]
    tree = Node("ente", "Camera", children=[
        Node("A1", "Ambito 1", children=[
            Node("02_01_01", "Digitalizzazione", children=[Node("cd", weight=0.5),
                                                            Node("sd", weight=0.5)]),
            Node("01_01_02", "PID", children=[Node("bando", weight=0.5),
                                              Node("fte", weight=0.5)]),
        ]),
        Node("A3", "Ambito 3", children=[Node("03_01_02", "Trasversale",
                                              children=[Node("media", weight=1.0)])]),
    ])
    return indicators, tree


VALUES = {
    "N_Imprese_CD": 11_000.0,
    "N_ImprAtt": 55_000.0,
    "N_Strumenti": 3_300.0,
    "N_Domande_PID": 60.0,
    "FTE_PID": 2.5,
}


def test_whole_body_against_hand_computed_figures() -> None:
    indicators, tree = _body()
    computation = BodyComputation(indicators, tree)
    nodes = computation.compute(VALUES)
    results = computation.state.results
    assert results["cd"].value == pytest.approx(0.2)
    assert results["cd"].display == "20%"
    assert results["cd"].achievement == pytest.approx(0.8)  # 20% / 25%
    assert results["sd"].achievement == pytest.approx(0.845, abs=1e-3)  # 6% / 7,1%
    assert results["bando"].achievement == pytest.approx(0.75)  # 60 / 80
    assert results["fte"].achievement == pytest.approx(0.8)  # 2,0 / 2,5
    assert nodes["02_01_01"].achievement == pytest.approx((0.8 + 0.06 / 0.071) / 2)
    assert nodes["01_01_02"].achievement == pytest.approx(0.775)
    mean = (nodes["02_01_01"].achievement + 0.775) / 2
    assert results["media"].value == pytest.approx(mean)
    assert results["media"].achievement == pytest.approx(mean / 0.9)
    assert nodes["ente"].achievement == pytest.approx(
        ((nodes["02_01_01"].achievement + 0.775) / 2 + mean / 0.9) / 2
    )


def test_incremental_update_equals_full_recompute_and_touches_dependents() -> None:
    indicators, tree = _body()
    computation = BodyComputation(indicators, tree)
    computation.compute(VALUES)
    touched = computation.update("N_Domande_PID", 90.0)
    assert {"bando", "01_01_02", "A1", "ente", "media", "03_01_02", "A3"} <= touched
    assert "cd" not in touched and "02_01_01" not in touched
    fresh = BodyComputation(indicators, tree)
    expected = fresh.compute({**VALUES, "N_Domande_PID": 90.0})
    assert computation.rollup.results == expected
    assert computation.state.results == fresh.state.results


def test_errors_are_values_and_the_rest_is_computed() -> None:
    indicators, tree = _body()
    computation = BodyComputation(indicators, tree)
    nodes = computation.compute({**VALUES, "N_ImprAtt": 0.0})
    assert computation.state.results["cd"].achievement is None
    assert "divisione per zero" in computation.state.results["cd"].error
    assert nodes["02_01_01"].achievement is None
    assert nodes["01_01_02"].achievement == pytest.approx(0.775)
    assert "divisione per zero" in nodes["02_01_01"].parts[0].left_out


def test_unknown_variable_is_an_error_value() -> None:
    computation = BodyComputation([_spec("x", "Non_Esiste * 2", ">= 1")],
                                  Node("ente", children=[Node("x")]))
    computation.compute({})
    assert computation.state.results["x"].error.startswith("variabile sconosciuta")


def test_circular_references_are_reported_not_crashed() -> None:
    indicators = [
        _spec("a", 'achievement("B")', ">= 90%", "%"),
        _spec("b", 'achievement("A")', ">= 90%", "%"),
        _spec("c", "X", ">= 10"),
    ]
    tree = Node("ente", children=[
        Node("A", children=[Node("a"), Node("c")]),
        Node("B", children=[Node("b")]),
    ])
    computation = BodyComputation(indicators, tree)
    nodes = computation.compute({"X": 5.0})
    assert computation.state.results["a"].error == "riferimento circolare"
    assert computation.state.results["b"].error == "riferimento circolare"
    assert nodes["A"].achievement == pytest.approx(0.5)


def test_not_available_variable_leaves_the_indicator_out() -> None:
    indicators, tree = _body()
    computation = BodyComputation(indicators, tree)
    nodes = computation.compute({**VALUES, "FTE_PID": None})
    assert computation.state.results["fte"].achievement is None
    assert computation.state.results["fte"].display == "n.d."
    assert nodes["01_01_02"].achievement == pytest.approx(0.75)
    assert [p.key for p in nodes["01_01_02"].left_out] == ["fte"]


def test_deadline_and_yes_no_indicators_from_variables() -> None:
    from datetime import date

    indicators = [
        _spec("sito", "Data_Sito", "<= 30/09/2022", "data"),
        _spec("smvp", "SMVP_Approvato", "= si", "si/no"),
    ]
    computation = BodyComputation(indicators, Node("ente", children=[Node("sito"),
                                                                     Node("smvp")]))
    computation.compute({"Data_Sito": float(date(2022, 10, 3).toordinal()),
                         "SMVP_Approvato": 1.0})
    results = computation.state.results
    assert results["sito"].display == "03/10/2022"
    assert results["sito"].achievement == 0.0
    assert results["smvp"].achievement == 1.0
    assert computation.explain("sito").how.startswith("03/10/2022 rispetto al target <= 30/09/2022")
