"""`performa score`: the engine's achievement from the command line, texts as written."""

from __future__ import annotations

import subprocess
import sys

import pytest

from performa.cli import main


@pytest.mark.parametrize(
    ("argv", "printed"),
    [
        (["88%", ">=", "90%"], "98%"),  # the issue's own example
        (["4.428", ">=", "15.500"], "29%"),
        (["-6,34%", ">=", "-6,0%"], "94%"),  # 03_01_01 Indice equilibrio strutturale
        (["n.d.", ">=", "80"], "n.d."),
        (["24-nov-21", "<=", "30.11.2022", "--unit", "data"], "100%"),
        (["88", ">=", "90", "--unit", "%"], "98%"),
    ],
)
def test_prints_the_achievement(
    argv: list[str], printed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", *argv]) == 0
    assert capsys.readouterr().out.strip() == printed


def test_bad_value_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "tanti", ">=", "90%"]) == 2
    assert "«tanti»" in capsys.readouterr().err


def test_console_script_runs_without_django() -> None:
    code = (
        "import sys; from performa.cli import main; rc = main(['score', '88%', '>=', '90%']);"
        "assert 'django' not in sys.modules, 'score imported Django'; sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "98%"
