"""Validation outcomes on disk, for people: one small JSON per suite per run, and `smm status`'s lines.

Layout under `$SMM_DATA_DIR/validation/`:
  results/<stage>/<table>/<run id>/<time>/<batch>.json   full GX validation results (written by GX;
                                                         it files suite `stage.table` as stage/table)
  data_docs/index.html                           GX Data Docs site over those results
  runs/<run id>/<suite>.json                     this module: the outcome in a few lines

No Great Expectations import here: the status command must stay fast.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RUNS = "runs"
DOCS_INDEX = Path("data_docs") / "index.html"


def write_summary(validation_dir: Path, run_id: str, summary: dict[str, Any]) -> Path:
    """Write one suite's outcome for `run_id` (temp name, then rename: readers never see half a file)."""
    folder = validation_dir / RUNS / run_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{summary['suite']}.json"
    tmp = folder / f".{target.name}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps(summary, indent=2, default=str))
    os.replace(tmp, target)
    return target


def latest_run(validation_dir: Path) -> tuple[str, list[dict[str, Any]]] | None:
    """The most recently validated run and its suite outcomes, or None when nothing was validated."""
    root = validation_dir / RUNS
    if not root.is_dir():
        return None
    runs = [p for p in root.iterdir() if p.is_dir() and any(p.glob("*.json"))]
    if not runs:
        return None
    newest = max(runs, key=lambda p: max(f.stat().st_mtime for f in p.glob("*.json")))
    summaries = []
    for path in sorted(newest.glob("*.json")):
        try:
            summaries.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue  # being replaced right now; the next status call sees it
    return newest.name, summaries


def _failure_line(summary: dict[str, Any], failure: dict[str, Any]) -> str:
    label = failure["expectation"] + (f"({failure['column']})" if failure.get("column") else "")
    detail = []
    if failure.get("unexpected_count") is not None:
        detail.append(f"{failure['unexpected_count']} unexpected")
    if failure.get("observed_value") is not None:
        detail.append(f"observed {failure['observed_value']}")
    if failure.get("sample"):
        detail.append(f"e.g. {json.dumps(failure['sample'][:3], default=str)}")
    return f"  {failure['severity'].upper():5} {summary['asset']} {summary['check']}: {label} " + ", ".join(
        detail
    )


def status_lines(validation_dir: Path) -> list[str]:
    """What `smm status` prints about validation: the latest run's failures, worst first."""
    latest = latest_run(validation_dir)
    if latest is None:
        return ["== validation: no results yet"]
    run_id, summaries = latest
    failed = [s for s in summaries if not s.get("success")]
    errors = sum(1 for s in failed if s.get("severity") == "error")
    when = max((s.get("validated_at", "") for s in summaries), default="")
    lines = [
        f"== validation (run {run_id}, {when}): {len(summaries)} suites, {len(failed)} failed "
        f"({errors} error, {len(failed) - errors} warning)"
    ]
    for summary in sorted(failed, key=lambda s: (s.get("severity") != "error", s["asset"])):
        for failure in summary.get("failures", []):
            lines.append(_failure_line(summary, failure))
    index = validation_dir / DOCS_INDEX
    if index.exists():
        lines.append(f"  data docs: {index}")
    return lines


def prune(validation_dir: Path, keep_days: int, now: float | None = None) -> int:
    """Delete run summaries and GX results older than `keep_days`; returns the folders removed.

    Data Docs pages of removed results disappear at the next docs build (GX cleans pages whose
    result is gone).
    """
    cutoff = (now if now is not None else time.time()) - keep_days * 86400
    removed = 0
    candidates = list((validation_dir / RUNS).glob("*")) + list((validation_dir / "results").glob("*/*/*"))
    for folder in candidates:
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
