"""build_state.seed_incremental_tables: a new build file holds the kept build's incremental tables,
row for row, and nothing else of it; it refuses (saying why) when the kept build cannot be trusted."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.runtime.disk import DiskFull
from pipelines.warehouse.build_state import seed_incremental_tables

INCREMENTAL = [("intermediate", "int_post_metric_snapshots"), ("staging", "stg_vk__comments")]


@pytest.fixture
def kept(tmp_path: Path) -> Path:
    """A kept build of run 'run-1': two incremental tables, a table and a view dbt rebuilds, ops tables."""
    db = tmp_path / "last_build.duckdb"
    with duckdb.connect(str(db)) as con:
        for schema in ("intermediate", "staging", "marts", "ops"):
            con.execute(f"create schema {schema}")
        con.execute("create table ops.publication as select 'run-1' as run_id")
        con.execute("create table ops.build_state as select 'full' as mode")
        con.execute(
            "create table intermediate.int_post_metric_snapshots as "
            "select range as post_id, range * 2 as likes from range(1000)"
        )
        con.execute(
            "create table staging.stg_vk__comments as select 'c' || range as comment_id from range(10)"
        )
        con.execute("create table marts.fct_engagement_daily as select 1 as likes")
        con.execute("create view staging.stg_vk__groups as select 1 as account_id")
    return db


def _relations(db: Path) -> dict[tuple[str, str], list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        names = con.execute(
            "select schema_name, table_name from duckdb_tables() union all "
            "select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
        return {
            (schema, name): sorted(con.execute(f'select * from "{schema}"."{name}"').fetchall())
            for schema, name in names
        }


def test_the_new_build_holds_the_incremental_tables_and_nothing_else(kept: Path, tmp_path: Path) -> None:
    build = tmp_path / "smm_build.duckdb"
    assert seed_incremental_tables(build, kept, INCREMENTAL, "run-1") is None
    before, after = _relations(kept), _relations(build)
    assert sorted(after) == sorted(INCREMENTAL)
    for relation in INCREMENTAL:
        assert after[relation] == before[relation]
    assert len(after[("intermediate", "int_post_metric_snapshots")]) == 1000
    # the kept build is left as it was
    assert ("marts", "fct_engagement_daily") in _relations(kept)


def test_the_new_build_can_be_written(kept: Path, tmp_path: Path) -> None:
    build = tmp_path / "smm_build.duckdb"
    assert seed_incremental_tables(build, kept, INCREMENTAL, "run-1") is None
    with duckdb.connect(str(build)) as con:
        con.execute("delete from intermediate.int_post_metric_snapshots where post_id >= 500")
        con.execute("create table marts.fct_engagement_daily as select 2 as likes")
    assert _relations(build)[("marts", "fct_engagement_daily")] == [(2,)]
    assert len(_relations(build)[("intermediate", "int_post_metric_snapshots")]) == 500


@pytest.mark.parametrize(
    ("published_run", "relations", "reason"),
    [
        ("run-2", INCREMENTAL, "the kept build is run run-1's, the publication run run-2's"),
        (
            "run-1",
            [*INCREMENTAL, ("staging", "stg_x__mentions")],
            "lacks incremental tables staging.stg_x__mentions",
        ),
    ],
)
def test_an_untrusted_kept_build_is_refused_and_nothing_is_copied(
    kept: Path, tmp_path: Path, published_run: str, relations: list[tuple[str, str]], reason: str
) -> None:
    build = tmp_path / "smm_build.duckdb"
    assert reason in (seed_incremental_tables(build, kept, relations, published_run) or "")
    assert not build.exists()


def test_without_a_kept_build_it_says_so(tmp_path: Path) -> None:
    build = tmp_path / "smm_build.duckdb"
    reason = seed_incremental_tables(build, tmp_path / "last_build.duckdb", INCREMENTAL, "run-1")
    assert reason == "no kept build (last_build.duckdb) to continue from"
    assert not build.exists()


def test_a_full_disk_while_copying_names_the_build_file(
    kept: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(source: Path, target: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", no_space)
    build = tmp_path / "smm_build.duckdb"
    with pytest.raises(DiskFull) as raised:
        seed_incremental_tables(build, kept, INCREMENTAL, "run-1")
    assert str(build) in str(raised.value)
