"""Upload and text limits, and evidence downloads.

One limit per field (measures.models), the same on the pages and the API; an evidence file
over the cap is refused while the request is read — never written to disk whole — with the
row's Italian error; a body over Django's limit is a clean 413 page; a document attached to a
value can be downloaded by the body's members, and by nobody else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client
from django.urls import reverse

from performa.accounts.models import Membership, Role
from performa.accounts.tokens import create_token
from performa.measures.models import (
    DEVIATION_MAX_LENGTH,
    EVIDENCE_MAX_BYTES,
    NOTE_MAX_LENGTH,
    Deviation,
    MeasuredValue,
    Period,
)
from performa.plans import models as plans
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% verbale della commissione\n%%EOF\n"
BOUNDARY = "confine-di-prova"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> dict[str, Path]:
    """MEDIA_ROOT and the upload temporary directory of this test only."""
    folders = {"media": tmp_path / "media", "tmp": tmp_path / "tmp"}
    for folder in folders.values():
        folder.mkdir()
    settings.MEDIA_ROOT = str(folders["media"])
    settings.FILE_UPLOAD_TEMP_DIR = str(folders["tmp"])
    return folders


@pytest.fixture
def site(plan: PlanDocument, media: dict[str, Path]) -> dict[str, Any]:
    version = store_plan(plan).version
    body = version.cycle.body
    units = {u.name: u for u in body.org_units.all()}
    june = Period.objects.create(cycle=version.cycle, date=date(2022, 6, 30), state="open")
    elsewhere = plans.Body.objects.create(name="Camera di Commercio Altrove")

    def user(name: str, role: Role, unit: str = "", where: plans.Body = body) -> User:
        account = User.objects.create_user(name, password="x-Secret-9")
        Membership.objects.create(user=account, body=where, role=role,
                                  org_unit=units.get(unit))
        return account

    return {
        "body": body, "june": june, "media": media["media"], "tmp": media["tmp"],
        "staff": user("referente.pid", Role.STAFF, "Punto Impresa Digitale"),
        "other": user("referente.segreteria", Role.STAFF, "Segreteria Generale"),
        "reader": user("lettore", Role.READER),
        "outsider": user("estraneo", Role.PLANNING, where=elsewhere),
        "bando": plans.Indicator.objects.get(version=version, name="Bando PID"),
    }


def _save_url(site: dict[str, Any]) -> str:
    return reverse("web:entry_save", kwargs={"body_id": site["body"].pk,
                                             "period_id": site["june"].pk,
                                             "kind": "indicatore",
                                             "owner_id": site["bando"].pk})


def _stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.fixture
def stored_bytes(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How many bytes of uploaded files reach each of Django's handlers that keep them (in
    memory, or in a temporary file on disk): what the cap must hold back."""
    seen = {"memory": 0, "disk": 0}
    for name, handler in (("memory", MemoryFileUploadHandler),
                          ("disk", TemporaryFileUploadHandler)):
        original = handler.receive_data_chunk

        def recording(self: Any, raw_data: bytes, start: int, original: Any = original,
                      name: str = name) -> Any:
            seen[name] += len(raw_data)
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", recording)
    yield seen


# --------------------------------------------------------------------------- evidence cap


def test_an_evidence_file_over_the_cap_is_refused_on_the_row_and_not_kept(
        client: Client, site: dict[str, Any], stored_bytes: dict[str, int]) -> None:
    client.force_login(site["staff"])
    too_big = SimpleUploadedFile("verbale.pdf", PDF + b"0" * (EVIDENCE_MAX_BYTES - len(PDF) + 1),
                                 content_type="application/pdf")
    response = client.post(_save_url(site), {"value": "60", "revision": "0",
                                             "evidence": too_big}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 422 and "<html" not in page  # the row, swapped in place
    assert 'role="alert"' in page
    assert "Il file «verbale.pdf» supera i 10 MB consentiti" in page
    assert 'aria-invalid="true"' in page
    assert not MeasuredValue.objects.exists()
    assert _stored_files(site["media"]) == [] and _stored_files(site["tmp"]) == []
    # The handler that stores a file on disk got no more than the cap of it.
    assert 0 < stored_bytes["disk"] <= EVIDENCE_MAX_BYTES
    # Without htmx: the row's page, 422.
    too_big.seek(0)
    response = client.post(_save_url(site), {"value": "60", "revision": "0",
                                             "evidence": too_big})
    assert response.status_code == 422
    assert "supera i 10 MB consentiti" in response.content.decode()
    # At the cap exactly, the file is kept.
    at_cap = SimpleUploadedFile("verbale.pdf", PDF + b"0" * (EVIDENCE_MAX_BYTES - len(PDF)))
    response = client.post(_save_url(site), {"value": "60", "revision": "0", "evidence": at_cap})
    assert response.status_code == 200
    assert MeasuredValue.objects.get().evidence.size == EVIDENCE_MAX_BYTES


class _GigabyteUpload:
    """A multipart body announcing a 1 GiB evidence file, made up as it is read (nothing of
    the size is ever in memory); it counts how much the server reads."""

    def __init__(self, fields: dict[str, str], file_size: int) -> None:
        head = "".join(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                       f"{value}\r\n" for name, value in fields.items())
        head += (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; '
                 f'filename="enorme.pdf"\r\nContent-Type: application/pdf\r\n\r\n')
        self.head, self.tail = head.encode(), f"\r\n--{BOUNDARY}--\r\n".encode()
        self.file_size = file_size
        self.length = len(self.head) + file_size + len(self.tail)
        self.position = 0

    def _byte_range(self, size: int) -> bytes:
        size = self.length - self.position if size is None or size < 0 else size
        size = min(size, self.length - self.position)
        out = bytearray()
        for part_start, part in ((0, self.head), (len(self.head), None),
                                 (len(self.head) + self.file_size, self.tail)):
            part_length = self.file_size if part is None else len(part)
            start = max(self.position + len(out), part_start)
            end = min(self.position + size, part_start + part_length)
            if start < end:
                out += b"0" * (end - start) if part is None else \
                    part[start - part_start:end - part_start]
        self.position += len(out)
        return bytes(out)

    def read(self, size: int = -1) -> bytes:
        return self._byte_range(size)

    def readline(self, size: int = -1) -> bytes:
        return self._byte_range(size)


def test_a_gigabyte_upload_is_refused_without_reading_it(
        client: Client, site: dict[str, Any], stored_bytes: dict[str, int]) -> None:
    client.force_login(site["staff"])
    body = _GigabyteUpload({"value": "60", "revision": "0", "note": "con il verbale"}, 2**30)
    response = client.generic("POST", _save_url(site), HTTP_HX_REQUEST="true", **{
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(body.length), "wsgi.input": body,
    })
    assert response.status_code == 422
    assert "Il file «enorme.pdf» supera i 10 MB consentiti" in response.content.decode()
    assert not MeasuredValue.objects.exists()
    # The fields before the file were read, not the file: its size was announced.
    assert body.position < 1024 * 1024
    assert stored_bytes == {"memory": 0, "disk": 0}
    assert _stored_files(site["media"]) == [] and _stored_files(site["tmp"]) == []


def test_a_form_over_the_body_limit_is_a_clean_413_page(client: Client,
                                                         site: dict[str, Any]) -> None:
    # Was Django's bare «Bad Request (400)» page.
    client.force_login(site["staff"])
    response = client.post(_save_url(site), {"deviation": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1 class=\"mb-4\">Richiesta troppo grande</h1>" in page
    assert "al massimo 10 MB per il documento allegato e 2,5 MB per il resto" in page
    assert "Non è stato salvato nulla" in page and "Traceback" not in page
    assert not Deviation.objects.exists()


# --------------------------------------------------------------------------- text limits


def test_a_note_over_the_limit_is_refused_on_the_pages_and_the_api_alike(
        client: Client, site: dict[str, Any]) -> None:
    client.force_login(site["staff"])
    too_long, longest = "n" * (NOTE_MAX_LENGTH + 1), "n" * NOTE_MAX_LENGTH
    page = client.post(_save_url(site), {"value": "60", "revision": "0", "note": too_long})
    assert page.status_code == 422
    assert "La nota può avere al massimo 2.000 caratteri (ne ha 2.001)." in \
        page.content.decode()
    assert not MeasuredValue.objects.exists()
    # The same limit on the API, whose schema declares it.
    key = create_token(site["staff"], "prova")[1]
    path = (f"/api/v1/bodies/{site['body'].pk}/periods/{site['june'].pk}/indicators/"
            f"{site['bando'].pk}/value")

    def put(note: str, revision: int) -> Any:
        return Client().put(path, json.dumps({"value": "60", "revision": revision,
                                              "note": note}),
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")

    refused = put(too_long, 0)
    assert refused.status_code == 422 and refused.json()["code"] == "malformed"
    assert "body.data.note" in refused.json()["message"]
    assert not MeasuredValue.objects.exists()
    assert put(longest, 0).status_code == 200
    stored = client.post(_save_url(site), {"value": "61", "revision": "1", "note": longest})
    assert stored.status_code == 200
    assert MeasuredValue.objects.get().note == longest
    assert f'maxlength="{NOTE_MAX_LENGTH}"' in stored.content.decode()


def test_a_change_reason_fits_the_history_column(site: dict[str, Any]) -> None:
    # The API took 300 characters into a 100-character column: a 500 on PostgreSQL.
    key = create_token(site["staff"], "prova")[1]
    path = (f"/api/v1/bodies/{site['body'].pk}/periods/{site['june'].pk}/indicators/"
            f"{site['bando'].pk}/value")
    response = Client().put(path, json.dumps({"value": "60", "revision": 0,
                                              "reason": "r" * 101}),
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 422 and "body.data.reason" in response.json()["message"]
    response = Client().put(path, json.dumps({"value": "60", "revision": 0,
                                              "reason": "r" * 100}),
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert MeasuredValue.history.get().history_change_reason == "r" * 100


def test_a_deviation_over_the_limit_is_refused(client: Client, site: dict[str, Any]) -> None:
    client.force_login(site["staff"])
    response = client.post(_save_url(site), {"deviation": "d" * (DEVIATION_MAX_LENGTH + 1)})
    assert response.status_code == 422
    assert "La motivazione dello scostamento può avere al massimo 4.000 caratteri" in \
        response.content.decode()
    assert not Deviation.objects.exists()


# --------------------------------------------------------------------------- downloads


def _with_evidence(client: Client, site: dict[str, Any]) -> MeasuredValue:
    client.force_login(site["staff"])
    # The browser's claimed type is not what the download says: the extension decides.
    upload = SimpleUploadedFile("verbale.pdf", PDF, content_type="application/x-msdownload")
    response = client.post(_save_url(site), {"value": "60", "revision": "0",
                                             "evidence": upload})
    assert response.status_code == 200
    return MeasuredValue.objects.get()


def test_evidence_is_downloaded_by_the_bodys_members(client: Client,
                                                     site: dict[str, Any]) -> None:
    value = _with_evidence(client, site)
    url = reverse("web:evidence", kwargs={"body_id": site["body"].pk,
                                          "period_id": site["june"].pk, "value_id": value.pk})
    entry = client.get(reverse("web:entry", args=[site["body"].pk])).content.decode()
    assert f'href="{url}"' in entry
    card = reverse("web:card", kwargs={"body_id": site["body"].pk, "code": "01_01_02"})
    for who in ("staff", "other", "reader"):
        client.force_login(site[who])
        assert f'href="{url}"' in client.get(card).content.decode()
        response = client.get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="verbale.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_evidence_is_hidden_from_everyone_else(client: Client, site: dict[str, Any]) -> None:
    value = _with_evidence(client, site)
    kwargs = {"body_id": site["body"].pk, "period_id": site["june"].pk, "value_id": value.pk}
    url = reverse("web:evidence", kwargs=kwargs)
    client.force_login(site["outsider"])
    assert client.get(url).status_code == 404
    elsewhere = site["outsider"].memberships.get().body
    assert client.get(reverse("web:evidence", kwargs={**kwargs, "body_id": elsewhere.pk})) \
        .status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accedi/")
    # Nothing is served from MEDIA_URL itself.
    assert client.get(f"/media/{value.evidence.name}").status_code == 404


def test_a_value_without_evidence_has_nothing_to_download(client: Client,
                                                          site: dict[str, Any]) -> None:
    client.force_login(site["staff"])
    client.post(_save_url(site), {"value": "60", "revision": "0"})
    value = MeasuredValue.objects.get()
    url = reverse("web:evidence", kwargs={"body_id": site["body"].pk,
                                          "period_id": site["june"].pk, "value_id": value.pk})
    assert client.get(url).status_code == 404
    assert url not in client.get(reverse("web:entry", args=[site["body"].pk])).content.decode()
