"""The context tables of Massa-Carrara's RPP (seed 002_…, «1. ANALISI DEL CONTESTO DI
RIFERIMENTO»): read, stored with their history, loaded by the demo, shown on the page.

Expected figures come from the seed through the test's own few lines (split the chapter's
lines on tabs), never through the reader.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.budget.context import context_tables, store_context
from performa.budget.document import BudgetError
from performa.budget.models import ContextCell, ContextTable
from performa.cli import main
from performa.interchange.context_text import read_context_text
from performa.plans.models import Body

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "002_68b4b20b4f1ef68e.txt"
BODY = "Camera di Commercio di Massa-Carrara"


def _chapter() -> list[tuple[int, list[str]]]:
    """(line number, cells) of every tab-separated line of Massa-Carrara's context chapter."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = lines.index("1. ANALISI DEL CONTESTO DI RIFERIMENTO")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("2. LINEE DI"))
    return [(i + 1, lines[i].split("\t")) for i in range(start, end) if "\t" in lines[i]]


def _printed(first: str) -> list[str]:
    """The cells of the chapter's line whose first cell is ``first``."""
    return next(cells for _, cells in _chapter() if cells[0] == first)


@pytest.fixture(scope="module")
def tables() -> list:
    return read_context_text(SEED.read_text(encoding="utf-8"))


def test_every_table_of_the_chapter_is_read_as_printed(tables: list) -> None:
    chapter = _chapter()
    # Every tab line belongs to a table, but for the six of the participations chart.
    chart = [n for n, cells in chapter if cells[0] in ("Camera di Commercio di Massa-Carrara",
                                                       "Enti pubblici vigilati e finanziati",
                                                       "Unioncamere nazionale", "")]
    assert len(chart) == 6
    headers = {"Argomento", "Funzioni istituzionali", "Categorie", "Classi d'età",
               "Anzianità di servizio", "Tipo di contratto", "Titolo di studio", "Sesso",
               "Sedi", "Settore attività"}
    header_lines = [n for n, cells in chapter if cells[0] in headers]
    assert len(tables) == len(header_lines) + 1 == 11  # + the smart-working one, no header
    rows = sum(len(t.rows()) for t in tables)
    assert rows == len(chapter) - len(chart) - len(header_lines)
    assert sum(len(t.cells) for t in tables) == sum(
        len(cells) - 1 for n, cells in chapter if n not in chart and n not in header_lines)

    by_function = next(t for t in tables if t.title == "Personale per funzioni istituzionali")
    printed = _printed("Funzione B")
    assert printed[1] == "11"
    assert by_function.cell("Funzione B", "Dipendenti 2021").text == "11"
    assert by_function.cell("Funzione B", "Dipendenti 2021").number == 11
    assert _printed("Funzioni istituzionali")[7] == "Dipendenti 2018"
    total = next(cells for _, cells in chapter if cells[0] == "Totale")
    assert total[7] == "35"
    assert by_function.cell("Totale", "Dipendenti 2018").number == 35
    # A percent column as printed: «36,67» is a plain number of that column.
    assert by_function.cell("Funzione B", "%").number == Decimal("36.67")

    territory = tables[0]
    assert territory.heading == "Argomento" and territory.columns == ["Indicatore", "Valori"]
    row = next(c.row for c in territory.cells if c.text == "Imprese attive")
    firms = next(c for c in territory.cells if c.row == row and c.column_label == "Valori")
    assert _printed("Imprese")[2] == firms.text == "18.345"
    assert firms.number == 18345
    # Texts that are not a plain figure keep no number.
    surface = next(c for c in territory.cells if c.text == "1.155 kmq")
    assert surface.number is None
    quota = next(t for t in tables if t.title == "Società partecipate")
    assert quota.cell("Elaborazione dati", "Quota partecipazione CCIAA (%)").number == \
        Decimal("0.0002")  # 0,02% as a fraction, as the engine reads percents
    assert "<i>" not in quota.cell("Elaborazione dati", "Denominazione società").text


def test_stored_with_history_and_again_changes_nothing(tables: list) -> None:
    body = Body.objects.create(name=BODY)
    changed = store_context(SYSTEM, body, 2022, tables)
    cells = sum(len(t.cells) for t in tables)
    assert changed == len(tables) + cells
    assert ContextTable.objects.filter(body=body, year=2022).count() == 11
    assert ContextCell.objects.filter(table__body=body).count() == cells
    assert ContextCell.history.count() == cells
    assert store_context(SYSTEM, body, 2022, tables) == 0
    assert ContextCell.history.count() == cells
    again = context_tables(body)
    assert [t.title for t in again] == [t.title for t in tables]
    assert again[1].cell("Funzione B", "Dipendenti 2021").number == 11
    # A smaller document replaces the year's tables; the deletions are in the history.
    store_context(SYSTEM, body, 2022, tables[:1], "correzione")
    assert ContextTable.objects.filter(body=body).count() == 1
    assert ContextTable.history.filter(history_type="-", history_change_reason="correzione") \
        .count() == 11
    assert ContextCell.history.filter(history_type="-", history_change_reason="correzione") \
        .count() == cells


def test_a_malformed_copy_is_refused_naming_the_line_and_nothing_is_stored() -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    where = next(i for i, line in enumerate(lines) if line.startswith("Funzione C\t"))
    lines[where] += "\t99"
    with pytest.raises(BudgetError) as refused:
        read_context_text("\n".join(lines))
    assert refused.value.location == f"Riga {where + 1}"
    assert "Personale per funzioni istituzionali" in str(refused.value)
    lines = SEED.read_text(encoding="utf-8").splitlines()
    where = next(i for i, line in enumerate(lines) if line.startswith("Categorie\t"))
    lines[where] = lines[where].replace("Categorie", "Categoria", 1)
    with pytest.raises(BudgetError, match=f"Riga {where + 1}: la tabella «Personale per "
                                          "funzioni istituzionali» ha 9 colonne, la riga 7"):
        read_context_text("\n".join(lines))
    # A renamed header with the same columns as the table before it is not taken as a row.
    lines = SEED.read_text(encoding="utf-8").splitlines()
    where = next(i for i, line in enumerate(lines) if line.startswith("Sesso\t"))
    lines[where] = lines[where].replace("Sesso", "Genere", 1)
    with pytest.raises(BudgetError, match=f"Riga {where + 1}: attesa la tabella «Personale per "
                                          "sesso», intestata «Sesso», trovato «Genere»"):
        read_context_text("\n".join(lines))
    assert not ContextTable.objects.exists() and not ContextCell.objects.exists()


def test_the_demo_stores_them_and_the_page_shows_them(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from performa.cli.plans import DEMO_FILE, DEMO_RPP_FILE

    for name in (DEMO_FILE, DEMO_RPP_FILE):
        (tmp_path / name).symlink_to(SEED.parent / name)
    monkeypatch.setenv("PERFORMA_DEMO_PASSWORD", "x-Secret-9-demo")
    assert main(["demo", "--seeds", str(tmp_path)]) == 0
    body = Body.objects.get(name=BODY)
    assert ContextTable.objects.filter(body=body, year=2022).count() == 11

    reader = User.objects.create_user("lettore.contesto", password="x-Secret-9")
    Membership.objects.create(user=reader, body=body, role=Role.READER)
    client = Client()
    client.force_login(reader)
    response = client.get(reverse("web:budget", kwargs={"body_id": body.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="contesto" class="mt-5">Contesto</h2>' in html
    assert html.count("data-contesto") == 11
    assert "<caption>Personale per funzioni istituzionali" in html
    assert '<th scope="row">Funzione B</th>' in html
    assert '<td class="text-end text-nowrap">18.345</td>' in html
