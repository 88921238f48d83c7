"""Validation in the running pipeline: checks pass on the sample, a broken dataset or mart stops the run.

Three runs on one small generated landing: a clean run publishes; a landing capture with an Instagram
media type the models do not know stops the run at ingest; a landing that lost a day stops it before
publishing once no drop in row counts is accepted. The publication of the clean run survives both,
byte for byte. The staging and mart suites are also fed deliberately broken copies of the clean
run's tables, one per rule family.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from expectations import NON_NEGATIVE, RATE_BOUNDS, REACH_LE_IMPRESSIONS, ROW_COUNT, SUMS_TO_ONE, UNIQUE
from expectations.marts import MART_SUITES, MIN_ROWS
from expectations.staging import STAGING_SUITES
from pipelines.quality.gx_batches import duckdb_batch, row_count_floor
from pipelines.quality.gx_checks import Outcome, validate
from pipelines.quality.validation_report import status_lines
from pipelines.runner import RunOutcome, run_full_job
from pipelines.runtime.paths import Paths, resolve_paths
from pipelines.sandbox.generator import generate
from pipelines.schemas import DATASETS

pytestmark = pytest.mark.slow

SUITES = {s.name: s for s in (*STAGING_SUITES, *MART_SUITES)}


def _fingerprint(paths: Paths) -> dict[str, tuple[str, int]]:
    """Content hash and mtime of every published file."""
    files = [paths.published_db, *sorted(paths.published_parquet.glob("*.parquet"))]
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files}


def _hologram_capture(landing: Path) -> None:
    """A capture that parses cleanly but carries a media type the models do not know."""
    last = sorted((landing / "instagram" / "media").glob("*.jsonl"))[-1]
    day = last.stem
    line = {
        "fetched_at": f"{day}T23:00:00Z",
        "account_id": "17841400000000001",
        "endpoint": "/{ig-user-id}/media",
        "object_id": "17841400000000001",
        "params": {
            "fields": "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count"
        },
        "response": {
            "data": [
                {
                    "id": "17900000000099999",
                    "caption": "Our first hologram",
                    "media_type": "HOLOGRAM",
                    "media_product_type": "FEED",
                    "permalink": "https://www.instagram.com/p/hologram/",
                    "timestamp": f"{day}T10:00:00+0000",
                    "like_count": 3,
                    "comments_count": 0,
                }
            ],
            "paging": {},
        },
    }
    with last.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


@dataclass
class Runs:
    paths: Paths
    clean: RunOutcome
    published_after_clean: dict[str, tuple[str, int]]
    lake_media_after_clean: dict[str, int]
    hologram: RunOutcome
    published_after_hologram: dict[str, tuple[str, int]]
    lake_media_after_hologram: dict[str, int]
    shrunk: RunOutcome
    published_after_shrunk: dict[str, tuple[str, int]]
    status_after_shrunk: list[str]


def _lake_files(paths: Paths) -> dict[str, int]:
    folder = paths.lake / "instagram" / "media"
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*.parquet")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("blocking")
    clean_landing = root / "clean"
    generate(clean_landing, days=3, seed=13, scale=1)
    landing = root / "landing"
    shutil.copytree(clean_landing, landing)
    paths = resolve_paths(str(landing), str(root / "data"))

    clean = run_full_job(paths)
    published_after_clean, lake_after_clean = _fingerprint(paths), _lake_files(paths)

    _hologram_capture(landing)
    hologram = run_full_job(paths)
    published_after_hologram, lake_after_hologram = _fingerprint(paths), _lake_files(paths)

    # Back to the clean landing minus its last day, and no drop in row counts accepted.
    shutil.rmtree(landing)
    shutil.copytree(clean_landing, landing)
    last_day = sorted(p.stem for p in (landing / "facebook" / "posts").glob("*.jsonl"))[-1]
    for path in landing.rglob(f"{last_day}.jsonl"):
        path.unlink()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SMM_MAX_ROW_DROP", "0")
        shrunk = run_full_job(paths)
    return Runs(
        paths,
        clean,
        published_after_clean,
        lake_after_clean,
        hologram,
        published_after_hologram,
        lake_after_hologram,
        shrunk,
        _fingerprint(paths),
        status_lines(paths.validation),
    )


def test_the_clean_run_passes_every_great_expectations_check(runs: Runs) -> None:
    assert runs.clean.success, runs.clean.failed_steps
    gx = {
        k: v for k, v in runs.clean.checks.items() if k.split(":")[1] in ("gx_raw", "gx_staging", "gx_marts")
    }
    assert sum(k.endswith(":gx_raw") for k in gx) == len(DATASETS)
    assert {k for k in gx if not k.endswith(":gx_raw")} == {
        f"{'/'.join(s.asset_key)}:{s.check_name}" for s in SUITES.values()
    }
    assert all(gx.values()), [k for k, v in gx.items() if not v]


def test_dbt_tests_including_source_tests_are_asset_checks_too(runs: Runs) -> None:
    names = {k.split(":")[1] for k in runs.clean.checks}
    # The lake sources' key checks are the raw GX suites' (above); brands.yml's config sources keep dbt tests.
    assert any(n.startswith("source_not_null_lake_config__brands") for n in names)
    assert any(n.startswith("unique_combination_fct_post_performance") for n in names)


def test_a_broken_raw_dataset_stops_the_run_before_dbt(runs: Runs) -> None:
    outcome = runs.hologram
    assert not outcome.success
    assert list(outcome.failed_steps) == ["lake__instagram__media"]
    message = outcome.failed_steps["lake__instagram__media"]
    assert "lake/instagram/media" in message and "gx_raw" in message
    assert "expect_column_values_to_be_in_set(media_type)" in message and "HOLOGRAM" in message
    assert outcome.checks["lake/instagram/media:gx_raw"] is False
    assert outcome.checks["lake/instagram/media:records_reconcile"] is True
    # dbt never ran: none of its tests and none of the warehouse suites were evaluated.
    assert not any(k.startswith("warehouse/") for k in outcome.checks)
    assert not any(":source_" in k for k in outcome.checks)


def test_the_broken_dataset_is_not_written_and_the_publication_is_untouched(runs: Runs) -> None:
    assert runs.lake_media_after_hologram == runs.lake_media_after_clean
    assert runs.published_after_hologram == runs.published_after_clean
    media = pl.read_parquet(runs.paths.lake / "instagram" / "media")
    assert "HOLOGRAM" not in set(media["media_type"].to_list())


def test_a_collapsing_mart_blocks_the_publish_step(runs: Runs) -> None:
    outcome = runs.shrunk
    assert not outcome.success
    assert list(outcome.failed_steps) == ["warehouse_expectations"]
    message = outcome.failed_steps["warehouse_expectations"]
    assert "gx_marts" in message and "expect_table_row_count_to_be_between" in message
    assert all(v for k, v in outcome.checks.items() if k.endswith(":gx_raw"))
    assert outcome.checks["warehouse/fct_engagement_daily:gx_marts"] is False
    assert runs.published_after_shrunk == runs.published_after_clean


def test_status_lists_the_latest_failures(runs: Runs) -> None:
    lines = runs.status_after_shrunk
    assert "failed" in lines[0] and "error" in lines[0]
    assert any(line.strip().startswith("ERROR warehouse/fct_engagement_daily gx_marts") for line in lines)
    assert any("data docs:" in line for line in lines)
    assert (runs.paths.validation / "data_docs" / "index.html").exists()


def test_check_metadata_points_at_the_kept_results(runs: Runs) -> None:
    summary = json.loads(
        (runs.paths.validation / "runs" / runs.shrunk.run_id / "marts.fct_engagement_daily.json").read_text()
    )
    assert summary["success"] is False and summary["severity"] == "error"
    assert Path(summary["result_json"]).exists() and Path(summary["data_docs"]).exists()
    failure = next(f for f in summary["failures"] if f["family"] == ROW_COUNT)
    assert failure["observed_value"] < summary["parameters"][MIN_ROWS]


def test_publish_waits_for_the_warehouse_checks_and_dbt_for_none() -> None:
    from pipelines.definitions import defs

    graph = defs.resolve_job_def("smm_full").graph
    upstream = {
        node: {
            o.node.name
            for outs in graph.dependency_structure.input_to_upstream_outputs_for_node(node).values()
            for o in outs
        }
        for node in ("warehouse__published", "alerts__delivered", "warehouse_expectations", "dbt_models")
    }
    # Alerts go out only for a build that passed its checks, and before publish (the publication shows
    # their delivery status).
    assert upstream["warehouse__published"] == {"dbt_models", "warehouse_expectations", "alerts__delivered"}
    assert upstream["alerts__delivered"] == {"dbt_models", "warehouse_expectations"}
    assert upstream["warehouse_expectations"] == {"dbt_models"}
    assert all(n.startswith("lake__") or n == "brands_config" for n in upstream["dbt_models"])
    specs = {
        s.name: s.blocking for s in defs.resolve_assets_def(dg.AssetKey(["lake", "x", "user"])).check_specs
    }
    assert specs == {"gx_raw": True, "records_reconcile": True}


# ------------------------------------------------------------------ staging and marts suites, broken copies


@pytest.fixture(scope="module")
def warehouse(runs: Runs):
    con = duckdb.connect(":memory:")
    con.execute(f"attach '{runs.paths.last_build_db}' as built (read_only)")
    con.execute("set TimeZone = 'UTC'")
    for schema in ("intermediate", "marts"):
        con.execute(f"create schema {schema}")
    for suite in SUITES.values():
        table = f"{'intermediate' if suite.stage == 'staging' else 'marts'}.{suite.asset_key[-1]}"
        con.execute(f"create table {table} as select * from built.{table}")
    yield con
    con.close()


def _check(con: duckdb.DuckDBPyConnection, name: str, validation_dir: Path, min_rows: int = 0) -> Outcome:
    suite = SUITES[name]
    batch = duckdb_batch(con, suite.sql or "", suite.sample_key, 1_000_000)
    parameters = {MIN_ROWS: min_rows} if suite.stage == "marts" else {}
    return validate(suite, batch, validation_dir=validation_dir, run_id="broken", parameters=parameters)


def _families(outcome: Outcome) -> set[tuple[str, str | None, str]]:
    return {(f.family, f.column, f.severity) for f in outcome.failures}


def test_every_warehouse_suite_passes_on_the_published_sample(warehouse, tmp_path: Path) -> None:
    failed = {n: [f.describe() for f in _check(warehouse, n, tmp_path).failures] for n in SUITES}
    assert not {n: f for n, f in failed.items() if f}


def test_share_of_voice_that_does_not_add_up_fails(warehouse, tmp_path: Path) -> None:
    warehouse.execute(
        "update marts.fct_share_of_voice_daily set sov_mentions = sov_mentions * 0.9 where platform = 'all'"
    )
    try:
        families = _families(_check(warehouse, "marts.fct_share_of_voice_daily", tmp_path))
    finally:
        warehouse.execute(
            "update marts.fct_share_of_voice_daily set sov_mentions = sov_mentions / 0.9 "
            "where platform = 'all'"
        )
    assert families == {(SUMS_TO_ONE, "sov_mentions_set_total", "error")}


def test_reach_above_impressions_and_a_share_above_one_fail(warehouse, tmp_path: Path) -> None:
    warehouse.execute("create temp table post_backup as select * from marts.fct_post_performance")
    warehouse.execute(
        "update marts.fct_post_performance set reach = impressions + 1 where impressions is not null"
    )
    warehouse.execute(
        "update marts.fct_post_performance set engagement_rate_by_reach = 2.5 "
        "where engagement_rate_by_reach is not null"
    )
    try:
        outcome = _check(warehouse, "marts.fct_post_performance", tmp_path)
    finally:
        warehouse.execute("delete from marts.fct_post_performance")
        warehouse.execute("insert into marts.fct_post_performance select * from post_backup")
    families = _families(outcome)
    assert (REACH_LE_IMPRESSIONS, "impressions,reach", "error") in families
    # an engagement rate above 1 is a documented exception: a warning only
    assert (RATE_BOUNDS, "engagement_rate_by_reach", "warn") in families
    assert not any(f.family == RATE_BOUNDS and f.severity == "error" for f in outcome.failures)


def test_a_response_rate_above_one_is_an_error(warehouse, tmp_path: Path) -> None:
    warehouse.execute("update marts.fct_response_daily set responded = inbound + 1, response_rate = 1.5")
    outcome = _check(warehouse, "marts.fct_response_daily", tmp_path)
    assert {
        (RATE_BOUNDS, "response_rate", "error"),
        (RATE_BOUNDS, "inbound,responded", "error"),
    } <= _families(outcome)


def test_negative_followers_and_a_duplicate_grain_fail(warehouse, tmp_path: Path) -> None:
    warehouse.execute("update marts.fct_community_daily set followers = -1 where followers is not null")
    warehouse.execute("insert into marts.fct_community_daily select * from marts.fct_community_daily limit 1")
    families = _families(_check(warehouse, "marts.fct_community_daily", tmp_path))
    assert {(NON_NEGATIVE, "followers", "error"), (UNIQUE, "platform,account_id,date", "error")} <= families


def test_a_mart_below_the_previous_row_count_fails(warehouse, tmp_path: Path) -> None:
    rows = warehouse.execute("select count(*) from marts.dim_accounts").fetchall()[0][0]
    floor = row_count_floor(rows * 3, 0.5)
    outcome = _check(warehouse, "marts.dim_accounts", tmp_path, min_rows=floor)
    assert _families(outcome) == {(ROW_COUNT, None, "error")}
    assert _check(warehouse, "marts.dim_accounts", tmp_path, min_rows=row_count_floor(rows, 0.5)).success


def test_the_row_count_floor_is_on_the_whole_table_when_the_suite_sees_a_sample(
    warehouse, tmp_path: Path
) -> None:
    """Above SMM_GX_MAX_ROWS a suite validates a sample; the floor still compares the table's rows with
    the previous publication's. (A 15 GB bench found every run after the first failing: the sample's
    200,000 rows against a previous count of more.)"""
    name = "marts.fct_engagement_daily"
    suite = SUITES[name]
    rows = warehouse.execute("select count(*) from marts.fct_engagement_daily").fetchall()[0][0]
    batch = duckdb_batch(warehouse, suite.sql or "", suite.sample_key, rows // 4)
    assert len(batch.frame) == rows // 4 < batch.rows_total == rows

    def outcome(previous: int) -> Outcome:
        floor = row_count_floor(previous, 0.5, batch.rows_total - len(batch.frame))
        return validate(suite, batch, validation_dir=tmp_path, run_id="sampled", parameters={MIN_ROWS: floor})

    assert outcome(previous=rows).success, "the same table as the publication's passes"
    assert _families(outcome(previous=rows * 3)) == {(ROW_COUNT, None, "error")}, "a table halved fails"


def test_a_negative_lifetime_counter_fails_the_staging_suite(warehouse, tmp_path: Path) -> None:
    warehouse.execute("update intermediate.int_post_metric_snapshots set likes = -5 where likes is not null")
    families = _families(_check(warehouse, "staging.int_post_metric_snapshots", tmp_path))
    assert families == {(NON_NEGATIVE, "likes", "error")}
