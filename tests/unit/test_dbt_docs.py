"""Every mart column is documented and typed, and every model says its grain (dbt docs)."""

from __future__ import annotations

import json
import re

from pipelines.runtime.paths import DBT_PROJECT_DIR, PROJECT_ROOT, resolve_paths
from pipelines.warehouse.dbt import ensure_manifest
from pipelines.warehouse.publish import MART_TABLES

MARTS_DOC = PROJECT_ROOT / "docs" / "marts.md"
MARTS_DIR = DBT_PROJECT_DIR / "models" / "marts"
CONTRACT_HEADER = re.compile(r"^\|\s*table\s*\|\s*grain\s*\|\s*key columns\s*\|\s*$")


def mart_contract(markdown: str) -> dict[str, list[str]]:
    """The mart contract table (`| table | grain | key columns |`): table → its key columns, in order.

    Table and column names are in backticks; the grain is free text (it may quote `all`)."""
    lines = iter(markdown.splitlines())
    if not any(CONTRACT_HEADER.match(line.strip()) for line in lines):
        raise AssertionError("no `| table | grain | key columns |` table found")
    contract: dict[str, list[str]] = {}
    for line in lines:
        line = line.strip()
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if set("".join(cells)) <= set("-: "):  # the header's separator row
            continue
        table, _grain, columns = cells
        contract[table.strip("`")] = re.findall(r"`([^`]+)`", columns)
    return contract


def test_the_contract_parser_reads_names_in_order_and_ignores_the_grain() -> None:
    doc = """Intro.

| table | grain | key columns |
|---|---|---|
| `dim_brands` | one row per brand | `brand_id`, `brand_name`, `is_own`, `timezone` |
| `fct_share_of_voice_daily` | set × brand × platform (incl. `all`) × date | `date`, `competitor_set_id` |

After the table.
"""
    assert mart_contract(doc) == {
        "dim_brands": ["brand_id", "brand_name", "is_own", "timezone"],
        "fct_share_of_voice_daily": ["date", "competitor_set_id"],
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


TABLE_MATERIALIZATIONS = {"table", "incremental"}


def not_null_tests_on_tables(manifest: dict) -> list[str]:
    """`model.column` of every not_null data test on a model built as a table (marts, intermediate,
    incremental staging)."""
    nodes = manifest["nodes"]
    found = []
    for node in nodes.values():
        if node["resource_type"] != "test" or (node.get("test_metadata") or {}).get("name") != "not_null":
            continue
        model = nodes.get(node.get("attached_node") or "")
        if model and model["config"]["materialized"] in TABLE_MATERIALIZATIONS:
            found.append(f"{model['name']}.{node['column_name']}")
    return sorted(found)


def test_table_not_null_is_a_contract_constraint_not_a_data_test() -> None:
    """A table model with an enforced contract is created with NOT NULL columns, so DuckDB refuses a
    NULL during the build; a not_null data test on the same column would be one more dbt node
    re-checking it on every run. Views keep their tests (a view has no constraints)."""
    manifest = json.loads(ensure_manifest(resolve_paths()).read_text())
    repeated = not_null_tests_on_tables(manifest)
    assert not repeated, (
        "these table columns have a not_null data test: declare the model's columns with their data_type, "
        "set `config: {contract: {enforced: true}}` and give the column `constraints: [{type: not_null}]` "
        f"instead: {repeated}"
    )
    models = _models()
    constrained = {
        f"{name}.{column_name}"
        for name, node in models.items()
        for column_name, column in node["columns"].items()
        if any(c["type"] == "not_null" for c in column.get("constraints", []))
    }
    # dbt ignores column constraints unless the model's contract is enforced.
    unenforced = sorted(
        c for c in constrained if not models[c.split(".")[0]]["config"]["contract"]["enforced"]
    )
    assert not unenforced, f"not_null constraints without an enforced contract are not applied: {unenforced}"
    assert {
        "fct_post_performance.post_id",
        "int_posts.post_id",
        "stg_x__mentions.tweet_id",
    } <= constrained and len(constrained) >= len(MART_TABLES)


def test_the_table_guard_names_the_model_and_column_of_a_not_null_test() -> None:
    manifest = json.loads(ensure_manifest(resolve_paths()).read_text())
    model_id = next(
        k for k, n in manifest["nodes"].items() if n["resource_type"] == "model" and n["name"] == "int_posts"
    )
    manifest["nodes"]["test.smm.not_null_int_posts_post_id"] = {
        "resource_type": "test",
        "test_metadata": {"name": "not_null", "kwargs": {"column_name": "post_id"}},
        "attached_node": model_id,
        "column_name": "post_id",
    }
    assert not_null_tests_on_tables(manifest) == ["int_posts.post_id"]


def test_every_model_description_ends_with_its_grain() -> None:
    for name, node in _models().items():
        description = node["description"].strip()
        assert re.search(r"One row per .+\.$", description), f"{name}: {description[-80:]!r}"


def test_mart_columns_follow_the_contract_order() -> None:
    """Every mart of the contract in docs/marts.md has the contract's key columns, in that order (other
    columns may sit between them). Contract marts not built yet (no model file) are skipped."""
    contract = mart_contract(MARTS_DOC.read_text(encoding="utf-8"))
    assert set(MART_TABLES) <= set(contract), "a published mart is missing from the contract"
    models = _models()
    for table, key_columns in contract.items():
        assert key_columns, f"{table}: no key columns read from the contract row"
        if not (MARTS_DIR / f"{table}.sql").exists():
            continue
        columns = list(models[table]["columns"])
        in_contract = [c for c in columns if c in key_columns]
        assert in_contract == key_columns, (
            f"{table}: the model's contract columns, in model order, are {in_contract}; "
            f"docs/marts.md promises {key_columns}"
        )
