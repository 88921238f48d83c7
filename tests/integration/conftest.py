"""One whole-pipeline run on a small generated landing, shared by every integration module that only
reads its result (marts, ops, lake, quarantine): a run costs about a minute, so tests share it."""

from __future__ import annotations

import pytest

from pipelines.runner import run_full_job
from pipelines.runtime.paths import resolve_paths
from pipelines.sandbox.generator import generate


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory):
    """(generator report, paths, run outcome) of one `smm_full` run over 10 generated days, seed 11.
    Read-only for the tests that use it: a test that writes must copy what it changes."""
    root = tmp_path_factory.mktemp("pipeline")
    landing = root / "landing"
    report = generate(landing, days=10, seed=11, scale=1)
    paths = resolve_paths(str(landing), str(root / "data"))
    outcome = run_full_job(paths)
    return report, paths, outcome
