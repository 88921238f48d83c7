"""Every mart column is documented and typed, and every model says its grain (dbt docs)."""

from __future__ import annotations

import json
import re

from pipelines.runtime.paths import resolve_paths
from pipelines.warehouse.dbt import ensure_manifest
from pipelines.warehouse.publish import MART_TABLES

CONTRACT_COLUMNS = {
    "dim_brands": ["brand_id", "brand_name", "is_own", "timezone"],
    "fct_goal_progress": [
        "brand_id",
        "platform",
        "metric",
        "target",
        "start_date",
        "end_date",
        "actual",
        "pct_of_target",
        "projected_at_end",
    ],
    "fct_share_of_voice_daily": [
        "date",
        "competitor_set_id",
        "brand_id",
        "platform",
        "mentions",
        "mention_engagements",
        "mention_reach",
        "positive_mentions",
        "neutral_mentions",
        "negative_mentions",
        "sov_mentions",
        "sov_engagement",
        "sov_reach",
        "net_sentiment",
        "net_sentiment_all",
    ],
}


def _models() -> dict[str, dict]:
    manifest = json.loads(ensure_manifest(resolve_paths()).read_text())
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def test_every_mart_column_is_documented_typed_and_contracted() -> None:
    models = _models()
    for table in MART_TABLES:
        node = models[table]
        assert node["config"]["contract"]["enforced"], table
        assert node["columns"], table
        for name, column in node["columns"].items():
            assert column["description"].strip(), f"{table}.{name} has no description"
            assert column["data_type"], f"{table}.{name} has no data_type"


def test_every_model_description_ends_with_its_grain() -> None:
    for name, node in _models().items():
        description = node["description"].strip()
        assert re.search(r"One row per .+\.$", description), f"{name}: {description[-80:]!r}"


def test_mart_columns_follow_the_contract_order() -> None:
    models = _models()
    for table, columns in CONTRACT_COLUMNS.items():
        assert list(models[table]["columns"]) == columns
