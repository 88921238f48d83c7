"""The whole pipeline, in-process, on a small generated landing dir: every mart, every count."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest.parse_workers import worker_count
from pipelines.runtime.paths import DBT_PROJECT_DIR
from pipelines.schemas import DATASETS
from pipelines.warehouse.dbt import DBT_EXECUTABLE, dbt_env
from pipelines.warehouse.publish import MART_TABLES
from tests.integration.conftest import PARSED_IN_WORKERS

pytestmark = pytest.mark.slow


def test_run_succeeds(pipeline_run) -> None:
    """Success means a publication: marts and ops in the file, every mart filled, the run recorded,
    and its counts equal to what the lake and the quarantine hold."""
    report, paths, outcome = pipeline_run
    assert outcome.success and outcome.refused is None, outcome.failed_steps
    assert all(outcome.checks.values()), [k for k, passed in outcome.checks.items() if not passed]
    con = duckdb.connect(str(paths.published_db), read_only=True)
    try:
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_tables()").fetchall()}
        empty = [t for t in MART_TABLES if not con.execute(f"select count(*) from marts.{t}").fetchone()[0]]
        run = con.execute(
            "select status, landing_files_read, rows_loaded, rows_quarantined from ops.runs where run_id = ?",
            [outcome.run_id],
        ).fetchall()
        quarantined = con.execute(
            "select count(*) from ops.quarantine where run_id = ?", [outcome.run_id]
        ).fetchone()[0]
    finally:
        con.close()
    assert {"marts", "ops"} <= schemas and not empty, (schemas, empty)
    assert len(run) == 1, run
    status, files_read, rows_loaded, rows_quarantined = run[0]
    landing_files = [f for f in paths.landing.glob("*/*/*") if f.is_file()]  # brands.yml is not one
    assert status == "success" and files_read == len(landing_files) == report.files_written - 1
    lake = [f for f in paths.lake.glob("*/*/**/*.parquet") if f.relative_to(paths.lake).parts[0] != "config"]
    assert rows_loaded == sum(pl.read_parquet(f).height for f in lake) > 0
    ingest_quarantine = sum(pl.read_parquet(f).height for f in paths.quarantine.glob("*/*.parquet"))
    assert rows_quarantined == quarantined == ingest_quarantine > 0


def test_the_run_parsed_its_datasets_in_worker_processes(pipeline_run) -> None:
    """The shared run (conftest) sends every dataset of two files or more to the parse workers, so
    every count and mart checked here comes from files parsed there."""
    _, paths, _ = pipeline_run
    if worker_count() < 2:
        pytest.skip("one usable core: the run parses in its own process")
    multi_file = {
        f"landing/{d.platform}/{d.entity}/"
        for d in DATASETS
        if len([f for f in (paths.landing / d.platform / d.entity).glob("*") if f.is_file()]) > 1
    }
    assert multi_file and set(PARSED_IN_WORKERS) == multi_file


def test_every_mart_is_published_and_non_empty(pipeline_run) -> None:
    _, paths, _ = pipeline_run
    con = duckdb.connect(str(paths.published_db), read_only=True)
    try:
        counts = {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in MART_TABLES}
        runs = con.execute("select status, rows_loaded, rows_quarantined from ops.runs").fetchall()
    finally:
        con.close()
    assert all(n > 0 for n in counts.values()), counts
    assert len(runs) == 1 and runs[0][0] == "success" and runs[0][1] > 0 and runs[0][2] > 0
    for table in MART_TABLES:
        assert pl.read_parquet(paths.published_parquet / f"{table}.parquet").height == counts[table]
    assert not list(paths.published_parquet.glob(".*.tmp")), "temp files left at the published path"


def test_every_dataset_reconciles(pipeline_run) -> None:
    _, _, outcome = pipeline_run
    reconcile = {k: v for k, v in outcome.checks.items() if k.endswith(":records_reconcile")}
    assert len(reconcile) == len(DATASETS)
    assert all(reconcile.values()), [k for k, v in reconcile.items() if not v]


def test_generator_defects_reach_quarantine(pipeline_run) -> None:
    report, paths, _ = pipeline_run
    con = duckdb.connect(str(paths.published_db), read_only=True)
    try:
        reasons = [r[0] for r in con.execute("select reason from ops.quarantine").fetchall()]
    finally:
        con.close()
    invalid_json = sum(r.startswith("invalid JSON") for r in reasons)
    missing_fetched = sum(r == "envelope: missing fetched_at" for r in reasons)
    api_errors = sum(r.startswith("API error body") for r in reasons)
    defects = report.defects
    assert invalid_json == defects["malformed_json"] > 0
    assert missing_fetched == defects["missing_fetched_at"] > 0
    assert api_errors == sum(n for kind, n in defects.items() if kind.endswith("api_error")) > 0


def test_the_published_file_holds_marts_and_ops_only(pipeline_run) -> None:
    """Readers get the contract (marts) and the run record (ops); the pipeline's staging, intermediate
    and seed tables stay in its private build file."""
    _, paths, _ = pipeline_run
    with duckdb.connect(str(paths.published_db), read_only=True) as con:
        schemas = {
            row[0] for row in con.execute("select distinct schema_name from duckdb_tables()").fetchall()
        }
        views = con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0]
    assert schemas == {"marts", "ops"}
    assert views == 0
    with duckdb.connect(str(paths.last_build_db), read_only=True) as con:
        kept = {row[0] for row in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    assert {"staging", "intermediate", "marts", "ops"} <= kept


def test_the_deleted_post_is_flagged_not_dropped(pipeline_run) -> None:
    report, paths, _ = pipeline_run
    con = duckdb.connect(str(paths.published_db), read_only=True)
    try:
        deleted = set(
            con.execute("select platform, post_id from marts.dim_posts where is_deleted").fetchall()
        )
    finally:
        con.close()
    assert {tuple(p) for p in report.deleted_posts} <= deleted


def test_every_dbt_unit_test_passes_against_the_built_warehouse(pipeline_run, tmp_path: Path) -> None:
    """Runs build without dbt unit tests; they run here, against a copy of the kept build file
    (dbt reads the column types of each tested model's inputs from it)."""
    _, paths, _ = pipeline_run
    home = tmp_path / "home"  # the profile's build file is ~/smm_build.duckdb
    home.mkdir()
    shutil.copy(paths.last_build_db, home / paths.build_db.name)
    # The run's parse serves here too: nothing data-dir specific is in dbt's partial-parse state.
    (tmp_path / "target").mkdir()
    shutil.copy(paths.build_dir / "dbt_target" / "partial_parse.msgpack", tmp_path / "target")
    env = {**os.environ, **dbt_env(paths), "HOME": str(home)}
    proc = subprocess.run(
        [
            DBT_EXECUTABLE,
            "test",
            "--select",
            "test_type:unit",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    assert len(manifest["unit_tests"]) >= 20
    assert sorted(r["unique_id"] for r in results) == sorted(manifest["unit_tests"])
    assert {r["status"] for r in results} == {"pass"}


def test_missing_landing_dir_fails_clearly(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipelines.cli import main

    result = CliRunner().invoke(
        main, ["run"], env={"SMM_LANDING_DIR": str(tmp_path / "nope"), "SMM_DATA_DIR": str(tmp_path / "data")}
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output and "SMM_LANDING_DIR" in result.output


def test_no_html_entity_is_left_in_any_mart_text(pipeline_run) -> None:
    """X tweets, VK posts and YouTube search snippets arrive HTML-escaped (the generator sends them so):
    the parsers unescape them once, so no text column of the marts holds `&amp;`, `&#39;`, `&quot;`…
    (an alias like "AMP" would otherwise match every escaped tweet), and the lake has the characters."""
    _, paths, _ = pipeline_run
    entity = r"&([a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);"
    con = duckdb.connect(str(paths.published_db), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and data_type = 'VARCHAR'"
        ).fetchall()
        escaped = {
            f"{table}.{column}": n
            for table, column in columns
            if (
                n := con.execute(
                    f'select count(*) from marts."{table}" where regexp_matches("{column}", ?)', [entity]
                ).fetchone()[0]
            )
        }
    finally:
        con.close()
    assert ("dim_posts", "text") in columns
    assert not escaped, escaped
    for platform, dataset, column, character in [
        ("x", "tweets", "text", "&"),
        ("vk", "wall", "text", '"'),
        ("youtube", "search", "title", "'"),  # "Огляд кав'ярні …", sent as "кав&#39;ярні"
    ]:
        lake = pl.read_parquet(paths.lake / platform / dataset / "**" / "*.parquet")
        assert lake.filter(pl.col(column).str.contains(character, literal=True)).height > 0, dataset
        assert lake.filter(pl.col(column).str.contains(entity)).height == 0, dataset


def test_garbled_comments_reach_the_lake_repaired(pipeline_run) -> None:
    """The generator sends some Facebook comments as mojibake (UTF-8 read as Windows-1252)."""
    report, paths, _ = pipeline_run
    landed = "".join(
        p.read_text(encoding="utf-8") for p in (Path(report.out) / "facebook" / "comments").iterdir()
    )
    mojibake = r"Ð[¡-¿]|Ñ[\x80-¿]|ðŸ"
    assert re.search(mojibake, landed)
    lake = pl.read_parquet(paths.lake / "facebook" / "comments" / "**" / "*.parquet")
    assert lake.filter(pl.col("message").str.contains(mojibake)).height == 0
    assert lake.filter(pl.col("message").str.contains("[а-яіїє]")).height > 0


def _latest_site_sessions(landing: Path) -> dict[str, int]:
    """Site sessions per GA4 date as the landing's latest capture run of that date reports them (its
    pages share the hour of fetched_at; defective lines skipped), read straight from the runReport pages."""
    by_run: dict[tuple[str, str], int] = {}
    pages: set[tuple[str, int]] = set()
    for path in sorted((landing / "ga4" / "traffic").glob("*.jsonl")):
        for raw in path.read_bytes().splitlines():
            try:
                env = json.loads(raw)
                response = env["response"]
                run = env["fetched_at"][:13]
                names = [h["name"] for h in response["dimensionHeaders"]]
                page = (env["fetched_at"], env["params"]["offset"])
            except (ValueError, KeyError, TypeError):
                continue
            if page in pages:  # a page landed twice (a retried request) counts once
                continue
            pages.add(page)
            for row in response.get("rows", []):
                day = dict(zip(names, (v["value"] for v in row["dimensionValues"]), strict=True))["date"]
                by_run[(day, run)] = by_run.get((day, run), 0) + int(row["metricValues"][0]["value"])
    latest: dict[str, tuple[str, int]] = {}
    for (day, run), sessions in by_run.items():
        if day not in latest or run > latest[day][0]:
            latest[day] = (run, sessions)
    return {f"{d[:4]}-{d[4:6]}-{d[6:]}": sessions for d, (_, sessions) in latest.items()}


def test_social_traffic_post_conversions_and_the_conversion_goal(pipeline_run) -> None:
    """GA4 end to end: both marts cover at least five platforms with sane rates, posts have attributed
    sessions, each date's site total is its latest capture's, and the '+15 % conversions from social'
    goal has its baseline, derived target, actual and projection (also in the run summary)."""
    from pipelines.reports.summary import warehouse_summary

    _, paths, _ = pipeline_run
    with duckdb.connect(str(paths.published_db), read_only=True) as con:
        traffic = con.execute(
            "select date, platform, sessions, engaged_sessions, conversions, conversion_rate, "
            "engaged_session_rate, social_share_of_sessions from marts.fct_social_traffic_daily"
        ).fetchall()
        posts = con.execute(
            "select c.platform, c.post_id, c.sessions, c.conversions, c.conversion_rate, d.post_id "
            "from marts.fct_post_conversions as c left join marts.dim_posts as d using (platform, post_id)"
        ).fetchall()
        site_totals = dict(
            con.execute(
                "select cast(date as varchar), arg_max(sessions / social_share_of_sessions, sessions) "
                "from marts.fct_social_traffic_daily group by date"
            ).fetchall()
        )
        [goal] = con.execute(
            "select baseline, change, target, actual, projected_at_end, pct_of_target "
            "from marts.fct_goal_progress where metric = 'conversions'"
        ).fetchall()
    assert len({row[1] for row in traffic}) >= 5 and len({row[0] for row in posts}) >= 5
    for _date, _platform, sessions, engaged, conversions, *rates in traffic:
        assert sessions > 0 and engaged <= sessions and conversions <= sessions
        assert all(0 <= rate <= 1 for rate in rates)
    assert posts and all(sessions > 0 and 0 <= rate <= 1 for _, _, sessions, _, rate, _ in posts)
    assert all(own is not None for *_, own in posts), "attributed posts are own posts"
    landing = _latest_site_sessions(paths.landing)
    assert site_totals and all(abs(total - landing[day]) < 1e-6 for day, total in site_totals.items())
    baseline, change, target, actual, projected, pct = goal
    assert change == pytest.approx(0.15) and baseline > 0
    assert target == pytest.approx(baseline * 1.15) and actual > 0 and projected >= actual
    assert pct == pytest.approx(actual / target)
    summary = warehouse_summary(paths.published_db)
    assert "== social traffic to the own brands' sites (GA4" in summary
    assert re.search(r"aurora_coffee\s+all\s+conversions\s+\S+\s+\S+\s+[\d.]+\s+15\.0", summary), summary
