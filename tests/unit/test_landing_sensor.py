"""landing_sensor: starts smm_full when the inputs differ from what the publication was built from."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.automation.sensors import landing_sensor
from pipelines.defs.resources import WarehousePaths
from pipelines.ingest.landing import scan_landing
from pipelines.runtime.inputs import current_inputs, record_inputs
from pipelines.runtime.paths import Paths, resolve_paths
from pipelines.sandbox.generator import generate


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("landing")
    generate(out, days=1, seed=3, scale=1)
    return out


@pytest.fixture
def paths(sample: Path, tmp_path: Path) -> Paths:
    shutil.copytree(sample, tmp_path / "landing")
    return resolve_paths(str(tmp_path / "landing"), str(tmp_path / "data"))


def _tick(paths: Paths) -> dg.RunRequest | dg.SkipReason:
    context = dg.build_sensor_context(
        resources={
            "landing": WarehousePaths(
                landing_dir=str(paths.landing), data_dir=str(paths.data), brands_file=str(paths.brands_file)
            )
        },
    )
    return landing_sensor(context)


def _publish(paths: Paths, run_id: str) -> None:
    """A publication recording the inputs as they are now, as the dbt step records them."""
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    paths.published_db.unlink(missing_ok=True)
    with duckdb.connect(str(paths.published_db)) as con:
        record_inputs(con, current_inputs(paths, scan_landing(paths.landing)))
        con.execute("create table ops.publication as select ? as run_id, now() as published_at", [run_id])
        con.execute(
            "create table ops.lake_partitions (dataset varchar, fetch_partition varchar, digest varchar)"
        )


def _landing_files(landing: Path) -> list[str]:
    return sorted(
        p.relative_to(landing).as_posix()
        for p in landing.rglob("*")
        if p.is_file() and p.name != "brands.yml"
    )


def test_without_a_publication_every_landing_file_starts_one_run(paths: Paths) -> None:
    request = _tick(paths)
    assert isinstance(request, dg.RunRequest)
    assert request.tags["smm/trigger"] == "landing_sensor"
    assert int(request.tags["smm/landing_new"]) == len(_landing_files(paths.landing))
    assert landing_sensor.job_name == "smm_full"


def test_inputs_the_publication_was_built_from_start_nothing(paths: Paths) -> None:
    _publish(paths, "run-1")
    skip = _tick(paths)
    assert isinstance(skip, dg.SkipReason)
    assert "nothing to do" in skip.skip_message


def test_a_touched_file_starts_nothing(paths: Paths) -> None:
    _publish(paths, "run-1")
    page = sorted((paths.landing / "facebook" / "page").glob("*.jsonl"))[0]
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 5_000_000_000))
    assert isinstance(_tick(paths), dg.SkipReason)


def test_a_new_day_starts_one_run_and_the_same_tick_again_has_the_same_run_key(paths: Paths) -> None:
    _publish(paths, "run-1")
    posts = sorted((paths.landing / "facebook" / "posts").glob("*.jsonl"))[0]
    posts.with_name("2099-01-01.jsonl").write_bytes(posts.read_bytes())
    first, again = _tick(paths), _tick(paths)
    assert isinstance(first, dg.RunRequest) and isinstance(again, dg.RunRequest)
    assert (first.tags["smm/landing_new"], first.tags["smm/landing_changed"]) == ("1", "0")
    assert first.run_key == again.run_key  # Dagster starts one run for both ticks


def test_a_restated_or_removed_capture_starts_a_run(paths: Paths) -> None:
    _publish(paths, "run-1")
    page = sorted((paths.landing / "facebook" / "page").glob("*.jsonl"))[0]
    page.write_text(page.read_text() + page.read_text().splitlines()[0] + "\n")
    changed = _tick(paths)
    assert isinstance(changed, dg.RunRequest) and changed.tags["smm/landing_changed"] == "1"
    _publish(paths, "run-2")
    page.unlink()
    removed = _tick(paths)
    assert isinstance(removed, dg.RunRequest) and removed.tags["smm/landing_removed"] == "1"


def test_content_reverted_after_another_publication_gets_a_fresh_run_key(paths: Paths) -> None:
    page = sorted((paths.landing / "facebook" / "page").glob("*.jsonl"))[0]
    original = page.read_bytes()
    _publish(paths, "run-1")
    page.write_bytes(original + original.splitlines(keepends=True)[0])
    to_b = _tick(paths)
    _publish(paths, "run-2")
    page.write_bytes(original)
    back_to_a = _tick(paths)
    assert isinstance(to_b, dg.RunRequest) and isinstance(back_to_a, dg.RunRequest)
    assert to_b.run_key != back_to_a.run_key


def test_missing_landing_dir_skips_with_the_setup_hint(tmp_path: Path) -> None:
    skip = _tick(resolve_paths(str(tmp_path / "absent"), str(tmp_path / "data")))
    assert isinstance(skip, dg.SkipReason)
    assert "SMM_LANDING_DIR" in skip.skip_message
