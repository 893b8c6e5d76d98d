"""Weighted roll-up with re-normalisation, and the explanation behind every figure."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from performa.engine.rollup import Leaf, Node, Rollup, weighted_mean


def _card(code: str, weights: list[float | None]) -> Node:
    return Node(code, code, children=[Node(f"{code}/{i}", f"ind {i}", w)
                                      for i, w in enumerate(weights, 1)])


def test_card_01_01_02_eight_indicators_at_12_5_percent() -> None:
    # 01_01_02 PID: eight indicators of 12,5% each; two miss their target.
    card = _card("01_01_02", [0.125] * 8)
    leaves = {f"01_01_02/{i}": Leaf(1.0, "ok") for i in range(1, 9)}
    leaves["01_01_02/3"] = Leaf(0.5, "5")
    leaves["01_01_02/8"] = Leaf(0.9, "6,7")
    result = Rollup(card).compute(leaves)["01_01_02"]
    assert result.achievement == pytest.approx((6 + 0.5 + 0.9) / 8)
    assert [p.share for p in result.parts] == [pytest.approx(0.125)] * 8
    assert result.notes == ()


def test_not_available_indicator_is_left_out_and_weights_renormalised() -> None:
    # 01_01_01: four indicators at 25%; "Capacità di coinvolgimento" has no value.
    card = _card("01_01_01", [0.25] * 4)
    leaves = {
        "01_01_01/1": Leaf(1.0, "130"),
        "01_01_01/2": Leaf(1.0, "5"),
        "01_01_01/3": Leaf(None, "n.d.", "valore non disponibile (n.d.)"),
        "01_01_01/4": Leaf(0.4, "0,04%"),
    }
    result = Rollup(card).compute(leaves)["01_01_01"]
    assert result.achievement == pytest.approx(2.4 / 3)
    assert [p.key for p in result.left_out] == ["01_01_01/3"]
    assert result.left_out[0].left_out == "valore non disponibile (n.d.)"
    assert all(p.share == pytest.approx(1 / 3) for p in result.counted)
    assert "ri-normalizzati sugli elementi valutabili (3 su 4)" in result.text()


def test_weights_rounded_in_the_document_need_no_warning() -> None:
    # 01_04_04: thirteen indicators at 7,7% = 100,1%.
    card = _card("01_04_04", [0.077] * 13)
    leaves = {f"01_04_04/{i}": Leaf(1.0) for i in range(1, 14)}
    result = Rollup(card).compute(leaves)["01_04_04"]
    assert result.achievement == pytest.approx(1.0)
    assert result.notes == ()


def test_weights_not_summing_to_100_are_renormalised_and_said() -> None:
    # 01_02_02 prints 30% + 25% + 20% + 25% = 100%; a typo making it 90% must be noticed.
    card = _card("01_02_02", [0.30, 0.25, 0.20, 0.15])
    leaves = {"01_02_02/1": Leaf(1.0), "01_02_02/2": Leaf(0.0), "01_02_02/3": Leaf(1.0),
              "01_02_02/4": Leaf(1.0)}
    result = Rollup(card).compute(leaves)["01_02_02"]
    assert result.achievement == pytest.approx(0.65 / 0.90)
    assert "la somma dei pesi dichiarati è 90,0%" in result.notes[0]


def test_all_not_available_gives_not_available_with_reason() -> None:
    card = _card("02_01_01", [None, 0.25, 0.25, None])
    result = Rollup(card).compute({})["02_01_01"]
    assert result.achievement is None
    assert "nessun elemento valutabile" in result.notes


def test_unweighted_children_count_equally_and_mixed_ones_are_flagged() -> None:
    equal = weighted_mean("os", "OS", [("a", "a", None, Leaf(1.0)), ("b", "b", None, Leaf(0.5))])
    assert equal.achievement == pytest.approx(0.75)
    mixed = weighted_mean("os", "OS", [("a", "a", 1.0, Leaf(1.0)), ("b", "b", None, Leaf(0.0))])
    assert mixed.achievement == 1.0
    assert mixed.left_out[0].left_out == "peso non indicato"


def test_tree_rolls_up_to_body_with_explanation_text() -> None:
    body = Node("ente", "Camera", children=[
        Node("A1", "Ambito 1", children=[_card("c1", [0.5, 0.5]), _card("c2", [1.0])]),
        Node("A2", "Ambito 2", children=[_card("c3", [1.0])]),
    ])
    leaves = {"c1/1": Leaf(1.0), "c1/2": Leaf(0.5), "c2/1": Leaf(0.9), "c3/1": Leaf(0.6)}
    results = Rollup(body).compute(leaves)
    assert results["c1"].achievement == pytest.approx(0.75)
    assert results["A1"].achievement == pytest.approx((0.75 + 0.9) / 2)
    assert results["ente"].achievement == pytest.approx(((0.75 + 0.9) / 2 + 0.6) / 2)
    assert results["A1"].text() == "Ambito 1: 83% = 75% × 50,0% + 90% × 50,0%"


def test_by_organisational_unit_an_objective_can_sit_under_two_offices() -> None:
    by_unit = Node("ente", children=[
        Node("area-tutela", children=[
            Node("uff-ambiente", children=[Node("u1", source="c1"), Node("u2", source="c2")]),
            Node("uff-mercato", children=[Node("u3", source="c2")]),
        ]),
    ])
    results = Rollup(by_unit).compute({"c1": Leaf(1.0), "c2": Leaf(0.5)})
    assert results["uff-ambiente"].achievement == pytest.approx(0.75)
    assert results["uff-mercato"].achievement == pytest.approx(0.5)
    assert results["area-tutela"].achievement == pytest.approx(0.625)


def test_incremental_update_touches_only_the_ancestors() -> None:
    body = Node("ente", children=[
        Node("A1", children=[_card("c1", [0.5, 0.5])]),
        Node("A2", children=[_card("c2", [1.0])]),
    ])
    leaves = {"c1/1": Leaf(1.0), "c1/2": Leaf(1.0), "c2/1": Leaf(1.0)}
    rollup = Rollup(body)
    rollup.compute(leaves)
    leaves["c1/2"] = Leaf(0.0)
    assert rollup.update(leaves, ["c1/2"]) == {"c1", "A1", "ente"}
    assert rollup.results["ente"].achievement == pytest.approx(0.75)
    assert rollup.results == Rollup(body).compute(leaves)


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="due volte"):
        Rollup(Node("x", children=[Node("a"), Node("a")]))


@given(
    st.floats(min_value=0, max_value=1),
    st.lists(st.floats(min_value=0.01, max_value=1), min_size=1, max_size=12),
)
def test_equal_children_roll_up_to_the_child(achieved: float, weights: list[float]) -> None:
    items = [(str(i), "", w, Leaf(achieved)) for i, w in enumerate(weights)]
    result = weighted_mean("n", "", items).achievement
    assert result == pytest.approx(achieved)


@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1)), max_size=12))
def test_not_available_never_counts(achievements: list[float | None]) -> None:
    items = [(str(i), "", 1.0, Leaf(a)) for i, a in enumerate(achievements)]
    only_known = [(k, lab, w, leaf) for k, lab, w, leaf in items if leaf.achievement is not None]
    full, known = weighted_mean("n", "", items), weighted_mean("n", "", only_known)
    assert full.achievement == known.achievement or full.achievement == pytest.approx(
        known.achievement
    )
    if full.achievement is not None:
        assert 0.0 <= full.achievement <= 1.0 + 1e-12
