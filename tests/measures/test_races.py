"""Real concurrent clients against a real server: nothing overwritten unseen, no 500 (#17).

The server is gunicorn with four worker processes, as production runs it, over a scratch
database of the backend the suite runs on (a SQLite file, or a PostgreSQL database made for
this module): in-process test servers share one connection on SQLite and would hide exactly
the lock contention these tests are about. Clients are threads released together by a barrier.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
PASSWORD = "x-Secret-9-" + secrets.token_hex(4)
TIMEOUT = 90


@dataclass
class Site:
    url: str
    data: dict[str, Any]

    def api(self, user: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.data['tokens'][user]}"
        return session

    def value_path(self, kind: str, owner: int) -> str:
        what = {"variabile": "variables", "indicatore": "indicators"}[kind]
        return (f"{self.url}/api/v1/bodies/{self.data['body']}/periods/{self.data['period']}/"
                f"{what}/{owner}/value")

    def put(self, user: str, kind: str, owner: int, value: str, revision: Any) -> Any:
        body: dict[str, Any] = {"value": value}
        if revision is not None:
            body["revision"] = revision
        return self.api(user).put(self.value_path(kind, owner), json=body, timeout=TIMEOUT)

    def browser(self, user: str) -> requests.Session:
        """A logged-in session, as a person's browser has one."""
        session = requests.Session()
        login = f"{self.url}/accedi/"
        session.get(login, timeout=TIMEOUT)
        answer = session.post(login, data={
            "username": user, "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"]}, headers={"Referer": login},
            timeout=TIMEOUT, allow_redirects=False)
        assert answer.status_code == 302, answer.text[:500]
        return session

    def form_url(self, kind: str, owner: int) -> str:
        return (f"{self.url}/enti/{self.data['body']}/inserimento/{self.data['period']}/"
                f"{kind}/{owner}/")

    def read_form(self, session: requests.Session, kind: str, owner: int) -> str:
        """The revision the entry page's form for this owner carries."""
        page = session.get(f"{self.url}/enti/{self.data['body']}/inserimento/",
                           timeout=TIMEOUT).text
        action = f'action="/enti/{self.data["body"]}/inserimento/{self.data["period"]}/' \
                 f'{kind}/{owner}/"'
        form = page[page.index(action):]
        return re.search(r'name="revision" value="([^"]*)"', form)[1]  # type: ignore[index]

    def post_form(self, session: requests.Session, kind: str, owner: int, value: str,
                  revision: str) -> requests.Response:
        return session.post(self.form_url(kind, owner), data={
            "value": value, "revision": revision,
            "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            headers={"Referer": self.url + "/"}, timeout=TIMEOUT)

    def stored(self, kind: str, owner: int) -> dict[str, Any] | None:
        items = self.api("pianificazione").get(
            f"{self.url}/api/v1/bodies/{self.data['body']}/periods/{self.data['period']}/values",
            params={"limit": 2000}, timeout=TIMEOUT).json()["items"]
        field = {"variabile": "variable_id", "indicatore": "indicator_id"}[kind]
        return next((v for v in items if v[field] == owner), None)


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = calls[n]()
        except Exception as error:  # noqa: BLE001 - reported below, in the test's thread
            results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


# --------------------------------------------------------------------------- the server


def _scratch_database(workdir: Path) -> Iterator[str]:
    from django.db import connection

    if connection.vendor == "sqlite":
        yield f"sqlite:///{workdir / 'corse.sqlite3'}"
        return
    import psycopg

    db = connection.settings_dict
    name = f"performa_races_{os.getpid()}"
    url = urlunsplit(("postgres", f"{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}",
                      f"/{name}", "", ""))
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def site(django_db_blocker: Any) -> Iterator[Site]:
    workdir = Path(tempfile.mkdtemp(prefix="performa-races-"))
    with django_db_blocker.unblock():
        databases = _scratch_database(workdir)
        url = next(databases)
    env = dict(os.environ, DATABASE_URL=url, PERFORMA_VAR_DIR=str(workdir), DEBUG="1",
               DJANGO_SETTINGS_MODULE="performa.settings")
    built = subprocess.run([sys.executable, str(HERE / "race_site.py"), PASSWORD], env=env,
                           capture_output=True, text=True, check=False, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "performa.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "4", "--timeout", "120", "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(f"{base}/api/v1/version", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield Site(base, json.loads(built.stdout.strip().splitlines()[-1]))
    finally:
        server.terminate()
        server.wait(timeout=30)
        with django_db_blocker.unblock():
            next(databases, None)


# --------------------------------------------------------------------------- item 1: the API


def test_first_entries_sent_at_once_one_wins_the_others_see_it(site: Site) -> None:
    """Four people type the first value of «Bando PID» at the same moment, each having read
    "nothing yet": one is stored, the others get 409 with that value, none overwrites it."""
    writers = ["referente.pid", "pianificazione", "dirigente.promozione", "referente.pid"]
    answers = together(*[
        (lambda user=user, n=n: site.put(user, "indicatore", site.data["bando"], str(10 + n), 0))
        for n, user in enumerate(writers)
    ])
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409, 409, 409], [a.text[:300] for a in answers]
    winner = next(a.json()["value"] for a in answers if a.status_code == 200)
    for lost in (a for a in answers if a.status_code == 409):
        assert lost.json()["details"] == {"value": winner["value"], "revision": 1}
        assert f"ora vale «{winner['value']}»" in lost.json()["message"]
    assert site.stored("indicatore", site.data["bando"])["value"] == winner["value"]

    # The same with everyone having read revision 1: one moves it to 2, the rest are told.
    answers = together(*[
        (lambda user=user, n=n: site.put(user, "indicatore", site.data["bando"], str(50 + n), 1))
        for n, user in enumerate(writers)
    ])
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
    winner = next(a.json()["value"] for a in answers if a.status_code == 200)
    assert winner["revision"] == 2
    assert site.stored("indicatore", site.data["bando"])["value"] == winner["value"]


def test_a_write_that_does_not_say_what_it_read_is_refused(site: Site) -> None:
    owner = site.data["pid_variable"]
    site.put("referente.pid", "variabile", owner, "7", 0)
    before = site.stored("variabile", owner)
    missing = site.put("referente.pid", "variabile", owner, "8", None)
    assert missing.status_code == 422 and missing.json()["code"] == "malformed"
    assert "revision" in json.dumps(missing.json()["details"])
    forged = site.put("referente.pid", "variabile", owner, "8", "abc")
    assert forged.status_code == 422
    stale = site.put("referente.pid", "variabile", owner, "8", 0)  # "nothing yet": not so
    assert stale.status_code == 409 and stale.json()["details"]["value"] == "7"
    assert site.stored("variabile", owner) == before


# --------------------------------------------------------------------------- item 1: the web form


def test_the_entry_form_read_earlier_cannot_overwrite_a_first_value(site: Site) -> None:
    """The attack of #17: two people load the entry page on a new period, one saves 10, the
    other then saves 20 from the page loaded earlier."""
    first, second = site.browser("referente.pid"), site.browser("dirigente.promozione")
    owner = site.data["fresh_variables"][0]  # the PID office's: both may write it
    first_read = site.read_form(first, "variabile", owner)
    second_read = site.read_form(second, "variabile", owner)
    assert first_read == second_read == "0"
    saved = site.post_form(first, "variabile", owner, "10", first_read)
    assert saved.status_code == 200, saved.text[:500]
    late = site.post_form(second, "variabile", owner, "20", second_read)
    assert late.status_code == 409
    assert "ora vale «10»" in late.text
    assert site.stored("variabile", owner)["value"] == "10"

    forged = site.post_form(first, "variabile", owner, "30", "abc")
    assert forged.status_code == 422 and "ricaricare la pagina" in forged.text
    assert site.stored("variabile", owner)["value"] == "10"


def test_two_forms_saved_at_the_same_moment_one_wins(site: Site) -> None:
    people = [site.browser("referente.pid"), site.browser("pianificazione")]
    owner = site.data["bando"]
    for _ in range(4):
        reads = [site.read_form(p, "indicatore", owner) for p in people]
        assert reads[0] == reads[1]
        answers = together(*[
            (lambda p=p, n=n, r=reads[n]: site.post_form(p, "indicatore", owner, str(70 + n), r))
            for n, p in enumerate(people)
        ])
        assert sorted(a.status_code for a in answers) == [200, 409]


# --------------------------------------------------------------------------- item 3: no 500


def test_two_offices_saving_at_the_same_moment_both_succeed(site: Site) -> None:
    """20 rounds through the API and 8 through the form: SQLite queues the writers (one at a
    time) instead of answering «database is locked»; PostgreSQL lets them through at once."""
    owners = [("referente.pid", site.data["pid_variable"]),
              ("referente.segreteria", site.data["secretariat_variable"])]
    revisions = {o: (site.stored("variabile", o) or {}).get("revision", 0) for _, o in owners}
    for round_ in range(20):
        answers = together(*[
            (lambda u=u, o=o, v=str(100 + round_): site.put(u, "variabile", o, v, revisions[o]))
            for u, o in owners
        ])
        assert [a.status_code for a in answers] == [200, 200], [a.text[:300] for a in answers]
        for (_, owner), answer in zip(owners, answers, strict=True):
            revisions[owner] = answer.json()["value"]["revision"]
    people = {u: site.browser(u) for u, _ in owners}
    for round_ in range(8):
        reads = {o: site.read_form(people[u], "variabile", o) for u, o in owners}
        answers = together(*[
            (lambda u=u, o=o, v=str(200 + round_), r=reads[o]:
             site.post_form(people[u], "variabile", o, v, r))
            for u, o in owners
        ])
        assert [a.status_code for a in answers] == [200, 200], [a.text[:300] for a in answers]
    for _, owner in owners:
        assert site.stored("variabile", owner)["value"] == "207"


# --------------------------------------------------------------------------- items 3 and 4


def test_another_office_saves_while_a_bulk_upload_runs(site: Site) -> None:
    """A bulk upload of one office no longer holds the others: their saves during it succeed
    (how long they wait is measured by bench/load.py, not asserted here)."""
    rows = [{"variable": name, "value": str(n)}
            for n, name in enumerate(site.data["bulk_variables"])]
    path = (f"{site.url}/api/v1/bodies/{site.data['body']}/periods/{site.data['period']}/"
            "values/bulk")
    bulk: dict[str, Any] = {}

    def upload() -> None:
        bulk["answer"] = site.api("pianificazione").post(
            path, json={"values": rows}, headers={"Idempotency-Key": "corse-1"},
            timeout=TIMEOUT)

    uploading = threading.Thread(target=upload)
    uploading.start()
    owner = site.data["secretariat_variable"]
    revision = site.stored("variabile", owner)["revision"]
    saves = []
    for n in range(3):
        time.sleep(0.2)
        answer = site.put("referente.segreteria", "variabile", owner, str(300 + n), revision)
        saves.append(answer.status_code)
        if answer.status_code == 200:
            revision = answer.json()["value"]["revision"]
    uploading.join(TIMEOUT * 2)
    assert bulk["answer"].status_code == 200, bulk["answer"].text[:500]
    assert bulk["answer"].json()["stored"] == len(rows)
    assert saves == [200, 200, 200]
    assert site.stored("variabile", owner)["value"] == "302"


def test_a_bulk_upload_over_the_cap_is_refused_naming_the_limit(site: Site) -> None:
    rows = [{"variable": site.data["bulk_variables"][0], "value": "1"}] * 2001
    path = (f"{site.url}/api/v1/bodies/{site.data['body']}/periods/{site.data['period']}/"
            "values/bulk")
    answer = site.api("pianificazione").post(path, json={"values": rows},
                                             headers={"Idempotency-Key": "corse-troppi"},
                                             timeout=TIMEOUT)
    assert answer.status_code == 422
    assert answer.json()["message"].startswith("2001 valori: al massimo 2000 per caricamento")
