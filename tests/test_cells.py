"""performa.cells: a spreadsheet cell's value and number format → the text the engine reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from performa.cells import cell_text


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (0.125, "0.0%", "12,5%"),
        (0.125, "0%", "12,5%"),  # shown 13%: the digits the value has are kept
        (0.125, "0.00%;[Red]-0.00%", "12,5%"),
        (0.125, '0.000" %"', "0,125"),  # a quoted % is literal text: Excel does not multiply
        (0.125, "0.000\\%", "0,125"),
        (129000, '#,##0.00 "€"', "€ 129.000,00"),
        (129000, "[$€-410] #,##0.00", "€ 129.000,00"),
        (1500.0, "#,##0.0", "1500"),
        (0.1 + 0.2, "General", "0,3"),
        (1e-05, None, "0,00001"),
        (Decimal("2.50"), "", "2,5"),
        (True, "General", "si"),
        (dt.datetime(2022, 11, 30), "dd/mm/yyyy", "30/11/2022"),  # noqa: DTZ001 (naive, as read)
        (dt.datetime(2022, 11, 30, 9, 30), "dd/mm/yyyy hh:mm", "30/11/2022 09:30"),  # noqa: DTZ001
        (dt.time(9, 30), "hh:mm", "09:30"),
        ("12,5%", "@", "12,5%"),
        (None, "0.0%", ""),
    ],
)
def test_the_number_format_decides(value: object, number_format: str | None, text: str) -> None:
    assert cell_text(value, number_format) == text
