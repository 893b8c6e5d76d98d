"""``performa backup`` and ``performa restore``: the demo body, its audit trail and evidence,
through a zip into an empty instance and back, identical; and every way a restore is refused
leaves the instance as it was.

The demo is loaded once for the module (with a corrected value that has a reason and an
evidence file, a deviation, a catalogue reference and an API token) and the test database
restored afterwards, as in tests/documents/test_reports.py. "An empty instance" is the test
database as migrations leave it (catalogues, no bodies, no users): each test that needs one
flushes and reloads that state inside its own transaction, which pytest-django rolls back.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test.utils import override_settings
from pytest_django import DjangoDbBlocker

from performa import backup
from performa.cli import main

pytestmark = pytest.mark.django_db

BODY = "Camera di Commercio di Pistoia-Prato"
PASSWORD = "prova-Demo-2022"
REASON = "Valore corretto dopo la verifica del verbale"
EVIDENCE = b"%PDF-1.4\n% verbale di verifica (prova)\n%%EOF\n"


@dataclass
class Demo:
    fresh: str  # the empty instance: the test database as the migrations leave it
    archive: Path  # a backup of the demo body
    media: Path  # MEDIA_ROOT of the module
    evidence_name: str
    value_pk: int


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    from django.core.management import call_command
    from django.db import connection

    media = tmp_path_factory.mktemp("media")
    archive = tmp_path_factory.mktemp("backup") / "pistoia-prato.zip"
    with override_settings(MEDIA_ROOT=str(media)), django_db_blocker.unblock(), \
            pytest.MonkeyPatch.context() as env:
        fresh = connection.creation.serialize_db_to_string()
        env.setenv("PERFORMA_DEMO_PASSWORD", PASSWORD)
        assert main(["demo"]) == 0
        try:
            value_pk, evidence_name = _changes()
            assert main(["backup", "--body", BODY, "-o", str(archive)]) == 0
            yield Demo(fresh, archive, media, evidence_name, value_pk)
        finally:
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True,
                         reset_sequences=False)
            connection.creation.deserialize_db_from_string(fresh)


def _changes() -> tuple[int, str]:
    """What a real body has on top of the demo: a corrected value with its reason and its
    evidence, a deviation, a catalogue reference and an API token (which must not travel)."""
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile

    from performa.accounts.tokens import create_token
    from performa.catalog.models import InstitutionalFunction, Mission, Programme
    from performa.measures import actions
    from performa.measures.models import MeasuredValue, Period
    from performa.plans.models import StrategicObjective

    planner = User.objects.get(username="pianificazione")
    september = Period.objects.get(cycle__body__name=BODY, date=date(2022, 9, 30))
    value = MeasuredValue.objects.filter(period=september, indicator__unit="n.",
                                         indicator__formula="").order_by("pk").first()
    assert value is not None and value.indicator is not None
    entered = actions.enter_value(
        planner, september, value.indicator, "1.234", reason=REASON,
        evidence=SimpleUploadedFile("verbale.pdf", EVIDENCE),
    )
    actions.explain_deviation(planner, september, value.indicator, "Ritardo del fornitore.")
    # The demo plan names no mission: point one objective at the catalogue, past the frozen
    # version's guard (a catalogue reference is what the restore must find on the target).
    mission = Mission.objects.get(code="011")
    objective = StrategicObjective.objects.filter(version__cycle__body__name=BODY).order_by(
        "pk").first()
    assert objective is not None
    StrategicObjective._base_manager.filter(pk=objective.pk).update(
        mission=mission, programme=Programme.objects.filter(mission=mission).first(),
        function=InstitutionalFunction.objects.get(code="D"),
    )
    # A row deleted since: only its history remembers it, and its id must not come back.
    mistaken = actions.create_period(planner, september.cycle, date(2022, 10, 31), "31/10")
    mistaken._change_reason = "creata per errore"  # type: ignore[attr-defined]
    mistaken.delete()
    create_token(planner, "integrazione contabilità")
    return entered.value.pk, entered.value.evidence.name


def empty_instance(demo: Demo) -> None:
    """The database as a new instance has it after ``performa migrate`` (sequences too)."""
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True,
                 reset_sequences=True)
    connection.creation.deserialize_db_from_string(demo.fresh)


def snapshot() -> dict[str, Any]:
    """Every row of every backed-up model (history included) and the M2M links, as values."""
    from django.apps import apps

    from performa.plans.models import OperationalObjective

    rows: dict[str, Any] = {}
    for label in sorted(backup.backed_up_labels()):
        model = apps.get_model(label)
        rows[label] = list(model._base_manager.order_by("pk").values())
    through = OperationalObjective.offices.through
    rows["offices"] = sorted(through.objects.values_list("operationalobjective_id",
                                                         "orgunit_id"))
    return rows


def counts() -> dict[str, int]:
    from django.apps import apps

    labels = backup.backed_up_labels() | {"accounts.ApiToken", "catalog.Mission"}
    return {label: apps.get_model(label)._base_manager.count() for label in sorted(labels)}


def records(path: Path) -> list[dict[str, Any]]:
    return list(backup.iter_records(path))


def manifest(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        data: dict[str, Any] = json.loads(archive.read(backup.MANIFEST))
        return data


def rewrite(source: Path, target: Path, **members: bytes) -> Path:
    """A copy of the backup ``source`` with some members replaced."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, members.get(info.filename, old.read(info.filename)))
    return target


def with_data(source: Path, target: Path, data: list[dict[str, Any]]) -> Path:
    """A backup whose data is ``data``, with a manifest that agrees with it (checksum and
    counts): only the checks on content and the database can refuse it."""
    import hashlib

    raw = json.dumps(data, ensure_ascii=False).encode()
    head = manifest(source)
    head["data"] = {"name": backup.DATA, "bytes": len(raw),
                    "sha256": hashlib.sha256(raw).hexdigest()}
    return rewrite(source, target, **{backup.DATA: raw,
                                      backup.MANIFEST: json.dumps(head).encode()})


def refused(path: Path, capsys: pytest.CaptureFixture[str], *words: str) -> str:
    assert main(["restore", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("errore: ") and "Nessuna modifica è stata fatta." in err, err
    for word in words:
        assert word in err, err
    return err


# --- coverage -------------------------------------------------------------------------------


def test_every_model_of_our_apps_is_backed_up_or_excluded() -> None:
    """A model added later must be put in backup.PARTS or backup.EXCLUDED, with a reason."""
    from django.apps import apps

    ours = {model._meta.label for model in apps.get_models(include_auto_created=True)
            if model.__module__.startswith("performa.") or
            model._meta.app_config.name.startswith("performa.")}
    assert ours, "no models found for our apps"
    assert {label.split(".")[0] for label in ours} <= set(backup.APP_LABELS)
    backed_up = backup.backed_up_labels()
    forgotten = sorted(ours - backed_up - set(backup.EXCLUDED))
    assert not forgotten, f"neither backed up nor excluded (with a reason): {forgotten}"
    assert not backed_up & set(backup.EXCLUDED)
    assert all(reason.strip() for reason in backup.EXCLUDED.values())
    assert backup.uncovered_models() == []
    # Every historical model of a backed-up model is backed up too.
    for label in backed_up:
        model = apps.get_model(label)
        if backup.tracked(model):
            assert model.history.model._meta.label in backed_up
    assert "accounts.ApiToken" in backup.EXCLUDED


# --- the round trip -------------------------------------------------------------------------


def test_backup_holds_the_body_and_no_api_tokens(demo: Demo) -> None:
    head = manifest(demo.archive)
    data = records(demo.archive)
    assert head["format"] == "performa-backup" and head["format_version"] == 1
    assert head["body"]["name"] == BODY and head["created_at"]
    from performa import __version__

    assert head["performa_version"] == __version__
    by_model: dict[str, int] = {}
    for record in data:
        by_model[record["model"]] = by_model.get(record["model"], 0) + 1
    assert {k.lower(): v for k, v in head["counts"].items() if v} == by_model
    assert head["counts"]["plans.Indicator"] == 372
    assert head["counts"]["plans.OperationalObjective"] == 46
    assert head["counts"]["auth.User"] == 7  # the demo: one user per role, two staff
    assert head["counts"]["measures.Deviation"] == 1
    assert head["counts"]["measures.HistoricalPeriod"] == head["counts"]["measures.Period"] + 3
    assert "accounts.apitoken" not in by_model and "accounts.ApiToken" in head["excluded"]
    assert head["users"]["password_hashes"] is True
    assert any("hash della password" in note for note in head["notes"])
    users = [r for r in data if r["model"] == "auth.user"]
    assert all(r["fields"]["password"].startswith("md5$") for r in users)  # test hasher
    assert all("user_permissions" not in r["fields"] for r in users)
    assert head["references"]["catalog.Mission"] and \
        "011" in head["references"]["catalog.Mission"].values()
    assert [e["name"] for e in head["evidence"]] == [demo.evidence_name]
    with zipfile.ZipFile(demo.archive) as archive:
        assert archive.read(backup.MEDIA + demo.evidence_name) == EVIDENCE
    # The corrected value's audit row: who, old → new, why.
    changed = [r for r in data if r["model"] == "measures.historicalmeasuredvalue"
               and r["fields"]["id"] == demo.value_pk]
    assert [r["fields"]["history_change_reason"] for r in changed][-1] == REASON
    assert changed[-1]["fields"]["value_text"] == "1.234"
    assert changed[-1]["fields"]["history_user"] is not None
    assert changed[-1]["fields"]["history_date"].count(".") == 1  # microseconds kept


def test_round_trip_into_an_empty_instance(demo: Demo, tmp_path: Path,
                                           settings: Any,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from django.contrib.auth.models import User

    from performa.accounts.models import ApiToken
    from performa.measures import actions
    from performa.measures.models import IndicatorResult, MeasuredValue, NodeResult, Period
    from performa.plans.models import Body

    before = snapshot()
    results = sorted(IndicatorResult.objects.values_list(
        "result_set_id", "indicator_id", "achievement", "projected_achievement", "display"))
    explanations = {(n.result_set_id, n.tree, n.key): (n.achievement, n.explanation)
                    for n in NodeResult.objects.all()}
    assert before["measures.HistoricalMeasuredValue"]

    empty_instance(demo)
    settings.MEDIA_ROOT = str(tmp_path / "new-instance-media")  # a new instance's own files
    assert not Body.objects.exists() and not User.objects.exists()
    assert all(not rows for rows in snapshot().values())

    capsys.readouterr()
    assert main(["restore", str(demo.archive)]) == 0
    out = capsys.readouterr().out
    assert f"Ripristinato «{BODY}»" in out and "1 file di evidenza" in out

    after = snapshot()
    assert after.keys() == before.keys()
    for label in before:  # same rows, same values: no new history row, same who/when/why
        assert after[label] == before[label], label
    assert sorted(IndicatorResult.objects.values_list(
        "result_set_id", "indicator_id", "achievement", "projected_achievement",
        "display")) == results
    assert {(n.result_set_id, n.tree, n.key): (n.achievement, n.explanation)
            for n in NodeResult.objects.all()} == explanations
    value = MeasuredValue.objects.get(pk=demo.value_pk)
    assert value.evidence.name == demo.evidence_name
    with value.evidence.open("rb") as restored:
        assert restored.read() == EVIDENCE
    history = value.history.order_by("-history_date", "-history_id").first()
    assert history is not None and history.history_change_reason == REASON
    assert history.history_user is not None
    assert history.history_user.username == "pianificazione"
    assert User.objects.get(username="referente.pid").check_password(PASSWORD)
    assert not ApiToken.objects.exists()  # the planner's token stayed behind

    # A second backup of the restored instance holds the same data.
    second = tmp_path / "second.zip"
    assert main(["backup", "--body", BODY, "-o", str(second)]) == 0
    assert records(second) == records(demo.archive)
    first_head, second_head = manifest(demo.archive), manifest(second)
    for key in ("counts", "references", "evidence", "body", "data"):
        assert second_head[key] == first_head[key], key

    # New rows get fresh ids (the sequences were reset on PostgreSQL).
    planner = User.objects.get(username="pianificazione")
    september = Period.objects.get(cycle__body__name=BODY, date=date(2022, 9, 30))
    november = actions.create_period(planner, september.cycle, date(2022, 11, 30), "30/11")
    assert november.pk > max(row["id"] for row in before["measures.HistoricalPeriod"])
    assert november.pk > max(row["id"] for row in before["measures.Period"]) + 1
    entered = actions.enter_value(planner, september, value.indicator, "1.300",
                                  reason="nuovo valore dopo il ripristino")
    assert entered.value.revision == value.revision + 1
    newest = entered.value.history.order_by("-history_id").first()
    assert newest is not None
    assert newest.history_id > max(r["history_id"]
                                   for r in before["measures.HistoricalMeasuredValue"])
    assert User.objects.create_user("nuovo.utente").pk > max(u["id"] for u in
                                                             before["auth.User"])


# --- refusals: nothing changes --------------------------------------------------------------


def test_restore_refused_when_the_body_exists(demo: Demo,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = counts()
    refused(demo.archive, capsys, f"l'ente «{BODY}» esiste già")
    assert counts() == before


def test_restore_refused_on_colliding_ids(demo: Demo,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Another body with the same name gone, but its rows' ids taken: still refused."""
    from performa.plans.models import Body

    Body.objects.filter(name=BODY).update(name="Altro ente")
    before = counts()
    refused(demo.archive, capsys, "stessi identificativi", "istanza")
    assert counts() == before


def test_foreign_and_corrupt_files_refused(demo: Demo, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    before = counts()
    whole = demo.archive.read_bytes()
    cases: list[tuple[bytes, str]] = [
        (b"not a zip at all", "non è un archivio zip valido"),
        (whole[: len(whole) // 2], "non è un archivio zip valido"),
        (b"", "non è un archivio zip valido"),
    ]
    foreign = io.BytesIO()
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("README.txt", "un altro archivio")
    cases.append((foreign.getvalue(), "manca «manifest.json»"))
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": "altro"}))
    cases.append((other.getvalue(), "non dichiara il formato"))
    for number, (content, message) in enumerate(cases):
        path = tmp_path / f"case{number}.zip"
        path.write_bytes(content)
        refused(path, capsys, message)
    refused(tmp_path / "absent.zip", capsys, "non esiste")
    # A bit flipped inside the compressed data: the zip's own CRC catches it.
    flipped = bytearray(whole)
    with zipfile.ZipFile(demo.archive) as archive:
        info = archive.getinfo(backup.DATA)
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + 1000
    flipped[offset] ^= 0xFF
    (tmp_path / "flipped.zip").write_bytes(bytes(flipped))
    refused(tmp_path / "flipped.zip", capsys, "data.json")
    newer = manifest(demo.archive) | {"format_version": 99}
    refused(rewrite(demo.archive, tmp_path / "newer.zip",
                    **{backup.MANIFEST: json.dumps(newer).encode()}), capsys, "formato 99")
    assert counts() == before


def test_edited_or_truncated_data_refused_into_an_empty_instance(
    demo: Demo, tmp_path: Path, settings: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty_instance(demo)
    target_media = tmp_path / "media"
    settings.MEDIA_ROOT = str(target_media)
    before = counts()
    assert before["plans.Body"] == 0 and before["catalog.Mission"] > 0

    with zipfile.ZipFile(demo.archive) as archive:
        raw = archive.read(backup.DATA)
    edited = raw.replace(b'"value_text": "1.234"', b'"value_text": "9.999"', 1)
    assert edited != raw
    refused(rewrite(demo.archive, tmp_path / "edited.zip", **{backup.DATA: edited}), capsys,
            "«data.json» è stato modificato o è incompleto")
    refused(rewrite(demo.archive, tmp_path / "truncated.zip",
                    **{backup.DATA: raw[: len(raw) // 3]}), capsys, "modificato o è incompleto")
    refused(rewrite(demo.archive, tmp_path / "evidence.zip",
                    **{backup.MEDIA + demo.evidence_name: b"%PDF-1.4 altro"}), capsys,
            f"il file di evidenza «{demo.evidence_name}» è stato modificato")

    data = records(demo.archive)
    # Consistent manifest, but content that is not a Performa backup of one body.
    refused(with_data(demo.archive, tmp_path / "token.zip", [*data, {
        "model": "accounts.apitoken", "pk": 1, "fields": {}}]), capsys, "accounts.apitoken")
    dangling = json.loads(json.dumps(data))
    value = next(r for r in dangling if r["model"] == "measures.measuredvalue")
    value["fields"]["period"] = 999_999
    refused(with_data(demo.archive, tmp_path / "dangling.zip", dangling), capsys,
            "fa riferimento a measures.Period 999999")
    unknown = json.loads(json.dumps(data))
    next(r for r in unknown if r["model"] == "plans.target")["fields"]["colour"] = "blu"
    refused(with_data(demo.archive, tmp_path / "unknown.zip", unknown), capsys,
            "il campo «colour» non esiste")

    # Passes every check but the database's: two targets of one indicator in one year.
    # Everything loaded so far is rolled back, and no evidence file is left behind.
    duplicate = json.loads(json.dumps(data))
    targets = [r for r in duplicate if r["model"] == "plans.target"]
    targets[-1]["fields"]["indicator"] = targets[0]["fields"]["indicator"]
    targets[-1]["fields"]["year"] = targets[0]["fields"]["year"]
    refused(with_data(demo.archive, tmp_path / "duplicate.zip", duplicate), capsys,
            "il database ha rifiutato i dati")

    assert counts() == before
    assert not target_media.exists() or not any(p.is_file() for p in target_media.rglob("*"))


def test_failure_after_the_evidence_is_written_removes_it(
    demo: Demo, tmp_path: Path, settings: Any,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    empty_instance(demo)
    target_media = tmp_path / "media"
    settings.MEDIA_ROOT = str(target_media)
    before = counts()
    real = backup._write_evidence

    def then_fail(*args: Any) -> None:
        real(*args)
        assert (target_media / demo.evidence_name).read_bytes() == EVIDENCE
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_write_evidence", then_fail)
    refused(demo.archive, capsys, "ripristino interrotto")
    assert counts() == before
    assert not (target_media / demo.evidence_name).exists()


def test_restore_checks_the_catalogue_of_the_target(demo: Demo, tmp_path: Path,
                                                    settings: Any,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from performa.catalog.models import InstitutionalFunction, Mission

    empty_instance(demo)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Mission.objects.filter(code="011").update(code="099")
    before = counts()
    refused(demo.archive, capsys, "«099» in questa istanza e «011» nel backup")
    Mission.objects.filter(code="099").update(code="011")
    InstitutionalFunction.objects.filter(code="D").delete()
    refused(demo.archive, capsys, "manca in questa istanza", "«D»", "performa migrate")
    assert counts() == before
