"""landing_sensor on a generated landing dir: runs smm_full for new or changed content, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.automation.sensors import landing_sensor
from pipelines.defs.resources import WarehousePaths
from pipelines.sandbox.generator import generate


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("landing")
    generate(out, days=1, seed=3, scale=1)
    return out


def _tick(landing: Path, cursor: str | None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        cursor=cursor,
        resources={
            "warehouse": WarehousePaths(
                landing_dir=str(landing),
                data_dir=str(landing.parent / "data"),
                brands_file=str(landing / "brands.yml"),
            )
        },
    )
    result = landing_sensor(context)
    assert isinstance(result, dg.SensorResult)
    return result


def _landing_files(landing: Path) -> list[str]:
    return sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file())


def test_first_tick_runs_the_full_job_once_for_every_landing_file(landing: Path) -> None:
    result = _tick(landing, None)
    [request] = result.run_requests
    assert request.job_name in (None, "smm_full")
    assert request.tags["smm/trigger"] == "landing_sensor"
    assert int(request.tags["smm/landing_new"]) == len(_landing_files(landing))
    assert set(json.loads(result.cursor)["files"]) == set(_landing_files(landing))
    assert landing_sensor.job_name == "smm_full"


def test_second_tick_on_the_same_files_skips_with_a_reason(landing: Path) -> None:
    first = _tick(landing, None)
    second = _tick(landing, first.cursor)
    assert not second.run_requests
    assert "no new or changed landing files" in second.skip_reason.skip_message
    assert second.cursor == first.cursor


def test_new_day_of_captures_starts_one_run_naming_only_the_new_file(landing: Path) -> None:
    first = _tick(landing, None)
    posts = sorted((landing / "facebook" / "posts").glob("*.jsonl"))[0]
    added = posts.with_name("2099-01-01.jsonl")
    added.write_bytes(posts.read_bytes())
    try:
        second = _tick(landing, first.cursor)
    finally:
        added.unlink()
    [request] = second.run_requests
    assert (request.tags["smm/landing_new"], request.tags["smm/landing_changed"]) == ("1", "0")
    assert request.run_key != first.run_requests[0].run_key


def test_restated_capture_starts_a_run_and_a_deleted_one_only_moves_the_cursor(tmp_path: Path) -> None:
    copy = tmp_path / "landing"
    generate(copy, days=1, seed=3, scale=1)
    first = _tick(copy, None)
    page = sorted((copy / "facebook" / "page").glob("*.jsonl"))[0]
    page.write_text(page.read_text() + page.read_text().splitlines()[0] + "\n")
    changed = _tick(copy, first.cursor)
    [request] = changed.run_requests
    assert request.tags["smm/landing_changed"] == "1"

    page.unlink()
    deleted = _tick(copy, changed.cursor)
    assert not deleted.run_requests
    assert "1 deleted" in deleted.skip_reason.skip_message
    assert page.relative_to(copy).as_posix() not in json.loads(deleted.cursor)["files"]


def test_missing_landing_dir_skips_with_the_setup_hint(tmp_path: Path) -> None:
    result = _tick(tmp_path / "absent", None)
    assert not result.run_requests
    assert "SMM_LANDING_DIR" in result.skip_reason.skip_message
