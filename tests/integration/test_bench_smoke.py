"""`smm bench` at the tiniest scale, so the benchmark cannot rot: every figure it reports exists and is positive.

No wall-clock thresholds: the figures depend on the machine. To keep the suite fast only the full-run
scenario runs (a whole pipeline run); the re-run, empty-landing, one-new-day and marginal scenarios take the
same code path (`_measure`) with other dirs and run in `make bench`, so here their ratios are reported as not
measured. The dlt peer (~15 s, most of it dlt's start) and the dbt-SQL replay (~3 s) run on the full run's
landing and dbt target: they are checked against what that run really read and built.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.bench.scenarios import TARGETS
from pipelines.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    root = tmp_path_factory.mktemp("bench")
    json_path = root / "bench.json"
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "--scale",
            "1",
            "--days",
            "2",
            "--out",
            str(root / "work"),
            "--json",
            str(json_path),
            "--scenarios",
            "full,peer,dbt-sql",
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(json_path.read_text()), result.output


def _capture_lines(landing: Path) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in landing.glob("*/*/*.jsonl"))


def test_the_floor_read_every_capture_line(bench_run) -> None:
    figures, output = bench_run
    floor, landing = figures["floor"], figures["landing"]
    assert floor["seconds"] > 0 and floor["mb"] > 0 and floor["files"] > 0
    # The floor skips the generator's malformed lines; every other capture line is read.
    assert 0 < floor["lines"] <= landing["lines"]
    assert floor["mb"] <= landing["mb"]
    assert "floor (DuckDB read_json_objects" in output


def test_every_scenario_ran_and_succeeded(bench_run) -> None:
    figures, output = bench_run
    runs = figures["runs"]
    assert set(runs) == {"full"}
    for name, run in runs.items():
        assert run["success"], (name, run["failed_steps"])
        assert run["wall_seconds"] > 0 and run["peak_rss_mb"] > 0, name
        assert f"run {name}: ok" in output


def test_full_run_reports_every_stage_with_positive_figures(bench_run) -> None:
    figures, _ = bench_run
    stages = {s["stage"]: s for s in figures["runs"]["full"]["stages"]}
    platforms = {"facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "vk", "telegram", "listening"}
    assert {f"ingest {p}" for p in platforms} <= set(stages)
    for name in [*(f"ingest {p}" for p in platforms), "dbt", "publish"]:
        stage = stages[name]
        assert stage["seconds"] > 0 and stage["rows"] > 0 and stage["mb"] > 0, name
        assert stage["rows_per_s"] > 0 and stage["mb_per_s"] > 0 and stage["peak_rss_mb"] > 0, name
    # Validation has three parts: GX on the build file (its own step), dbt's tests inside the dbt step,
    # and the raw GX suites inside each ingest step.
    validation = stages["validation"]
    assert validation["seconds"] > 0 and validation["rows"] > 0 and validation["peak_rss_mb"] > 0
    for part in ("  validation: dbt tests (node-s)", "  validation: raw GX in ingest"):
        assert stages[part]["rows"] > 0 and stages[part]["seconds"] > 0, part
    # Every lake row passes through a raw suite (tiny data is never sampled).
    assert stages["  validation: raw GX in ingest"]["rows"] == stages["dbt"]["rows"]
    # Wall time is the process's: the stages and the startup remainder add up to it.
    assert sum(s["seconds"] for n, s in stages.items() if not n.startswith(" ")) == pytest.approx(
        figures["runs"]["full"]["wall_seconds"], rel=0.01
    )


def test_ingest_reads_every_landing_byte_and_the_lake_is_filled(bench_run) -> None:
    figures, _ = bench_run
    full = figures["runs"]["full"]
    assert full["ingest_records"] > 0 and figures["lake"]["rows"] > 0 and figures["lake"]["mb"] > 0
    # Ingest's bytes are the whole landing minus brands.yml.
    assert 0 < figures["landing"]["mb"] - full["ingest_mb"] < 0.1


def test_every_target_of_the_full_run_has_a_measured_ratio(bench_run) -> None:
    figures, output = bench_run
    ratios = figures["ratios"]
    not_run = {"fixed_overhead_s", "fixed_overhead_cpu_s", "new_day_over_full", "new_day_over_full_cpu"}
    for key in [*TARGETS, "full_over_floor_cpu", "ingest_over_floor"]:
        if key in not_run:
            assert ratios[key] is None, f"{key}: its scenario did not run"
            continue
        assert ratios[key] is not None and ratios[key] > 0, key
    assert "targets (issue 14):" in output
    assert "fixed_overhead_s   not measured" in output
    assert "new_day_over_full  not measured" in output


def test_the_dlt_peer_loaded_every_capture_line_it_could_parse(bench_run) -> None:
    figures, output = bench_run
    peer, landing = figures["peer"], Path(figures["params"]["root"]) / "landing"
    assert peer["success"], peer["log_tail"]
    assert peer["files"] == figures["floor"]["files"] and peer["datasets"] > 20
    # One top-level row per capture line, but the generator's malformed lines, which are counted.
    assert peer["lines_skipped"] > 0
    assert peer["rows_top_level"] + peer["lines_skipped"] == _capture_lines(landing)
    # Normalised: nested lists (posts in a page, values in an insight) became child tables.
    assert peer["child_tables"] > 0 and peer["rows_all_tables"] > peer["rows_top_level"]
    assert peer["seconds"] > 0 and peer["cpu_seconds"] > 0
    assert figures["ratios"]["ingest_over_dlt"] > 0 and figures["ratios"]["ingest_over_dlt_cpu"] > 0
    assert "issue 14 comparisons (same invocation):" in output and "ours ÷ dlt" in output


def test_the_replayed_dbt_sql_rebuilds_what_dbt_built(bench_run) -> None:
    figures, output = bench_run
    replay, stages = figures["dbt_sql"], {s["stage"]: s for s in figures["runs"]["full"]["stages"]}
    # Every model and seed dbt materialized (as Dagster recorded them) was replayed, and dbt's tests
    # passed in the run, so the same test SQL finds no failure in the replay.
    assert (
        replay["by_kind"]["model"] + replay["by_kind"]["seed"]
        == stages["  dbt models+seeds (node-s)"]["rows"]
    )
    assert replay["by_kind"]["test"] >= stages["  validation: dbt tests (node-s)"]["rows"] > 0
    assert replay["failing_tests"] == 0
    # The marts the run published hold the rows the replay built.
    published = Path(figures["params"]["root"]) / "data" / "warehouse" / "smm.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        names = con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
        marts = {name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0] for (name,) in names}
    replayed = {k.split(".")[-1].strip('"'): v for k, v in replay["table_rows"].items() if '."marts".' in k}
    assert replayed == marts and sum(marts.values()) > 0
    assert replay["dbt_over_raw"] > 0 and figures["ratios"]["dbt_over_raw_sql"] == replay["dbt_over_raw"]
    assert "dbt ÷ raw SQL" in output
