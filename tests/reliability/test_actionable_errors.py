"""Errors a person can act on: a malformed brands.yml, a missing landing dir, a full disk, a run
already in progress or a published file held open for writing each end `smm run` with one clear
message naming the file and what to do, and a non-zero exit."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.runtime.paths import resolve_paths
from pipelines.runtime.run_lock import run_lock
from tests.reliability.helpers import run_smm, smm_env

pytestmark = pytest.mark.reliability


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def test_malformed_brands_file_names_the_file_and_line(small_landing: Path, tmp_path: Path, figures) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    (landing / "brands.yml").write_text("brands:\n  - id: aurora\n    name: [unclosed\n")
    result = run_smm(smm_env(landing, tmp_path / "data"), "run", timeout=120)
    figures.record("7_errors", malformed_brands_exit_code=result.returncode)
    assert result.returncode == 2
    assert _error_lines(result.stderr) == [result.stderr.strip()], "one message, nothing else"
    assert f"{landing / 'brands.yml'}:" in result.stderr and "not valid YAML" in result.stderr
    assert "fix brands.yml" in result.stderr
    assert not (tmp_path / "data" / "warehouse").exists()


def test_missing_landing_dir_says_which_and_how_to_fix(tmp_path: Path, figures) -> None:
    missing = tmp_path / "no-such-landing"
    result = run_smm(smm_env(missing, tmp_path / "data"), "run", timeout=120)
    figures.record("7_errors", missing_landing_exit_code=result.returncode)
    assert result.returncode == 2
    assert _error_lines(result.stderr) == [result.stderr.strip()]
    assert str(missing) in result.stderr
    assert "SMM_LANDING_DIR" in result.stderr and "smm generate" in result.stderr


def test_run_lock_held_elsewhere_refuses_at_once(small_landing: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    with run_lock(resolve_paths(str(small_landing), str(data))) as lock:
        result = run_smm(smm_env(small_landing, data), "run", timeout=120)
    assert result.returncode == 2
    assert _error_lines(result.stderr) == [result.stderr.strip()]
    assert str(lock) in result.stderr and f"pid {os.getpid()}" in result.stderr
    assert "wait for it to finish" in result.stderr


def test_published_file_open_for_writing_is_refused_before_building(
    small_landing: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    published = data / "warehouse" / "smm.duckdb"
    published.parent.mkdir(parents=True)
    writer = duckdb.connect(str(published))  # an analyst who forgot read_only=True
    try:
        result = run_smm(smm_env(small_landing, data), "run", timeout=120)
    finally:
        writer.close()
    assert result.returncode == 2
    assert _error_lines(result.stderr) == [result.stderr.strip()]
    assert str(published) in result.stderr and "read-only" in result.stderr
    assert not (data / "lake").exists(), "refused before ingesting anything"


def test_full_disk_simulated_gives_one_message_naming_the_file(
    small_landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, figures
) -> None:
    """Every Parquet write fails with polars' ENOSPC error (what a full disk raises)."""
    from pipelines.cli import main

    def no_space(self, file, *args, **kwargs):
        raise pl.exceptions.ComputeError(
            "parquet: File out of specification: underlying IO error: No space left on device (os error 28)"
        )

    monkeypatch.setattr(pl.DataFrame, "write_parquet", no_space)
    data = tmp_path / "data"
    for name, value in (
        ("SMM_LANDING_DIR", small_landing),
        ("SMM_DATA_DIR", data),
        ("SMM_BRANDS_FILE", small_landing / "brands.yml"),
    ):
        monkeypatch.setenv(name, str(value))  # restored afterwards; the runner sets them too
    result = CliRunner().invoke(main, ["run"])
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    figures.record("7_errors", disk_full_simulated_exit_code=result.exit_code)
    assert result.exit_code == 1, result.output[-3000:]
    assert len(errors) == 1, errors
    assert "disk full: no space left writing " + str(data / "lake") in errors[0]
    assert "free space on that disk" in errors[0] and "SMM_DATA_DIR" in errors[0]


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 1 MB tmpfs (needs root and mount rights; skipped elsewhere: the simulated test still runs)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root and mount(8); the simulated full-disk test still runs")
    mount_point = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'not root'})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.mark.slow
def test_real_full_disk_gives_one_message_naming_the_file(
    small_landing: Path, tiny_disk: Path, figures
) -> None:
    data = tiny_disk / "data"
    result = run_smm(smm_env(small_landing, data), "run")
    errors = _error_lines(result.stderr)
    figures.record("7_errors", disk_full_real_exit_code=result.returncode, disk_full_message=errors[:1])
    assert result.returncode == 1
    assert len(errors) == 1, errors
    assert errors[0] == result.stderr.strip().splitlines()[-1], "the clear message is the last word"
    # The file when the failing writer said which, else the data dir it writes under.
    assert "disk full: no space left writing " in errors[0] and str(data) in errors[0]
    assert "free space on that disk" in errors[0]
    assert not (data / "warehouse" / "smm.duckdb").exists()
