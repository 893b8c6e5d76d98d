"""Load the shipped catalogues into the database; idempotent, so a new release can add rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def load_catalogs(apps: Any, schema_editor: Any = None) -> None:
    """Run from a data migration with the historical models (``apps``), never the live ones."""
    mission_model = apps.get_model("catalog", "Mission")
    programme_model = apps.get_model("catalog", "Programme")
    function_model = apps.get_model("catalog", "InstitutionalFunction")
    type_model = apps.get_model("catalog", "IndicatorType")
    unit_model = apps.get_model("catalog", "Unit")
    indicator_model = apps.get_model("catalog", "CatalogIndicator")

    lists = read("missions.json")
    programmes = {}
    for mission in lists["missions"]:
        row, _ = mission_model.objects.update_or_create(
            code=mission["code"], defaults={"name": mission["name"]}
        )
        for programme in mission["programmes"]:
            programmes[f"{mission['code']}.{programme['code']}"], _ = (
                programme_model.objects.update_or_create(
                    mission=row, code=programme["code"], defaults={"name": programme["name"]}
                )
            )
    for function in lists["functions"]:
        row, _ = function_model.objects.update_or_create(
            code=function["code"], defaults={"name": function["name"]}
        )
        row.programmes.set([programmes[key] for key in function["programmes"]])
    for family, names in lists["indicator_types"].items():
        for name in names:
            type_model.objects.update_or_create(name=name, defaults={"family": family})
    for unit in lists["units"]:
        unit_model.objects.update_or_create(symbol=unit["symbol"], defaults={"name": unit["name"]})
    for indicator in read("indicators.json")["indicators"]:
        fields = {k: v for k, v in indicator.items() if k != "code"}
        indicator_model.objects.update_or_create(code=indicator["code"], defaults=fields)
