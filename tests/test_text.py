"""The rules every stored text keeps, checked without Django or a database."""

from __future__ import annotations

import pytest

from performa.text import NUL_REASON, refuse_nul


@pytest.mark.parametrize("text", ["", "Eventi", "€ 1.500,00", "a\u200bb", "\ufeff"])
def test_a_text_without_nul_comes_back_as_it_is(text: str) -> None:
    assert refuse_nul(text) is text


@pytest.mark.parametrize("text", ["\x00", "Eventi\x00", "6\x000"])
def test_a_nul_is_refused_with_the_one_reason(text: str) -> None:
    with pytest.raises(ValueError, match=r"^il testo contiene il carattere nullo \(NUL\)$"):
        refuse_nul(text)
    assert "carattere nullo" in NUL_REASON
