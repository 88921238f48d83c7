"""Raw suites: pass on generated data, fail on broken data in every rule family.

Every dataset of a generated landing is ingested for real; each raw suite must pass on its dataset
with the ingest's own accounting, and catch a null key, an impossible timestamp and a negative
counter planted in it. instagram/media and a few others are then broken one rule family at a time.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from expectations import ACCEPTED_VALUES, ACCOUNTING, NON_NEGATIVE, NOT_NULL, SCHEMA, TIME_WINDOW, UNIQUE
from expectations.raw import RAW_SUITES, accounting_parameters
from pipelines.defs.quality.checks import validate_ingest
from pipelines.ingest.landing import scan_landing
from pipelines.ingest.parse import QUARANTINE_SCHEMA, IngestResult, ingest_files, owner_timezones
from pipelines.quality.gx_batches import polars_batch
from pipelines.quality.gx_checks import Outcome, blocking_failure, check_results, render_data_docs, validate
from pipelines.runtime.paths import resolve_paths
from pipelines.sandbox.generator import generate
from pipelines.schemas import BY_NAME, DATASETS, UTC_TS, Dataset


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> dict[str, IngestResult]:
    landing = tmp_path_factory.mktemp("raw") / "landing"
    generate(landing, days=4, seed=5, scale=1)
    scan = scan_landing(landing)
    brands = landing / "brands.yml"
    return {d.name: ingest_files(d, scan.files_for(d), landing, owner_timezones(d, brands)) for d in DATASETS}


@pytest.fixture(scope="module")
def validation_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("validation")


def _validate(name: str, frame: pl.DataFrame, validation_dir: Path, **counts: int) -> Outcome:
    suite = RAW_SUITES[name]
    batch = polars_batch(frame, suite.sample_key, 1_000_000)
    records_read = counts.get("records_read", frame.height)
    return validate(
        suite,
        batch,
        validation_dir=validation_dir,
        run_id="test-run",
        parameters=accounting_parameters(records_read, 0, 0),
    )


def _failed(outcome: Outcome) -> set[tuple[str, str | None, str, str]]:
    return {(f.family, f.column, f.severity, f.expectation) for f in outcome.failures}


# What a platform reports as a count (by the API's own naming), which can never go below zero. Ids and
# net changes such as LinkedIn's follower gains do not match.
COUNTER_NAME = re.compile(
    r"(count|total|views|likes|shares|comments|replies|forwards|reach|engagements|followers|gained|lost)$"
)


def _break_one_rule_per_row(dataset: Dataset, rows: pl.DataFrame) -> tuple[pl.DataFrame, set]:
    """Row 0 loses its first key part, row 1 moves every timestamp and date to 1970, row 2 makes every
    counter negative; returns the frame and the (family, column) failures the suite must report."""
    row = pl.int_range(pl.len())
    key = dataset.key[0]
    times = [c for c, t in dataset.schema.items() if t == UTC_TS or (t == pl.Date() and c in dataset.columns)]
    counters = [
        c for c, t in dataset.columns.items() if t in (pl.Int64(), pl.Float64()) and COUNTER_NAME.search(c)
    ]
    epoch = {
        c: datetime(1970, 1, 1, tzinfo=UTC) if dataset.schema[c] == UTC_TS else date(1970, 1, 1)
        for c in times
    }
    broken = (
        rows.with_columns(pl.when(row == 0).then(None).otherwise(pl.col(key)).alias(key))
        .with_columns(
            pl.when(row == 1).then(pl.lit(v, dtype=dataset.schema[c])).otherwise(pl.col(c)).alias(c)
            for c, v in epoch.items()
        )
        .with_columns(
            pl.when(row == 2).then(-1).otherwise(pl.col(c)).cast(dataset.schema[c]).alias(c) for c in counters
        )
    )
    expected = {(NOT_NULL, key), *((TIME_WINDOW, c) for c in times), *((NON_NEGATIVE, c) for c in counters)}
    return broken, expected


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_every_raw_suite_passes_its_dataset_and_catches_broken_rows(
    dataset: Dataset, ingested, validation_dir: Path
) -> None:
    result = ingested[dataset.name]
    stats = result.stats
    suite = RAW_SUITES[dataset.name]
    assert result.rows.height >= 3, "the generated landing must give every dataset a few rows"
    valid = validate(
        suite,
        polars_batch(result.rows, suite.sample_key, 1_000_000),
        validation_dir=validation_dir,
        run_id="sample",
        parameters=accounting_parameters(
            stats.records_read, stats.records_quarantined, stats.duplicates_collapsed
        ),
    )
    assert valid.success, [f.describe() for f in valid.failures]
    assert valid.result_json is not None and valid.result_json.exists()

    broken, expected = _break_one_rule_per_row(dataset, result.rows)
    outcome = _validate(dataset.name, broken, validation_dir)
    assert {(f.family, f.column) for f in outcome.failures} == expected
    assert all(f.severity == "error" and f.unexpected_count == 1 for f in outcome.failures)
    results = {r.check_name: r for r in check_results(outcome)}
    assert results["gx_raw"].passed is False and results["gx_raw"].severity.value == "ERROR"
    assert results["records_reconcile"].passed is True


def test_key_parts_a_platform_leaves_empty_may_be_null(ingested, validation_dir: Path) -> None:
    # LinkedIn's organisation total has no share; a lifetime insight value has no end_time.
    for name, column in (
        ("linkedin__share_statistics", "share_urn"),
        ("facebook__post_insights", "end_time"),
    ):
        rows = ingested[name].rows
        assert rows[column].null_count() > 0, f"the generated {name} has no row without {column}"
        outcome = _validate(name, rows, validation_dir)
        assert outcome.success, [f.describe() for f in outcome.failures]


@pytest.fixture(scope="module")
def media(ingested) -> pl.DataFrame:
    return ingested["instagram__media"].rows


def test_a_missing_column_fails_the_schema_rule(media, validation_dir: Path) -> None:
    outcome = _validate("instagram__media", media.drop("caption"), validation_dir)
    assert (SCHEMA, None, "error", "expect_table_columns_to_match_ordered_list") in _failed(outcome)


def test_a_wrong_type_stops_the_ingest_step_naming_the_column(media, tmp_path: Path) -> None:
    dataset = BY_NAME["instagram__media"]
    wrong = media.with_columns(pl.col("like_count").cast(pl.String))
    result = IngestResult(dataset, wrong, QUARANTINE_SCHEMA.to_frame())
    paths = resolve_paths(str(tmp_path / "landing"), str(tmp_path / "data"))
    with pytest.raises(
        dg.Failure, match=r"lake/instagram/media: .*like_count is String, the contract says Int64"
    ):
        validate_ingest(dataset, result, paths, "test-run")
    assert not (tmp_path / "data" / "validation").exists()  # stopped before GX


def test_a_null_key_fails_not_null(media, validation_dir: Path) -> None:
    broken = media.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(None).otherwise(pl.col("media_id")).alias("media_id")
    )
    outcome = _validate("instagram__media", broken, validation_dir)
    assert (NOT_NULL, "media_id", "error", "expect_column_values_to_not_be_null") in _failed(outcome)


def test_a_duplicate_capture_fails_unique(media, validation_dir: Path) -> None:
    outcome = _validate("instagram__media", pl.concat([media, media.head(1)]), validation_dir)
    failure = next(f for f in outcome.failures if f.family == UNIQUE)
    assert failure.unexpected_count == 2 and failure.sample[0]["media_id"] == media["media_id"][0]


def test_an_impossible_timestamp_fails_the_window(media, validation_dir: Path) -> None:
    epoch = media.with_columns(pl.lit(datetime(1970, 1, 1, tzinfo=UTC)).alias("published_at"))
    outcome = _validate("instagram__media", epoch, validation_dir)
    assert _failed(outcome) == {(TIME_WINDOW, "published_at", "error", "expect_column_values_to_be_between")}
    assert outcome.failures[0].sample[0].startswith("1970-01-01")


def test_an_unknown_open_ended_label_only_warns(ingested, validation_dir: Path) -> None:
    posts = ingested["facebook__posts"].rows
    broken = posts.with_columns(pl.lit("reel_story_v2").alias("status_type"))
    outcome = _validate("facebook__posts", broken, validation_dir)
    assert _failed(outcome) == {(ACCEPTED_VALUES, "status_type", "warn", "expect_column_values_to_be_in_set")}
    assert outcome.severity == "warn" and blocking_failure([outcome], "") is None
    results = {r.check_name: r for r in check_results(outcome)}
    assert results["gx_raw"].passed is False and results["gx_raw"].severity.value == "WARN"


def test_a_negative_counter_fails_non_negative(media, validation_dir: Path) -> None:
    outcome = _validate(
        "instagram__media", media.with_columns(pl.lit(-1).alias("like_count")), validation_dir
    )
    failure = next(f for f in outcome.failures if f.family == NON_NEGATIVE)
    assert (failure.column, failure.unexpected_count, failure.sample[:1]) == (
        "like_count",
        media.height,
        [-1],
    )


def test_an_unknown_media_type_fails_accepted_values(media, validation_dir: Path) -> None:
    broken = media.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("HOLOGRAM"))
        .otherwise(pl.col("media_type"))
        .alias("media_type")
    )
    outcome = _validate("instagram__media", broken, validation_dir)
    assert _failed(outcome) == {(ACCEPTED_VALUES, "media_type", "error", "expect_column_values_to_be_in_set")}
    failure = blocking_failure([outcome], "stopped.")
    assert failure is not None
    assert "lake/instagram/media" in failure.description and "HOLOGRAM" in failure.description
    assert "expect_column_values_to_be_in_set(media_type)" in failure.description


def test_counts_that_do_not_reconcile_fail_records_reconcile_only(media, validation_dir: Path) -> None:
    outcome = _validate("instagram__media", media, validation_dir, records_read=media.height + 1)
    assert _failed(outcome) == {(ACCOUNTING, None, "error", "expect_table_row_count_to_equal")}
    results = {r.check_name: r for r in check_results(outcome)}
    assert results["records_reconcile"].passed is False and results["gx_raw"].passed is True
    assert outcome.failures[0].observed_value == media.height


def test_a_sampled_batch_still_reconciles(ingested, validation_dir: Path) -> None:
    result = ingested["instagram__comments"]
    suite = RAW_SUITES["instagram__comments"]
    batch = polars_batch(result.rows, suite.sample_key, 100)
    stats = result.stats
    outcome = validate(
        suite,
        batch,
        validation_dir=validation_dir,
        run_id="sampled",
        parameters=accounting_parameters(
            stats.records_read,
            stats.records_quarantined,
            stats.duplicates_collapsed,
            batch.rows_total - len(batch.frame),
        ),
    )
    assert batch.sampled and len(batch.frame) == 100 and outcome.success


def test_signed_linkedin_gains_pass(ingested, validation_dir: Path) -> None:
    rows = ingested["linkedin__follower_statistics"].rows
    assert rows.height > 0
    outcome = _validate(
        "linkedin__follower_statistics",
        rows.with_columns(pl.lit(-3).alias("organic_follower_gain")),
        validation_dir,
    )
    assert outcome.success, [f.describe() for f in outcome.failures]


def test_results_are_kept_as_json_with_a_summary(media, validation_dir: Path) -> None:
    outcome = _validate("instagram__media", media, validation_dir)
    assert outcome.success and outcome.result_json is not None and outcome.result_json.exists()
    summary = json.loads((validation_dir / "runs" / "test-run" / "raw.instagram__media.json").read_text())
    assert summary["success"] is True and summary["result_json"] == str(outcome.result_json)
    assert summary["asset"] == "lake/instagram/media" and summary["rows_validated"] == media.height


def test_a_passing_raw_result_renders_its_data_docs_page(ingested, tmp_path: Path, caplog) -> None:
    """Passing suites are run pass/fail-only; the stored result must still render (GX reads the observed
    column list of the column-order check and, without it, drops the page with a KeyError)."""
    name = "facebook__posts"
    outcome = _validate(name, ingested[name].rows, tmp_path)
    assert outcome.success
    stored = json.loads(outcome.result_json.read_text())
    order = next(
        r for r in stored["results"] if r["expectation_config"]["type"].endswith("match_ordered_list")
    )
    assert order["result"]["observed_value"] == list(BY_NAME[name].schema.names())
    with caplog.at_level("ERROR"):
        assert render_data_docs(tmp_path) is not None
    assert outcome.data_docs.exists()
    assert "observed_value" not in caplog.text
