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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test.utils import override_settings

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
def demo(committing: Callable[[], AbstractContextManager[str]],
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:

    from performa.cli.plans import DEMO_FILE, demo_seed

    media = tmp_path_factory.mktemp("media")
    archive = tmp_path_factory.mktemp("backup") / "pistoia-prato.zip"
    # Only Pistoia-Prato's document: the instance holds the one body the backup carries, so
    # a restore into an empty instance must give back every row.
    seeds = tmp_path_factory.mktemp("seeds")
    (seeds / DEMO_FILE).symlink_to(demo_seed())
    with override_settings(MEDIA_ROOT=str(media)), committing() as fresh, \
            pytest.MonkeyPatch.context() as env:
        env.setenv("PERFORMA_DEMO_PASSWORD", PASSWORD)
        assert main(["demo", "--seeds", str(seeds)]) == 0
        value_pk, evidence_name = _changes()
        assert main(["backup", "--body", BODY, "-o", str(archive)]) == 0
        yield Demo(fresh, archive, media, evidence_name, value_pk)


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
    # The budget: an amount of the conto economico and one of a cost centre's budget.
    from decimal import Decimal

    from performa.budget.document import BudgetDocument, BudgetLine
    from performa.budget.store import store_budget
    from performa.plans.models import Body, CostCentre

    body = Body.objects.get(name=BODY)
    CostCentre.objects.get_or_create(body=body, code="BK01", defaults={"name": "Ragioneria"})
    store_budget(planner, body, BudgetDocument([
        BudgetLine("CE", "A1", "Diritto annuale", 2022, "preventivo", Decimal("4000000.00")),
        BudgetLine("BD", "B7", "Funzionamento", 2022, "preventivo", Decimal("12500.50"),
                   cost_centre="BK01"),
    ]), "bilancio di prova")
    from performa.budget.context import store_context
    from performa.budget.context_document import Cell, Table

    store_context(planner, body, 2022, [Table(
        "Personale per categoria", "1. ANALISI DEL CONTESTO", "Categorie", 1746, ["Anno 2021"],
        [Cell(1, 1, "Categoria D", "Anno 2021", "10", Decimal("10"))])], "contesto di prova")
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


def with_data(source: Path, target: Path, data: list[dict[str, Any]], *,
              sign: bool = True) -> Path:
    """A backup whose data is ``data``, with a manifest that agrees with it (checksum and
    counts) and, with ``sign``, signed with this instance's key: only the checks on content
    and the database can refuse it. Without ``sign`` it keeps the old signature, as whoever
    edits a backup without the key has to."""
    import hashlib

    raw = json.dumps(data, ensure_ascii=False).encode()
    head = manifest(source)
    head["data"] = {"name": backup.DATA, "bytes": len(raw),
                    "sha256": hashlib.sha256(raw).hexdigest()}
    head_raw = json.dumps(head).encode()
    members = {backup.DATA: raw, backup.MANIFEST: head_raw}
    if sign:
        members[backup.SIGNATURE] = backup.signature_member(head_raw, backup.instance_key())
    return rewrite(source, target, **members)


def without(source: Path, target: Path, name: str) -> Path:
    """A copy of the backup ``source`` without the member ``name``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename != name:
                new.writestr(info.filename, old.read(info.filename))
    return target


def refused(path: Path, capsys: pytest.CaptureFixture[str], *words: str,
            options: tuple[str, ...] = ()) -> str:
    assert main(["restore", str(path), *options]) == 2
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
    assert head["format"] == "performa-backup" and head["format_version"] == 2
    with zipfile.ZipFile(demo.archive) as archive:  # signed, with this instance's key
        signature = json.loads(archive.read(backup.SIGNATURE))
        assert archive.read(backup.SIGNATURE) == backup.signature_member(
            archive.read(backup.MANIFEST), backup.instance_key())
    assert signature["algorithm"] == "HMAC-SHA256" and signature["key"] == "instance"
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
    assert len(before["budget.BudgetEntry"]) == len(before["budget.HistoricalBudgetEntry"]) == 2
    assert len(before["budget.ContextCell"]) == len(before["budget.HistoricalContextCell"]) == 1

    empty_instance(demo)
    settings.MEDIA_ROOT = str(tmp_path / "new-instance-media")  # a new instance's own files
    assert not Body.objects.exists() and not User.objects.exists()
    assert all(not rows for rows in snapshot().values())

    capsys.readouterr()
    assert main(["restore", str(demo.archive)]) == 0
    out = capsys.readouterr().out
    assert f"Ripristinato «{BODY}»" in out and "1 file di evidenza" in out
    assert "Utenti creati (7)" in out and "abbinati" not in out
    assert "Firma verificata con la chiave di questa istanza" in out

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


# --- signatures, users and sizes (issue 17) -------------------------------------------------


def _flagged(data: list[dict[str, Any]], username: str) -> list[dict[str, Any]]:
    """``data`` with ``username`` made a superuser and staff, as an attacker would."""
    edited = json.loads(json.dumps(data))
    user = next(r for r in edited if r["model"] == "auth.user"
                and r["fields"]["username"] == username)
    user["fields"]["is_superuser"] = user["fields"]["is_staff"] = True
    return edited


def _powerful() -> list[str]:
    from django.contrib.auth.models import User
    from django.db.models import Q

    return sorted(User.objects.filter(Q(is_superuser=True) | Q(is_staff=True))
                  .values_list("username", flat=True))


def test_tampered_backup_refused_unless_accepted_and_never_makes_a_superuser(
    demo: Demo, tmp_path: Path, settings: Any, client: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Edit data.json, recompute its SHA-256 in the manifest: the signature no longer
    matches. Accepted all the same, the restore says so, records it in the body's history,
    and the user the attacker made a superuser is an ordinary user."""
    from django.contrib.auth.models import User
    from django.urls import reverse

    from performa.plans.models import Body

    empty_instance(demo)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    before = counts()
    tampered = with_data(demo.archive, tmp_path / "tampered.zip",
                         _flagged(records(demo.archive), "lettore"), sign=False)
    refused(tampered, capsys, "la firma del backup non corrisponde",
            "la chiave di questa istanza", "«--accept-unsigned»")
    unsigned = without(tampered, tmp_path / "unsigned.zip", backup.SIGNATURE)
    refused(unsigned, capsys, "il backup non è firmato", "«--accept-unsigned»")
    garbled = rewrite(tampered, tmp_path / "garbled.zip", **{backup.SIGNATURE: b"{"})
    refused(garbled, capsys, "non è leggibile")
    assert counts() == before

    assert main(["restore", str(tampered), "--accept-unsigned"]) == 0
    out, err = capsys.readouterr()
    assert f"Ripristinato «{BODY}»" in out and "Firma verificata" not in out
    assert "la firma del backup non corrisponde" in err and "--accept-unsigned" in err
    assert "l'accettazione è registrata nella cronologia dell'ente" in err
    assert "«lettore» aveva i privilegi di amministrazione dell'istanza" in err
    assert User.objects.filter(username="lettore").exists()
    assert _powerful() == []
    # The acceptance, in the body's history: a change from the command line, with a reason.
    body = Body.objects.get(name=BODY)
    assert body.history.count() == manifest(demo.archive)["counts"]["plans.HistoricalBody"] + 1
    newest = body.history.order_by("-history_date", "-history_id").first()
    assert newest is not None and newest.history_type == "~" and newest.history_user is None
    assert newest.history_change_reason == ("ripristino da un backup con firma non valida, "
                                            "accettato con --accept-unsigned")
    client.force_login(User.objects.get(username="oiv"))
    page = client.get(reverse("web:history", kwargs={"app_label": "plans",
                                                     "model_name": "body", "pk": body.pk}))
    assert page.status_code == 200
    assert "accettato con --accept-unsigned" in page.content.decode()


def test_unsigned_backup_accepted_is_recorded_as_such(
    demo: Demo, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str],
) -> None:
    from performa.plans.models import Body

    empty_instance(demo)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    unsigned = without(demo.archive, tmp_path / "unsigned.zip", backup.SIGNATURE)
    assert main(["restore", str(unsigned), "--accept-unsigned"]) == 0
    assert "il backup non è firmato" in capsys.readouterr().err
    newest = Body.objects.get(name=BODY).history.order_by("-history_date",
                                                          "-history_id").first()
    assert newest is not None and newest.history_change_reason == (
        "ripristino da un backup non firmato, accettato con --accept-unsigned")


def test_signed_backup_with_superusers_still_grants_no_instance_powers(
    demo: Demo, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str],
) -> None:
    """A key can leak and an old backup can hold an administrator: the flags never travel,
    even when the signature is right."""
    from django.contrib.auth.models import User

    from performa.plans.models import Body

    empty_instance(demo)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    data = _flagged(_flagged(records(demo.archive), "lettore"), "amministratore")
    signed = with_data(demo.archive, tmp_path / "signed.zip", data)
    capsys.readouterr()
    assert main(["restore", str(signed)]) == 0
    out, err = capsys.readouterr()
    assert "Firma verificata con la chiave di questa istanza" in out
    assert "«amministratore», «lettore» avevano i privilegi di amministrazione" in err
    assert "--accept-unsigned" not in err
    assert User.objects.count() == 7 and _powerful() == []
    # Signed: nothing to record, the restored history is the backup's own.
    body = Body.objects.get(name=BODY)
    assert body.history.count() == manifest(demo.archive)["counts"]["plans.HistoricalBody"]


def test_users_already_on_the_instance_are_matched_not_replaced(
    demo: Demo, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str],
) -> None:
    """A new instance whose administrator was created before the restore, taking the id of
    one of the backup's users, and a «lettore» of its own: both stay as they are, the
    backup's rows point to the local «lettore», and the displaced user gets a new id."""
    from django.contrib.auth.models import User

    from performa.accounts.models import Membership
    from performa.measures.models import MeasuredValue

    empty_instance(demo)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    data = records(demo.archive)
    ids = {r["fields"]["username"]: r["pk"] for r in data if r["model"] == "auth.user"}
    roles = {user: sum(1 for r in data if r["model"] == "accounts.membership"
                       and r["fields"]["user"] == pk) for user, pk in ids.items()}
    assert roles["lettore"] and roles["pianificazione"]
    admin = User.objects.create_superuser("admin", password="Admin-locale-1",
                                          id=ids["pianificazione"])
    reader = User.objects.create_user("lettore", password="Lettore-locale-1",
                                      first_name="Lettore", last_name="Locale", is_staff=True)
    reader_hash = reader.password
    capsys.readouterr()

    assert main(["restore", str(demo.archive)]) == 0
    out = capsys.readouterr().out
    assert "Utenti creati (6)" in out and "«pianificazione»" in out
    assert ("Utenti già presenti in questa istanza, abbinati per nome utente e lasciati "
            "invariati (password, nomi, privilegi) (1): «lettore»") in out

    reader.refresh_from_db()
    assert reader.password == reader_hash and reader.check_password("Lettore-locale-1")
    assert (reader.first_name, reader.last_name, reader.is_staff) == ("Lettore", "Locale", True)
    assert Membership.objects.filter(user=reader, body__name=BODY).count() == roles["lettore"]
    admin.refresh_from_db()
    assert admin.username == "admin" and admin.is_superuser and admin.check_password(
        "Admin-locale-1")
    assert not Membership.objects.filter(user=admin).exists()
    planner = User.objects.get(username="pianificazione")
    assert planner.pk != admin.pk and planner.check_password(PASSWORD)
    assert Membership.objects.filter(user=planner).count() == roles["pianificazione"]
    history = MeasuredValue.objects.get(pk=demo.value_pk).history.order_by(
        "-history_date", "-history_id").first()
    assert history is not None and history.history_user == planner
    assert User.objects.count() == 8 and _powerful() == ["admin", "lettore"]


def _declare(path: Path, name: str, size: int) -> None:
    """Make the zip at ``path`` declare ``size`` bytes for ``name`` (a lying header), in the
    central directory and in the member's local header."""
    import struct

    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        position = archive.start_dir
    while raw[position:position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", raw,
                                                                       position + 28)
        if raw[position + 46:position + 46 + name_length] == name.encode():
            struct.pack_into("<I", raw, position + 24, size)
            (local,) = struct.unpack_from("<I", raw, position + 42)
            struct.pack_into("<I", raw, local + 22, size)
        position += 46 + name_length + extra_length + comment_length
    path.write_bytes(bytes(raw))


def _peak_memory(run: Any) -> int:
    """The most memory Python allocated while ``run()`` ran (an inflated member shows)."""
    import tracemalloc

    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_zip_bomb_refused_before_anything_is_extracted(
    demo: Demo, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str],
) -> None:
    """200 MiB of zeros compressed to 200 KiB, in place of data.json: refused on what the
    archive declares, before inflating it; the same member with a header that claims a
    plausible size is cut at that size while reading; and the total has a cap."""
    empty_instance(demo)
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    before = counts()
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(demo.archive) as old, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != backup.DATA:
                new.writestr(info.filename, old.read(info.filename))
        with new.open(backup.DATA, "w") as member:
            block = bytes(1 << 20)
            for _ in range(200):
                member.write(block)
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo(backup.DATA)
        assert info.file_size == 200 << 20 and info.compress_size < 1 << 20

    peak = _peak_memory(lambda: refused(
        bomb, capsys, "«data.json» nell'archivio occupa", "200,0 MiB estratto",
        "oltre il massimo di 100", "non è stato estratto nulla"))
    assert peak < 32 << 20, peak  # far from the 200 MiB it would inflate to

    # The header lies: it declares what the real data.json holds. Reading stops there.
    size = manifest(demo.archive)["data"]["bytes"]
    _declare(bomb, backup.DATA, size)
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo(backup.DATA).file_size == size
    peak = _peak_memory(lambda: refused(bomb, capsys, "«data.json» nell'archivio è danneggiato"))
    assert peak < 32 << 20, peak

    # A real backup over the cap the administrator sets: refused on its declared size.
    refused(demo.archive, capsys, "supera il limite di 1,0 MiB", "«data.json»",
            "non è stato estratto nulla", "--max-mib", options=("--max-mib", "1"))
    assert main(["restore", str(demo.archive), "--max-mib", "0"]) == 2
    assert "non è un numero intero positivo" in capsys.readouterr().err
    assert counts() == before
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_key_file_signs_on_one_instance_and_verifies_on_another(
    demo: Demo, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str],
) -> None:
    import secrets

    from performa.plans.models import Body

    right, wrong, short = tmp_path / "chiave", tmp_path / "altra-chiave", tmp_path / "corta"
    right.write_text(secrets.token_urlsafe(32) + "\n")
    wrong.write_text(secrets.token_urlsafe(32))
    short.write_text("troppo corta\n")
    signed = tmp_path / "signed.zip"
    assert main(["backup", "--body", BODY, "-o", str(signed), "--key-file", str(right)]) == 0
    assert f"Firmato con la chiave del file «{right}»." in capsys.readouterr().out
    assert json.loads(zipfile.ZipFile(signed).read(backup.SIGNATURE))["key"] == "file"
    assert main(["backup", "--body", BODY, "-o", str(tmp_path / "x.zip"),
                 "--key-file", str(short)]) == 2
    assert "ne servono almeno 32" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()

    empty_instance(demo)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    before = counts()
    refused(signed, capsys, "non è stata fatta con la chiave del file", f"«{wrong}»",
            options=("--key-file", str(wrong)))
    refused(signed, capsys, "non è stata fatta con la chiave di questa istanza",
            "firmato con un file di chiave, da indicare con «--key-file»")
    refused(demo.archive, capsys, "non è stata fatta con la chiave del file",
            options=("--key-file", str(right)))
    refused(signed, capsys, "il file della chiave", "non esiste",
            options=("--key-file", str(tmp_path / "assente")))
    assert counts() == before

    assert main(["restore", str(signed), "--key-file", str(right)]) == 0
    out = capsys.readouterr().out
    assert f"Ripristinato «{BODY}»" in out
    assert f"Firma verificata con la chiave del file «{right}»." in out
    body = Body.objects.get(name=BODY)
    assert body.history.count() == manifest(signed)["counts"]["plans.HistoricalBody"]


def test_restore_gives_no_role_in_another_body(
    demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """A membership pointing to a body of the instance (declared as a reference, as a body
    this one was merged into is) would be a role there: refused, signed or not."""
    from performa.plans.models import Body

    other = Body.objects.create(name="Altro ente dell'istanza")
    data = records(demo.archive)
    for record in data:
        if record["model"] in {"plans.body", "plans.historicalbody"}:
            record["fields"]["name"] = "Ente ripristinato"
    role = next(r for r in data if r["model"] == "accounts.membership")
    role["fields"]["body"] = other.pk
    head = manifest(demo.archive)
    head["body"]["name"] = "Ente ripristinato"
    head["references"]["plans.Body"] = {str(other.pk): other.name}
    path = with_data(demo.archive, tmp_path / "role.zip", data)
    raw = json.dumps(head | {"data": manifest(path)["data"]}).encode()
    rewrite(path, tmp_path / "role-signed.zip", **{
        backup.MANIFEST: raw,
        backup.SIGNATURE: backup.signature_member(raw, backup.instance_key())})
    before = counts()
    refused(tmp_path / "role-signed.zip", capsys, f"il ruolo {role['pk']} è in un altro ente")
    assert counts() == before
