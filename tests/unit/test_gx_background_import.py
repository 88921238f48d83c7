"""GX is imported in a background thread where a run has other work meanwhile; a validation that
needs GX before that import is done waits for it rather than importing GX at the same time (two
threads importing GX's packages at once handed one a half-initialised module in a pipeline run)."""

from __future__ import annotations

import threading
import time

import pytest

from pipelines.quality import gx_checks


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    events: list[str] = []

    def slow_import() -> str:
        events.append(f"import starts in {threading.current_thread().name}")
        time.sleep(0.3)
        events.append("import done")
        return "gx"

    monkeypatch.setattr(gx_checks, "_import_gx", slow_import)
    monkeypatch.setattr(gx_checks, "_IMPORT_THREAD", None)
    return events


def test_a_use_of_gx_waits_for_the_background_import(recorded: list[str]) -> None:
    gx_checks.import_gx_in_background()
    gx_checks.import_gx_in_background()  # once per process: the second call starts nothing
    assert gx_checks._gx() == "gx"
    assert recorded[:2] == ["import starts in import-great-expectations", "import done"]
    # the caller's own import (a no-op once GX is in sys.modules) comes after the background one
    assert recorded[2] == "import starts in MainThread"
    assert len(recorded) == 4


def test_without_a_background_import_gx_is_imported_in_place(recorded: list[str]) -> None:
    assert gx_checks._gx() == "gx"
    assert recorded == ["import starts in MainThread", "import done"]
