"""One whole-pipeline run on a small generated landing, shared by every integration module that only
reads its result (marts, ops, lake, quarantine): a run costs about a minute, so tests share it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pipelines.ingest import parse, parse_workers
from pipelines.runner import run_full_job
from pipelines.runtime.paths import resolve_paths
from pipelines.sandbox.generator import generate
from tests.webhook_receiver import Receiver

ALERT_WEBHOOK_ENV = "SMM_ALERT_WEBHOOK_URL"


@pytest.fixture(scope="session")
def alert_receiver() -> Iterator[Receiver]:
    """The local webhook `pipeline_run` delivers its alerts to (the default alerts.webhook_env)."""
    receiver = Receiver()
    yield receiver
    receiver.close()


# What the shared run parsed in worker processes (the `what` of each ParseWorkers.map call).
PARSED_IN_WORKERS: list[str] = []


def _recording(map_: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    def recorded(self: parse_workers.ParseWorkers, task: Any, items: Any, *, what: str) -> list[Any]:
        PARSED_IN_WORKERS.append(what)
        return map_(self, task, items, what=what)

    return recorded


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory, alert_receiver: Receiver):
    """(generator report, paths, run outcome) of one `smm_full` run over 10 generated days, seed 11,
    its alerts delivered to `alert_receiver`. Read-only for the tests that use it: a test that writes
    must copy what it changes."""
    root = tmp_path_factory.mktemp("pipeline")
    landing = root / "landing"
    report = generate(landing, days=10, seed=11, scale=1)
    paths = resolve_paths(str(landing), str(root / "data"))
    previous = os.environ.get(ALERT_WEBHOOK_ENV)
    os.environ[ALERT_WEBHOOK_ENV] = alert_receiver.url
    try:
        with pytest.MonkeyPatch.context() as patch:
            # Every file through the columnar fast path where a dataset has one: the sample's files are
            # all below the size that takes it in production, and the marts tested here must come from
            # both paths (the differential test compares the paths line by line).
            patch.setattr(parse, "COLUMNAR_MIN_BYTES", 0)
            # Every dataset with two files or more parsed in the run's worker processes, which the
            # sample is too small for in production; what they parsed is recorded for test_pipeline.
            patch.setattr(parse_workers, "MIN_RUN_BYTES", 0)
            patch.setattr(parse_workers, "MIN_PARALLEL_BYTES", 0)
            patch.setattr(parse_workers.ParseWorkers, "map", _recording(parse_workers.ParseWorkers.map))
            outcome = run_full_job(paths)
    finally:
        if previous is None:
            os.environ.pop(ALERT_WEBHOOK_ENV, None)
        else:
            os.environ[ALERT_WEBHOOK_ENV] = previous
    return report, paths, outcome
