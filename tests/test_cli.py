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
