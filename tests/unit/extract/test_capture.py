"""Capture files: the contract's envelope and name, atomic publication, never a rewrite."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pipelines.extract.capture import CaptureExists, CaptureFile, capture_name
from pipelines.ingest.landing import scan_landing
from pipelines.ingest.parse import ingest_files
from pipelines.schemas import BY_PATH

RUN = datetime(2026, 3, 2, 6, 0, 5, tzinfo=UTC)


def _write_wall_page(capture: CaptureFile, real_fixtures) -> dict:
    body = json.loads((real_fixtures / "vk" / "vknet__wall_get_extended.json").read_text())
    capture.write_page(
        fetched_at=RUN,
        account_id="-123456",
        endpoint="wall.get",
        object_id="-123456",
        params={"owner_id": "-123456", "count": 100, "access_token": "vk-secret"},
        response=body,
    )
    return body


def test_name_follows_contract_and_urn_colons_become_underscores():
    assert capture_name(RUN, "-123456", "ab12cd34") == "20260302T060005Z_-123456_ab12cd34.jsonl"
    assert (
        capture_name(RUN, "urn:li:organization:5", "r1") == "20260302T060005Z_urn_li_organization_5_r1.jsonl"
    )


def test_committed_file_has_one_envelope_per_page_without_secret_params(tmp_path, real_fixtures):
    folder = tmp_path / "vk" / "wall"
    capture = CaptureFile(folder, capture_name(RUN, "-123456", "r1"), secrets=("vk-secret",))
    body = _write_wall_page(capture, real_fixtures)
    path = capture.commit()
    assert path is not None and path.exists()
    assert [p.name for p in folder.iterdir()] == [path.name]  # no dot-file left
    (line,) = path.read_text(encoding="utf-8").splitlines()
    envelope = json.loads(line)
    assert list(envelope) == ["fetched_at", "account_id", "endpoint", "object_id", "params", "response"]
    assert envelope["fetched_at"] == "2026-03-02T06:00:05Z"
    assert envelope["params"] == {"owner_id": "-123456", "count": 100}
    assert envelope["response"] == body  # verbatim


def test_unfinished_capture_is_invisible_to_the_landing_scan(tmp_path, real_fixtures):
    capture = CaptureFile(tmp_path / "vk" / "wall", capture_name(RUN, "-123456", "r1"))
    _write_wall_page(capture, real_fixtures)  # and the process dies before commit
    assert scan_landing(tmp_path).files == {}
    assert [p.name.startswith(".") for p in (tmp_path / "vk" / "wall").iterdir()] == [True]


def test_an_existing_capture_is_never_rewritten(tmp_path, real_fixtures):
    folder = tmp_path / "vk" / "wall"
    name = capture_name(RUN, "-123456", "r1")
    first = CaptureFile(folder, name)
    _write_wall_page(first, real_fixtures)
    path = first.commit()
    before = path.read_bytes()
    with pytest.raises(CaptureExists):
        CaptureFile(folder, name)
    assert path.read_bytes() == before


def test_a_capture_that_appears_while_writing_is_not_overwritten(tmp_path, real_fixtures):
    folder = tmp_path / "vk" / "wall"
    name = capture_name(RUN, "-123456", "r1")
    capture = CaptureFile(folder, name)
    _write_wall_page(capture, real_fixtures)
    (folder / name).write_text("someone else's\n")
    with pytest.raises(CaptureExists):
        capture.commit()
    assert (folder / name).read_text() == "someone else's\n"
    assert [p.name for p in folder.iterdir()] == [name]


def test_committed_capture_ingests_without_quarantine(tmp_path, real_fixtures):
    capture = CaptureFile(tmp_path / "vk" / "wall", capture_name(RUN, "-123456", "r1"))
    _write_wall_page(capture, real_fixtures)
    path = capture.commit()
    result = ingest_files(BY_PATH[("vk", "wall")], [path], tmp_path)
    assert result.stats.records_quarantined == 0
    assert result.stats.rows_loaded > 0
