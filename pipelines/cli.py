"""`smm`: generate sample data, run the pipeline, query and inspect the published warehouse."""

from __future__ import annotations

import contextlib
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
@click.option("--brand", default=None, help="Brand id from brands.yml (default: the own brand).")
@click.option("--period", "kind", type=click.Choice(["week", "month"]), default="week", show_default=True)
@click.option(
    "--end",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The period's last day, YYYY-MM-DD (default: the last complete week or month with data).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write (default: $SMM_DATA_DIR/reports/<brand>/<period end>/).",
)
def report(brand: str | None, kind: str, end: datetime | None, out: Path | None) -> None:
    """Write a brand's report from the published warehouse: report.html, report.pdf and CSVs.

    The brand against the previous period and its competitor set: community, engagement, share of
    voice, responsiveness, goals, social traffic. Exit 0 when written, 1 when only the PDF failed
    (HTML and CSVs are there), 2 when nothing could be written.
    """
    from pipelines.reports.report_build import write_report
    from pipelines.reports.report_pdf import PdfError
    from pipelines.reports.report_scope import ReportError

    paths = resolve_paths()
    try:
        files = write_report(
            paths.published_db,
            paths.data / "reports",
            brand=brand,
            kind=kind,
            end=end and end.date(),
            out=out,
        )
    except ReportError as exc:
        _fail(str(exc))
    except PdfError as exc:
        _fail(str(exc), code=1)
    click.echo(f"{files.scope.brand_id}, {files.scope.period.label()}: {len(files.csvs)} CSV files")
    click.echo(f"report: {files.html}")
    click.echo(f"pdf:    {files.pdf}")


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
    default="full,rerun,empty,new-day,marginal,peer,dbt-sql",
    show_default=True,
    help="Comma-separated subset of full,rerun,empty,new-day,marginal,peer,dbt-sql (full is required).",
)
@click.option(
    "--small-scale",
    type=click.IntRange(1, 1000),
    default=None,
    help="The marginal scenario's smaller scale (same days and seed); default: a tenth of --scale, at least 1.",
)
def bench(
    scale: int,
    days: int,
    seed: int,
    out: Path | None,
    json_path: Path | None,
    scenarios: str,
    small_scale: int | None,
) -> None:
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
            small_scale=small_scale,
        )
    )


@main.command()
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    help="Only this platform (repeatable); default: every platform with a connector.",
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Fetch from this date (UTC).")
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Fetch up to this date, inclusive."
)
def extract(platforms: tuple[str, ...], since: datetime | None, until: datetime | None) -> None:
    """Pull each platform's API into the landing dir as capture files (see docs/extract.md).

    Tokens come from SMM_VK_TOKEN, SMM_TIKTOK_TOKEN, SMM_X_BEARER_TOKEN, ... (Telegram: SMM_TELEGRAM_API_ID,
    SMM_TELEGRAM_API_HASH, SMM_TELEGRAM_SESSION); a platform without its token is skipped with a note.
    SMM_API_BASE_URL sends every HTTP platform to one base URL (the sandbox). Progress: a bar per platform
    on a terminal, a line per account otherwise.
    Exit 0 when every configured account was fetched, 1 when some failed (named), 2 on bad configuration.
    """
    from datetime import timedelta

    from pipelines.extract.lock import ExtractLocked
    from pipelines.extract.progress import for_stream
    from pipelines.extract.registry import CONNECTORS, PLANNED
    from pipelines.extract.run import extract as run_extract
    from pipelines.ingest.brands import BrandsFileError, load_brands

    chosen = list(dict.fromkeys(platforms)) or list(CONNECTORS)
    for name in chosen:
        if name in PLANNED:
            _fail(f"--platform {name}: no connector yet (available: {', '.join(CONNECTORS)})")
        if name not in CONNECTORS:
            _fail(f"--platform {name}: unknown platform (available: {', '.join(CONNECTORS)})")
    start = since.replace(tzinfo=UTC) if since else None
    end = (until.replace(tzinfo=UTC) + timedelta(days=1)) if until else None
    if start and end and start >= end:
        _fail("--since must be on or before --until")
    paths = resolve_paths()
    if not paths.landing.is_dir():
        _fail(f"landing dir {paths.landing} does not exist; set SMM_LANDING_DIR")
    try:
        brands = load_brands(paths.brands_file)
    except BrandsFileError as exc:
        _fail(f"{exc} — fix {paths.brands_file.name} and rerun")
    except FileNotFoundError:
        _fail(f"no brands file at {paths.brands_file}; set SMM_BRANDS_FILE")
    try:
        summary = run_extract(
            [CONNECTORS[name] for name in chosen],
            brands,
            paths.landing,
            paths.data,
            since=start,
            until=end,
            progress=for_stream(sys.stdout, click.echo),
        )
    except ValueError as exc:  # a malformed SMM_EXTRACT_* setting
        _fail(str(exc))
    except ExtractLocked as exc:
        _fail(str(exc))
    click.echo(f"extract run {summary.run_id} → {paths.landing}")
    for platform in summary.platforms:
        click.echo(f"  {platform.line()}")
    click.echo(f"  {summary.total_line()}")
    if summary.failed:
        click.echo("failed:", err=True)
        for platform in summary.platforms:
            for failure in platform.failures:
                click.echo(f"  {failure}", err=True)
        sys.exit(1)


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--days", type=click.IntRange(1, 3650), default=90, show_default=True)
@click.option("--scale", type=click.IntRange(1, 1000), default=1, show_default=True)
@click.option("--page-size", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option(
    "--burst", type=click.IntRange(0), default=0, help="Refuse one request after this many (0: off)."
)
@click.option("--retry-after", type=click.IntRange(1, 3600), default=1, show_default=True)
@click.option(
    "--fail-every", type=click.IntRange(0), default=0, help="Every Nth request answers 503 (0: off)."
)
def sandbox(
    port: int, seed: int, days: int, scale: int, page_size: int, burst: int, retry_after: int, fail_every: int
) -> None:
    """Serve the HTTP platform APIs on 127.0.0.1 for the world `smm generate` writes with the same options."""
    import tempfile

    from pipelines.sandbox.api.server import Sandbox, SandboxSettings, tokens_from_env
    from pipelines.sandbox.api.world import load_world
    from pipelines.sandbox.generator import generate as run_generator

    with tempfile.TemporaryDirectory(prefix="smm-sandbox-") as temp:
        run_generator(Path(temp), days=days, seed=seed, scale=scale)
        world = load_world(Path(temp))
    settings = SandboxSettings(
        tokens=tokens_from_env(),
        page_size=page_size,
        burst=burst,
        retry_after=retry_after,
        fail_every=fail_every,
    )
    server = Sandbox(world, settings)
    try:
        base_url = server.start(port)
    except OSError as exc:
        _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}")
    # GA4 signs in with a service-account key: the sandbox made one of its own (removed when it stops).
    ga4_key = server.write_ga4_key(
        Path(tempfile.gettempdir())
        / f"smm-sandbox-{base_url.rsplit(':', 1)[-1]}"
        / "ga4-service-account.json"
    )
    click.echo(f"sandbox serving {world.day} (seed {seed}, {days} days, scale {scale}) at {base_url}")
    click.echo(f"  export SMM_API_BASE_URL={base_url}   # then: smm extract")
    click.echo(f"  export SMM_GA4_CREDENTIALS={ga4_key}   # the sandbox's own service-account key")
    click.echo("  Ctrl-C (or SIGTERM) stops it")
    import signal

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop cleanly when a script ends us
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        ga4_key.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            ga4_key.parent.rmdir()
        counters = server.counters
        click.echo(
            f"sandbox stopped: {counters.requests} requests, pages {dict(counters.pages)}, "
            f"{counters.rate_limited} rate-limited, {counters.faults} faults"
        )


def entry() -> None:
    """The `smm` command (pyproject's script): `main`, then the process ends without interpreter teardown
    (runtime/process_exit.py). Tests call `main` itself."""
    from pipelines.runtime.process_exit import exit_code, exit_now

    try:
        main()
    except SystemExit as done:  # click ends every command this way
        exit_now(exit_code(done.code))
    exit_now(0)


if __name__ == "__main__":
    entry()
