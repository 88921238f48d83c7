"""dbt's build replayed as plain SQL: statements rebuilt from a target dir in dbt's artefact format.

The target dir below is a miniature of what `dbt build` writes (manifest.json nodes, run_results.json
results, fields as dbt 1.10 names them); the replay runs it in a real DuckDB connection.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.bench.dbt_sql import build_statements, overhead, replay

DB = "smm_build"


def _node(uid: str, kind: str, materialized: str, schema: str, name: str, **config: object) -> dict:
    return {
        "unique_id": uid,
        "resource_type": kind,
        "database": DB,
        "schema": schema,
        "name": name,
        "original_file_path": f"seeds/{name}.csv" if kind == "seed" else f"models/{name}.sql",
        "relation_name": None if kind == "test" else f'"{DB}"."{schema}"."{name}"',
        "config": {"materialized": materialized, **config},
    }


def _project(tmp_path: Path, statuses: dict[str, str] | None = None) -> tuple[Path, Path]:
    project, target = tmp_path / "project", tmp_path / "target"
    (project / "seeds").mkdir(parents=True)
    target.mkdir()
    # `code` is declared varchar: read without the declared type it would come out as an integer.
    (project / "seeds" / "lexicon.csv").write_text("language,code,polarity\nen,007,1\nen,010,-1\nuk,011,1\n")
    seed = _node("seed.smm.lexicon", "seed", "seed", "seeds", "lexicon", column_types={"code": "varchar"})
    nodes = [
        (seed, None),
        (
            _node("model.smm.stg_terms", "model", "view", "staging", "stg_terms"),
            f'select * from "{DB}"."seeds"."lexicon" where polarity is not null',
        ),
        (
            _node("model.smm.int_positive", "model", "table", "intermediate", "int_positive"),
            f'select code, getvariable(\'smm_pii_key\') as pii_key from "{DB}"."staging"."stg_terms" '
            "where polarity > 0 and code like '0%'",
        ),
        (
            _node("model.smm.int_by_language", "model", "incremental", "intermediate", "int_by_language"),
            f'select language, count(*) as terms from "{DB}"."staging"."stg_terms" group by language',
        ),
        (
            _node(
                "test.smm.not_null_int_positive_code",
                "test",
                "test",
                "dbt_test__audit",
                "nn",
                fail_calc="count(*)",
            ),
            f'select code from "{DB}"."intermediate"."int_positive" where code is null',
        ),
        (
            _node(
                "test.smm.no_negative_terms", "test", "test", "dbt_test__audit", "neg", fail_calc="count(*)"
            ),
            f'select * from "{DB}"."staging"."stg_terms" where polarity < 0',
        ),
    ]
    manifest = {"nodes": {n["unique_id"]: n for n, _ in nodes}, "exposures": {"exposure.smm.bi": {}}}
    results = [
        {
            "unique_id": n["unique_id"],
            "status": (statuses or {}).get(
                n["unique_id"], "pass" if n["resource_type"] == "test" else "success"
            ),
            "execution_time": 0.5,
            "compiled_code": sql,
        }
        for n, sql in nodes
    ]
    results.append({"unique_id": "exposure.smm.bi", "status": "success", "execution_time": 0.0})
    (target / "manifest.json").write_text(json.dumps(manifest))
    (target / "run_results.json").write_text(json.dumps({"results": results, "elapsed_time": 2.0}))
    return target, project


def test_every_executed_node_becomes_one_statement_in_dbt_order(tmp_path: Path) -> None:
    target, project = _project(tmp_path)
    statements = build_statements(target, project)
    assert [s.unique_id.split(".")[2] for s in statements] == [
        "lexicon",
        "stg_terms",
        "int_positive",
        "int_by_language",
        "not_null_int_positive_code",
        "no_negative_terms",
    ]
    kinds = {s.unique_id.split(".")[2]: s.sql.split("(")[0].strip() for s in statements}
    assert kinds["stg_terms"].startswith("create or replace view")
    # An incremental model of a full build is a table built from its compiled SQL.
    assert kinds["int_by_language"].startswith("create or replace table")
    assert statements[-1].sql.startswith("select count(*) as failures")


def test_the_replay_builds_the_tables_and_evaluates_the_tests(tmp_path: Path) -> None:
    target, project = _project(tmp_path)
    figures = replay(target, project, tmp_path / "work", data_dir=tmp_path, pii_key="k")
    assert figures["by_kind"] == {"seed": 1, "model": 3, "test": 2}
    # Seed typed as declared (a varchar code keeps its leading zero: the LIKE matches), one failing test.
    assert figures["table_rows"] == {
        f'"{DB}"."intermediate"."int_positive"': 2,
        f'"{DB}"."intermediate"."int_by_language"': 2,
    }
    assert figures["failing_tests"] == 1
    assert figures["dbt_node_seconds"] == pytest.approx(3.0)
    assert len(figures["per_node"]) == 6 and figures["seconds"] > 0
    assert not (tmp_path / "work" / f"{DB}.duckdb").exists()


def test_a_build_with_a_failed_node_is_not_replayed(tmp_path: Path) -> None:
    target, project = _project(tmp_path, {"model.smm.int_positive": "error"})
    with pytest.raises(ValueError, match="int_positive: error"):
        build_statements(target, project)


def test_overhead_divides_dbt_time_by_the_replay() -> None:
    replayed = {"nodes": 4, "seconds": 2.0, "dbt_node_seconds": 6.0}
    figures = overhead(replayed, dbt_wall=10.0, dbt_elapsed=5.0)
    assert figures == {
        "dbt_over_raw": 5.0,
        "dbt_elapsed_over_raw": 2.5,
        "overhead_per_node_s": 2.0,
        "node_overhead_per_node_s": 1.0,
    }
