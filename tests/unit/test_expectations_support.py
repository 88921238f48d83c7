"""The plumbing around the suites: bounded batches, the row-count floor, kept results, `smm status` lines."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl

from expectations import ROW_COUNT, SUMS_TO_ONE
from expectations.marts import MART_SUITES, MIN_ROWS
from expectations.staging import STAGING_SUITES
from pipelines.quality.gx_batches import (
    ValidationSettings,
    duckdb_batch,
    polars_batch,
    previous_row_count,
    row_count_floor,
)
from pipelines.quality.validation_report import prune, status_lines, write_summary
from pipelines.warehouse.publish import MART_TABLES


def test_a_large_frame_is_sampled_deterministically_and_keeps_duplicates_together() -> None:
    frame = pl.DataFrame({"id": [f"p{i % 500}" for i in range(1_000)], "n": list(range(1_000))})
    first = polars_batch(frame, ("id",), 300)
    again = polars_batch(frame.sample(fraction=1.0, shuffle=True, seed=1), ("id",), 300)
    assert first.sampled and len(first.frame) == 300 and first.rows_total == 1_000
    assert sorted(first.frame["id"]) == sorted(again.frame["id"])
    counts = first.frame["id"].value_counts()
    assert (counts.iloc[:-1] == 2).all()  # every id but the one cut by the cap keeps both rows


def test_small_frames_are_whole_and_keep_nullable_types() -> None:
    frame = pl.DataFrame({"n": [1, None], "s": ["a", None], "b": [True, None]})
    batch = polars_batch(frame, ("n",), 10)
    assert not batch.sampled
    assert [str(t) for t in batch.frame.dtypes] == ["Int64", "string", "boolean"]
    assert batch.frame["n"].isna().tolist() == [False, True]


def test_duckdb_batches_count_the_whole_table_and_sample_above_the_cap() -> None:
    con = duckdb.connect()
    con.execute("create table t as select i as id, i % 7 as g from range(1000) r(i)")
    batch = duckdb_batch(con, "select * from t", ("id",), 100)
    assert (len(batch.frame), batch.rows_total) == (100, 1000)
    assert batch.frame.equals(duckdb_batch(con, "select * from t", ("id",), 100).frame)
    assert isinstance(batch.frame, pd.DataFrame) and str(batch.frame["id"].dtype) == "Int64"


def test_the_row_count_floor_follows_the_accepted_drop(tmp_path: Path) -> None:
    assert row_count_floor(None, 0.5) == 0  # never published: anything goes
    assert row_count_floor(1000, 0.5) == 500
    assert row_count_floor(1001, 0.5) == 501
    assert row_count_floor(1000, 0.0) == 1000
    assert row_count_floor(1000, 1.0) == 0  # the rule switched off
    pl.DataFrame({"a": range(42)}).write_parquet(tmp_path / "fct_x.parquet")
    assert previous_row_count(tmp_path, "fct_x") == 42 and previous_row_count(tmp_path, "fct_y") is None


def test_settings_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("SMM_MAX_ROW_DROP", "0.2")
    monkeypatch.setenv("SMM_GX_MAX_ROWS", "5000")
    monkeypatch.delenv("SMM_VALIDATION_KEEP_DAYS", raising=False)
    assert ValidationSettings.from_env() == ValidationSettings(max_rows=5000, max_row_drop=0.2, keep_days=30)


def test_every_published_mart_has_a_suite_with_grain_row_count_and_business_rules() -> None:
    assert {s.asset_key[-1] for s in MART_SUITES} == set(MART_TABLES)
    for suite in MART_SUITES:
        floor = [r for r in suite.rules if r.family == ROW_COUNT]
        if (
            suite.name == "marts.fct_alerts"
        ):  # a quiet period has fewer alerts: no floor (expectations/marts.py)
            assert not floor
        else:
            assert floor and floor[0].kwargs["min_value"] == {"$PARAMETER": MIN_ROWS}
        assert suite.sql and suite.check_name == "gx_marts"
    sov = next(s for s in MART_SUITES if s.name == "marts.fct_share_of_voice_daily")
    assert {r.column for r in sov.rules if r.family == SUMS_TO_ONE} == {
        "sov_mentions_set_total",
        "sov_engagement_set_total",
        "sov_reach_set_total",
    }
    assert all(s.check_name == "gx_staging" for s in STAGING_SUITES)


def _summary(suite: str, success: bool, severity: str | None = None, failures: list | None = None) -> dict:
    return {
        "suite": suite,
        "asset": f"warehouse/{suite.split('.')[-1]}",
        "check": "gx_marts",
        "success": success,
        "severity": severity,
        "validated_at": "2026-11-22T06:40:00+00:00",
        "failures": failures or [],
    }


def test_status_lists_the_latest_runs_failures_errors_first(tmp_path: Path) -> None:
    write_summary(
        tmp_path,
        "old-run",
        _summary(
            "marts.dim_brands",
            False,
            "error",
            [
                {
                    "expectation": "expect_column_values_to_not_be_null",
                    "column": "brand_id",
                    "severity": "error",
                }
            ],
        ),
    )
    old = tmp_path / "runs" / "old-run" / "marts.dim_brands.json"
    os.utime(old, (time.time() - 60, time.time() - 60))
    write_summary(
        tmp_path,
        "new-run",
        _summary(
            "marts.fct_post_performance",
            False,
            "warn",
            [
                {
                    "expectation": "expect_column_values_to_be_between",
                    "column": "engagement_rate_by_reach",
                    "severity": "warn",
                    "unexpected_count": 2,
                    "sample": [1.4, 2.0],
                }
            ],
        ),
    )
    write_summary(
        tmp_path,
        "new-run",
        _summary(
            "marts.fct_response_daily",
            False,
            "error",
            [
                {
                    "expectation": "expect_column_values_to_be_between",
                    "column": "response_rate",
                    "severity": "error",
                    "unexpected_count": 1,
                    "sample": [1.5],
                }
            ],
        ),
    )
    write_summary(tmp_path, "new-run", _summary("marts.dim_posts", True))
    lines = status_lines(tmp_path)
    assert (
        lines[0].startswith("== validation (run new-run")
        and "3 suites, 2 failed (1 error, 1 warning)" in lines[0]
    )
    assert lines[1] == (
        "  ERROR warehouse/fct_response_daily gx_marts: "
        "expect_column_values_to_be_between(response_rate) 1 unexpected, e.g. [1.5]"
    )
    assert lines[2].startswith("  WARN  warehouse/fct_post_performance gx_marts:")
    assert not any("dim_brands" in line for line in lines)


def test_status_without_results_says_so(tmp_path: Path) -> None:
    assert status_lines(tmp_path) == ["== validation: no results yet"]


def test_old_results_are_pruned(tmp_path: Path) -> None:
    write_summary(tmp_path, "ancient", _summary("marts.dim_brands", True))
    (tmp_path / "results" / "marts" / "dim_brands" / "ancient").mkdir(parents=True)
    write_summary(tmp_path, "recent", _summary("marts.dim_brands", True))
    long_ago = time.time() - 40 * 86400
    for folder in (tmp_path / "runs" / "ancient", tmp_path / "results" / "marts" / "dim_brands" / "ancient"):
        os.utime(folder, (long_ago, long_ago))
    assert prune(tmp_path, keep_days=30) == 2
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["recent"]
    assert json.loads((tmp_path / "runs" / "recent" / "marts.dim_brands.json").read_text())["success"] is True
