"""The incentive fund of 000_…: € 72.000 in seven equal parts, € 57.000 to the eighth."""

from __future__ import annotations

from decimal import Decimal

from performa.engine.fund import distribute

SEVEN = ["01_01", "01_02", "01_03", "01_04", "01_05", "01_06", "02_01"]


def test_demo_fund_split_and_paid_on_achievement() -> None:
    share = (Decimal(72000) / 7).quantize(Decimal("0.01"))
    shares = [(code, code, share) for code in SEVEN] + [("03_01", "03_01", Decimal(57000))]
    achievements = {code: 1.0 for code in SEVEN} | {"01_02": 0.825, "03_01": 0.9}
    lines = distribute(shares, achievements)
    assert share == Decimal("10285.71")
    by_key = {line.key: line for line in lines}
    assert by_key["01_01"].payable == Decimal("10285.71")
    assert by_key["01_02"].payable == Decimal("8485.71")
    assert by_key["01_02"].formula == "€ 10.285,71 × 82,5% = € 8.485,71"
    assert by_key["03_01"].payable == Decimal("51300.00")
    assert sum(line.payable for line in lines) == Decimal("10285.71") * 6 + Decimal(
        "8485.71") + Decimal("51300.00")


def test_threshold_and_not_assessable() -> None:
    lines = distribute([("a", "A", Decimal(1000)), ("b", "B", Decimal(1000))],
                       {"a": 0.4, "b": None}, threshold=0.5)
    assert [line.payable for line in lines] == [Decimal(0), Decimal(0)]
    assert "sotto la soglia del 50%" in lines[0].formula
    assert "non valutabile" in lines[1].formula
    assert lines[0].unpaid == Decimal(1000)
