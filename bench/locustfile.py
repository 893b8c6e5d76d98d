"""Locust users for bench/load.py: readers of the plan and results, office staff typing
values through the API, and one office uploading its values in bulk. Not run alone:
bench/load.py writes the configuration it reads.

Every acknowledged write (HTTP 200) is logged with the revision and the value the server
returned, so load.py can check afterwards that each one is in the audit trail: a write the
server confirmed and then lost would be the worst failure of all.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from typing import Any

from locust import HttpUser, between, constant, events, task

CONFIG: dict[str, Any] = json.loads(
    open(os.environ["PERFORMA_LOAD_CONFIG"], encoding="utf-8").read()  # noqa: SIM115
)
ACKNOWLEDGED: list[dict[str, Any]] = []
REFUSED_CONFLICTS: list[int] = []


class Reader(HttpUser):
    """The planning office, a head of area or the OIV looking at where the body stands."""

    weight = 3
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {random.choice(CONFIG['readers'])}"
        self.base = f"/api/v1/bodies/{CONFIG['body']}"

    @task(3)
    def results(self) -> None:
        self.client.get(f"{self.base}/periods/{CONFIG['period']}/results/nodes?limit=100",
                        name="lettura: risultati per nodo")

    @task(2)
    def indicator_results(self) -> None:
        offset = random.randrange(0, CONFIG["indicator_count"], 50)
        self.client.get(f"{self.base}/periods/{CONFIG['period']}/results/indicators"
                        f"?limit=50&offset={offset}", name="lettura: risultati indicatori")

    @task(1)
    def tree(self) -> None:
        self.client.get(f"{self.base}/cycles/{CONFIG['year']}/tree", name="lettura: albero")

    @task(1)
    def values(self) -> None:
        self.client.get(f"{self.base}/periods/{CONFIG['period']}/values?limit=100",
                        name="lettura: valori")


# The revision each value is at, as the clients last saw it (one process: locust's users are
# greenlets). A write states what it read; on a 409 the answer tells the newer revision.
REVISIONS: dict[int, int] = {int(k): v for k, v in CONFIG["revisions"].items()}
BULK_RUNNING: list[bool] = [False]


class Writer(HttpUser):
    """Office staff typing this period's values, each on an indicator of the plan."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {CONFIG['writer']}"
        self.base = f"/api/v1/bodies/{CONFIG['body']}/periods/{CONFIG['period']}"

    @task
    def enter_value(self) -> None:
        indicator = random.choice(CONFIG["indicators"])
        payload = {"value": str(random.randint(1, 999_999)), "reason": "prova di carico",
                   "revision": REVISIONS.get(indicator, 0)}
        name = "scrittura: valore" + (" (durante un caricamento massivo)"
                                      if BULK_RUNNING[0] else "")
        with self.client.put(f"{self.base}/indicators/{indicator}/value", json=payload,
                             name=name, catch_response=True) as response:
            if response.status_code == 200:
                stored = response.json()["value"]
                REVISIONS[indicator] = max(REVISIONS.get(indicator, 0), stored["revision"])
                ACKNOWLEDGED.append({"indicator": indicator, "revision": stored["revision"],
                                     "value": stored["value"], "id": stored["id"]})
            elif response.status_code == 409:  # two people on one value: refused, by design
                REVISIONS[indicator] = response.json()["details"]["revision"]
                REFUSED_CONFLICTS.append(indicator)
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")


class BulkUploader(HttpUser):
    """One office sending its values all at once through the bulk endpoint, as an
    integration does; its indicators are nobody else's, so it never meets a conflict."""

    fixed_count = 1
    wait_time = constant(4)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {CONFIG['writer']}"
        self.path = (f"/api/v1/bodies/{CONFIG['body']}/periods/{CONFIG['period']}/"
                     "values/bulk")

    @task
    def upload(self) -> None:
        rows = [{"objective": row["objective"], "indicator": row["indicator"],
                 "value": str(random.randint(1, 999_999)),
                 "revision": REVISIONS.get(row["indicator_id"], 0)} for row in CONFIG["bulk"]]
        BULK_RUNNING[0] = True
        try:
            with self.client.post(self.path, json={"values": rows, "reason": "prova di carico"},
                                  headers={"Idempotency-Key": uuid.uuid4().hex},
                                  name=f"caricamento massivo ({len(rows)} valori)",
                                  catch_response=True) as response:
                if response.status_code == 200:
                    for row in CONFIG["bulk"]:
                        REVISIONS[row["indicator_id"]] = REVISIONS.get(row["indicator_id"], 0) + 1
                else:
                    response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
        finally:
            BULK_RUNNING[0] = False


@events.test_stop.add_listener
def _save_log(**_: Any) -> None:
    with open(CONFIG["log"], "w", encoding="utf-8") as log:
        json.dump({"acknowledged": ACKNOWLEDGED, "conflicts": len(REFUSED_CONFLICTS)}, log)
