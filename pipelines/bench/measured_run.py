"""One measured pipeline run for the benchmark: the whole job in a child process, its memory sampled.

The job runs in a child Python process (`python -m pipelines.bench.measured_run LANDING DATA RESULT`) so that
the benchmark can sample the resident memory of the whole process tree — the Dagster process and the dbt
subprocess it starts — without counting its own. The child writes what the Dagster instance recorded:
start and end of every step, and the metadata of every materialization and check evaluation.

Memory is the sum of VmRSS over the tree, read from /proc every `interval` seconds (Linux only; where
/proc is absent the figure is 0). Pages shared between processes are counted once per process, so the
sum is an upper bound of what the tree really holds. CPU seconds (user + system) of the tree are read at
the same moments, and in total from wait4(): on a shared machine they move less than wall time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.ingest.parse_workers import WORKERS_ENV
from pipelines.runtime.memory import BUDGET_ENV, MEMORY_LIMIT_ENV

# The settings a measured run keeps from the caller's environment: the ones that bound its memory and
# the number of parse workers (to compare a run with one against a run with several).
_KEPT_SETTINGS = (BUDGET_ENV, MEMORY_LIMIT_ENV, WORKERS_ENV)

_PROC = Path("/proc")


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _process_table() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds of the process and of its reaped children), from /proc/<pid>/stat."""
    table: dict[int, tuple[int, float]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        # The command name (field 2) is in parentheses and may contain spaces: split after it.
        fields = stat[stat.rindex(")") + 2 :].split()
        # fields[1] = ppid; [11..14] = utime, stime, cutime, cstime (clock ticks)
        table[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / _TICK)
    return table


def _rss_kb(pid: int) -> int:
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_usage(root: int) -> tuple[float, float]:
    """(resident MB, CPU seconds) of `root` and all its descendants; MB = 10^6 bytes.

    CPU includes children already reaped (a finished dbt subprocess), so it only grows.
    """
    if not _PROC.is_dir():
        return 0.0, 0.0
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    rss, cpu, todo = 0, 0.0, [root]
    while todo:
        pid = todo.pop()
        rss += _rss_kb(pid)
        cpu += table.get(pid, (0, 0.0))[1]
        todo.extend(children.get(pid, []))
    return rss * 1024 / 1e6, cpu


@dataclass
class RssSampler:
    """Samples the tree's RSS and CPU from a thread until stopped; keeps (epoch seconds, MB, CPU s)."""

    root: int
    interval: float = 0.2
    samples: list[tuple[float, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), *tree_usage(self.root)))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self, start: float | None = None, end: float | None = None) -> float:
        """Highest sample in [start, end] (epoch seconds); the whole run when not given."""
        lo, hi = start or float("-inf"), end or float("inf")
        inside = [mb for t, mb, _ in self.samples if lo <= t <= hi]
        if inside or not self.samples:
            return max(inside, default=0.0)
        # A step shorter than the interval (publish at tiny scale) holds no sample: the samples just
        # before and after it bracket what the tree held while it ran.
        before = [mb for t, mb, _ in self.samples if t < lo][-1:]
        after = [mb for t, mb, _ in self.samples if t > hi][:1]
        return max(before + after)

    def cpu(self, start: float, end: float) -> float:
        """CPU seconds the tree used between the samples nearest to `start` and `end` (epoch seconds)."""
        if not self.samples:
            return 0.0
        at_start = min(self.samples, key=lambda s: abs(s[0] - start))[2]
        at_end = min(self.samples, key=lambda s: abs(s[0] - end))[2]
        return max(at_end - at_start, 0.0)


@dataclass
class MeasuredRun:
    """Wall time and memory of one child run, plus what its Dagster instance recorded."""

    wall_seconds: float
    returncode: int
    peak_rss_mb: float
    cpu_seconds: float  # user + system of the whole tree: less sensitive to other load than wall time
    record: dict[str, Any]  # the child's result file (see `_child_main`)
    sampler: RssSampler
    log_tail: str

    @property
    def success(self) -> bool:
        return self.returncode == 0 and bool(self.record.get("success"))


def measured_run(landing: Path, data: Path, workdir: Path, label: str) -> MeasuredRun:
    """Run the full job on (landing, data) in a child process and measure it."""
    workdir.mkdir(parents=True, exist_ok=True)
    result_file = workdir / f"{label}.result.json"
    log_file = workdir / f"{label}.log"
    result_file.unlink(missing_ok=True)
    # The child gets its dirs as arguments only: an SMM_* variable of the caller must not redirect it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMM_") or k in _KEPT_SETTINGS}
    env.update({"GX_ANALYTICS_ENABLED": "false", "DAGSTER_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1"})
    command = [
        sys.executable,
        "-m",
        "pipelines.bench.measured_run",
        str(landing),
        str(data),
        str(result_file),
    ]
    with log_file.open("wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        with RssSampler(proc.pid) as sampler:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = returncode = os.waitstatus_to_exitcode(status)
    record = json.loads(result_file.read_text()) if result_file.exists() else {}
    tail = log_file.read_text(errors="replace")[-3000:]
    cpu = usage.ru_utime + usage.ru_stime
    return MeasuredRun(wall, returncode, sampler.peak(), cpu, record, sampler, tail)


def _plain(value: Any) -> Any:
    """A metadata value as JSON: the wrapped value of a MetadataValue, else its text."""
    inner = getattr(value, "value", value)
    return inner if isinstance(inner, int | float | str | bool) or inner is None else str(inner)


def _child_main(landing: str, data: str, result_file: str) -> int:
    """Run the full job with a recorded instance; write steps, materializations and checks as JSON."""
    import dagster as dg

    from pipelines.runner import run_full_job
    from pipelines.runtime.paths import resolve_paths

    started = time.time()
    paths = resolve_paths(landing, data, str(Path(landing) / "brands.yml"))
    instance = dg.DagsterInstance.ephemeral()
    job_started = time.time()
    outcome = run_full_job(paths, instance=instance)
    job_ended = time.time()
    types = {
        dg.DagsterEventType.STEP_START,
        dg.DagsterEventType.STEP_SUCCESS,
        dg.DagsterEventType.STEP_FAILURE,
        dg.DagsterEventType.ASSET_MATERIALIZATION,
        dg.DagsterEventType.ASSET_CHECK_EVALUATION,
    }
    steps: dict[str, dict[str, Any]] = {}
    materializations: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    for entry in instance.all_logs(outcome.run_id, of_type=types):
        event = entry.dagster_event
        if event is None:
            continue
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            steps.setdefault(entry.step_key or "?", {})["start"] = entry.timestamp
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            step = steps.setdefault(entry.step_key or "?", {})
            step["end"] = entry.timestamp
            step["status"] = "success" if kind == dg.DagsterEventType.STEP_SUCCESS else "failure"
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.event_specific_data.materialization
            materializations.append(
                {
                    "step": entry.step_key,
                    "asset": materialization.asset_key.to_user_string(),
                    "metadata": {k: _plain(v) for k, v in materialization.metadata.items()},
                }
            )
        else:
            evaluation = event.event_specific_data
            checks.append(
                {
                    "step": entry.step_key,
                    "asset": evaluation.asset_key.to_user_string(),
                    "check": evaluation.check_name,
                    "passed": evaluation.passed,
                    "metadata": {k: _plain(v) for k, v in evaluation.metadata.items()},
                }
            )
    record = {
        "run_id": outcome.run_id,
        "success": outcome.success,
        "failed_steps": outcome.failed_steps,
        "process_started": started,
        "job_started": job_started,
        "job_ended": job_ended,
        "steps": steps,
        "materializations": materializations,
        "checks": checks,
    }
    Path(result_file).write_text(json.dumps(record, default=str))
    return 0 if outcome.success else 1


if __name__ == "__main__":
    from pipelines.runtime.process_exit import exit_now

    # As `smm run` ends (pipelines/cli.py `entry`): without the interpreter's teardown.
    exit_now(_child_main(*sys.argv[1:4]))
