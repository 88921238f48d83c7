"""Session-wide settings, the location of the real payloads, and how `make test` splits the suite
over two workers (pytest-xdist, `--dist loadgroup`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.unit.parsers.fixture_kit import REAL_FIXTURES

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "true")

# Session fixtures that each cost one or more whole pipeline runs: every test using one of them must
# run on the same worker, or each worker would pay for its own copy.
SHARED_RUN_FIXTURES = ("pipeline_run", "repeated_runs", "fuzzed_run")


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    if not REAL_FIXTURES.is_dir():
        pytest.fail(f"real fixtures not found at {REAL_FIXTURES}")
    return REAL_FIXTURES


def _running_workers(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "numprocesses", None))


def pytest_configure(config: pytest.Config) -> None:
    """With workers, the controller parses the dbt project once before they start: two workers
    importing the code location at once would otherwise both run `dbt parse` into dbt_project/target."""
    if _running_workers(config) and not hasattr(config, "workerinput"):
        from pipelines.runtime.paths import resolve_paths
        from pipelines.warehouse.dbt import ensure_manifest

        ensure_manifest(resolve_paths())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """One xdist group per module (module fixtures are computed once), modules sharing an expensive
    session fixture merged into one group."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for item in items:
        for fixture in SHARED_RUN_FIXTURES:
            if fixture in getattr(item, "fixturenames", ()):
                parent[root(item.module.__name__)] = root(fixture)
    for item in items:
        item.add_marker(pytest.mark.xdist_group(root(item.module.__name__)))
