"""Full or incremental dbt build, the window the incremental models get, and the record a publication keeps."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest.lake import replace_dataset_dir
from pipelines.runtime.pii import KEY_ENV
from pipelines.warehouse.build_plan import (
    BuildPlan,
    BuildState,
    dbt_code_digest,
    incremental_relations,
    lake_partitions,
    plan_build,
    read_state,
    record_state,
    seed_incremental_tables,
    window_env,
)

D1, D2, D3 = "2026-03-01", "2026-03-02", "2026-03-03"


def _state(code: str = "c1", **digests: str) -> BuildState:
    """x/mentions partitions by day: `_state(d1="a")` is ("x/mentions", "2026-03-01") with digest "a"."""
    days = {"d1": D1, "d2": D2, "d3": D3}
    return BuildState(
        code=code, partitions={("x/mentions", days[day]): digest for day, digest in digests.items()}
    )


def test_nothing_to_build_on_means_a_full_build() -> None:
    plan = plan_build(None, _state(d1="a"))
    assert plan == BuildPlan(False, "no published build records what it was built from")


def test_a_full_refresh_request_wins() -> None:
    same = _state(d1="a")
    assert not plan_build(same, same, full_refresh=True).incremental


def test_changed_dbt_code_or_key_means_a_full_build() -> None:
    plan = plan_build(_state("c1", d1="a"), _state("c2", d1="a"))
    assert not plan.incremental
    assert "dbt project or the pseudonymisation key changed" in plan.reason


def test_a_removed_partition_means_a_full_build_naming_it() -> None:
    previous = BuildState("c1", {("x/mentions", D1): "a", ("x/mentions", D2): "b", ("vk/comments", D2): "c"})
    current = BuildState("c1", {("x/mentions", D1): "a"})
    plan = plan_build(previous, current)
    assert not plan.incremental
    assert plan.reason == "lake partition vk/comments 2026-03-02 was removed and 1 more"


def test_a_changed_config_table_means_a_full_build() -> None:
    # "-": the partition key of a dataset written without fetch_date folders (the config tables).
    previous = BuildState("c1", {("config/brands", "-"): "a", ("x/mentions", D1): "b"})
    current = BuildState("c1", {("config/brands", "-"): "changed", ("x/mentions", D1): "b"})
    plan = plan_build(previous, current)
    assert plan == BuildPlan(False, "brands config changed (config/brands)")


def test_nothing_changed_is_an_incremental_build_with_no_window() -> None:
    same = BuildState("c1", {("config/brands", "-"): "a", ("x/mentions", D1): "b"})
    plan = plan_build(same, same)
    assert plan == BuildPlan(True, "no lake partition changed since the publication", window=None)
    assert window_env(plan) == {"SMM_BUILD_WINDOW": "none"}


def test_a_new_day_is_the_window() -> None:
    previous = BuildState("c1", {("x/mentions", D1): "a", ("vk/comments", D1): "b"})
    current = BuildState(
        "c1",
        {
            ("x/mentions", D1): "a",
            ("vk/comments", D1): "b",
            ("x/mentions", D2): "c",
            ("vk/comments", D2): "d",
        },
    )
    plan = plan_build(previous, current)
    assert plan.incremental
    assert plan.window == (date(2026, 3, 2), date(2026, 3, 2))
    assert plan.reason == "2 lake partitions of 2 datasets new or changed on 1 fetch date"
    assert window_env(plan) == {"SMM_BUILD_WINDOW": "2026-03-02..2026-03-02"}


def test_a_restated_old_day_and_a_new_day_widen_the_window_to_both() -> None:
    previous = _state(d1="a", d2="b")
    current = _state(d1="restated", d2="b", d3="c")
    plan = plan_build(previous, current)
    assert plan.window == (date(2026, 3, 1), date(2026, 3, 3))
    assert window_env(plan) == {"SMM_BUILD_WINDOW": "2026-03-01..2026-03-03"}


def test_a_full_plan_lets_incremental_models_take_every_row() -> None:
    assert window_env(BuildPlan(False, "why")) == {"SMM_BUILD_WINDOW": "all"}


def _frame(day: date, values: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"fetch_date": [day] * len(values), "value": values})


def test_lake_partitions_digest_each_fetch_date_folder_and_change_only_where_rows_change(
    tmp_path: Path,
) -> None:
    lake = tmp_path / "lake"
    first = pl.concat([_frame(date(2026, 3, 1), [1, 2]), _frame(date(2026, 3, 2), [3])])
    replace_dataset_dir(first, lake / "x" / "mentions")
    replace_dataset_dir(pl.DataFrame({"brand_id": ["a"]}), lake / "config" / "brands", partition=False)
    replace_dataset_dir(_frame(date(2026, 3, 1), [])[:0], lake / "vk" / "comments")  # no rows yet
    (lake / "x" / ".mentions.new-dead").mkdir()  # a killed write's leftover
    (lake / "x" / ".mentions.new-dead" / "part-0.parquet").write_bytes(b"junk")
    before = lake_partitions(lake)
    assert set(before) == {("x/mentions", D1), ("x/mentions", D2), ("config/brands", "-")}

    # Rewritten with one day's rows changed: only that day's digest moves.
    second = pl.concat([_frame(date(2026, 3, 1), [1, 2]), _frame(date(2026, 3, 2), [3, 4])])
    replace_dataset_dir(second, lake / "x" / "mentions")
    after = lake_partitions(lake)
    assert after[("x/mentions", D1)] == before[("x/mentions", D1)]
    assert after[("x/mentions", D2)] != before[("x/mentions", D2)]
    assert plan_build(BuildState("c", before), BuildState("c", after)).window == (
        date(2026, 3, 2),
        date(2026, 3, 2),
    )


def test_a_publication_reads_back_the_state_it_recorded(tmp_path: Path) -> None:
    db = tmp_path / "smm.duckdb"
    state = BuildState("c1", {("x/mentions", D1): "a", ("config/brands", "-"): "b"})
    plan = BuildPlan(True, "why", window=(date(2026, 3, 1), date(2026, 3, 1)))
    with duckdb.connect(str(db)) as con:
        record_state(con, state, plan)
        row = con.execute("select mode, window_first, window_last, reason from ops.build_state").fetchone()
    assert row == ("incremental", date(2026, 3, 1), date(2026, 3, 1), "why")
    assert read_state(db) == state


def test_a_publication_without_a_record_reads_as_none(tmp_path: Path) -> None:
    assert read_state(tmp_path / "absent.duckdb") is None
    older = tmp_path / "older.duckdb"
    duckdb.connect(str(older)).close()
    assert read_state(older) is None


def test_incremental_relations_come_from_the_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    node = {"resource_type": "model", "schema": "staging", "alias": "stg_x__mentions"}
    manifest.write_text(
        json.dumps(
            {
                "nodes": {
                    "model.smm.a": {**node, "config": {"materialized": "incremental"}},
                    "model.smm.b": {**node, "alias": "stg_x__tweets", "config": {"materialized": "view"}},
                    "test.smm.c": {
                        **node,
                        "resource_type": "test",
                        "config": {"materialized": "incremental"},
                    },
                }
            }
        )
    )
    assert incremental_relations(manifest) == [("staging", "stg_x__mentions")]


def test_the_project_has_incremental_models_keyed_by_fetch_date() -> None:
    from pipelines.defs.transform.assets import MANIFEST

    nodes = json.loads(Path(MANIFEST).read_text())["nodes"].values()
    incremental = [
        n for n in nodes if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"
    ]
    assert {n["alias"] for n in incremental} >= {
        "stg_x__mentions",
        "stg_listening__mentions",
        "stg_facebook__comments",
    }
    for node in incremental:
        assert node["config"]["unique_key"] == "fetch_date", node["alias"]
        assert node["config"]["incremental_strategy"] == "delete+insert", node["alias"]
        assert node["config"]["on_schema_change"] == "fail", node["alias"]


def test_seeding_copies_the_incremental_tables_live_rows_only(tmp_path: Path) -> None:
    published, build = tmp_path / "smm.duckdb", tmp_path / "build.duckdb"
    with duckdb.connect(str(published)) as con:
        con.execute("create schema staging; create table staging.t as select range as v from range(10)")
        con.execute("delete from staging.t where v >= 4")
        con.execute("create schema marts; create table marts.m as select 1 as v")
    assert seed_incremental_tables(build, published, [("staging", "t")]) == []
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("select list(v order by v) from staging.t").fetchone()[0] == [0, 1, 2, 3]
        tables = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
    assert tables == [("staging", "t")]  # marts are rebuilt, not copied


def test_seeding_reports_tables_the_publication_lacks(tmp_path: Path) -> None:
    published, build = tmp_path / "smm.duckdb", tmp_path / "build.duckdb"
    duckdb.connect(str(published)).close()
    assert seed_incremental_tables(build, published, [("staging", "t")]) == ["staging.t"]


def test_the_dbt_code_digest_follows_the_pseudonymisation_key_without_containing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(KEY_ENV, "first-secret-key")
    first = dbt_code_digest()
    monkeypatch.setenv(KEY_ENV, "second-secret-key")
    second = dbt_code_digest()
    assert first != second  # a new key means new pseudonyms: every incremental table is rebuilt
    assert "secret" not in first + second
