"""The dbt lake sources (`_<platform>__sources.yml`) stay in step with pipelines/schemas.py.

schemas.py owns each lake dataset's columns and types; the source YAML repeats them so dbt can
document and test them. These tests turn any drift into a failure naming what to fix.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from pipelines.runtime.paths import DBT_PROJECT_DIR
from pipelines.schemas import BY_NAME, DATASETS, Dataset

STAGING = DBT_PROJECT_DIR / "models" / "staging"
# The config tables come from brands.yml (pipelines/ingest/brands.py), not the schemas.py registry.
NOT_IN_REGISTRY = {"config"}

# How DuckDB spells each polars type the lake is written with.
DUCKDB_TYPES: dict[pl.DataType, str] = {
    pl.String(): "varchar",
    pl.Int64(): "bigint",
    pl.Float64(): "double",
    pl.Boolean(): "boolean",
    pl.Date(): "date",
    pl.Datetime("us", "UTC"): "timestamp with time zone",
}


def _source_files() -> list[Path]:
    return sorted(p for p in STAGING.glob("*/_*__sources.yml") if p.parent.name not in NOT_IN_REGISTRY)


def _tables(path: Path) -> list[dict[str, Any]]:
    doc = yaml.safe_load(path.read_text())
    return [table for source in doc.get("sources", []) for table in source.get("tables", [])]


@cache
def _source_tables() -> dict[str, tuple[Path, dict[str, Any]]]:
    return {table["name"]: (path, table) for path in _source_files() for table in _tables(path)}


def _dataset_file(dataset: Dataset) -> str:
    return f"dbt_project/models/staging/{dataset.platform}/_{dataset.platform}__sources.yml"


def _source_table(dataset: Dataset) -> tuple[Path, dict[str, Any]]:
    found = _source_tables().get(dataset.name)
    assert found, f"lake dataset {dataset.name} has no dbt source: add it to {_dataset_file(dataset)}"
    return found


def test_every_source_file_is_found() -> None:
    folders = {p.parent.name for p in _source_files()}
    assert folders == {d.platform for d in DATASETS}, (
        "each platform of pipelines/schemas.py has one staging folder with its _<platform>__sources.yml"
    )


def test_every_lake_dataset_has_a_source_table() -> None:
    tables = _source_tables()
    missing = [f"{d.name} (add it to {_dataset_file(d)})" for d in DATASETS if d.name not in tables]
    assert not missing, f"lake datasets of pipelines/schemas.py without a dbt source: {missing}"


def test_every_source_table_is_a_lake_dataset_in_its_platform_folder() -> None:
    problems = []
    for name, (path, _) in _source_tables().items():
        dataset = BY_NAME.get(name)
        if dataset is None:
            problems.append(f"{path.name}: table {name} is not a dataset of pipelines/schemas.py")
        elif path.parent.name != dataset.platform:
            problems.append(f"{path.name}: table {name} belongs in {_dataset_file(dataset)}")
    assert not problems, problems


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_source_columns_and_types_equal_the_lake_schema(dataset: Dataset) -> None:
    path, table = _source_table(dataset)
    declared = {c["name"]: c.get("data_type") for c in table.get("columns", [])}
    expected = {name: DUCKDB_TYPES[dtype] for name, dtype in dataset.schema.items()}
    where = f"{path.relative_to(DBT_PROJECT_DIR.parent)}, table {dataset.name}"
    missing = sorted(set(expected) - set(declared))
    extra = sorted(set(declared) - set(expected))
    assert not missing, f"{where}: columns of pipelines/schemas.py missing from the source: {missing}"
    assert not extra, f"{where}: columns not in pipelines/schemas.py (remove or add them there): {extra}"
    wrong = {
        name: f"declared {declared[name]}, lake has {expected[name]}"
        for name in expected
        if declared[name] is not None and declared[name] != expected[name]
    }
    assert not wrong, f"{where}: column types differ from pipelines/schemas.py: {wrong}"


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_source_reads_the_dataset_folder_and_names_its_ingest_asset(dataset: Dataset) -> None:
    path, table = _source_table(dataset)
    config = table.get("config", {})
    where = f"{path.name}, table {dataset.name}"
    # Relative to the data dir (DuckDB's file_search_path, set by the dbt session plugin): no path in
    # the project, so dbt's partial parse is shared by every data dir.
    reads = f"read_parquet('lake/{dataset.platform}/{dataset.entity}/**/*.parquet'"
    assert config.get("external_location", "").startswith(reads), (
        f"{where}: external_location must be {reads}"
    )
    asset_key = config.get("meta", {}).get("dagster", {}).get("asset_key")
    assert asset_key == ["lake", dataset.platform, dataset.entity], f"{where}: meta.dagster.asset_key"


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_no_source_test_repeats_a_raw_suite_not_null_rule(dataset: Dataset) -> None:
    """The raw GX suite owns "key and fetched_at are never NULL" and runs during ingest, before dbt
    reads the lake; the same test on the dbt source would re-read every lake file for nothing."""
    from expectations.raw import RAW_SUITES

    path, table = _source_table(dataset)
    checked = {
        r.kwargs["column"]
        for r in RAW_SUITES[dataset.name].rules
        if r.expectation == "ExpectColumnValuesToNotBeNull"
    }
    repeated = [
        c["name"]
        for c in table.get("columns", [])
        if "not_null" in (c.get("data_tests") or []) and c["name"] in checked
    ]
    assert not repeated, (
        f"{path.name}, table {dataset.name}: remove not_null (the raw suite checks it): {repeated}"
    )


def _staging_views() -> list[tuple[Path, dict[str, Any], str]]:
    """(models YAML, model entry, source dataset) of every staging view reading one lake dataset."""
    found = []
    for path in sorted(STAGING.glob("*/_*__models.yml")):
        if path.parent.name in NOT_IN_REGISTRY:
            continue
        for model in yaml.safe_load(path.read_text()).get("models", []):
            sql = (path.parent / f"{model['name']}.sql").read_text()
            sources = re.findall(r"source\('lake', '(\w+)'\)", sql)
            if "materialized='incremental'" not in sql and len(sources) == 1:
                found.append((path, model, sources[0], sql))
    return found


def _passes_through(sql: str, column: str) -> bool:
    """The view selects the lake column as is, under its own name (a bare `column,` line)."""
    return re.search(rf"^\s+{re.escape(column)},?\s*$", sql, re.MULTILINE) is not None


def test_no_staging_view_test_repeats_a_raw_suite_rule() -> None:
    """A staging view selects its lake dataset row for row: a key column it passes through unchanged
    is non-NULL and unique exactly when the lake's is, which the raw suite checks during ingest.
    The same test on the view is one more dbt node on every run for nothing (incremental staging
    models keep theirs: their uniqueness depends on the incremental merge, not on the lake)."""
    from expectations.raw import RAW_SUITES

    assert _staging_views(), "no staging view found: has the staging folder layout changed?"
    repeated = []
    for path, model, source, sql in _staging_views():
        rules = RAW_SUITES[source].rules
        not_null = {r.kwargs["column"] for r in rules if r.expectation == "ExpectColumnValuesToNotBeNull"}
        unique = [
            set(r.kwargs["column_list"]) for r in rules if r.expectation == "ExpectCompoundColumnsToBeUnique"
        ]
        for column in model.get("columns", []):
            name = column["name"]
            if (
                "not_null" in (column.get("data_tests") or [])
                and name in not_null
                and _passes_through(sql, name)
            ):
                repeated.append(f"{path.name} {model['name']}.{name}: not_null")
        for test in model.get("data_tests") or []:
            columns = (
                (test.get("unique_combination") or {}).get("arguments", {}).get("combination_of_columns")
            )
            nullable_part = columns and not set(columns) <= not_null
            if (
                columns
                and set(columns) in unique
                and not nullable_part
                and all(_passes_through(sql, c) for c in columns)
            ):
                repeated.append(f"{path.name} {model['name']}: unique_combination {columns}")
    assert not repeated, f"remove these tests (the raw suite checks the same on the lake): {repeated}"


def _not_null_columns(entry: dict[str, Any]) -> set[str]:
    return {c["name"] for c in entry.get("columns", []) if "not_null" in (c.get("data_tests") or [])}


def test_no_config_view_not_null_repeats_its_source_test() -> None:
    """A config staging view selects its config source row for row: a column it passes through
    unchanged is non-NULL exactly when the source's is, and the source test already checks that."""
    config = STAGING / "config"
    source_not_null = {t["name"]: _not_null_columns(t) for t in _tables(config / "_config__sources.yml")}
    assert any(source_not_null.values()), "no not_null test on a config source: has the layout changed?"
    repeated = []
    for model in yaml.safe_load((config / "_config__models.yml").read_text())["models"]:
        sql = (config / f"{model['name']}.sql").read_text()
        sources = re.findall(r"source\('lake', '(\w+)'\)", sql)
        if len(sources) != 1:
            continue
        repeated += [
            f"{model['name']}.{name}"
            for name in _not_null_columns(model) & source_not_null[sources[0]]
            if _passes_through(sql, name)
        ]
    assert not repeated, f"remove these not_null tests (the config source's test checks the same): {repeated}"
