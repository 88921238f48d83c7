"""Incremental runs: a run after one new day parses only that day's files and publishes exactly the
marts a full rebuild of the same landing dir publishes; a date-range backfill re-parses that range.

One generated landing dir of 14 days. The "growing" data dir first sees 13 days (its last day held
back), then the 14th day lands and it runs again; a separate data dir builds all 14 days from scratch.
The second run's dbt build is incremental (its incremental models replace the new fetch date only),
and those models' tables, not only the marts, must equal the full rebuild's.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.runner import RunOutcome, run_full_job
from pipelines.runtime.paths import Paths, resolve_paths
from pipelines.runtime.run_options import RunOptions, landing_file_date
from pipelines.sandbox.generator import generate
from pipelines.schemas import DATASETS
from pipelines.warehouse.build_state import incremental_relations
from tests.reliability.helpers import mart_snapshot, snapshot_diff

pytestmark = pytest.mark.slow
DAYS = 14


@dataclass
class Runs:
    growing: Paths
    rebuilt: Paths
    last_day: date
    new_files: list[str]
    landing_files: int
    outcomes: dict[str, RunOutcome]
    marts_before_new_day: dict[str, list[tuple]]
    marts_after_new_day: dict[str, list[tuple]]
    incremental_after_new_day: dict[str, list[tuple]]
    incremental_rebuilt: dict[str, list[tuple]]
    build_states: dict[str, tuple]  # run name -> (mode, window_first, window_last) it published
    parse_counts: dict[str, dict[str, int]]  # run name -> files_parsed / files_cached over all datasets
    marts_after_backfill: dict[str, list[tuple]]
    # (marts, incremental models' tables) after the brands.yml change: built incrementally, and from scratch
    after_brands_change: tuple[dict[str, list[tuple]], dict[str, list[tuple]]]
    brands_change_rebuilt: tuple[dict[str, list[tuple]], dict[str, list[tuple]]]


def _backfill_day(last_day: date) -> date:
    return last_day - timedelta(days=7)


# Cedar Roasters moves from Bucharest to New York (every brand-local date of its posts shifts) and Dunes
# Café's Instagram account is no longer tracked (its posts leave the intermediate and mart tables).
BRANDS_CHANGES = (
    ("timezone: Europe/Bucharest", "timezone: America/New_York"),
    ('instagram: "17841400000000004", ', ""),
)


def _change_brands(brands_file: Path) -> None:
    text = brands_file.read_text()
    for old, new in BRANDS_CHANGES:
        assert text.count(old) == 1, f"the generated brands.yml no longer has exactly one {old!r}"
        text = text.replace(old, new)
    brands_file.write_text(text)


def _landing_files(landing: Path) -> list[Path]:
    return sorted(p for p in landing.rglob("*") if p.is_file() and p.name != "brands.yml")


def _incremental_tables(db: Path) -> dict[str, list[tuple]]:
    """Every incremental model's rows, ordered by all columns."""
    from pipelines.defs.transform.assets import MANIFEST

    snapshot = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for schema, table in incremental_relations(MANIFEST):
            columns = [r[0] for r in con.execute(f"describe {schema}.{table}").fetchall()]
            order = ", ".join(f'"{c}"' for c in columns)
            snapshot[f"{schema}.{table}"] = con.execute(
                f"select * from {schema}.{table} order by {order}"
            ).fetchall()
    return snapshot


def _dates_of_timestamps(row: tuple) -> set[date]:
    """The (UTC) dates of a row's timestamps: a model incremental by key carries its fetch time only."""
    return {value.astimezone(UTC).date() for value in row if isinstance(value, datetime)}


def _build_state(db: Path) -> tuple:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select mode, window_first, window_last from ops.build_state").fetchone()


def _parse_counts(instance: dg.DagsterInstance, run_id: str) -> dict[str, int]:
    """files_parsed / files_cached summed over the ingest assets materialised in `run_id`."""
    totals = {"files_parsed": 0, "files_cached": 0}
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    for record in records:
        metadata = record.event_log_entry.asset_materialization.metadata
        for name in totals:
            if name in metadata:
                totals[name] += metadata[name].value
    return totals


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("incremental")
    full_landing = root / "landing_full"
    generate(
        full_landing, days=DAYS, seed=7, scale=1
    )  # seed 7: every incremental source has rows on the last day
    last_day = max(d for p in _landing_files(full_landing) if (d := landing_file_date(p)))

    growing_landing = root / "landing_growing"
    shutil.copytree(full_landing, growing_landing)
    held_back = root / "held_back"
    new_files = []
    for path in _landing_files(growing_landing):
        if landing_file_date(path) == last_day:
            rel = path.relative_to(growing_landing)
            (held_back / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, held_back / rel)
            new_files.append(rel.as_posix())

    growing = resolve_paths(str(growing_landing), str(root / "data_growing"))
    rebuilt = resolve_paths(str(full_landing), str(root / "data_rebuilt"))
    instance = dg.DagsterInstance.ephemeral()
    outcomes = {"all_but_the_last_day": run_full_job(growing, instance=instance)}
    states = {"all_but_the_last_day": _build_state(growing.published_db)}
    before = mart_snapshot(growing.published_db)
    for rel in new_files:
        shutil.move(held_back / rel, growing_landing / rel)
    outcomes["one_new_day"] = run_full_job(growing, instance=instance)
    states["one_new_day"] = _build_state(growing.published_db)
    after = mart_snapshot(growing.published_db)
    incremental_after = _incremental_tables(growing.last_build_db)
    outcomes["full_rebuild"] = run_full_job(rebuilt, instance=instance)
    states["full_rebuild"] = _build_state(rebuilt.published_db)
    outcomes["backfill_one_day"] = run_full_job(
        growing,
        instance=instance,
        options=RunOptions(since=_backfill_day(last_day), until=_backfill_day(last_day)),
    )
    states["backfill_one_day"] = _build_state(growing.published_db)
    marts_after_backfill = mart_snapshot(growing.published_db)
    # brands.yml changes (nothing else): a brand moves timezone, a brand drops an account. The growing
    # data dir builds incrementally; a new data dir builds the same landing from scratch.
    for landing in (growing_landing, full_landing):
        _change_brands(landing / "brands.yml")
    outcomes["brands_changed"] = run_full_job(growing, instance=instance)
    states["brands_changed"] = _build_state(growing.published_db)
    rebuilt_brands = resolve_paths(str(full_landing), str(root / "data_rebuilt_brands"))
    outcomes["brands_changed_full_rebuild"] = run_full_job(rebuilt_brands, instance=instance)
    return Runs(
        growing=growing,
        rebuilt=rebuilt,
        last_day=last_day,
        new_files=new_files,
        landing_files=len(_landing_files(full_landing)),
        outcomes=outcomes,
        marts_before_new_day=before,
        marts_after_new_day=after,
        incremental_after_new_day=incremental_after,
        incremental_rebuilt=_incremental_tables(rebuilt.last_build_db),
        build_states=states,
        parse_counts={name: _parse_counts(instance, o.run_id) for name, o in outcomes.items()},
        marts_after_backfill=marts_after_backfill,
        after_brands_change=(mart_snapshot(growing.published_db), _incremental_tables(growing.last_build_db)),
        brands_change_rebuilt=(
            mart_snapshot(rebuilt_brands.published_db),
            _incremental_tables(rebuilt_brands.last_build_db),
        ),
    )


def test_every_run_succeeds(runs: Runs) -> None:
    for name, outcome in runs.outcomes.items():
        assert outcome.success, (name, outcome.failed_steps)


def test_one_new_day_parses_only_the_new_files(runs: Runs) -> None:
    assert runs.parse_counts["all_but_the_last_day"] == {
        "files_parsed": runs.landing_files - len(runs.new_files),
        "files_cached": 0,
    }
    assert runs.parse_counts["one_new_day"] == {
        "files_parsed": len(runs.new_files),
        "files_cached": runs.landing_files - len(runs.new_files),
    }
    # Every platform lands something daily, so the new day is more than one file.
    assert len({rel.split("/")[0] for rel in runs.new_files}) == len({d.platform for d in DATASETS})


def test_incremental_marts_equal_a_full_rebuild_table_by_table(runs: Runs) -> None:
    rebuilt = mart_snapshot(runs.rebuilt.published_db)
    assert all(rebuilt.values()), "a mart is empty: the comparison would prove nothing"
    assert snapshot_diff(runs.marts_after_new_day, rebuilt) == {}


def test_the_new_day_is_an_incremental_dbt_build_of_its_fetch_date(runs: Runs) -> None:
    # The window is the new files' fetch date and the day after (pages received after midnight).
    assert runs.build_states["all_but_the_last_day"] == ("full", None, None)
    assert runs.build_states["one_new_day"] == (
        "incremental",
        runs.last_day,
        runs.last_day + timedelta(days=1),
    )
    assert runs.build_states["full_rebuild"] == ("full", None, None)
    # A backfill re-parses its range and rebuilds the same window, with the same result.
    backfill_day = _backfill_day(runs.last_day)
    assert runs.build_states["backfill_one_day"] == (
        "incremental",
        backfill_day,
        backfill_day + timedelta(days=1),
    )


def test_incremental_models_equal_a_full_rebuild_table_by_table(runs: Runs) -> None:
    rebuilt = runs.incremental_rebuilt
    assert len(rebuilt) >= 8 and all(rebuilt.values()), (
        "no incremental model, or an empty one: proves nothing"
    )
    for table, rows in rebuilt.items():
        new_day = [r for r in rows if runs.last_day in r or runs.last_day in _dates_of_timestamps(r)]
        assert new_day, f"{table} has no row of the new day: the window was never exercised"
        assert runs.incremental_after_new_day[table] == rows, table


def test_the_new_day_restates_posts_published_before_it(runs: Runs) -> None:
    """A later snapshot of an older post updates that post's lifetime counters."""
    con = duckdb.connect(str(runs.growing.published_db), read_only=True)
    try:
        columns = [r[0] for r in con.execute("describe marts.fct_post_performance").fetchall()]
    finally:
        con.close()
    published = columns.index("published_date")
    key = (columns.index("platform"), columns.index("post_id"))

    def older_posts(rows: list[tuple]) -> dict[tuple, tuple]:
        return {(r[key[0]], r[key[1]]): r for r in rows if r[published] < runs.last_day}

    before = older_posts(runs.marts_before_new_day["fct_post_performance"])
    after = older_posts(runs.marts_after_new_day["fct_post_performance"])
    restated = [k for k in before if k in after and before[k] != after[k]]
    assert restated, "no post published before the new day changed: restatements are not reaching the marts"


def test_backfill_reparses_only_the_date_range_and_changes_nothing(runs: Runs) -> None:
    backfill_day = _backfill_day(runs.last_day)
    files_that_day = sum(
        1 for p in _landing_files(runs.growing.landing) if landing_file_date(p) == backfill_day
    )
    assert runs.parse_counts["backfill_one_day"] == {
        "files_parsed": files_that_day,
        "files_cached": runs.landing_files - files_that_day,
    }
    assert snapshot_diff(runs.marts_after_backfill, runs.marts_after_new_day) == {}


def test_a_brands_change_rebuilds_what_reads_brands_and_equals_a_full_rebuild(runs: Runs) -> None:
    """The incremental models that read brands.yml are rebuilt in full, the others carried over: every
    incremental table and mart equals a build of the same landing from scratch."""
    assert runs.build_states["brands_changed"] == ("incremental", None, None)
    marts, tables = runs.after_brands_change
    rebuilt_marts, rebuilt_tables = runs.brands_change_rebuilt
    assert snapshot_diff(marts, rebuilt_marts) == {}
    assert tables.keys() == rebuilt_tables.keys()
    for table, rows in rebuilt_tables.items():
        assert rows, f"{table} is empty: proves nothing"
        assert tables[table] == rows, table
    # The change reached the tables incremental by post: they differ from before it.
    deltas = "intermediate.int_post_metric_deltas"
    assert tables[deltas] != runs.incremental_rebuilt[deltas]
