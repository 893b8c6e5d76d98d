"""Every registered document in every one of its formats, from the demo, read back by an
independent reader; and ``performa report``, the command line that writes them.

The demo is loaded once for the module and the test database restored afterwards (as in
test_builders). The real documents are long (the PIRA consuntivo is 70 pages): their PDFs
alone take about 25 s of CPU, so each kind is built once here and its files are rendered in
two worker processes (rendering needs no database; a Document is plain data). The command
runs for every kind, and in every format for one kind, on top.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import re
import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from pytest_django import DjangoDbBlocker

from performa.cli import main
from performa.documents import registry
from performa.documents.model import Document
from performa.documents.render import EXTENSIONS, render

pytestmark = pytest.mark.django_db

BODY = "Camera di Commercio di Pistoia-Prato"
KINDS = registry.load_all()
CASES = [(kind.name, fmt) for kind in KINDS.values() for fmt in kind.formats]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as env:
        before = connection.creation.serialize_db_to_string()
        env.setenv("PERFORMA_DEMO_PASSWORD", "prova-Demo-2022")
        assert main(["demo"]) == 0
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True,
                         reset_sequences=False)
            connection.creation.deserialize_db_from_string(before)


@pytest.fixture(scope="module")
def built(demo: None, django_db_blocker: DjangoDbBlocker) -> dict[str, Document]:
    """Each kind built once on the demo (latest period with values: 30/09, open)."""
    with django_db_blocker.unblock():
        from performa.plans.models import Body

        context = registry.context_for(Body.objects.get(name=BODY), 2022)
        return {name: kind.build(context) for name, kind in KINDS.items()}


@pytest.fixture(scope="module")
def rendered(built: dict[str, Document]) -> dict[tuple[str, str], bytes]:
    """Every (kind, format) file. Spawned workers (not forked: a fork would copy the test
    database connection and whatever lock a thread holds)."""
    jobs = sorted(CASES, key=lambda case: (case[1] != "pdf", -len(built[case[0]].blocks)))
    import django

    workers = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"),
                                  initializer=django.setup)
    with workers:
        futures = {case: workers.submit(render, built[case[0]], case[1]) for case in jobs}
        return {case: future.result() for case, future in futures.items()}


def text_of(path: Path, fmt: str) -> str:
    """All the text of a rendered file, as a reader other than ours sees it."""
    data = path.read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF-")
        return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout
    if fmt == "docx":
        import docx

        word = docx.Document(io.BytesIO(data))
        cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in word.paragraphs] + cells)
    if fmt in ("odt", "ods"):
        from odf import teletype
        from odf.opendocument import load

        return str(teletype.extractText(load(io.BytesIO(data)).body))
    if fmt == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(value) for sheet in workbook.worksheets
                         for row in sheet.iter_rows(values_only=True) for value in row
                         if value is not None)
    if fmt == "csv":
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert archive.namelist()[0] == "README.txt" and len(archive.namelist()) > 1
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    if fmt == "json":
        payload = json.loads(data)
        assert payload["tabelle"]
        return json.dumps(payload, ensure_ascii=False)
    raise AssertionError(f"no reader for {fmt}")


def test_every_kind_is_there() -> None:
    assert {name for name, _ in CASES} >= {"piano", "pira", "pira-consuntivo", "rpp",
                                           "monitoraggio", "relazione", "opendata"}


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "fmt"), CASES)
def test_every_kind_in_every_format(rendered: dict[tuple[str, str], bytes], kind: str,
                                    fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.{EXTENSIONS[fmt]}"
    path.write_bytes(rendered[kind, fmt])
    assert path.stat().st_size > 0
    assert BODY in text_of(path, fmt)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["pdf", "docx", "odt"])
def test_pira_files_the_demo_by_mission_and_says_whose_classification_it_is(
    rendered: dict[tuple[str, str], bytes], fmt: str, tmp_path: Path
) -> None:
    path = tmp_path / f"pira.{EXTENSIONS[fmt]}"
    path.write_bytes(rendered["pira", fmt])
    text = " ".join(text_of(path, fmt).split())  # a PDF line may wrap anywhere
    for heading in ("MISSIONE 011 – Competitività e sviluppo delle imprese",
                    "MISSIONE 012 – Regolazione dei mercati",
                    "MISSIONE 016 – Commercio internazionale",
                    "MISSIONE 032 – Servizi istituzionali e generali"):
        assert heading in text
    assert "Missione non indicata" not in text
    assert text.count("Classificazione per missione e programma attribuita da Performa in "
                      "base alla funzione istituzionale dell'Area") == 5  # one per programme


def report(kind: str, fmt: str, output: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["report", kind, "--body", BODY, "--year", "2022", "--format", fmt,
                 "-o", str(output)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "… fatto in " in err
    assert BODY in text_of(output, fmt)
    return err


@pytest.mark.parametrize("kind", list(KINDS))
def test_report_command(demo: None, kind: str, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    fmt = "xlsx" if "xlsx" in KINDS[kind].formats else KINDS[kind].formats[0]
    err = report(kind, fmt, tmp_path / f"{kind}.{EXTENSIONS[fmt]}", capsys)
    assert f"Preparazione del documento «{KINDS[kind].title}»…" in err


@pytest.mark.slow
def test_report_command_in_every_format(demo: None, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    kind = "rpp"  # the shortest document: the formats, not the length, are tested here
    for fmt in KINDS[kind].formats:
        err = report(kind, fmt, tmp_path / f"{kind}.{EXTENSIONS[fmt]}", capsys)
        assert "Generazione " in err and "… fatto in " in err


def test_errors_are_italian_and_exit_2(demo: None, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    def run(*args: str) -> str:
        assert main(["report", *args]) == 2
        return capsys.readouterr().err

    year = ("--year", "2022")
    assert "documento «nessuno» sconosciuto; i documenti sono: " in run(
        "nessuno", "--body", BODY, *year)
    assert "non esiste in formato «json»; formati disponibili: pdf" in run(
        "piano", "--body", BODY, *year, "--format", "json")
    assert "non esiste in formato «pdf»" in run(
        "opendata", "--body", BODY, *year, "-o", str(tmp_path / "dati.pdf"))
    unknown = run("piano", "--body", "Altro", *year)
    assert "ente «Altro» non trovato: gli enti sono «" in unknown and f"«{BODY}»" in unknown
    assert f"Nessun ciclo 2031 per «{BODY}»" in run("piano", "--body", BODY, "--year", "2031")
    assert "Nessuna rilevazione al 15/05/2022" in run(
        "monitoraggio", "--body", BODY, *year, "--period", "15/05/2022")
    assert "--period: " in run("monitoraggio", "--body", BODY, *year, "--period", "maggio")
    assert "la cartella" in run("piano", "--body", BODY, *year, "-o",
                                str(tmp_path / "manca" / "piano.pdf"))
    assert not list(tmp_path.iterdir())


def test_format_from_the_output_name_and_a_period(demo: None, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "monitoraggio.ods"
    assert main(["report", "monitoraggio", "--body", "Pistoia-Prato", "--year", "2022",
                 "--period", "30/06/2022", "-o", str(output)]) == 0
    err = capsys.readouterr().err
    assert "Generazione dell'ODS…" in err
    assert "30/06/2022" in text_of(output, "ods")


MERGED = "Camera di Commercio della Toscana Nord-Ovest"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "documents"
MONEY = re.compile(r"€ -?\d{1,3}(\.\d{3})*,\d\d")


@pytest.mark.slow
def test_rpp_of_the_merged_body_reads_back_whole(demo: None, tmp_path: Path) -> None:
    """The RPP of Toscana Nord-Ovest (Lucca, Massa-Carrara, Pisa in turn), as a PDF: its
    figures read back from the PDF's text, none split over two lines. One PDF: a long one."""
    from performa.plans.models import Body

    doc = KINDS["rpp"].build(registry.context_for(Body.objects.get(name=MERGED), 2022))
    path = tmp_path / "rpp.pdf"
    path.write_bytes(render(doc, "pdf"))
    text = text_of(path, "pdf")
    for line in ("Camera di Commercio di Lucca", "Camera di Commercio di Massa-Carrara",
                 "Camera di Commercio di Pisa", "1B0103 Piano strategico provinciale 2030",
                 "C003 Servizio Regolazione del Mercato", "€ 40.000,00", "Diritto Annuale",
                 "€ 2.314.115,97", "1,90", "Indice di struttura (1) (PN / Immobilizzazioni)"):
        assert line in text.splitlines(), line
    # Every amount of every table is on one line of the text as often as the tables hold it
    # (a figure broken over two lines would be missing there).
    amounts = Counter(cell for table in doc.tables() for row in table.rows for cell in row
                      if MONEY.fullmatch(cell))
    assert len(amounts) > 200
    short = {amount: (text.count(amount), count) for amount, count in amounts.items()
             if text.count(amount) < count}
    assert not short
    OUTPUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "4", str(path),
                    str(OUTPUT / "rpp-toscana-nord-ovest")], check=True)
