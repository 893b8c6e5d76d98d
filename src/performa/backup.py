"""Backup and restore of one body: everything it owns, its audit trail and evidence, in a zip.

The zip holds three kinds of member:

- ``manifest.json``: format and Performa version, the body, when, the row count of every
  model, the SHA-256 of every other member, the migrations the data was written under, the
  catalogue rows the data points to, and what was deliberately left out and why;
- ``data.json``: Django's own serialisation (the ``python`` serializer's records, the same
  shape ``dumpdata`` writes, primary keys kept), encoded keeping microseconds so the audit
  trail's times come back exactly;
- ``media/<name>``: the evidence files of the measured values, current and historical.

Every model of our apps is either in ``PARTS`` (backed up, with the rule that says which rows
belong to the body) or in ``EXCLUDED`` (with the reason); tests/test_backup.py fails on a model
in neither, so a model added later cannot silently miss the backups. The catalogues are shipped
by a data migration: the backup refers to their rows and a restore checks the target has the
same ones. API tokens never travel: a restored instance issues new ones.

A fourth kind of member, ``signature.json``, is an HMAC-SHA256 of the manifest's exact bytes
(which hold the SHA-256 of every other member, and a restore refuses any member they do not
list), so the whole archive is covered by one signature that is not part of what it signs.
The key is the instance's SECRET_KEY (salted, so the signature is worth nothing anywhere else)
or a key file the administrator gives to both commands (``--key-file``), the way to move a
body between instances with different SECRET_KEYs. Without a signature, the SHA-256 sums only
catch accidents: whoever edits ``data.json`` recomputes them. A restore therefore refuses an
unsigned or wrongly signed backup unless the administrator accepts it (``accept_unsigned``),
and then records the acceptance in the restored body's history.

A restore goes into an instance that does not hold the body (the main case: a new instance
after ``performa migrate``). Everything is checked before the first write; the rows are then
loaded raw (no ``save()`` of ours runs and no history row is created, so the restored history
keeps its original who and when) in one transaction, the sequences are reset on PostgreSQL,
and the evidence files are written last, inside the transaction, and removed again if
anything fails up to and including the commit.

A restore never grants instance-wide powers, signed or not (a key can leak, an old backup can
hold an administrator): every user it creates loses ``is_superuser`` and ``is_staff``, and a
user the instance already has (same username) is matched, not replaced, so a backup cannot
change a local account's password or flags; the restored rows point to the local account.

The archive is checked for size before anything is extracted (what each member and the whole
declare once uncompressed, and how much they expand), and every read stops at the declared
size, so a small file that inflates to gigabytes is refused instead of filling memory or disk.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from pathlib import Path
from typing import IO, Any

FORMAT = "performa-backup"
FORMAT_VERSION = 2  # 2: signed (``signature.json``); format 1 is still read, as unsigned
MANIFEST = "manifest.json"
DATA = "data.json"
SIGNATURE = "signature.json"
MEDIA = "media/"
CHUNK = 500  # primary keys per query when looking for collisions
COPY_BLOCK = 1 << 20

SIGNATURE_FORMAT = "performa-backup-signature"
# Salt of the HMAC: the same SECRET_KEY signs sessions and tokens, and must not sign for them.
SIGNING_SALT = "performa.backup"
MIN_KEY_LENGTH = 32  # characters of a key file (e.g. ``secrets.token_urlsafe(32)``: 43)

# Size limits, checked on what the zip declares before anything is extracted. A real body
# (the demo: 2 MiB of data.json, 9:1) is far below both; raise the total with ``max_bytes``
# (``performa restore --max-mib``) for a body with gigabytes of evidence.
MAX_BYTES = 1 << 30  # everything uncompressed
MAX_RATIO = 100  # uncompressed : compressed, for one member...
RATIO_FROM = 8 << 20  # ...that declares more than this (small files may compress better)

# Our apps: every model of theirs (historical models and M2M tables included) is backed up
# or excluded below.
APP_LABELS = ("catalog", "plans", "accounts", "budget", "measures", "web")

_CATALOGUE = ("catalogo nazionale caricato dalla migrazione dei dati: non si copia; il "
              "ripristino verifica che l'istanza di destinazione abbia le righe a cui il backup "
              "fa riferimento")
_THROUGH = "tabella della relazione molti-a-molti, salvata con il campo {field} di {model}"

# Models of our apps that a backup leaves out on purpose, with the reason (also written into
# the manifest). Labels of models that do not exist (yet) are allowed.
EXCLUDED: dict[str, str] = {
    "measures.InputsRevision": "contatore con cui i processi dell'istanza sanno che un calcolo "
                               "tenuto in memoria è superato: non è un dato dell'ente",
    "accounts.ApiToken": "chiavi personali per l'API: non devono uscire dall'istanza (solo "
                         "l'impronta è salvata, ma resta una credenziale); dopo il ripristino "
                         "ciascuno ne crea di nuove",
    "accounts.Invitation": "inviti a un ruolo, rivolti a un nome utente di questa istanza: in "
                           "un'altra istanza lo stesso nome può essere di un'altra persona, che "
                           "accettandolo avrebbe un ruolo nell'ente; gli inviti accettati sono "
                           "già ruoli, con il loro storico, e viaggiano come tali",
    "measures.BulkUpload": "memoria di idempotenza dei caricamenti via API: serve solo a "
                           "riconoscere i tentativi ripetuti di un client sull'istanza che li "
                           "ha ricevuti",
    "catalog.Mission": _CATALOGUE,
    "catalog.Programme": _CATALOGUE,
    "catalog.InstitutionalFunction": _CATALOGUE,
    "catalog.InstitutionalFunction_programmes": _CATALOGUE,
    "catalog.IndicatorType": _CATALOGUE,
    "catalog.Unit": _CATALOGUE,
    "catalog.CatalogIndicator": _CATALOGUE,
    "plans.OperationalObjective_offices": _THROUGH.format(field="offices",
                                                          model="OperationalObjective"),
}

# Django's own user model: the rows the body's data points to (authors, history users,
# members) travel with it, password hash included so people can log in after a restore.
# Groups and permissions are the admin's, per instance, and are not copied.
USER_FIELDS_LEFT_OUT = ("groups", "user_permissions")

NOTES = [
    "Il file contiene gli utenti a cui i dati dell'ente fanno riferimento (autori, membri, "
    "autori delle modifiche) con l'hash della password (non la password), così che dopo il "
    "ripristino possano accedere di nuovo: conservarlo come dato riservato.",
    "Non contiene token API (vanno creati di nuovo dopo il ripristino), né gruppi e permessi "
    "Django dell'amministrazione.",
    "I cataloghi nazionali (missioni, programmi, funzioni, tipologie, indicatori di catalogo) "
    "non sono copiati: l'istanza di destinazione li ha dalla migrazione dei dati.",
]


class BackupError(Exception):
    """A backup that cannot be written or restored; the message is Italian, for the user."""


@dataclass
class Report:
    """What a backup wrote or a restore loaded."""

    body: str
    counts: dict[str, int]
    evidence: int
    missing_evidence: list[str] = field(default_factory=list)
    key: str = ""  # Italian: the key that signed the backup (or verified it)
    users_created: list[str] = field(default_factory=list)
    users_matched: list[str] = field(default_factory=list)  # already here: left untouched
    flags_dropped: list[str] = field(default_factory=list)  # is_superuser/is_staff removed
    unsigned: str = ""  # why the signature was not valid, when the restore accepted that

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


# --- the signing key ------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    """The secret that signs and verifies backups, and how messages name it."""

    secrets: tuple[str | bytes, ...]  # the first signs; any of them verifies
    source: str  # "instance" or "file" (written into signature.json, as a hint)
    name: str  # Italian, for messages


def instance_key() -> SigningKey:
    """The instance's own key: SECRET_KEY signs, SECRET_KEY_FALLBACKS still verify (Django's
    way of rotating the key), so backups survive a key rotation done the Django way."""
    from django.conf import settings

    return SigningKey((settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS), "instance",
                      "la chiave di questa istanza (derivata dalla SECRET_KEY)")


def key_from_file(path: Path) -> SigningKey:
    """A key the administrator keeps apart from the instances (``--key-file``): the same file
    signs on one instance and verifies on another. Surrounding white space (the newline an
    editor or ``echo`` adds) is not part of the key."""
    try:
        secret = Path(path).read_bytes().strip()
    except FileNotFoundError:
        raise BackupError(f"il file della chiave «{path}» non esiste") from None
    except IsADirectoryError:
        raise BackupError(f"«{path}» è una cartella, non il file della chiave") from None
    except OSError as error:
        raise BackupError(f"impossibile leggere il file della chiave «{path}»: "
                          f"{error.strerror or error}") from None
    if len(secret) < MIN_KEY_LENGTH:
        raise BackupError(
            f"il file della chiave «{path}» contiene {len(secret)} caratteri: ne servono "
            f"almeno {MIN_KEY_LENGTH}, casuali (per esempio creati con «python3 -c \"import "
            f"secrets; print(secrets.token_urlsafe(32))\" > {path}»)")
    return SigningKey((secret,), "file", f"la chiave del file «{path}»")


def _hmac(manifest: bytes, secret: str | bytes) -> str:
    from django.utils.crypto import salted_hmac

    return str(salted_hmac(SIGNING_SALT, manifest, secret=secret, algorithm="sha256").hexdigest())


def signature_member(manifest: bytes, key: SigningKey) -> bytes:
    """The ``signature.json`` of a manifest (its exact bytes), signed with ``key``."""
    signature = {"format": SIGNATURE_FORMAT, "algorithm": "HMAC-SHA256", "salt": SIGNING_SALT,
                 "signed": MANIFEST, "key": key.source, "hmac": _hmac(manifest, key.secrets[0])}
    return (json.dumps(signature, indent=2) + "\n").encode()


@dataclass(frozen=True)
class Signature:
    """What a restore found about the signature of a backup."""

    valid: bool
    problem: str = ""  # Italian, when not valid: why
    kind: str = ""  # "missing" or "wrong", when not valid


# --- what belongs to a body ---------------------------------------------------------------

Ids = list[Any]  # querysets of primary keys (``values_list(..., flat=True)``), united


def tracked(model: Any) -> bool:
    """Does django-simple-history keep the history of ``model``?"""
    return hasattr(model._meta, "simple_history_manager_attribute")


def _history(model: Any) -> Any:
    return getattr(model, model._meta.simple_history_manager_attribute).model


def _within(field_name: str, ids: Ids) -> Any:
    from django.db.models import Q

    return reduce(or_, (Q(**{f"{field_name}__in": subquery}) for subquery in ids))


def _owned_ids(model: Any, field_name: str, ids: Ids) -> Ids:
    """The primary keys of ``model``'s rows under ``ids``, live rows and rows that exist only
    in the history (deleted since), so the history of deleted rows travels too."""
    live = model._base_manager.filter(_within(field_name, ids)).values_list("pk", flat=True)
    if not tracked(model):
        return [live]
    past = _history(model)._base_manager.filter(_within(field_name, ids))
    return [live, past.values_list("id", flat=True)]


def _levels(body: Any) -> dict[str, Ids]:
    from performa.budget.models import ContextTable
    from performa.measures.models import Period, ResultSet
    from performa.plans.models import Cycle, Indicator, PlanVersion

    ids: dict[str, Ids] = {"body": [[body.pk]]}
    ids["cycle"] = _owned_ids(Cycle, "body_id", ids["body"])
    ids["version"] = _owned_ids(PlanVersion, "cycle_id", ids["cycle"])
    ids["indicator"] = _owned_ids(Indicator, "version_id", ids["version"])
    ids["period"] = _owned_ids(Period, "cycle_id", ids["cycle"])
    ids["result_set"] = _owned_ids(ResultSet, "period_id", ids["period"])
    ids["context_table"] = _owned_ids(ContextTable, "body_id", ids["body"])
    return ids


# What a backup holds, parents first: (model label, the field that ties a row to its owner,
# the owner's level in ``_levels``). Each model with a history brings its historical model
# (and the history of its M2M fields) under the same rule.
PARTS: tuple[tuple[str, str, str], ...] = (
    ("plans.Body", "pk", "body"),
    ("plans.OrgUnit", "body_id", "body"),
    ("plans.CostCentre", "body_id", "body"),
    ("plans.Cycle", "body_id", "body"),
    ("plans.PlanVersion", "cycle_id", "cycle"),
    ("plans.PlanProgramme", "version_id", "version"),
    ("plans.StrategicArea", "version_id", "version"),
    ("plans.StrategicObjective", "version_id", "version"),
    ("plans.OperationalObjective", "version_id", "version"),
    ("plans.Action", "version_id", "version"),
    ("plans.Phase", "version_id", "version"),
    ("plans.Indicator", "version_id", "version"),
    ("plans.Target", "indicator_id", "indicator"),
    ("plans.Variable", "cycle_id", "cycle"),
    ("plans.Assignment", "version_id", "version"),
    ("plans.IncentiveFund", "version_id", "version"),
    ("plans.FundShare", "version_id", "version"),
    ("budget.BudgetEntry", "body_id", "body"),
    ("budget.ContextTable", "body_id", "body"),
    ("budget.ContextCell", "table_id", "context_table"),
    ("accounts.Membership", "body_id", "body"),
    ("measures.Period", "cycle_id", "cycle"),
    ("measures.MeasuredValue", "period_id", "period"),
    ("measures.SourceResult", "period_id", "period"),
    ("measures.Deviation", "period_id", "period"),
    ("measures.ResourceUse", "period_id", "period"),
    ("measures.PhaseCompletion", "cycle_id", "cycle"),
    ("measures.ResultSet", "period_id", "period"),
    ("measures.IndicatorResult", "result_set_id", "result_set"),
    ("measures.NodeResult", "result_set_id", "result_set"),
)


def selections(body: Any) -> list[tuple[Any, Any]]:
    """(model, queryset of the body's rows) for every backed-up model of our apps, in load
    order: each live model, then its historical model (and the history of its M2M fields)."""
    from django.apps import apps

    levels = _levels(body)
    chosen: list[tuple[Any, Any]] = []
    for label, field_name, level in PARTS:
        model = apps.get_model(label)
        if field_name == "pk":
            chosen.append((model, model._base_manager.filter(pk=body.pk)))
        else:
            chosen.append((model, model._base_manager.filter(_within(field_name, levels[level]))))
        if tracked(model):
            historical = _history(model)
            if field_name == "pk":
                rows = historical._base_manager.filter(id=body.pk)
            else:
                rows = historical._base_manager.filter(_within(field_name, levels[level]))
            chosen.append((historical, rows))
            for m2m_history in _m2m_histories(model):
                chosen.append((m2m_history, m2m_history._base_manager.filter(history__in=rows)))
    return chosen


def _m2m_histories(model: Any) -> list[Any]:
    """The history models of ``model``'s M2M fields (``HistoricalRecords(m2m_fields=…)``)."""
    found = []
    historical = _history(model)
    for related in historical._meta.related_objects:
        other = related.related_model
        if getattr(related.field, "name", "") == "history" and other is not historical:
            found.append(other)
    return sorted(found, key=lambda m: m._meta.label)


def backed_up_labels() -> set[str]:
    """Every model label a backup writes (our apps' models, their histories, and users)."""
    from django.apps import apps
    from django.conf import settings

    labels = {settings.AUTH_USER_MODEL}
    for label, _, _ in PARTS:
        model = apps.get_model(label)
        labels.add(model._meta.label)
        if tracked(model):
            labels.add(_history(model)._meta.label)
            labels.update(m._meta.label for m in _m2m_histories(model))
    return labels


def uncovered_models() -> list[str]:
    """Models of our apps neither backed up nor excluded (must be empty; see the tests)."""
    from django.apps import apps

    covered = backed_up_labels() | set(EXCLUDED)
    return sorted(
        model._meta.label for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APP_LABELS and model._meta.label not in covered
    )


# --- serialisation --------------------------------------------------------------------------


class _Encoder(json.JSONEncoder):
    """DjangoJSONEncoder, but keeping microseconds (it cuts them to milliseconds): history
    rows come back at exactly the time they were written."""

    def default(self, o: Any) -> Any:
        from django.core.serializers.json import DjangoJSONEncoder

        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return DjangoJSONEncoder.default(self, o)  # type: ignore[arg-type]


def _records(model: Any, rows: Any, fields: list[str] | None = None) -> list[dict[str, Any]]:
    from django.core import serializers

    rows = rows.order_by("pk")
    m2m = [f.name for f in model._meta.many_to_many if fields is None or f.name in fields]
    if m2m:
        rows = rows.prefetch_related(*m2m)
    records: list[dict[str, Any]] = serializers.serialize("python", rows, fields=fields)
    for record in records:
        for name in m2m:
            record["fields"][name] = sorted(record["fields"][name])
    return records


def _user_ids(model: Any, rows: Any) -> set[Any]:
    from django.conf import settings

    ids: set[Any] = set()
    for model_field in model._meta.concrete_fields:
        if model_field.is_relation and model_field.related_model._meta.label == \
                settings.AUTH_USER_MODEL:
            ids.update(rows.exclude(**{model_field.attname: None})
                       .values_list(model_field.attname, flat=True).distinct())
    return ids


def _evidence_names(body_rows: list[tuple[Any, Any]]) -> list[str]:
    from performa.measures.models import MeasuredValue

    names: set[str] = set()
    for model, rows in body_rows:
        if model is MeasuredValue or model is _history(MeasuredValue):
            names.update(rows.exclude(evidence="").values_list("evidence", flat=True))
    return sorted(names)


def _evidence_storage() -> Any:
    from performa.measures.models import MeasuredValue

    return MeasuredValue._meta.get_field("evidence").storage


def _identity(instance: Any) -> str:
    """How a referenced row (catalogue, another body) is recognised on another instance."""
    label = instance._meta.label
    if label == "catalog.Programme":
        return f"{instance.mission.code}.{instance.code}"
    if label == "plans.Body":
        return str(instance.name)
    code = getattr(instance, "code", None)
    return str(code) if code is not None else str(instance)


def _references(records: list[dict[str, Any]],
                contained: dict[str, set[Any]]) -> dict[str, dict[str, str]]:
    """The rows outside the backup that its rows point to (database-checked foreign keys
    only: catalogue rows, a body this one was merged into), by label and primary key, with
    what identifies them on another instance."""
    from django.apps import apps

    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_model[record["model"]].append(record)
    wanted: dict[str, set[Any]] = defaultdict(set)
    for name, rows in by_model.items():
        for model_field in _checked_foreign_keys(apps.get_model(name)):
            target = model_field.related_model._meta.label
            for record in rows:
                value = record["fields"].get(model_field.name)
                if value is not None and value not in contained[target]:
                    wanted[target].add(value)
    references: dict[str, dict[str, str]] = {}
    for target, pks in sorted(wanted.items()):
        model = apps.get_model(target)
        found = {row.pk: row for row in model._base_manager.filter(pk__in=sorted(pks))}
        references[target] = {str(pk): _identity(found[pk]) for pk in sorted(found)}
    return references


def _checked_foreign_keys(model: Any) -> list[Any]:
    return [f for f in model._meta.concrete_fields
            if f.is_relation and f.many_to_one and f.db_constraint]


def _migrations(app_labels: Iterable[str]) -> dict[str, list[str]]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connection).applied_migrations()
    wanted = set(app_labels)
    found: dict[str, list[str]] = {label: [] for label in sorted(wanted)}
    for app, name in applied:
        if app in wanted:
            found[app].append(name)
    return {app: sorted(names) for app, names in found.items()}


def _dump(records: list[dict[str, Any]]) -> bytes:
    lines = ",\n".join(json.dumps(r, cls=_Encoder, ensure_ascii=False, sort_keys=True)
                       for r in records)
    return f"[\n{lines}\n]\n".encode()


def _label(record: dict[str, Any]) -> str:
    from django.apps import apps

    return str(apps.get_model(record["model"])._meta.label)


def backup(body_name: str, output: Path, key: SigningKey | None = None) -> Report:
    """Write the backup of the body named ``body_name`` to ``output`` (replaced atomically),
    signed with ``key`` (by default the instance's own)."""
    from django import get_version
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from performa import __version__
    from performa.plans.models import Body

    key = key or instance_key()
    fresh = not connection.in_atomic_block
    with transaction.atomic():
        if fresh and connection.vendor == "postgresql":
            # One snapshot for every query, so the rows agree with each other.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        body = Body.objects.filter(name=body_name).first()
        if body is None:
            raise BackupError(f"nessun ente si chiama «{body_name}»")
        chosen = selections(body)
        user_ids: set[Any] = set()
        records: list[dict[str, Any]] = []
        for model, rows in chosen:
            user_ids |= _user_ids(model, rows)
            records.extend(_records(model, rows))
        user_model = get_user_model()
        user_fields = [f.name for f in [*user_model._meta.concrete_fields,
                                        *user_model._meta.many_to_many]
                       if f.name not in USER_FIELDS_LEFT_OUT and not f.primary_key]
        users = _records(user_model, user_model._base_manager.filter(pk__in=sorted(user_ids)),
                         fields=user_fields)
        records = users + records
        contained: dict[str, set[Any]] = defaultdict(set)
        for record in records:
            contained[_label(record)].add(record["pk"])
        references = _references(records, contained)
        evidence = _evidence_names(chosen)
        app_labels = {"catalog"} | {model._meta.app_label for model, _ in chosen} | {
            user_model._meta.app_label} | {label.split(".")[0] for label in references}
        migrations = _migrations(app_labels)
        counts = {label: 0 for label in [settings.AUTH_USER_MODEL] +
                  [model._meta.label for model, _ in chosen]}
        for record in records:
            counts[_label(record)] += 1
        data = _dump(records)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "performa_version": __version__,
            "django_version": get_version(),
            "database": connection.vendor,
            "body": {"pk": body.pk, "name": body.name},
            "created_at": timezone.now().isoformat(),
            "counts": counts,
            "data": {"name": DATA, "bytes": len(data),
                     "sha256": hashlib.sha256(data).hexdigest()},
            "evidence": [],
            "missing_evidence": [],
            "references": references,
            "migrations": migrations,
            "users": {"count": len(users), "password_hashes": True,
                      "left_out_fields": list(USER_FIELDS_LEFT_OUT)},
            "excluded": EXCLUDED,
            "notes": NOTES,
        }
        output = Path(output)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed or removed below
            dir=output.parent if str(output.parent) else ".", prefix=f".{output.name}.",
            suffix=".tmp", delete=False)
        try:
            with handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(DATA, data)
                storage = _evidence_storage()
                for name in evidence:
                    if not storage.exists(name):
                        manifest["missing_evidence"].append(name)
                        continue
                    with storage.open(name, "rb") as source, \
                            archive.open(MEDIA + name, "w") as target:
                        digest, size = _copy(source, target)
                    manifest["evidence"].append({"name": name, "bytes": size,
                                                 "sha256": digest})
                head = (json.dumps(manifest, ensure_ascii=False, indent=2, cls=_Encoder)
                        + "\n").encode()
                archive.writestr(MANIFEST, head)
                archive.writestr(SIGNATURE, signature_member(head, key))
            os.replace(handle.name, output)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
    return Report(body.name, counts, len(manifest["evidence"]), manifest["missing_evidence"],
                  key=key.name)


def _copy(source: IO[bytes], target: IO[bytes] | None) -> tuple[str, int]:
    """Copy (or, with no target, just read) a stream; its SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    while block := source.read(COPY_BLOCK):
        digest.update(block)
        size += len(block)
        if target is not None:
            target.write(block)
    return digest.hexdigest(), size


# --- restore --------------------------------------------------------------------------------


@dataclass
class _Backup:
    archive: zipfile.ZipFile
    manifest: dict[str, Any]
    objects: list[Any]  # DeserializedObject
    evidence: dict[str, dict[str, Any]]  # name -> manifest entry
    signature: Signature
    key: SigningKey


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"il file «{path}» non esiste") from None
    except IsADirectoryError:
        raise BackupError(f"«{path}» è una cartella, non un file di backup") from None
    except OSError as error:
        raise BackupError(f"impossibile leggere «{path}»: {error.strerror}") from None
    except zipfile.BadZipFile:
        raise BackupError(f"«{path}» non è un backup di Performa: non è un archivio zip "
                          "valido (file danneggiato, incompleto o di altro tipo)") from None


def _size(count: int) -> str:
    """A number of bytes the Italian way, in binary units (the limits are powers of two)."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}".replace(".", ",")
    return f"{count} byte"


def _check_sizes(archive: zipfile.ZipFile, max_bytes: int) -> None:
    """Refuse, before extracting anything, an archive that declares more than ``max_bytes``
    once uncompressed, or a large member that expands suspiciously (a zip bomb: 1 MiB that
    inflates to 1 GiB). What the headers declare is checked here; that they do not lie is
    checked while reading (``_blocks``)."""
    total = 0
    for info in archive.infolist():
        declared = info.file_size
        if declared > RATIO_FROM and declared > MAX_RATIO * max(info.compress_size, 1):
            ratio = declared // max(info.compress_size, 1)
            raise BackupError(
                f"«{info.filename}» nell'archivio occupa {_size(info.compress_size)} compresso "
                f"e {_size(declared)} estratto: si espande {ratio} volte, oltre il massimo di "
                f"{MAX_RATIO} per un file di backup (archivio costruito per esaurire memoria e "
                "disco?); non è stato estratto nulla")
        total += declared
        if total > max_bytes:
            raise BackupError(
                f"l'archivio supera il limite di {_size(max_bytes)} di dati estratti (già con "
                f"«{info.filename}», che dichiara {_size(declared)}, arriva a {_size(total)}); "
                "non è stato estratto nulla. Se il backup è autentico e così grande, ripetere "
                "il ripristino con un limite più alto («--max-mib»)")


def _blocks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """A member's bytes, block by block, never past the size its header declares: the size
    checks trusted that header, so a member that holds more is refused while reading, not
    after filling memory or disk."""
    info = archive.getinfo(name)
    left = info.file_size
    with archive.open(info) as member:
        while block := member.read(min(COPY_BLOCK, left + 1)):
            left -= len(block)
            if left < 0:
                raise BackupError(f"«{name}» nell'archivio contiene più dati dei "
                                  f"{_size(info.file_size)} che dichiara: archivio manipolato")
            yield block


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return b"".join(_blocks(archive, name))
    except KeyError:
        raise BackupError(f"nell'archivio manca «{name}»") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError,
            ValueError) as error:
        raise BackupError(f"«{name}» nell'archivio è danneggiato ({error})") from None


def _manifest(archive: zipfile.ZipFile) -> tuple[bytes, dict[str, Any]]:
    """The manifest's exact bytes (what the signature covers) and its content."""
    if MANIFEST not in archive.namelist():
        raise BackupError(f"non è un backup di Performa: nell'archivio manca «{MANIFEST}»")
    raw = _read(archive, MANIFEST)
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"«{MANIFEST}» non è JSON valido ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"non è un backup di Performa: «{MANIFEST}» non dichiara il formato "
                          f"«{FORMAT}»")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise BackupError(f"«{MANIFEST}»: versione del formato mancante o non valida")
    if version > FORMAT_VERSION:
        raise BackupError(f"il backup è nel formato {version}, questa versione di Performa "
                          f"legge fino al formato {FORMAT_VERSION}: aggiornare Performa")
    expected = {"body": dict, "counts": dict, "data": dict, "evidence": list,
                "missing_evidence": list, "references": dict, "migrations": dict}
    for key, kind in expected.items():
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"«{MANIFEST}»: la voce «{key}» manca o non è valida")
    if not isinstance(manifest["body"].get("name"), str):
        raise BackupError(f"«{MANIFEST}»: manca il nome dell'ente")
    return raw, manifest


def _check_signature(archive: zipfile.ZipFile, manifest: bytes, key: SigningKey) -> Signature:
    """Is the manifest (and so every member, whose SHA-256 it holds) what ``key`` signed?"""
    import hmac

    if SIGNATURE not in archive.namelist():
        return Signature(False, f"il backup non è firmato (manca «{SIGNATURE}»): non si può "
                                "sapere se è stato modificato dopo il salvataggio", "missing")
    try:
        signature = json.loads(_read(archive, SIGNATURE))
    except (UnicodeDecodeError, json.JSONDecodeError):
        signature = None
    if not isinstance(signature, dict) or signature.get("format") != SIGNATURE_FORMAT or \
            signature.get("algorithm") != "HMAC-SHA256" or \
            not isinstance(signature.get("hmac"), str):
        return Signature(False, f"la firma del backup («{SIGNATURE}») non è leggibile", "wrong")
    if any(hmac.compare_digest(_hmac(manifest, secret), signature["hmac"])
           for secret in key.secrets):
        return Signature(True)
    hint = ""
    if signature.get("key") == "file" and key.source == "instance":
        hint = (": il backup dichiara di essere stato firmato con un file di chiave, da "
                "indicare con «--key-file»")
    elif signature.get("key") == "instance" and key.source == "instance":
        hint = (": se viene da un'altra istanza (con un'altra SECRET_KEY), rifare il backup "
                "con «--key-file» e ripristinarlo con lo stesso file")
    return Signature(False, f"la firma del backup non corrisponde: non è stata fatta con "
                            f"{key.name}, o il backup è stato modificato dopo il "
                            f"salvataggio{hint}", "wrong")


def _check_members(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> dict[str, Any]:
    from django.core.exceptions import SuspiciousFileOperation
    from django.core.files.utils import validate_file_name

    evidence: dict[str, dict[str, Any]] = {}
    for entry in manifest["evidence"]:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not isinstance(entry.get("sha256"), str):
            raise BackupError(f"«{MANIFEST}»: voce di «evidence» non valida: {entry!r}")
        try:
            validate_file_name(name, allow_relative_path=True)
        except SuspiciousFileOperation:
            raise BackupError(f"«{MANIFEST}»: nome di file non ammesso «{name}»") from None
        if "\\" in name or name.startswith("/"):
            raise BackupError(f"«{MANIFEST}»: nome di file non ammesso «{name}»")
        evidence[name] = entry
    expected = {MANIFEST, DATA} | {MEDIA + name for name in evidence}
    present = {info.filename for info in archive.infolist() if not info.is_dir()} - {SIGNATURE}
    if present - expected:
        extra = ", ".join(f"«{n}»" for n in sorted(present - expected)[:5])
        raise BackupError(f"l'archivio contiene file non elencati nel manifesto: {extra}")
    if expected - present:
        missing = ", ".join(f"«{n}»" for n in sorted(expected - present)[:5])
        raise BackupError(f"nell'archivio mancano file elencati nel manifesto: {missing}")
    for name, entry in evidence.items():
        digest_of, size = hashlib.sha256(), 0
        try:
            for block in _blocks(archive, MEDIA + name):
                digest_of.update(block)
                size += len(block)
            digest = digest_of.hexdigest()
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            raise BackupError(f"il file di evidenza «{name}» è danneggiato ({error})") from None
        if digest != entry["sha256"] or size != entry.get("bytes"):
            raise BackupError(f"il file di evidenza «{name}» è stato modificato o è "
                              "incompleto: l'impronta SHA-256 non corrisponde al manifesto")
    return evidence


def _data(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    raw = _read(archive, DATA)
    if hashlib.sha256(raw).hexdigest() != manifest["data"].get("sha256") or \
            len(raw) != manifest["data"].get("bytes"):
        raise BackupError(f"«{DATA}» è stato modificato o è incompleto: l'impronta SHA-256 "
                          "non corrisponde a quella del manifesto")
    try:
        records = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"«{DATA}» non è JSON valido ({error})") from None
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and isinstance(r.get("model"), str) and
        isinstance(r.get("fields"), dict) for r in records
    ):
        raise BackupError(f"«{DATA}» non è un elenco di righe serializzate da Django")
    return records


def _check_migrations(manifest: dict[str, Any]) -> None:
    here = _migrations(manifest["migrations"])
    missing = [f"{app}.{name}" for app, names in sorted(manifest["migrations"].items())
               for name in (names if isinstance(names, list) else [])
               if name not in here.get(app, [])]
    if missing:
        shown = ", ".join(missing[:5]) + (f" e altre {len(missing) - 5}" if len(missing) > 5
                                          else "")
        raise BackupError("il backup viene da una versione di Performa con migrazioni che "
                          f"questo database non ha ({shown}): aggiornare Performa ed eseguire "
                          "«performa migrate» prima del ripristino")


def _deserialize(records: list[dict[str, Any]], manifest: dict[str, Any]) -> list[Any]:
    from django.apps import apps
    from django.conf import settings
    from django.core import serializers
    from django.core.exceptions import FieldDoesNotExist
    from django.core.serializers.base import DeserializationError

    allowed = {label.lower() for label in backed_up_labels()}
    user_label = settings.AUTH_USER_MODEL.lower()
    known: dict[str, set[str]] = {}
    for number, record in enumerate(records, start=1):
        name = record["model"].lower()
        if name not in allowed:
            raise BackupError(f"«{DATA}», riga serializzata n. {number}: il modello "
                              f"«{record['model']}» non fa parte di un backup di Performa")
        if name not in known:
            meta = apps.get_model(name)._meta
            known[name] = {f.name for f in [*meta.concrete_fields, *meta.many_to_many]}
            if name == user_label:  # groups and permissions are the instance's, never restored
                known[name] -= set(USER_FIELDS_LEFT_OUT)
        unknown = sorted(set(record["fields"]) - known[name])
        if unknown:
            raise BackupError(f"«{DATA}», riga serializzata n. {number} ({record['model']} "
                              f"{record.get('pk')}): il campo «{unknown[0]}» non esiste in "
                              "questo database (backup di un'altra versione di Performa?)")
    try:
        objects = list(serializers.deserialize("python", records))
    except (DeserializationError, FieldDoesNotExist) as error:
        raise BackupError(f"«{DATA}» non corrisponde allo schema di questo database: "
                          f"{error}") from None
    except (ValueError, TypeError, LookupError) as error:
        raise BackupError(f"«{DATA}» contiene una riga non valida: {error}") from None
    counts: dict[str, int] = defaultdict(int)
    for obj in objects:
        counts[obj.object._meta.label] += 1
    declared = {label: n for label, n in manifest["counts"].items() if n}
    if dict(counts) != declared:
        different = sorted(set(counts.items()) ^ set(declared.items()))
        label = different[0][0]
        raise BackupError(f"«{DATA}» non corrisponde al manifesto: {label} ha "
                          f"{counts.get(label, 0)} righe, il manifesto ne dichiara "
                          f"{declared.get(label, 0)}")
    return objects


def _check_contents(objects: list[Any], manifest: dict[str, Any],
                    evidence: dict[str, dict[str, Any]]) -> Any:
    """The data is one body, self-contained but for the references the manifest lists."""
    from performa.accounts.models import Membership
    from performa.plans.models import Body

    bodies = [obj.object for obj in objects if isinstance(obj.object, Body)]
    name = manifest["body"]["name"]
    if len(bodies) != 1 or bodies[0].name != name:
        raise BackupError(f"«{DATA}» non contiene esattamente l'ente «{name}» del manifesto")
    contained: dict[str, set[Any]] = defaultdict(set)
    for obj in objects:
        contained[obj.object._meta.label].add(obj.object.pk)
    references = {label: {str(pk) for pk in rows} for label, rows in
                  manifest["references"].items() if isinstance(rows, dict)}
    for obj in objects:
        instance = obj.object
        for model_field in _checked_foreign_keys(type(instance)):
            value = getattr(instance, model_field.attname)
            target = model_field.related_model._meta.label
            if value is None or value in contained[target] or \
                    str(value) in references.get(target, set()):
                continue
            raise BackupError(f"«{DATA}»: {instance._meta.label} {instance.pk} fa riferimento a "
                              f"{target} {value}, che non è nel backup né tra i riferimenti "
                              "del manifesto")
        for field_name, values in (obj.m2m_data or {}).items():
            target = type(instance)._meta.get_field(field_name).related_model._meta.label
            outside = [v for v in values if v not in contained[target]]
            if outside:
                raise BackupError(f"«{DATA}»: {instance._meta.label} {instance.pk} fa "
                                  f"riferimento a {target} {outside[0]}, che non è nel backup")
    # Roles travel with their body only: a membership pointing to another body of the
    # instance (listed as a reference, like a body this one was merged into) would be a role
    # there that nobody on this instance gave.
    for obj in objects:
        instance = obj.object
        if isinstance(instance, Membership) and instance.body_id != bodies[0].pk:
            raise BackupError(f"«{DATA}»: il ruolo {instance.pk} è in un altro ente (id "
                              f"{instance.body_id}): un backup porta solo i ruoli del suo ente")
    referenced = set(manifest["missing_evidence"]) | set(evidence)
    for obj in objects:
        file_name = getattr(obj.object, "evidence", None)
        file_name = getattr(file_name, "name", file_name)
        if file_name and file_name not in referenced:
            raise BackupError(f"«{DATA}»: il file di evidenza «{file_name}» non è nell'archivio "
                              "né tra quelli mancanti del manifesto")
    return bodies[0]


def _check_target(objects: list[Any], manifest: dict[str, Any],
                  evidence: dict[str, dict[str, Any]]) -> None:
    """The instance can take the backup without touching anything it already holds (users
    are the exception that ``_restore_users`` handles: matched by username, never changed)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from performa.plans.models import Body

    name = manifest["body"]["name"]
    if Body.objects.filter(name=name).exists():
        raise BackupError(f"l'ente «{name}» esiste già in questa istanza: il ripristino si fa "
                          "in un'istanza che non lo contiene (per sostituirlo, eliminarlo prima)")
    for label, rows in sorted(manifest["references"].items()):
        model = apps.get_model(label)
        here = {str(row.pk): row for row in model._base_manager.filter(pk__in=list(rows))}
        for pk, identity in sorted(rows.items()):
            what = model._meta.verbose_name
            if pk not in here:
                hint = ("eseguire «performa migrate»" if model._meta.app_label == "catalog"
                        else "ripristinarlo prima")
                raise BackupError(f"manca in questa istanza {what} «{identity}» (id {pk}) a cui "
                                  f"i dati dell'ente fanno riferimento: {hint}")
            if _identity(here[pk]) != identity:
                raise BackupError(f"{what} con id {pk} è «{_identity(here[pk])}» in questa "
                                  f"istanza e «{identity}» nel backup: i cataloghi non "
                                  "coincidono")
    user_model = get_user_model()
    by_model: dict[Any, list[Any]] = defaultdict(list)
    for obj in objects:
        if not isinstance(obj.object, user_model):  # matched or renumbered: _restore_users
            by_model[type(obj.object)].append(obj.object.pk)
    for model, pks in by_model.items():
        for start in range(0, len(pks), CHUNK):
            taken = list(model._base_manager.filter(pk__in=pks[start:start + CHUNK])
                         .values_list("pk", flat=True)[:3])
            if taken:
                shown = ", ".join(str(pk) for pk in taken)
                raise BackupError(f"questa istanza ha già righe con gli stessi identificativi "
                                  f"del backup ({model._meta.verbose_name}: id {shown}): il "
                                  "ripristino va fatto in un'istanza che non contiene questi "
                                  "dati, per esempio appena creata con «performa migrate»")
    storage = _evidence_storage()
    for file_name, entry in evidence.items():
        if storage.exists(file_name):
            with storage.open(file_name, "rb") as existing:
                digest, _ = _copy(existing, None)
            if digest != entry["sha256"]:
                raise BackupError(f"esiste già un file di evidenza «{file_name}» diverso da "
                                  "quello del backup")


# Instance-wide powers that no restore gives (a restore is not how an instance gets its
# administrators: ``performa manage createsuperuser`` or the admin is).
INSTANCE_FLAGS = ("is_superuser", "is_staff")


@dataclass
class _Users:
    mapping: dict[Any, Any] = field(default_factory=dict)  # pk in the backup -> pk here
    created: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    flags_dropped: list[str] = field(default_factory=list)


def _restore_users(objects: list[Any]) -> tuple[_Users, list[Any]]:
    """Write the backup's users: a username this instance has is matched to its account,
    left as it is (password, flags, names); the others are created without instance-wide
    flags, keeping their id when it is free and taking a new one when it is not (an
    administrator created before the restore). Returns the users and the other objects,
    whose references to users ``_remap_users`` then points to the accounts here."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    users = [obj for obj in objects if isinstance(obj.object, user_model)]
    others = [obj for obj in objects if not isinstance(obj.object, user_model)]
    found = _Users()
    if not users:
        return found, others
    field_name = user_model.USERNAME_FIELD
    here = dict(user_model._base_manager.filter(
        **{f"{field_name}__in": [obj.object.get_username() for obj in users]}
    ).values_list(field_name, "pk"))
    taken = set(user_model._base_manager.filter(
        pk__in=[obj.object.pk for obj in users]).values_list("pk", flat=True))
    renumbered = []
    for obj in users:
        user = obj.object
        name = user.get_username()
        if name in here:
            found.mapping[user.pk] = here[name]
            found.matched.append(name)
            continue
        found.created.append(name)
        if any(getattr(user, flag, False) for flag in INSTANCE_FLAGS):
            found.flags_dropped.append(name)
        for flag in INSTANCE_FLAGS:
            if hasattr(user, flag):
                setattr(user, flag, False)
        if user.pk in taken:
            renumbered.append(obj)
            continue
        obj.save(force_insert=True)
        found.mapping[user.pk] = user.pk
    # New ids come after the ones just written (PostgreSQL's sequence does not follow them).
    _reset_sequences([user_model], {})
    for obj in renumbered:
        old = obj.object.pk
        obj.object.pk = None
        obj.save(force_insert=True)
        found.mapping[old] = obj.object.pk
    return found, others


def _remap_users(objects: list[Any], mapping: dict[Any, Any]) -> None:
    """Point the rows' references to users (authors, history users, members) to the
    accounts of this instance."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    changed = {old: new for old, new in mapping.items() if old != new}
    if not changed:
        return
    keys: dict[Any, list[str]] = {}
    for obj in objects:
        model = type(obj.object)
        if model not in keys:
            keys[model] = [f.attname for f in model._meta.concrete_fields
                           if f.is_relation and f.related_model is user_model]
        for attname in keys[model]:
            value = getattr(obj.object, attname)
            if value in changed:
                setattr(obj.object, attname, changed[value])
        for name, values in (obj.m2m_data or {}).items():
            if model._meta.get_field(name).related_model is user_model:
                obj.m2m_data[name] = [changed.get(value, value) for value in values]


def _record_unsigned(body_pk: Any, signature: Signature) -> None:
    """The administrator restored a backup nobody can vouch for: say so in the restored
    body's history (its «Cronologia» page), as a change made from the command line."""
    from performa.plans.models import Body

    what = "non firmato" if signature.kind == "missing" else "con firma non valida"
    reason = f"ripristino da un backup {what}, accettato con --accept-unsigned"
    body = Body._base_manager.get(pk=body_pk)
    Body.history.bulk_history_create(
        [body], update=True, default_user=None, default_change_reason=reason)


def _load(objects: list[Any]) -> None:
    from django.db import connection

    for obj in objects:
        # No history row for M2M changes either: the backup's own history rows are the trail.
        obj.object.skip_history_when_saving = True
        obj.save(force_insert=True)
        del obj.object.skip_history_when_saving
    models: set[Any] = {type(obj.object) for obj in objects}
    models |= {f.remote_field.through for model in list(models)
               for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created}
    connection.check_constraints(table_names=sorted(m._meta.db_table for m in models))
    _reset_sequences(sorted(models, key=lambda m: m._meta.label), _history_floors(objects))


def _history_floors(objects: list[Any]) -> dict[Any, int]:
    """The highest id the history remembers for each live model: rows deleted since keep
    theirs, and a new row must not take it (the original instance would not have given it)."""
    from django.apps import apps

    live = {_history(model): model for model in (apps.get_model(label) for label, _, _ in PARTS)
            if tracked(model)}
    floors: dict[Any, int] = {}
    for obj in objects:
        model = live.get(type(obj.object))
        if model is None:
            continue
        remembered = getattr(obj.object, model._meta.pk.attname)
        if isinstance(remembered, int):
            floors[model] = max(floors.get(model, 0), remembered)
    return floors


def _auto_pk(model: Any) -> bool:
    return model._meta.pk.get_internal_type() in {"AutoField", "BigAutoField", "SmallAutoField"}


def _reset_sequences(models: list[Any], floors: dict[Any, int]) -> None:
    """Django's ``sqlsequencereset`` (PostgreSQL; SQLite's AUTOINCREMENT follows explicit
    ids by itself), then no sequence below where it was nor below the ids the history holds:
    Django's reset moves a sequence to the table's highest id, which could hand out again the
    id of a row deleted since (of this body or another), whose history is still there."""
    from django.core.management.color import no_style
    from django.db import connection

    models = [m for m in models if _auto_pk(m)]
    with connection.cursor() as cursor:
        before = {m: _sequence_position(cursor, m) for m in models} \
            if connection.vendor == "postgresql" else {}
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
        for model in models:
            floor = max(before.get(model, 0), floors.get(model, 0))
            if floor:
                _raise_sequence(cursor, model, floor)


def _sequence_name(cursor: Any, model: Any) -> str | None:
    from django.db import connection

    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)",
                   [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column])
    row = cursor.fetchone()
    return str(row[0]) if row and row[0] else None


def _sequence_position(cursor: Any, model: Any) -> int:
    """PostgreSQL: the last id the model's sequence handed out (0: none yet)."""
    name = _sequence_name(cursor, model)
    if name is None:
        return 0
    cursor.execute(f"SELECT last_value, is_called FROM {name}")  # noqa: S608 - catalog name
    last, called = cursor.fetchone()
    return int(last) if called else int(last) - 1


def _raise_sequence(cursor: Any, model: Any, floor: int) -> None:
    """The model's next id above ``floor`` (never lowered)."""
    from django.db import connection

    table = model._meta.db_table
    if connection.vendor == "postgresql":
        name = _sequence_name(cursor, model)
        if name is not None and _sequence_position(cursor, model) < floor:
            cursor.execute("SELECT setval(%s, %s)", [name, floor])
    elif connection.vendor == "sqlite":
        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s AND seq < %s",
                       [floor, table, floor])
        cursor.execute("INSERT INTO sqlite_sequence (name, seq) SELECT %s, %s WHERE NOT EXISTS "
                       "(SELECT 1 FROM sqlite_sequence WHERE name = %s)", [table, floor, table])


def _write_evidence(archive: zipfile.ZipFile, evidence: dict[str, dict[str, Any]],
                    written: list[str]) -> None:
    from django.core.files import File

    storage = _evidence_storage()
    for name in sorted(evidence):
        if storage.exists(name):  # the same bytes (checked before): nothing to write
            continue
        stored = storage.save(name, File(io.BytesIO(_read(archive, MEDIA + name)), name=name))
        written.append(stored)
        if stored != name:
            raise BackupError(f"il file di evidenza «{name}» non si può scrivere con il suo nome")


def inspect(path: Path, *, key: SigningKey | None = None, accept_unsigned: bool = False,
            max_bytes: int = MAX_BYTES) -> _Backup:
    """Open and check a backup file without touching the database (BackupError if bad): its
    size before anything is extracted, then its signature, then its content."""
    key = key or instance_key()
    archive = _open(path)
    try:
        _check_sizes(archive, max_bytes)
        raw_manifest, manifest = _manifest(archive)
        signature = _check_signature(archive, raw_manifest, key)
        if not signature.valid and not accept_unsigned:
            raise BackupError(
                f"{signature.problem}. Se si è certi della provenienza del file, ripristinarlo "
                "comunque con «--accept-unsigned» (l'accettazione resta registrata nella "
                "cronologia dell'ente)")
        evidence = _check_members(archive, manifest)
        records = _data(archive, manifest)
        _check_migrations(manifest)
        objects = _deserialize(records, manifest)
        _check_contents(objects, manifest, evidence)
    except BaseException:
        archive.close()
        raise
    return _Backup(archive, manifest, objects, evidence, signature, key)


def restore(path: Path, *, key: SigningKey | None = None, accept_unsigned: bool = False,
            max_bytes: int = MAX_BYTES) -> Report:
    """Load a backup into this instance: all or nothing (BackupError says why not).

    ``key`` verifies the signature (by default the instance's own); ``accept_unsigned`` takes
    a backup without a valid one, and records that in the restored body's history;
    ``max_bytes`` caps what the archive may hold once uncompressed."""
    from django.conf import settings
    from django.db import DatabaseError, transaction

    found = inspect(path, key=key, accept_unsigned=accept_unsigned, max_bytes=max_bytes)
    written: list[str] = []
    with found.archive:
        try:
            with transaction.atomic():
                _check_target(found.objects, found.manifest, found.evidence)
                try:
                    users, others = _restore_users(found.objects)
                    _remap_users(others, users.mapping)
                    _load(others)
                except DatabaseError as error:
                    raise BackupError(f"il database ha rifiutato i dati: {error}") from None
                if not found.signature.valid:
                    body = next(obj.object for obj in others
                                if obj.object._meta.label == "plans.Body")
                    _record_unsigned(body.pk, found.signature)
                _write_evidence(found.archive, found.evidence, written)
        except BaseException:
            storage = _evidence_storage()
            for name in written:
                storage.delete(name)
            raise
    counts: dict[str, int] = defaultdict(int)
    if users.created:  # the matched users were not written
        counts[settings.AUTH_USER_MODEL] = len(users.created)
    for obj in others:
        counts[obj.object._meta.label] += 1
    return Report(found.manifest["body"]["name"], dict(counts), len(found.evidence),
                  list(found.manifest["missing_evidence"]), key=found.key.name,
                  users_created=users.created, users_matched=users.matched,
                  flags_dropped=users.flags_dropped,
                  unsigned="" if found.signature.valid else found.signature.problem)


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """The serialised rows of a backup file (for comparisons and inspection)."""
    with zipfile.ZipFile(path) as archive:
        yield from json.loads(archive.read(DATA))
