"""The budget of Massa-Carrara from the real seed (002_…, «3. IL QUADRO DELLE RISORSE
ECONOMICHE»): imported amounts, the indices against the printed ones, refusals, round trips.

Expected figures are read from the seed here with a few lines of code of the test's own (a
label, then its tab-separated figures), never with the importer, and sums are redone here.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from performa.budget.models import BudgetEntry
from performa.budget.reading import budget_overview
from performa.budget.store import budget_document
from performa.cli import main
from performa.plans.models import Body, CostCentre

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "002_68b4b20b4f1ef68e.txt"
BODY = "Camera di Commercio di Massa-Carrara"
YEARS = (2021, 2022, 2023, 2024)
KINDS = ("preconsuntivo", "preventivo", "preventivo", "preventivo")


def _number(cell: str) -> Decimal:
    """An Italian figure as the seed prints it: «-1.004.659,40»."""
    return Decimal(cell.strip().replace(".", "").replace(",", "."))


class Seed:
    """The seed's lines from the budget header on, searched by label."""

    def __init__(self) -> None:
        self.lines = SEED.read_text(encoding="utf-8").splitlines()
        self.start = next(i for i, line in enumerate(self.lines)
                          if line.startswith("DATI DI BILANCIO GESTIONE CORRENTE\t"))

    def row(self, label: str, after: str = "", nth: int = 0) -> tuple[int, list[Decimal]]:
        """(line number from 1, figures) of the ``nth`` line with figures labelled ``label``
        after the line labelled ``after`` (the header when empty)."""
        begin = self.start
        if after:
            begin = next(i for i in range(self.start, len(self.lines))
                         if self.lines[i].split("\t")[0].strip() == after)
        found = []
        for i in range(begin, len(self.lines)):
            cells = self.lines[i].split("\t")
            figures = [c for c in cells[1:] if c.strip()]
            if cells[0].strip() == label and figures:
                found.append((i + 1, [_number(c) for c in figures]))
        return found[nth]


@pytest.fixture(scope="module")
def seed() -> Seed:
    return Seed()


def _import(path: Path, body: str = BODY, *more: str) -> int:
    return main(["import-budget", str(path), "--body", body, *more])


@pytest.fixture
def body(capsys: pytest.CaptureFixture[str]) -> Iterator[Body]:
    found = Body.objects.create(name=BODY, short_name="Massa-Carrara")
    assert _import(SEED) == 0, capsys.readouterr().err
    yield found


def _amount(body: Body, scheme: str, item: str, year: int) -> Decimal:
    return BudgetEntry.objects.get(body=body, scheme=scheme, item=item, year=year,
                                   function="", cost_centre=None).amount


def test_the_conto_economico_is_imported_as_printed(body: Body, seed: Seed) -> None:
    # The figures the brief names, then every item of A) against the seed's lines.
    assert _amount(body, "CE", "A1", 2022) == Decimal("2314115.97")
    assert _amount(body, "CE", "A", 2022) == Decimal("3824110.35")
    items = ["Diritto Annuale", "Diritto di Segreteria", "Contributi trasferimenti e altre entrate",
             "Proventi da gestione di beni e servizi", "Variazioni delle rimanenze"]
    for code, label in zip(("A1", "A2", "A3", "A4", "A5"), items, strict=True):
        _, printed = seed.row(label)
        for year, figure in zip(YEARS, printed, strict=True):
            assert _amount(body, "CE", code, year) == figure, (label, year)
    # Each total is the sum of its items, redone here on the seed's own figures.
    _, total_a = seed.row("Totale Proventi Correnti (A)")
    sums = [sum(seed.row(label)[1][i] for label in items) for i in range(4)]
    assert sums == total_a == [_amount(body, "CE", "A", y) for y in YEARS]
    costs = ["Spese per il personale", "Spese di funzionamento", "Spese per interventi economici",
             "Ammortamenti e accantonamenti"]
    _, total_b = seed.row("Totale Oneri Correnti (B)")
    assert [sum(seed.row(label)[1][i] for label in costs) for i in range(4)] == total_b
    _, result = seed.row("Avanzo/Disavanzo economico d'esercizio")
    assert result == [Decimal("-940449.49"), Decimal("-872436.79"), Decimal("-772953.21"),
                      Decimal("-722953.21")]
    assert [_amount(body, "CE", "RIS", y) for y in YEARS] == result
    assert [_amount(body, "CE", "AB", y) + _amount(body, "CE", "C", y)
            + _amount(body, "CE", "D", y) for y in YEARS] == result
    # The columns: a preconsuntivo and three preventivi.
    kinds = dict(BudgetEntry.objects.filter(body=body, scheme="CE", item="A1")
                 .values_list("year", "kind"))
    assert kinds == dict(zip(YEARS, KINDS, strict=True))


def test_every_printed_line_is_one_amount_per_year(body: Body, seed: Seed) -> None:
    # Count the labelled lines with four figures from the header to the last index; the
    # two treasury indices repeat «Liquidità immediata» and «Passività correnti» (counted
    # once each), and everything else is one item.
    end = seed.row("Liquidità a fine anno")[0] + 1
    labelled = [line for line in seed.lines[seed.start + 1:end]
                if line.split("\t")[0].strip()
                and len([c for c in line.split("\t")[1:] if c.strip()]) == 4]
    assert len(labelled) - 2 == BudgetEntry.objects.filter(body=body).count() / 4 == 100
    # The stato patrimoniale: both sides add up, as printed.
    _, attivo = seed.row("TOTALE ATTIVO")
    _, passivo = seed.row("TOTALE PASSIVO E NETTO")
    assert attivo == passivo == [_amount(body, "SP", "ATTIVO", y) for y in YEARS]
    assert [_amount(body, "SP", "PN", y) for y in YEARS] == seed.row("PATRIMONIO NETTO")[1]


def _printed_index(seed: Seed, title: str) -> list[Decimal]:
    """The figures printed under an index's title (its «Risultato» line or its own name)."""
    at = next(i for i in range(seed.start, len(seed.lines))
              if seed.lines[i].split("\t")[0].strip() == title)
    for line in seed.lines[at + 1:]:
        cells = line.split("\t")
        figures = [c for c in cells[1:] if c.strip()]
        if len(figures) == 4 and (cells[0].startswith("Risultato")
                                  or cells[0].strip() == title):
            return [_number(c) for c in figures]
    raise AssertionError(title)


def test_the_indices_are_the_printed_ones(body: Body, seed: Seed) -> None:
    overview = budget_overview(body)
    assert [c.label for c in overview.columns] == [
        "Preconsuntivo 2021", "Preventivo 2022", "Preventivo 2023", "Preventivo 2024"]
    shown = {row.definition.code: [r.shown for r in row.results] for row in overview.indices}
    printed = {
        "IS1": _printed_index(seed, "Indice di Struttura (1) (PN/Immobilizzazioni)"),
        "IS2": _printed_index(seed, "Indice di Struttura (2) (PN+Deb.Finanz./Immobilizzazioni)"),
        "IS3": _printed_index(seed, "Indice di Struttura (3) (PN+PF/Immobilizzazioni)"),
        "TES1": _printed_index(seed, "Indice primario di tesoreria"),
        "TES2": _printed_index(seed, "Indice secondario di tesoreria"),
        "G1": seed.row("Oneri gestione corrente / Proventi gestione corrente")[1],
        "G2": seed.row("Oneri di personale / Proventi gestione corrente")[1],
        "G3": seed.row("Oneri di funzionamento / Proventi di gestione corrente")[1],
        "G4": seed.row("Costi per iniziative promozionali / Proventi di gestione corrente")[1],
        "G5": seed.row("Costi per iniziative promozionali / Oneri di gestione corrente")[1],
        "SQUILIBRIO": seed.row("Algoritmo = tot prov - tot onr / tot prov")[1],
    }
    assert printed["IS1"] == [Decimal(x) for x in ("1.90", "1.78", "1.69", "1.61")]
    assert printed["TES1"] == [Decimal(x) for x in ("3.06", "2.58", "2.31", "2.11")]
    assert printed["SQUILIBRIO"] == [Decimal(x) for x in ("-0.12", "-0.09", "-0.16", "-0.16")]
    for code, figures in printed.items():
        assert shown[code] == figures, code
    # Targets as printed: every structure index meets it; the squilibrio is negative each
    # year, which the Circolare calls structural imbalance.
    rows = {row.definition.code: row for row in overview.indices}
    assert all(r.met for code in ("IS1", "IS2", "IS3") for r in rows[code].results)
    assert [r.met for r in rows["SQUILIBRIO"].results] == [False] * 4
    # Shown with its inputs.
    first = rows["IS1"].results[0]
    assert first.why == "PATRIMONIO NETTO 10.186.566,06 / IMMOBILIZZAZIONI 5.357.678,69"
    assert {(i.name, i.amount) for i in first.inputs} == {("SP.PN", 10186566.06),
                                                         ("SP.IMM", 5357678.69)}


def test_the_dissesto_of_the_first_year_cannot_be_reproduced(body: Body, seed: Seed) -> None:
    """The Circolare's algorithm divides the liquidity of the year *before* (liq x-1): the
    seed does so for 2022-2024 (-37,20 = 8.866.638,70 of 2021 / -238.349,07), but for 2021 it
    divides 2021's own liquidity (the 2020 figure is printed nowhere). Performa shows n.d. for
    2021 and says why, the printed -27,38 beside it."""
    printed = seed.row("Algoritmo = liq x-1 (x anno in cui si adotta la delibera +50% d.a.) "
                       "/ valore assoluto (toto prov - tot onr)")[1]
    liquidity = seed.row("Liquidità a fine anno")[1]
    difference = seed.row("Valore assoluto (tot prov - tot onr)")[1]
    assert printed[0] == round(liquidity[0] / difference[0], 2)  # the same year's, not x-1
    assert printed[1:] == [round(liquidity[i - 1] / difference[i], 2) for i in (1, 2, 3)]
    row = next(r for r in budget_overview(body).indices if r.definition.code == "DISSESTO")
    assert [r.shown for r in row.results] == [None, *printed[1:]]
    assert row.results[0].printed == Decimal("-27.38")
    assert "Disponibilità liquide" in row.results[0].reason
    assert "anno precedente" in row.results[0].reason


def test_the_misprinted_header_is_read_and_said(body: Body, seed: Seed,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # «ALLEGATO A» heads its columns 2021 2022 2023 2023: the fourth is 2024.
    line = next(i + 1 for i, text in enumerate(seed.lines) if text == "\t2021\t2022\t2023\t2023")
    assert _import(SEED) == 0
    out = capsys.readouterr().out
    assert f"riga {line}: l'intestazione stampa 2023 due volte" in out
    assert "voci invariate: 400" in out  # the same file again changes nothing
    assert _amount(body, "AN", "MAGG_DA", 2024) == Decimal("0.00")
    assert _amount(body, "AN", "MAGG_DA", 2022) == Decimal("346980.98")


def test_history_names_the_file(body: Body) -> None:
    entry = BudgetEntry.objects.get(body=body, scheme="CE", item="A1", year=2022)
    record = entry.history.get()
    assert record.history_type == "+"
    assert record.history_change_reason == f"importazione del bilancio da «{SEED.name}»"


def _malformed(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    at = text.index(old)
    line = text[:at].count("\n") + 1
    path = tmp_path / "rpp.txt"
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return path, line


@pytest.mark.parametrize(("old", "new", "reason"), [
    ("Spese di funzionamento\t", "Spese varie\t", "attesa «Spese di funzionamento»"),
    ("Diritto Annuale\t2.402.567,93\t2.314.115,97", "Diritto Annuale\t2.402.567,93\t2.314.115,9x",
     "colonna 2"),
    ("Rimanenze\t40.000,00\t36.745,04\t", "Rimanenze\t40.000,00\t", "ha 3 cifre, attese 4"),
    ("Liquidità differita", "Liquidità anticipata", "attesa «Liquidità differita»"),
    ("\t31/12/2021\t31/12/2022\t", "\t31/12/2021\t31/12/2021\t", "diversi da quelli delle colonne"),
])
def test_a_malformed_copy_is_refused_naming_the_line_with_nothing_saved(
        body: Body, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        old: str, new: str, reason: str) -> None:
    before = list(BudgetEntry.objects.filter(body=body).order_by("pk")
                  .values_list("pk", "amount", "label"))
    path, line = _malformed(tmp_path, old, new)
    capsys.readouterr()
    assert _import(path) == 2
    err = capsys.readouterr().err
    assert f"riga {line}" in err and reason in err, err
    assert "Nessun dato è stato salvato." in err
    assert list(BudgetEntry.objects.filter(body=body).order_by("pk")
                .values_list("pk", "amount", "label")) == before


def test_a_repeated_figure_that_differs_is_refused(tmp_path: Path, seed: Seed,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    Body.objects.create(name=BODY)
    # The secondary treasury index repeats the primary's «Passività correnti»: change it.
    first, _ = seed.row("Passività correnti")
    second, _ = seed.row("Passività correnti", nth=1)
    lines = SEED.read_text(encoding="utf-8").split("\n")
    lines[second - 1] = lines[second - 1].replace("2.893.661,38", "2.893.661,39")
    path = tmp_path / "rpp.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _import(path) == 2
    err = capsys.readouterr().err
    assert f"riga {second}" in err and f"riga {first}" in err, err
    assert not BudgetEntry.objects.exists()


def test_csv_and_xlsx_round_trips(body: Body, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    def series(of: Body) -> list[tuple[object, ...]]:
        return [(line.scheme, line.item, line.label, line.function, line.cost_centre,
                 line.year, line.kind, line.amount) for line in budget_document(of).lines]

    original = series(body)
    assert len(original) == 400
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"bilancio.{fmt}"
        assert main(["export-budget", "--body", BODY, "-o", str(out)]) == 0
        copy = Body.objects.create(name=f"Copia {fmt}")
        assert _import(out, copy.name) == 0, capsys.readouterr().err
        assert series(copy) == original
        # And back into the body it came from: nothing changes.
        assert _import(out) == 0
        assert "voci invariate: 400" in capsys.readouterr().out
    text = (tmp_path / "bilancio.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "Schema;Voce;Descrizione;Funzione;Centro di costo;Anno;Tipo;Importo"
    assert "CE;A1;Diritto Annuale;;;2022;preventivo;2.314.115,97" in text


def test_a_csv_by_function_and_cost_centre(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A chamber's own CSV: the preventivo by function A-D and the budget direzionale by cost
    centre are columns of the same series; an index reads the sum of the parts when the
    total row is not loaded."""
    body = Body.objects.create(name="Camera di prova")
    CostCentre.objects.create(body=body, code="C003", name="Segreteria generale")
    CostCentre.objects.create(body=body, code="D001", name="Promozione")
    rows = [
        "Schema;Voce;Descrizione;Funzione;Centro di costo;Anno;Tipo;Importo",
        "Conto economico;B6;Personale;A;;2023;preventivo;-400.000,00",
        "CE;B6;Personale;B) Servizi di supporto;;2023;preventivo;-600.000,00",
        "RC;A;Proventi correnti;;;2023;preventivo;2.000.000,00",
        "RC;B6;Personale;C;;2023;preventivo;-300.000,00",
        "RC;B6;Personale;D;;2023;preventivo;-200.000,00",
        "BD;B7;Funzionamento;;C003;2023;preventivo;€ 150.000,00",
        "BD;B7;Funzionamento;;D001;2023;preventivo;50.000",
    ]
    path = tmp_path / "bilancio.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    assert _import(path, body.name) == 0, capsys.readouterr().err
    by_centre = dict(BudgetEntry.objects.filter(body=body, scheme="BD")
                     .values_list("cost_centre__code", "amount"))
    assert by_centre == {"C003": Decimal("150000.00"), "D001": Decimal("50000.00")}
    assert set(BudgetEntry.objects.filter(body=body, scheme="CE")
               .values_list("function", flat=True)) == {"A", "B"}
    g2 = next(r for r in budget_overview(body).indices if r.definition.code == "G2")
    assert g2.results[0].shown == Decimal("0.25")  # (300.000 + 200.000) / 2.000.000
    # An unknown cost centre is refused naming the row; nothing of the file is stored.
    rows.append("BD;B7;Funzionamento;;X999;2023;preventivo;1,00")
    path.write_text("\n".join(rows), encoding="utf-8")
    before = BudgetEntry.objects.filter(body=body).count()
    assert _import(path, body.name) == 2
    err = capsys.readouterr().err
    assert "riga 9" in err and "«X999» non esiste" in err, err
    assert BudgetEntry.objects.filter(body=body).count() == before


@pytest.mark.parametrize(("row", "reason"), [
    ("CE;B6;Personale;;;2023;preventivo;molti", "riga 2, colonna «Importo»"),
    ("CE;B6;Personale;E;;2023;preventivo;1,00", "riga 2, colonna «Funzione»"),
    ("XX;B6;Personale;;;2023;preventivo;1,00", "riga 2, colonna «Schema»"),
    ("CE;B 6;Personale;;;2023;preventivo;1,00", "riga 2: codice voce «B 6» non valido"),
    ("CE;B6;Personale;;;23;preventivo;1,00", "riga 2, colonna «Anno»"),
    ("CE;B6;Personale;;;2023;previsto;1,00", "riga 2, colonna «Tipo»"),
])
def test_a_bad_csv_row_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                row: str, reason: str) -> None:
    Body.objects.create(name="Camera di prova")
    path = tmp_path / "bilancio.csv"
    path.write_text("Schema;Voce;Descrizione;Funzione;Centro di costo;Anno;Tipo;Importo\n"
                    + row + "\nCE;B7;Funzionamento;;;2023;preventivo;1,00\n", encoding="utf-8")
    assert _import(path, "Camera di prova") == 2
    err = capsys.readouterr().err
    assert reason in err, err
    assert not BudgetEntry.objects.exists()


def test_a_file_replaces_the_schemes_years_and_kinds_it_carries(
        body: Body, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A corrected conto economico 2022: one amount changed, one item dropped. The other years
    and schemes stay; the change and the deletion have their history rows."""
    rows = ["Schema;Voce;Descrizione;Funzione;Centro di costo;Anno;Tipo;Importo"]
    for line in budget_document(body).lines:
        if line.scheme == "CE" and line.year == 2022 and line.item != "C11":
            amount = "2.400.000,00" if line.item == "A1" else f"{line.amount}".replace(".", ",")
            rows.append(f"CE;{line.item};{line.label};;;2022;preventivo;{amount}")
    path = tmp_path / "correzione.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    capsys.readouterr()
    assert _import(path) == 0
    out = capsys.readouterr().out
    assert "voci aggiornate: 1" in out and "voci eliminate: 1" in out
    assert "voci create: 0" in out and "voci invariate: 17" in out
    changed = BudgetEntry.objects.get(body=body, scheme="CE", item="A1", year=2022)
    assert changed.amount == Decimal("2400000.00")
    assert [h.history_type for h in changed.history.order_by("history_id")] == ["+", "~"]
    assert changed.history.latest("history_id").history_change_reason == \
        "importazione del bilancio da «correzione.csv»"
    assert not BudgetEntry.objects.filter(body=body, scheme="CE", item="C11", year=2022).exists()
    assert BudgetEntry.objects.filter(body=body, scheme="CE", item="C11").count() == 3
    assert _amount(body, "CE", "A1", 2021) == Decimal("2402567.93")
    assert BudgetEntry.objects.filter(body=body).count() == 399
