"""`smm run --if-changed`: a run is skipped only when landing content, brands.yml, code and key are
exactly what the current publication was built from."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.ingest.landing import scan_landing
from pipelines.runtime.paths import Paths, resolve_paths
from pipelines.runtime.run_inputs import current_inputs, published_run_with, record_published_inputs
from pipelines.sandbox.generator import generate


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("inputs_landing")
    generate(out, days=2, seed=3, scale=1)
    return out


@pytest.fixture
def paths(sample: Path, tmp_path: Path) -> Paths:
    shutil.copytree(sample, tmp_path / "landing")
    paths = resolve_paths(
        str(tmp_path / "landing"), str(tmp_path / "data"), str(tmp_path / "landing" / "brands.yml")
    )
    paths.warehouse.mkdir(parents=True)
    duckdb.connect(str(paths.published_db)).close()  # stands in for a publication
    return paths


def _published(paths: Paths) -> Paths:
    record_published_inputs(paths, current_inputs(paths, scan_landing(paths.landing)), "run-1")
    return paths


def _run_id_now(paths: Paths) -> str | None:
    return published_run_with(paths, current_inputs(paths, scan_landing(paths.landing)))


def test_unchanged_inputs_name_the_run_that_published_them(paths: Paths) -> None:
    assert _run_id_now(paths) is None  # nothing recorded yet
    assert _run_id_now(_published(paths)) == "run-1"


def test_a_touched_file_is_unchanged_but_new_content_is_not(paths: Paths) -> None:
    _published(paths)
    landing_file = sorted((paths.landing / "facebook" / "posts").glob("*.jsonl"))[0]
    stat = landing_file.stat()
    os.utime(landing_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert _run_id_now(paths) == "run-1"
    landing_file.write_bytes(landing_file.read_bytes() + b"\n")
    assert _run_id_now(paths) is None


def test_brands_file_key_and_a_new_file_each_count_as_change(paths: Paths, monkeypatch) -> None:
    _published(paths)
    monkeypatch.setenv("SMM_PII_KEY", "another-key")
    assert _run_id_now(paths) is None
    monkeypatch.delenv("SMM_PII_KEY")
    paths.brands_file.write_text(paths.brands_file.read_text() + "\n# edited\n")
    assert _run_id_now(paths) is None
    _published(paths)
    shutil.copy(
        sorted((paths.landing / "x" / "tweets").glob("*.jsonl"))[0],
        paths.landing / "x" / "tweets" / "2099-01-01.jsonl",
    )
    assert _run_id_now(paths) is None


def test_no_publication_means_no_skip(paths: Paths) -> None:
    _published(paths)
    paths.published_db.unlink()
    assert _run_id_now(paths) is None


def test_cli_skips_at_once_and_refuses_mixing_with_a_backfill(paths: Paths) -> None:
    _published(paths)
    env = {
        "SMM_LANDING_DIR": str(paths.landing),
        "SMM_DATA_DIR": str(paths.data),
        "SMM_BRANDS_FILE": str(paths.brands_file),
    }
    skipped = CliRunner().invoke(main, ["run", "--if-changed"], env=env)
    assert skipped.exit_code == 0, skipped.output
    assert "nothing new" in skipped.output and "run-1" in skipped.output
    refused = CliRunner().invoke(main, ["run", "--if-changed", "--full-refresh"], env=env)
    assert refused.exit_code == 2 and "cannot be combined" in refused.output
