"""The benchmark's peer: dlt loading the same capture files into DuckDB, timed beside our ingest.

What the peer does (so that "our ingest ÷ dlt" compares like with like, see DECISIONLOG):
- input: every `*.jsonl` capture of the landing (the files the floor reads; CSV/JSON exports left out),
  one dlt resource per `<platform>/<entity>` folder, listed by dlt's filesystem source (local `file://`);
- reading: each line JSON-parsed with orjson; a line that is not JSON is skipped and counted (dlt's own
  `read_jsonl` would stop the whole load on the generator's malformed lines; the floor skips them too);
- normalisation on (dlt's defaults): nested objects flattened into columns, lists into child tables,
  types inferred, one table per dataset;
- destination: a fresh DuckDB file (dlt's `duckdb` destination), loaded in full from Parquet load files
  (`LOADER_FILE_FORMAT`), the cheapest of the formats dlt supports for DuckDB here.

It runs in a child process (`python -m pipelines.bench.peer LANDING WORKDIR RESULT`) like our measured
runs, so its memory and CPU are the tree's; the child also times `pipeline.run` alone (imports excluded),
which is the figure set against our ingest steps (whose time excludes imports as well).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipelines.bench.measured_run import RssSampler

# dlt's default load files for DuckDB are INSERT statements: on 29 MB of captures (scale 4 × 10 days)
# they cost 56 CPU s and 3.1 GB of RSS, jsonl 16.5 CPU s / 0.38 GB, parquet 13.8 CPU s / 0.40 GB (same
# tables and rows). The peer should be dlt at its best, not at a default that flatters our ingest.
LOADER_FILE_FORMAT = "parquet"


def capture_datasets(landing: Path) -> list[str]:
    """`platform/entity` folders holding at least one `.jsonl` capture, sorted."""
    return sorted({p.parent.relative_to(landing).as_posix() for p in landing.glob("*/*/*.jsonl")})


def table_name(dataset: str) -> str:
    return dataset.replace("/", "__")


def _cpu_seconds() -> float:
    """User + system CPU of this process (all its threads) and its reaped children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _parsed_lines(items: Iterable[Any], skipped: list[int], chunk: int = 1000) -> Iterator[list[Any]]:
    import orjson

    for file_item in items:
        rows: list[Any] = []
        with file_item.open() as handle:
            for line in handle:
                try:
                    rows.append(orjson.loads(line))
                except orjson.JSONDecodeError:
                    skipped[0] += 1
                    continue
                if len(rows) >= chunk:
                    yield rows
                    rows = []
        if rows:
            yield rows


def load_with_dlt(landing: Path, workdir: Path) -> dict[str, Any]:
    """Run the dlt pipeline (see module doc); return its timings and what it loaded."""
    import dlt
    from dlt.sources.filesystem import filesystem

    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    database = workdir / "peer.duckdb"
    skipped = [0]

    def read_lines(items: Iterable[Any]) -> Iterator[list[Any]]:
        yield from _parsed_lines(items, skipped)

    resources = []
    for dataset in capture_datasets(landing):
        files = filesystem(bucket_url=landing.resolve().as_uri(), file_glob=f"{dataset}/*.jsonl")
        resources.append(files | dlt.transformer(name=table_name(dataset))(read_lines))
    pipeline = dlt.pipeline(
        pipeline_name="smm_bench_peer",
        pipelines_dir=str(workdir / "pipelines"),
        destination=dlt.destinations.duckdb(str(database)),
        dataset_name="landing",
    )
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    pipeline.run(resources, loader_file_format=LOADER_FILE_FORMAT)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        names = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'landing' "
            "and not starts_with(table_name, '_dlt')"
        ).fetchall()
        tables = [(n, con.execute(f'select count(*) from landing."{n}"').fetchone()[0]) for (n,) in names]
    top = {table_name(d) for d in capture_datasets(landing)}
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "datasets": len(top),
        "tables": len(tables),
        "child_tables": sum(1 for name, _ in tables if name not in top),
        "rows_top_level": sum(int(n) for name, n in tables if name in top),
        "rows_all_tables": sum(int(n) for _, n in tables),
        "lines_skipped": skipped[0],
        "files": sum(1 for _ in landing.glob("*/*/*.jsonl")),
        "mb": sum(p.stat().st_size for p in landing.glob("*/*/*.jsonl")) / 1e6,
        "dlt": dlt.__version__,
        "loader_file_format": LOADER_FILE_FORMAT,
    }


def run_peer(landing: Path, workdir: Path) -> dict[str, Any]:
    """The dlt peer in a child process; its own timings plus the tree's wall, CPU and peak RSS."""
    workdir.mkdir(parents=True, exist_ok=True)
    result_file, log_file = workdir / "peer.result.json", workdir / "peer.log"
    result_file.unlink(missing_ok=True)
    env = {**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false", "DO_NOT_TRACK": "1"}
    command = [
        sys.executable,
        "-m",
        "pipelines.bench.peer",
        str(landing),
        str(workdir / "dlt"),
        str(result_file),
    ]
    with log_file.open("wb") as log:
        started = time.perf_counter()
        # cwd = workdir: no .dlt/ config of the caller's directory reaches the peer.
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir)
        with RssSampler(proc.pid) as sampler:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    returncode = os.waitstatus_to_exitcode(status)
    figures = json.loads(result_file.read_text()) if result_file.exists() else {}
    return {
        **figures,
        "success": returncode == 0 and bool(figures),
        "process_wall_seconds": wall,
        "process_cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": sampler.peak(),
        "log_tail": "" if returncode == 0 else log_file.read_text(errors="replace")[-3000:],
    }


if __name__ == "__main__":
    landing_arg, workdir_arg, result_arg = sys.argv[1:4]
    Path(result_arg).write_text(json.dumps(load_with_dlt(Path(landing_arg), Path(workdir_arg))))
