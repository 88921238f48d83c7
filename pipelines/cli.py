"""`smm`: generate sample data, run the pipeline, query and inspect the published warehouse."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from pipelines.lib.paths import resolve_paths

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "true")


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group()
def main() -> None:
    """Social-media-marketing analytics warehouse."""


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Landing dir to write.")
@click.option("--days", type=click.IntRange(1, 3650), default=90, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--scale", type=click.IntRange(1, 1000), default=1, show_default=True, help="Multiplies accounts and posts.")
def generate(out: Path, days: int, seed: int, scale: int) -> None:
    """Write a sample landing dir that follows the landing contract (with known defects)."""
    from pipelines.lib.generator import generate as run_generator

    started = time.perf_counter()
    report = run_generator(out, days=days, seed=seed, scale=scale, progress=lambda m: click.echo(f"  {m}"))
    click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    click.echo(f"generated {out} in {time.perf_counter() - started:.1f}s")


@main.command()
def run() -> None:
    """Materialise everything for the configured dirs (SMM_LANDING_DIR, SMM_DATA_DIR, SMM_BRANDS_FILE)."""
    from pipelines.lib.brands import BrandsFileError, load_brands
    from pipelines.lib.landing import LandingDirMissing, scan_landing

    paths = resolve_paths()
    try:
        scan = scan_landing(paths.landing)
        load_brands(paths.brands_file)
    except (LandingDirMissing, BrandsFileError) as exc:
        _fail(str(exc))
    for refusal in scan.refused:
        click.echo(f"refused landing/{refusal.path}: {refusal.reason}", err=True)
    click.echo(f"landing {paths.landing} ({sum(map(len, scan.files.values()))} files) → data {paths.data}")

    from pipelines.lib.runner import run_full_job

    started = time.perf_counter()
    outcome = run_full_job(paths)
    elapsed = time.perf_counter() - started
    paths.runs_dir.mkdir(parents=True, exist_ok=True)
    record = {
        "run_id": outcome.run_id, "status": "success" if outcome.success else "failure",
        "finished_at": datetime.now(UTC).isoformat(), "seconds": round(elapsed, 1), "failed_steps": outcome.failed_steps,
    }
    (paths.runs_dir / "last_run.json").write_text(json.dumps(record, indent=2))
    if not outcome.success:
        click.echo(f"run {outcome.run_id} FAILED after {elapsed:.1f}s; failed steps:", err=True)
        for step, message in outcome.failed_steps.items():
            click.echo(f"  {step}: {message}", err=True)
        click.echo("the previous publication (if any) is unchanged", err=True)
        sys.exit(1)
    from pipelines.lib.summary import warehouse_summary

    click.echo(f"run {outcome.run_id} succeeded in {elapsed:.1f}s; published {paths.published_db}")
    click.echo(warehouse_summary(paths.published_db))


@main.command()
@click.argument("sql")
def query(sql: str) -> None:
    """Run read-only SQL against the published warehouse and print a table."""
    import duckdb

    from pipelines.lib.summary import format_table

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
    """Last run, mart row counts and quarantine counts of the published warehouse."""
    from pipelines.lib.summary import warehouse_summary

    paths = resolve_paths()
    last = paths.runs_dir / "last_run.json"
    if last.exists():
        click.echo(f"== last attempted run: {last.read_text().strip()}")
    if not paths.published_db.exists():
        _fail(f"no published warehouse at {paths.published_db}; run `smm run` first", code=1)
    click.echo(warehouse_summary(paths.published_db))


if __name__ == "__main__":
    main()
