"""A batch without rows is judged without GX (quality/gx_checks.py): the same failures as GX, every suite.

Every raw, staging and mart suite is run on an empty batch twice, once by GX and once by the
shortcut, with table rules that hold and table rules that fail (the ingest accounting expecting rows,
a mart that must not collapse, columns out of order); the failures must be the same expectations,
severities, families and observed values. A rule whose column is missing goes to GX.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest

from expectations import Suite
from expectations.marts import MART_SUITES, MIN_ROWS
from expectations.raw import RAW_SUITES, ROWS_EXPECTED
from expectations.staging import STAGING_SUITES
from pipelines.quality import gx_checks
from pipelines.quality.gx_batches import Batch, polars_batch
from pipelines.quality.gx_checks import NO_ROWS_JUDGED, Outcome, validate
from pipelines.schemas import BY_NAME

WAREHOUSE_SUITES = {s.name: s for s in (*STAGING_SUITES, *MART_SUITES)}


def _raw_batch(name: str, order: list[str] | None = None) -> Batch:
    """The empty frame ingest hands the raw suite: the contract's columns and types."""
    frame = pl.DataFrame(schema=BY_NAME[name].schema)
    if order is not None:
        frame = frame.select(order)
    return polars_batch(frame, RAW_SUITES[name].sample_key, 1_000)


def _warehouse_batch(suite: Suite) -> Batch:
    """An empty frame holding every column the suite's rules name."""
    columns: dict[str, None] = {}
    for rule in suite.rules:
        for key in ("column", "column_A", "column_B"):
            if key in rule.kwargs:
                columns[rule.kwargs[key]] = None
        columns.update(dict.fromkeys(rule.kwargs.get("column_list") or []))
    return Batch(pd.DataFrame({c: pd.Series([], dtype="object") for c in columns}), 0)


def _judged(outcome: Outcome) -> list[tuple[Any, ...]]:
    return sorted(
        (f.expectation, f.column, f.severity, f.family, repr(f.observed_value)) for f in outcome.failures
    )


def _both_ways(
    suite: Suite, batch: Batch, parameters: Mapping[str, Any], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Outcome, Outcome]:
    shortcut = validate(suite, batch, validation_dir=folder, run_id="no-rows", parameters=parameters)
    with monkeypatch.context() as patch:
        patch.setattr(gx_checks, "_failures_without_rows", lambda *_: None)
        by_gx = validate(suite, batch, validation_dir=folder, run_id="no-rows-gx", parameters=parameters)
    return shortcut, by_gx


@pytest.mark.parametrize("expected_rows", [0, 3])
@pytest.mark.parametrize("name", sorted(RAW_SUITES))
def test_raw_suite_on_no_rows_fails_as_gx_does(
    name: str, expected_rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shortcut, by_gx = _both_ways(
        RAW_SUITES[name], _raw_batch(name), {ROWS_EXPECTED: expected_rows}, tmp_path, monkeypatch
    )
    assert shortcut.extra["judged"] == NO_ROWS_JUDGED and "judged" not in by_gx.extra
    assert _judged(shortcut) == _judged(by_gx)
    assert bool(shortcut.failures) == (expected_rows != 0)
    assert shortcut.evaluated == by_gx.evaluated


@pytest.mark.parametrize("name", ["facebook__posts", "vk__comments", "ga4__traffic"])
def test_raw_columns_out_of_order_fail_on_no_rows_as_gx_does(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    columns = list(BY_NAME[name].schema.names())
    batch = _raw_batch(name, [columns[-1], *columns[:-1]])
    shortcut, by_gx = _both_ways(RAW_SUITES[name], batch, {ROWS_EXPECTED: 0}, tmp_path, monkeypatch)
    assert [f.expectation for f in shortcut.failures] == ["expect_table_columns_to_match_ordered_list"]
    assert _judged(shortcut) == _judged(by_gx)


@pytest.mark.parametrize("min_rows", [0, 5])
@pytest.mark.parametrize("name", sorted(WAREHOUSE_SUITES))
def test_warehouse_suite_on_no_rows_fails_as_gx_does(
    name: str, min_rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = WAREHOUSE_SUITES[name]
    parameters = {MIN_ROWS: min_rows} if suite in MART_SUITES else {}
    shortcut, by_gx = _both_ways(suite, _warehouse_batch(suite), parameters, tmp_path, monkeypatch)
    assert shortcut.extra["judged"] == NO_ROWS_JUDGED
    assert _judged(shortcut) == _judged(by_gx)


def test_a_rule_on_a_missing_column_is_left_to_gx(tmp_path: Path) -> None:
    suite = RAW_SUITES["x__tweets"]
    batch = _raw_batch("x__tweets")
    batch = Batch(batch.frame.drop(columns=[suite.rules[-2].column or batch.frame.columns[0]]), 0)
    outcome = validate(suite, batch, validation_dir=tmp_path, run_id="gx", parameters={ROWS_EXPECTED: 0})
    assert "judged" not in outcome.extra
    assert outcome.failures  # GX names the missing column (and the column list differs)


def test_a_batch_with_rows_goes_to_gx(tmp_path: Path) -> None:
    frame = pl.DataFrame(schema=BY_NAME["vk__group"].schema).clear(n=0)
    batch = Batch(polars_batch(frame, (), 10).frame, 1)  # rows exist beyond the (empty) sample
    outcome = validate(
        RAW_SUITES["vk__group"], batch, validation_dir=tmp_path, run_id="gx", parameters={ROWS_EXPECTED: 1}
    )
    assert "judged" not in outcome.extra


def test_a_parameter_not_given_is_left_to_gx_which_names_it(tmp_path: Path) -> None:
    from great_expectations.exceptions import SuiteParameterError

    suite = next(s for s in MART_SUITES if any("min_value" in r.kwargs for r in s.rules))
    with pytest.raises(SuiteParameterError, match=f"PARAMETER {MIN_ROWS}"):
        validate(suite, _warehouse_batch(suite), validation_dir=tmp_path, run_id="gx", parameters={})
