"""Session-wide settings, the location of the real payloads, and how `make test` splits the suite
over two workers (pytest-xdist, `--dist loadscope` with the scheduler below)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.unit.parsers.fixture_kit import REAL_FIXTURES

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "true")

# Session fixtures that each cost one or more whole pipeline runs, and the test modules using them:
# each set of modules is scheduled as one unit on one worker, or every worker would pay for its own copy.
# The workers check this map against what the tests really use (pytest_collection_modifyitems).
SHARED_RUN_MODULES: dict[str, tuple[str, ...]] = {
    "pipeline_run": (
        "tests/integration/test_alerts_pipeline.py",
        "tests/integration/test_bi_read_during_publish.py",
        "tests/integration/test_pipeline.py",
        "tests/integration/test_report.py",
    ),
    "repeated_runs": ("tests/reliability/test_crash_safety.py", "tests/reliability/test_serving.py"),
    "fuzzed_run": ("tests/reliability/test_hostile_input.py", "tests/reliability/test_privacy.py"),
}
_UNIT_OF_MODULE = {module: fixture for fixture, modules in SHARED_RUN_MODULES.items() for module in modules}


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


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadscope`, with a module as the unit, except that the modules sharing an expensive
    session fixture form one unit. (xdist's `loadgroup` marks do nothing under pytest 9: it renames
    `item._nodeid`, which pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedRunScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return _UNIT_OF_MODULE.get(module, module)

    return SharedRunScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Fail the session when a module uses an expensive shared fixture but is not in SHARED_RUN_MODULES
    (under workers it would silently compute its own copy of the pipeline runs)."""
    missing = sorted(
        {
            f"{item.nodeid.split('::', 1)[0]} uses {fixture}"
            for item in items
            for fixture in SHARED_RUN_MODULES
            if fixture in getattr(item, "fixturenames", ())
            and _UNIT_OF_MODULE.get(item.nodeid.split("::", 1)[0]) != fixture
        }
    )
    if missing:
        raise pytest.UsageError(f"add to SHARED_RUN_MODULES in tests/conftest.py: {'; '.join(missing)}")


def pytest_terminal_summary(terminalreporter) -> None:
    """The reliability suite's measured figures, whatever the capture mode (-s or not) and whichever
    worker measured them (pytest-xdist gives each worker a folder inside the controller's base temp
    dir). Here, not in tests/reliability/conftest.py: the xdist controller collects nothing, so it
    never loads a sub-folder's conftest."""
    from tests.reliability.helpers import FIGURES_FILE

    factory = getattr(terminalreporter.config, "_tmp_path_factory", None)
    if factory is None:
        return
    for path in sorted(factory.getbasetemp().rglob(FIGURES_FILE)):
        terminalreporter.section("reliability figures")
        terminalreporter.write_line(f"(also in {path})")
        terminalreporter.write_line(path.read_text())
