"""One whole-pipeline run on a small generated landing, shared by every integration module that only
reads its result (marts, ops, lake, quarantine): a run costs about a minute, so tests share it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from pipelines.ingest import parse
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
            outcome = run_full_job(paths)
    finally:
        if previous is None:
            os.environ.pop(ALERT_WEBHOOK_ENV, None)
        else:
            os.environ[ALERT_WEBHOOK_ENV] = previous
    return report, paths, outcome
