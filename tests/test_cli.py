import subprocess
import sys

import pytest

from performa import __version__
from performa.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version"]) == 0
    assert capsys.readouterr().out == f"performa {__version__}\n"


def test_manage_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manage", "check"]) == 0
    assert "no issues" in capsys.readouterr().out


def test_manage_passes_options_through(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manage", "help", "--commands"]) == 0
    assert "migrate" in capsys.readouterr().out.split()


def test_manage_reports_django_failures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manage", "no-such-command"]) == 1
    assert "Unknown command" in capsys.readouterr().err


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "performa", "version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"performa {__version__}\n"


def test_version_does_not_load_django() -> None:
    # Django-free commands must stay fast: registering the Django ones imports nothing.
    code = (
        "import sys; from performa.cli import main; main(['version']); "
        "print('django' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.splitlines()[-1] == "False"


# --- «--body»: one lookup (performa.cli.bodies) for every command that takes a body ---------

PISTOIA = "Camera di Commercio di Pistoia-Prato"
MAREMMA = "Camera di Commercio della Maremma e del Tirreno"


@pytest.fixture
def two_bodies(db: None) -> None:
    from performa.plans.models import Body

    Body.objects.create(name=PISTOIA, short_name="CCIAA PT-PO")
    Body.objects.create(name=MAREMMA)


def _commands(body: str, tmp_path: object) -> dict[str, list[str]]:
    """Each command that takes --body, with the rest of its arguments valid."""
    values = f"{tmp_path}/valori.csv"
    return {
        "compute": ["compute", "--body", body, "--year", "2022"],
        "values import": ["values", "import", values, "--body", body],
        "report": ["report", "piano", "--body", body, "--year", "2022",
                   "-o", f"{tmp_path}/piano.pdf"],
        "backup": ["backup", "--body", body, "-o", f"{tmp_path}/ente.zip"],
        "export-plan": ["export-plan", "--body", body, "--year", "2022",
                        "-o", f"{tmp_path}/piano.json"],
    }


COMMANDS = ["compute", "values import", "report", "backup", "export-plan"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_body_no_name_matches_is_refused_listing_the_bodies(
    two_bodies: None, tmp_path: object, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    assert main(_commands("Lucca", tmp_path)[command]) == 2
    err = capsys.readouterr().err
    assert err == (f"errore: ente «Lucca» non trovato: gli enti sono «{MAREMMA}», "
                   f"«{PISTOIA}»\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_part_of_several_names_is_refused_listing_them(
    two_bodies: None, tmp_path: object, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    assert main(_commands("camera di commercio", tmp_path)[command]) == 2
    err = capsys.readouterr().err
    assert err == (f"errore: «camera di commercio» indica più enti: «{MAREMMA}», «{PISTOIA}»: "
                   "scrivere il nome per intero\n")


# What each command says once it has found the body (none has a plan or values here).
FOUND = {
    "compute": (2, f"nessuna rilevazione per «{PISTOIA}» nel 2022"),
    "values import": (0, "Importati 0 valori"),
    "report": (2, f"Nessun ciclo 2022 per «{PISTOIA}»"),
    "backup": (0, f"Salvato «{PISTOIA}»"),
    "export-plan": (2, f"nessun piano adottato per «{PISTOIA}» nel 2022"),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unambiguous_part_of_a_name_finds_the_body(
    two_bodies: None, tmp_path: object, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    from pathlib import Path

    Path(f"{tmp_path}/valori.csv").write_text("Data;Valore\n", encoding="utf-8")
    code, said = FOUND[command]
    assert main(_commands("pistoia-prato", tmp_path)[command]) == code
    output = capsys.readouterr()
    assert said in output.out + output.err, output


def test_lookup_prefers_the_exact_name_then_the_same_letters_then_a_part(two_bodies: None) -> None:
    from performa.cli import CommandError
    from performa.cli.bodies import find_body
    from performa.plans.models import Body

    longer = Body.objects.create(name=f"{PISTOIA} (ex Prato)")
    assert find_body(PISTOIA).name == PISTOIA  # also a part of the longer name
    assert find_body(PISTOIA.upper()).name == PISTOIA
    assert find_body("cciaa pt-po").name == PISTOIA  # the short name
    assert find_body("ex prato") == longer
    assert find_body("Maremma").name == MAREMMA
    with pytest.raises(CommandError, match="indica più enti"):
        find_body("Pistoia")
    with pytest.raises(CommandError, match="indicare --body tra «Camera"):
        find_body("", optional=True)  # several bodies: --body cannot be left out


def test_an_optional_body_is_the_only_one(db: None) -> None:
    from performa.cli import CommandError
    from performa.cli.bodies import find_body
    from performa.plans.models import Body

    with pytest.raises(CommandError, match="nessun ente caricato"):
        find_body("", optional=True)
    only = Body.objects.create(name=PISTOIA)
    assert find_body("", optional=True) == only
    with pytest.raises(CommandError, match="indicare --body"):
        find_body("")  # required where the command requires it
