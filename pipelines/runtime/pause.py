"""Test hook: stop a run at a named phase so a crash test can kill it there.

A no-op unless SMM_TEST_PAUSE_AT names the phase being passed (`ingest`, `dbt` or `publish`).
Then it writes the process id to the marker file SMM_TEST_PAUSE_MARKER and sleeps (up to
SMM_TEST_PAUSE_SECONDS, default 600), so the test can wait for the marker and SIGKILL the run
at a known point. Never set these variables outside tests.

The phases sit at the worst moments for a crash: `ingest` between moving a lake dataset aside
and moving its replacement in; `dbt` while dbt is writing the build file; `publish` after the
Parquet export, before the build file is renamed over the published one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_ENV = "SMM_TEST_PAUSE_AT"
MARKER_ENV = "SMM_TEST_PAUSE_MARKER"
SECONDS_ENV = "SMM_TEST_PAUSE_SECONDS"


def pause_point(phase: str) -> None:
    """Pause here if a test asked for `phase`; otherwise return immediately."""
    if os.environ.get(PAUSE_ENV) != phase:
        return
    marker = os.environ.get(MARKER_ENV)
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(os.environ.get(SECONDS_ENV, "600")))
