"""`smm bench`: how the pipeline's cost grows with data, against the fastest possible read of the same data.

One invocation, on generated scale-K landing data of N days:
- the FLOOR: plain DuckDB reading and JSON-parsing every raw capture line once
  (`read_json_objects` over `**/*.jsonl`, no Dagster, dbt or validation), best of two warm runs;
- a FULL run of the `smm_full` job on an empty data dir, per stage (ingest per platform with its raw GX
  suites, dbt with its models and its tests, GX validation of the build, publish): wall time, rows and MB per second, peak memory of the
  whole process tree (see bench_run);
- a RE-RUN on unchanged data (every run is a full rebuild today, so this is the cost of "nothing new");
- an EMPTY-LANDING run (brands.yml only, empty data dir): the true fixed overhead;
- a ONE-NEW-DAY run: day N+1's files (same seed) land beside the first N days, and the job runs again
  on the data dir of the previous runs (see `_new_day`);
- MARGINAL cost: a full run at a smaller scale (same days and seed) beside the big one, its delta set
  against the floor's cost for the extra bytes (bench/marginal.py);
- a PEER: dlt loading the same capture files into DuckDB, normalised (bench/peer.py);
- DBT-SQL: the full run's dbt build replayed as plain SQL in one DuckDB connection (bench/dbt_sql.py).

Rows and MB are per stage input: landing records and bytes for ingest, lake rows and Parquet bytes for
dbt, mart rows and the warehouse file for publish. MB = 10^6 bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pipelines.bench.comparisons import comparison_lines
from pipelines.bench.measured_run import MeasuredRun, measured_run
from pipelines.runtime.memory import BUDGET_ENV, DEFAULT_BUDGET, MEMORY_LIMIT_ENV

# marginal, peer and dbt-sql are issue 14's comparisons, made in the same invocation as the runs.
SCENARIOS = ("full", "rerun", "empty", "new-day", "marginal", "peer", "dbt-sql")
# Issue 14's targets for one invocation (its others are printed with the comparisons): full run ≤ 15×
# the floor, peak ≤ 3 GB, one new day ≤ 10% of a full run, an empty landing ≤ 10 s.
TARGETS = {
    "full_over_floor": 15.0,
    "peak_rss_mb": 3000.0,
    "new_day_over_full": 0.10,
    "fixed_overhead_s": 10.0,
}
_GEN_START = date(2026, 1, 1)  # the generator's default first day
Echo = Callable[[str], None]


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def measure_floor(landing: Path, pattern: str = "**/*.jsonl", repeats: int = 2) -> dict[str, Any]:
    """Plain DuckDB: read and JSON-parse every capture line matching `pattern` once; best of `repeats`.

    Malformed lines (the generator's defects) are skipped, not counted: the floor only has to read them.
    """
    import duckdb

    files = sorted(landing.glob(pattern))
    if not files:
        return {"seconds": 0.0, "cpu_seconds": 0.0, "lines": 0, "mb": 0.0, "files": 0}
    sql = (
        f"select count(*) from read_json_objects('{_sql_path(landing)}/{pattern}', "
        "format = 'newline_delimited', ignore_errors = true)"
    )
    best, best_cpu, lines = float("inf"), float("inf"), 0
    for _ in range(repeats):
        con = duckdb.connect()
        try:
            cpu_before, started = time.process_time(), time.perf_counter()
            lines = con.execute(sql).fetchone()[0]
            best = min(best, time.perf_counter() - started)
            best_cpu = min(best_cpu, time.process_time() - cpu_before)
        finally:
            con.close()
    mb = sum(f.stat().st_size for f in files) / 1e6
    return {"seconds": best, "cpu_seconds": best_cpu, "lines": lines, "mb": mb, "files": len(files)}


def _dir_mb(root: Path, suffix: str = "") -> float:
    return (
        sum(p.stat().st_size for p in root.rglob(f"*{suffix}") if p.is_file()) / 1e6 if root.exists() else 0.0
    )


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def machine() -> dict[str, Any]:
    """Cores, memory and load: the context every figure needs."""
    mem_total = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = int(line.split()[1]) * 1024
    except OSError:
        pass
    import duckdb

    return {
        "cores": os.cpu_count(),
        "memory_gb": round(mem_total / 1e9, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "memory_budget": os.environ.get(BUDGET_ENV, f"{DEFAULT_BUDGET} (default)"),
        "duckdb_memory_limit": os.environ.get(MEMORY_LIMIT_ENV, "the budget less the process beside DuckDB"),
        "loadavg_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def _stage_of(step: str) -> str:
    """Which benchmark stage a Dagster step belongs to."""
    if step == "brands_config":
        return "ingest config"
    if step.startswith("lake__"):
        return f"ingest {step.split('__')[1]}"
    if step.startswith("dbt"):
        return "dbt"
    if "publish" in step:
        return "publish"
    if any(word in step for word in ("valid", "expect", "check", "gx")):
        return "validation"
    return f"other {step}"


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def stage_figures(run: MeasuredRun, paths_lake: Path, published_db: Path) -> list[dict[str, Any]]:
    """Per stage: seconds (sum of its steps), input rows and MB, rates, peak tree RSS during its steps."""
    steps = run.record.get("steps", {})
    materializations = run.record.get("materializations", [])
    checks = run.record.get("checks", [])
    stages: dict[str, dict[str, Any]] = {}
    for step, times in steps.items():
        stage = stages.setdefault(
            _stage_of(step), {"seconds": 0.0, "cpu_seconds": 0.0, "rows": 0.0, "mb": 0.0, "peak_rss_mb": 0.0}
        )
        start, end = times.get("start"), times.get("end")
        if start is None or end is None:
            continue
        stage["seconds"] += end - start
        stage["cpu_seconds"] += run.sampler.cpu(start, end)
        stage["peak_rss_mb"] = max(stage["peak_rss_mb"], run.sampler.peak(start, end))
    lake_rows = 0.0
    for item in materializations:
        meta, stage_name = item["metadata"], _stage_of(item["step"] or "")
        if stage_name.startswith("ingest ") and stage_name in stages:
            rows = _num(meta.get("records_read", meta.get("dagster/row_count")))
            stages[stage_name]["rows"] += rows
            stages[stage_name]["mb"] += _num(meta.get("bytes_read")) / 1e6
            lake_rows += _num(meta.get("rows_loaded"))
        elif stage_name == "publish" and stage_name in stages:
            stages[stage_name]["rows"] += sum(_num(v) for k, v in meta.items() if k.startswith("rows_"))
    if "dbt" in stages:
        stages["dbt"]["rows"], stages["dbt"]["mb"] = lake_rows, _dir_mb(paths_lake, ".parquet")
    if "validation" in stages:  # GX on the build file: rows the warehouse suites read (sampled or whole)
        stages["validation"]["rows"] = sum(
            _num(c["metadata"].get("rows_validated"))
            for c in checks
            if _stage_of(c["step"] or "") == "validation"
        )
    if "publish" in stages and published_db.exists():
        stages["publish"]["mb"] = published_db.stat().st_size / 1e6
    # Inside the dbt step: node-seconds of models/seeds and of tests (= validation), summed over dbt's threads.
    dbt_nodes = [m for m in materializations if _stage_of(m["step"] or "") == "dbt"]
    dbt_tests = [c for c in checks if _stage_of(c["step"] or "") == "dbt"]
    ordered = sorted(stages.items(), key=lambda kv: _ORDER.get(kv[0].split()[0], 9))
    out = [{"stage": name, **figures} for name, figures in ordered]
    if dbt_nodes or dbt_tests:
        out.append(
            {
                "stage": "  dbt models+seeds (node-s)",
                "seconds": sum(_num(m["metadata"].get("Execution Duration")) for m in dbt_nodes),
                "cpu_seconds": 0.0,
                "rows": float(len(dbt_nodes)),
                "mb": 0.0,
                "peak_rss_mb": 0.0,
            }
        )
        out.append(
            {
                "stage": "  validation: dbt tests (node-s)",
                "seconds": sum(_num(c["metadata"].get("Execution Duration")) for c in dbt_tests),
                "cpu_seconds": 0.0,
                "rows": float(len(dbt_tests)),
                "mb": 0.0,
                "peak_rss_mb": 0.0,
            }
        )
    # The raw GX suites run inside the ingest steps (so their time is in ingest): shown apart as well.
    raw_gx = [c for c in checks if c.get("check") == "gx_raw"]
    if raw_gx:
        out.append(
            {
                "stage": "  validation: raw GX in ingest",
                "seconds": sum(_num(c["metadata"].get("validation_seconds")) for c in raw_gx),
                "cpu_seconds": 0.0,
                "rows": sum(_num(c["metadata"].get("rows_validated")) for c in raw_gx),
                "mb": 0.0,
                "peak_rss_mb": 0.0,
            }
        )
    step_total = sum(f["seconds"] for f in stages.values())
    step_cpu = sum(f["cpu_seconds"] for f in stages.values())
    out.append(
        {
            "stage": "startup+orchestration",
            "seconds": max(run.wall_seconds - step_total, 0.0),
            "cpu_seconds": max(run.cpu_seconds - step_cpu, 0.0),
            "rows": 0.0,
            "mb": 0.0,
            "peak_rss_mb": 0.0,
        }
    )
    for figure in out:
        seconds = figure["seconds"]
        figure["rows_per_s"] = figure["rows"] / seconds if seconds > 0 else 0.0
        figure["mb_per_s"] = figure["mb"] / seconds if seconds > 0 else 0.0
    return out


_ORDER = {"ingest": 0, "dbt": 1, "validation": 2, "publish": 3, "other": 4}


def _run_summary(run: MeasuredRun, data: Path) -> dict[str, Any]:
    lake, published = data / "lake", data / "warehouse" / "smm.duckdb"
    stages = stage_figures(run, lake, published)
    ingest = [s for s in stages if s["stage"].startswith("ingest ")]
    return {
        "success": run.success,
        "wall_seconds": run.wall_seconds,
        "cpu_seconds": run.cpu_seconds,
        "peak_rss_mb": run.peak_rss_mb,
        "ingest_seconds": sum(s["seconds"] for s in ingest),
        "ingest_records": sum(s["rows"] for s in ingest),
        "ingest_mb": sum(s["mb"] for s in ingest),
        "failed_steps": run.record.get("failed_steps", {}),
        "stages": stages,
    }


def _measure(label: str, landing: Path, data: Path, work: Path, echo: Echo) -> dict[str, Any]:
    echo(f"-- run '{label}': landing {landing} → data {data}")
    run = measured_run(landing, data, work, label)
    summary = _run_summary(run, data)
    status = "ok" if run.success else f"FAILED (exit {run.returncode})"
    echo(
        f"   {status}: {run.wall_seconds:.1f}s wall, {run.cpu_seconds:.1f}s CPU, peak RSS {run.peak_rss_mb:.0f} MB"
    )
    if not run.success:
        echo(run.log_tail)
    return summary


def _new_day(root: Path, landing: Path, scale: int, days: int, seed: int, echo: Echo) -> dict[str, Any]:
    """Land one more day: generate N+1 days (same seed) aside, copy in only the files the landing lacks.

    The generator's output depends on the horizon (the deleted post's day, the goals, the exports), so
    some earlier files come out different at N+1 days; a real landing never rewrites earlier captures,
    so those are counted and left as they were.
    """
    from pipelines.sandbox.generator import generate

    aside = root / "landing_next"
    shutil.rmtree(aside, ignore_errors=True)
    started = time.perf_counter()
    generate(aside, days=days + 1, seed=seed, scale=scale)
    seconds = time.perf_counter() - started
    before, after = _digests(landing), _digests(aside)
    changed = sorted(k for k, v in before.items() if k in after and after[k] != v)
    new = sorted(set(after) - set(before))
    for rel in new:
        (landing / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(aside / rel, landing / rel)
    shutil.rmtree(aside, ignore_errors=True)
    day = (_GEN_START + timedelta(days=days)).isoformat()
    echo(
        f"   day {day}: {len(new)} new files copied in; {len(changed)} of {len(before)} earlier files "
        "would differ at N+1 days (left unchanged)"
    )
    return {
        "day": day,
        "generate_seconds": seconds,
        "files_before": len(before),
        "files_new": len(new),
        "files_changed": len(changed),
        "changed_examples": changed[:10],
        "new_mb": sum((landing / k).stat().st_size for k in new) / 1e6,
    }


def run_bench(
    scale: int,
    days: int,
    *,
    out: Path | None = None,
    seed: int = 7,
    scenarios: Iterable[str] = SCENARIOS,
    small_scale: int | None = None,
    echo: Echo = print,
) -> dict[str, Any]:
    """Generate, measure the floor and every scenario; return all figures (see module doc).

    `small_scale` is the marginal scenario's smaller scale (default: a tenth of `scale`, at least 1).
    """
    from pipelines.sandbox.generator import generate

    scenarios = list(scenarios)
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown or "full" not in scenarios:
        raise ValueError(f"scenarios must include 'full' and be among {SCENARIOS}; got {scenarios}")
    root = Path(out) if out else Path(tempfile.mkdtemp(prefix=f"bench-smm-k{scale}-"))
    landing, data, work = root / "landing", root / "data", root / "work"
    for folder in (landing, data, work):
        shutil.rmtree(folder, ignore_errors=True)
    result: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "params": {"scale": scale, "days": days, "seed": seed, "root": str(root)},
        "machine": machine(),
        "commands": {"bench": f"smm bench --scale {scale} --days {days} --seed {seed}"},
    }
    echo(f"== generating scale {scale} × {days} days into {landing}")
    started = time.perf_counter()
    report = generate(landing, days=days, seed=seed, scale=scale)
    result["landing"] = {
        "generate_seconds": time.perf_counter() - started,
        "files": report.files_written,
        "lines": report.lines_written,
        "mb": _dir_mb(landing),
        "mb_jsonl": _dir_mb(landing, ".jsonl"),
        "brands": report.brands,
        "accounts": report.accounts,
    }
    echo(
        f"   {result['landing']['mb']:.0f} MB, {report.files_written} files, {report.lines_written} lines "
        f"in {result['landing']['generate_seconds']:.1f}s"
    )
    # A stale dbt manifest is parsed once on first import (after a dbt edit); that is not a per-run cost.
    from pipelines.runtime.paths import resolve_paths
    from pipelines.warehouse.dbt import ensure_manifest

    started = time.perf_counter()
    ensure_manifest(resolve_paths(str(landing), str(data)))
    result["manifest_seconds"] = time.perf_counter() - started
    floor = measure_floor(landing)
    result["floor"] = floor
    echo(
        f"== floor: DuckDB read_json_objects over {floor['files']} .jsonl files ({floor['mb']:.0f} MB, "
        f"{floor['lines']} lines): {floor['seconds']:.2f}s"
    )
    runs: dict[str, Any] = {}
    runs["full"] = _measure("full", landing, data, work, echo)
    result["lake"] = {
        "mb": _dir_mb(data / "lake", ".parquet"),
        "rows": next((s["rows"] for s in runs["full"]["stages"] if s["stage"] == "dbt"), 0.0),
    }
    # Both read what the full run left (its landing, its dbt target): before any later run changes them.
    if "dbt-sql" in scenarios:
        result["dbt_sql"] = _dbt_sql(runs["full"], data, work, echo)
    if "peer" in scenarios:
        result["peer"] = _peer(landing, work, echo)
    if "rerun" in scenarios:
        runs["rerun"] = _measure("rerun", landing, data, work, echo)
    if "empty" in scenarios:
        empty = root / "empty_landing"
        shutil.rmtree(empty, ignore_errors=True)
        empty.mkdir()
        shutil.copyfile(landing / "brands.yml", empty / "brands.yml")
        runs["empty"] = _measure("empty", empty, root / "empty_data", work, echo)
    if "new-day" in scenarios:
        echo(f"== one new day: day {days + 1} (same seed) lands beside the first {days}")
        result["new_day"] = _new_day(root, landing, scale, days, seed, echo)
        result["new_day"]["floor"] = measure_floor(landing, f"**/{result['new_day']['day']}.jsonl")
        runs["new-day"] = _measure("new-day", landing, data, work, echo)
    if "marginal" in scenarios:
        small = small_scale if small_scale is not None else max(1, scale // 10)
        result["marginal"] = _marginal(root / "small", small, scale, days, seed, result, runs["full"], echo)
    result["runs"] = runs
    result["ratios"] = ratios(result)
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["machine"]["loadavg_1m_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if out is None:
        shutil.rmtree(root, ignore_errors=True)
    return result


def _dbt_sql(full: dict[str, Any], data: Path, work: Path, echo: Echo) -> dict[str, Any]:
    from pipelines.bench.dbt_sql import measure_dbt_sql
    from pipelines.runtime.paths import DBT_PROJECT_DIR

    dbt_wall = next((s["seconds"] for s in full["stages"] if s["stage"] == "dbt"), 0.0)
    if not full["success"] or dbt_wall <= 0:
        echo("== dbt-sql: skipped (the full run did not complete its dbt build)")
        return {"skipped": "the full run did not complete its dbt build"}
    echo("== dbt-sql: the full run's dbt build replayed as plain SQL in one DuckDB connection")
    figures = measure_dbt_sql(data, DBT_PROJECT_DIR, work / "dbt_sql", dbt_wall)
    echo(f"   {figures['nodes']} statements in {figures['seconds']:.2f}s (dbt: {dbt_wall:.1f}s)")
    return figures


def _peer(landing: Path, work: Path, echo: Echo) -> dict[str, Any]:
    from pipelines.bench.peer import run_peer

    echo("== peer: dlt loading the same .jsonl captures into DuckDB (normalised)")
    figures = run_peer(landing, work / "peer")
    if figures["success"]:
        echo(
            f"   {figures['seconds']:.1f}s wall, {figures['cpu_seconds']:.1f}s CPU, {figures['tables']} tables"
        )
    else:
        echo(f"   FAILED\n{figures['log_tail']}")
    return figures


def _marginal(
    root: Path,
    small: int,
    scale: int,
    days: int,
    seed: int,
    result: dict[str, Any],
    full: dict[str, Any],
    echo: Echo,
) -> dict[str, Any]:
    """A full run at the smaller scale (same days, seed), and the marginal cost of the bigger one."""
    from pipelines.bench.marginal import marginal_cost
    from pipelines.sandbox.generator import generate

    if small >= scale:
        echo(f"== marginal: skipped (the small scale {small} must be below --scale {scale})")
        return {"skipped": f"small scale {small} is not below scale {scale}"}
    landing, data, work = root / "landing", root / "data", root / "work"
    for folder in (landing, data, work):
        shutil.rmtree(folder, ignore_errors=True)
    echo(f"== marginal: scale {small} × {days} days beside scale {scale}")
    generate(landing, days=days, seed=seed, scale=small)
    floor = measure_floor(landing)
    run = _measure(f"full-scale-{small}", landing, data, work, echo)
    figures = marginal_cost(
        {"scale": small, "floor": floor, "run": run},
        {"scale": scale, "floor": result["floor"], "run": full},
    )
    return {**figures, "small": {"landing_mb": _dir_mb(landing), "floor": floor, "run": run}}


def ratios(result: dict[str, Any]) -> dict[str, float | None]:
    """The issue's four targets as measured numbers (None when the scenario was not run).

    Each comes twice: by wall time (the targets' unit) and by CPU seconds of the process tree, which is
    what to trust when other work shares the machine (wall time then stretches, CPU time barely moves).
    """
    runs, floor = result["runs"], result["floor"]
    full = runs["full"]

    def share(name: str, unit: str) -> float | None:
        return runs[name][unit] / full[unit] if name in runs and full[unit] > 0 else None

    def over_floor(value: float, unit: str) -> float | None:
        return value / floor[unit] if floor.get(unit, 0) > 0 else None

    marginal, peer, dbt_sql = result.get("marginal", {}), result.get("peer", {}), result.get("dbt_sql", {})
    ingest_cpu = sum(s["cpu_seconds"] for s in full["stages"] if s["stage"].startswith("ingest "))

    def over_peer(ours: float, unit: str) -> float | None:
        return ours / peer[unit] if peer.get("success") and peer[unit] > 0 else None

    return {
        "full_over_floor": over_floor(full["wall_seconds"], "seconds"),
        "full_over_floor_cpu": over_floor(full["cpu_seconds"], "cpu_seconds"),
        "ingest_over_floor": over_floor(full["ingest_seconds"], "seconds"),
        "ingest_over_floor_cpu": over_floor(ingest_cpu, "cpu_seconds"),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs.values()),
        "new_day_over_full": share("new-day", "wall_seconds"),
        "new_day_over_full_cpu": share("new-day", "cpu_seconds"),
        "rerun_over_full": share("rerun", "wall_seconds"),
        "fixed_overhead_s": runs["empty"]["wall_seconds"] if "empty" in runs else None,
        "fixed_overhead_cpu_s": runs["empty"]["cpu_seconds"] if "empty" in runs else None,
        "marginal_over_floor": marginal.get("run_over_floor"),
        "marginal_over_floor_cpu": marginal.get("run_over_floor_cpu"),
        "ingest_marginal_over_floor_cpu": marginal.get("ingest_over_floor_cpu"),
        "ingest_over_dlt": over_peer(full["ingest_seconds"], "seconds"),
        "ingest_over_dlt_cpu": over_peer(ingest_cpu, "cpu_seconds"),
        "dbt_over_raw_sql": dbt_sql.get("dbt_over_raw"),
        "dbt_overhead_per_node_s": dbt_sql.get("overhead_per_node_s"),
    }


def format_report(result: dict[str, Any]) -> str:
    """The figures as plain-text tables, for the terminal."""
    p, m, land, floor = result["params"], result["machine"], result["landing"], result["floor"]
    lines = [
        f"smm bench: scale {p['scale']} × {p['days']} days (seed {p['seed']}) on {m['cores']} cores, "
        f"{m['memory_gb']} GB RAM, load {m['loadavg_1m']:.1f}→{m.get('loadavg_1m_end') or 0:.1f}",
        f"landing: {land['mb']:.1f} MB ({land['mb_jsonl']:.1f} MB .jsonl), {land['files']} files, "
        f"{land['lines']} lines; lake: {result['lake']['rows']:.0f} rows, {result['lake']['mb']:.1f} MB Parquet",
        f"floor (DuckDB read_json_objects, {floor['lines']} lines): {floor['seconds']:.2f}s "
        f"({floor['cpu_seconds']:.2f}s CPU) = "
        f"{floor['mb'] / floor['seconds'] if floor['seconds'] else 0:.0f} MB/s",
        "",
    ]
    for name, run in result["runs"].items():
        lines.append(
            f"run {name}: {'ok' if run['success'] else 'FAILED'} {run['wall_seconds']:.1f}s wall, "
            f"{run['cpu_seconds']:.1f}s CPU, peak RSS {run['peak_rss_mb']:.0f} MB"
        )
    full = result["runs"]["full"]
    lines += [
        "",
        f"{'stage (full run)':34} {'seconds':>9} {'CPU s':>8} {'rows':>12} {'MB':>9} {'rows/s':>11} "
        f"{'MB/s':>8} {'peak MB':>8}",
    ]
    for s in full["stages"]:
        lines.append(
            f"{s['stage']:34} {s['seconds']:9.2f} {s['cpu_seconds']:8.1f} {s['rows']:12.0f} {s['mb']:9.1f} "
            f"{s['rows_per_s']:11.0f} {s['mb_per_s']:8.1f} {s['peak_rss_mb']:8.0f}"
        )
    lines.append(
        f"{'TOTAL':34} {full['wall_seconds']:9.2f} {full['cpu_seconds']:8.1f} {full['ingest_records']:12.0f} "
        f"{land['mb']:9.1f} "
        f"{full['ingest_records'] / full['wall_seconds']:11.0f} {land['mb'] / full['wall_seconds']:8.1f} "
        f"{full['peak_rss_mb']:8.0f}"
    )
    if "new_day" in result:
        nd = result["new_day"]
        lines += [
            "",
            f"new day {nd['day']}: {nd['files_new']} new files ({nd['new_mb']:.1f} MB), "
            f"({nd['files_changed']} of {nd['files_before']} earlier files would differ at N+1 days); floor for the new day's "
            f".jsonl: {nd['floor']['seconds']:.2f}s",
        ]
    r = result["ratios"]
    lines += ["", "targets (issue 14):"]
    for key, limit in TARGETS.items():
        value = r.get(key)
        if value is None:
            lines.append(f"  {key:18} not measured")
            continue
        verdict = "met" if value <= limit else f"MISSED by {value / limit:.2f}×"
        lines.append(f"  {key:18} {value:10.2f}  (target ≤ {limit:g}) {verdict}")
    for key, note in (
        ("full_over_floor_cpu", "CPU seconds, not wall"),
        ("new_day_over_full_cpu", "CPU seconds"),
        ("fixed_overhead_cpu_s", "CPU seconds of the empty-landing run"),
        ("ingest_over_floor", "ingest steps only, wall"),
    ):
        if r.get(key) is not None:
            lines.append(f"  {key:18} {r[key]:10.2f}  ({note})")
    if r.get("rerun_over_full") is not None:
        lines.append(
            f"  {'rerun_over_full':18} {r['rerun_over_full']:10.2f}  (the job again on unchanged data; smm run --if-changed skips it)"
        )
    lines += comparison_lines(result)
    return "\n".join(lines)


def main(
    scale: int,
    days: int,
    out: Path | None,
    json_path: Path | None,
    seed: int,
    scenarios: Iterable[str],
    echo: Echo = print,
    small_scale: int | None = None,
) -> int:
    """CLI body: run, print, write JSON; exit 1 if any pipeline run (or the peer) failed."""
    result = run_bench(
        scale, days, out=out, seed=seed, scenarios=scenarios, small_scale=small_scale, echo=echo
    )
    echo("")
    echo(format_report(result))
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=2, default=str))
        echo(f"\nwrote {json_path}")
    runs = [
        *result["runs"].values(),
        result.get("marginal", {}).get("small", {}).get("run", {"success": True}),
    ]
    return 0 if all(run["success"] for run in runs) and result.get("peer", {}).get("success", True) else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]), None, None, 7, SCENARIOS))
