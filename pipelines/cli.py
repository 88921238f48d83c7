"""`smm`: generate sample data, run the pipeline, query and inspect the published warehouse."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipelines.runtime.paths import resolve_paths

if TYPE_CHECKING:
    from pipelines.ingest.landing import LandingScan
    from pipelines.runtime.paths import Paths
    from pipelines.runtime.run_options import RunOptions

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "true")


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group()
def main() -> None:
    """Social-media-marketing analytics warehouse."""


@main.command()
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Landing dir to write."
)
@click.option("--days", type=click.IntRange(1, 3650), default=90, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--scale",
    type=click.IntRange(1, 1000),
    default=1,
    show_default=True,
    help="Multiplies accounts and posts.",
)
def generate(out: Path, days: int, seed: int, scale: int) -> None:
    """Write a sample landing dir that follows the landing contract (with known defects)."""
    from pipelines.sandbox.generator import generate as run_generator

    started = time.perf_counter()
    report = run_generator(out, days=days, seed=seed, scale=scale, progress=lambda m: click.echo(f"  {m}"))
    click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    click.echo(f"generated {out} in {time.perf_counter() - started:.1f}s")


@main.command()
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Re-parse landing files fetched on or after this date (YYYY-MM-DD), even if parsed before.",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Re-parse landing files fetched on or before this date (YYYY-MM-DD), even if parsed before.",
)
@click.option(
    "--full-refresh",
    is_flag=True,
    help="Re-parse every landing file (ignore the parse cache) and rebuild every dbt model from scratch.",
)
@click.option(
    "--if-changed",
    is_flag=True,
    help="Do nothing (exit 0) when landing files, brands.yml, the key and code are what the publication was built from.",
)
@click.option(
    "--wait",
    "wait_seconds",
    type=click.IntRange(0, 24 * 3600),
    default=0,
    show_default=True,
    help="Seconds to wait for a run in progress on the same data dir (0: refuse at once, naming it).",
)
def run(
    since: datetime | None, until: datetime | None, full_refresh: bool, if_changed: bool, wait_seconds: int
) -> None:
    """Materialise everything for the configured dirs (SMM_LANDING_DIR, SMM_DATA_DIR, SMM_BRANDS_FILE).

    Runs the same job as the schedule, the sensor and the UI, with the same preflight: the data dir's
    run lock, the published-file check and the run plan (what to parse, how dbt builds). Only new or
    changed landing files are parsed, and dbt's incremental models rebuild only the fetch dates in
    the plan's window. --since/--until re-parse a date range (a backfill). --if-changed suits cron:
    a run with nothing new costs seconds instead of a rebuild.

    One run at a time per data dir. Exit 0 on success, 1 when the run failed (the previous
    publication stays), 2 when it was refused before starting.
    """
    from pipelines.ingest.brands import BrandsFileError, load_brands
    from pipelines.ingest.landing import LandingDirMissing, scan_landing
    from pipelines.runtime.disk import DiskFull, disk_full_message, is_disk_full
    from pipelines.runtime.run_lock import RunLocked, run_lock
    from pipelines.runtime.run_options import RunOptions, RunOptionsError
    from pipelines.warehouse.publish import PublishError, check_published_not_locked

    try:
        options = RunOptions(
            full_refresh=full_refresh, since=since and since.date(), until=until and until.date()
        )
    except RunOptionsError as exc:
        _fail(f"--since/--until: {exc}")
    if if_changed and options != RunOptions():
        _fail("--if-changed cannot be combined with --since/--until/--full-refresh (those always run)")
    paths = resolve_paths()
    try:
        scan = scan_landing(paths.landing)
        load_brands(paths.brands_file)
        if not wait_seconds:
            # The job's own preflight is the authority; this says the same at once, before Dagster loads.
            check_published_not_locked(paths)
            with run_lock(paths):
                pass
    except BrandsFileError as exc:
        _fail(
            f"{exc} — fix {paths.brands_file.name} (shape: docs/landing-contract.md, 'brands.yml') and rerun"
        )
    except (LandingDirMissing, PublishError, RunLocked) as exc:
        _fail(str(exc))
    try:
        _run(paths, scan, options, if_changed, wait_seconds)
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        _fail(
            str(exc) if isinstance(exc, DiskFull) else disk_full_message(exc.filename or paths.data), code=1
        )


def _run(paths: Paths, scan: LandingScan, options: RunOptions, if_changed: bool, wait_seconds: int) -> None:
    """Launch the job (its own preflight takes the run lock and plans the run)."""
    from pipelines.runtime.disk import failure_headline, is_disk_full
    from pipelines.runtime.preflight import plan_for

    if if_changed:
        checked = plan_for(paths, options, scan)
        if checked.plan.nothing_to_do:
            run_id = checked.previous.run_id if checked.previous else "?"
            click.echo(
                f"nothing new: landing files, brands.yml, the key and code are those run {run_id} published "
                f"({paths.published_db}); not running"
            )
            return

    for refusal in scan.refused:
        click.echo(f"refused landing/{refusal.path}: {refusal.reason}", err=True)
    click.echo(f"landing {paths.landing} ({sum(map(len, scan.files.values()))} files) → data {paths.data}")
    click.echo(options.describe())

    from pipelines.runner import run_full_job

    started = time.perf_counter()
    outcome = run_full_job(paths, options=options, wait_seconds=wait_seconds)
    if outcome.refused:
        _fail(outcome.refused)
    elapsed = time.perf_counter() - started
    record = {
        "run_id": outcome.run_id,
        "status": "success" if outcome.success else "failure",
        "finished_at": datetime.now(UTC).isoformat(),
        "seconds": round(elapsed, 1),
        "failed_steps": outcome.failed_steps,
    }
    try:
        paths.runs_dir.mkdir(parents=True, exist_ok=True)
        (paths.runs_dir / "last_run.json").write_text(json.dumps(record, indent=2))
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        click.echo(f"warning: could not record {paths.runs_dir / 'last_run.json'}: disk full", err=True)
    if not outcome.success and (headline := failure_headline(outcome.failed_steps.values(), paths.data)):
        # One cause behind every failed step (a full disk): say it once, not once per step.
        _fail(f"run {outcome.run_id} failed: {headline}", code=1)
    if not outcome.success:
        click.echo(f"run {outcome.run_id} FAILED after {elapsed:.1f}s; failed steps:", err=True)
        for step, message in outcome.failed_steps.items():
            click.echo(f"  {step}: {message}", err=True)
        click.echo("the previous publication (if any) is unchanged", err=True)
        sys.exit(1)
    from pipelines.reports.summary import warehouse_summary

    click.echo(f"run {outcome.run_id} succeeded in {elapsed:.1f}s; published {paths.published_db}")
    click.echo(warehouse_summary(paths.published_db))


@main.command()
@click.argument("sql")
def query(sql: str) -> None:
    """Run read-only SQL against the published warehouse and print a table."""
    import duckdb

    from pipelines.reports.summary import format_table

    paths = resolve_paths()
    if not paths.published_db.exists():
        _fail(f"no published warehouse at {paths.published_db}; run `smm run` first")
    con = duckdb.connect(str(paths.published_db), read_only=True)
    try:
        click.echo(format_table(con, sql))
    except duckdb.Error as exc:
        _fail(f"query failed: {exc}")
    finally:
        con.close()


@main.command()
def status() -> None:
    """Last run, latest validation failures, mart row counts and quarantine of the published warehouse."""
    from pipelines.reports.summary import warehouse_summary

    paths = resolve_paths()
    last = paths.runs_dir / "last_run.json"
    if last.exists():
        click.echo(f"== last attempted run: {last.read_text().strip()}")
    from pipelines.quality.validation_report import status_lines

    click.echo("\n".join(status_lines(paths.validation)))
    if not paths.published_db.exists():
        _fail(f"no published warehouse at {paths.published_db}; run `smm run` first", code=1)
    click.echo(warehouse_summary(paths.published_db))


@main.command()
@click.option("--scale", type=click.IntRange(1, 1000), default=1, show_default=True)
@click.option("--days", type=click.IntRange(1, 3650), default=90, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep landing and data here (default: a temp dir, removed afterwards).",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write every figure as JSON here.",
)
@click.option(
    "--scenarios",
    default="full,rerun,empty,new-day",
    show_default=True,
    help="Comma-separated subset of full,rerun,empty,new-day (full is required).",
)
def bench(scale: int, days: int, seed: int, out: Path | None, json_path: Path | None, scenarios: str) -> None:
    """Benchmark the full pipeline per stage against a plain-DuckDB floor (see pipelines/bench/scenarios.py)."""
    from pipelines.bench.scenarios import main as bench_main

    sys.exit(
        bench_main(
            scale,
            days,
            out,
            json_path,
            seed,
            [s.strip() for s in scenarios.split(",") if s.strip()],
            echo=click.echo,
        )
    )


if __name__ == "__main__":
    main()
