"""Landing discovery refuses what is outside the contract and never follows links out."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ingest.landing import LandingDirMissing, scan_landing
from pipelines.schemas import BY_NAME


def _touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_files_map_to_their_dataset(tmp_path: Path) -> None:
    posts = _touch(tmp_path / "facebook/posts/2026-03-02.jsonl")
    a3 = _touch(tmp_path / "youtube/channel_basic_a3/20260302T060000Z_channel_basic_a3.csv")
    scan = scan_landing(tmp_path)
    assert scan.files_for(BY_NAME["facebook__posts"]) == [posts]
    assert scan.files_for(BY_NAME["youtube__channel_basic_a3"]) == [a3]
    assert scan.refused == []


def test_unknown_platform_and_entity_are_refused_with_reason(tmp_path: Path) -> None:
    _touch(tmp_path / "myspace/posts/a.jsonl")
    _touch(tmp_path / "facebook/stories/a.jsonl")
    reasons = {r.path: r.reason for r in scan_landing(tmp_path).refused}
    assert "unknown platform 'myspace'" in reasons["myspace"]
    assert "unknown entity 'stories' for facebook" in reasons["facebook/stories"]


def test_symlink_outside_landing_is_not_followed(tmp_path: Path) -> None:
    outside = _touch(tmp_path / "outside" / "secret.jsonl", '{"fetched_at": "2026-03-02T06:00:00Z"}\n')
    landing = tmp_path / "landing"
    (landing / "x" / "tweets").mkdir(parents=True)
    (landing / "x" / "tweets" / "evil.jsonl").symlink_to(outside)
    (landing / "vk").symlink_to(tmp_path / "outside")
    scan = scan_landing(landing)
    refused = {r.path: r.reason for r in scan.refused}
    assert "x/tweets/evil.jsonl" in refused and "outside the landing dir" in refused["x/tweets/evil.jsonl"]
    assert "vk" in refused
    assert scan.files_for(BY_NAME["x__tweets"]) == []


def test_symlink_inside_landing_is_read(tmp_path: Path) -> None:
    real = _touch(tmp_path / "x/tweets/2026-03-02.jsonl")
    (tmp_path / "x/tweets/copy.jsonl").symlink_to(real)
    assert len(scan_landing(tmp_path).files_for(BY_NAME["x__tweets"])) == 2


def test_dotdot_names_and_wrong_suffix_are_refused(tmp_path: Path) -> None:
    _touch(tmp_path / "x/tweets/..hidden..jsonl")
    _touch(tmp_path / "x/tweets/a..b.jsonl")
    _touch(tmp_path / "x/tweets/notes.txt")
    reasons = {r.path: r.reason for r in scan_landing(tmp_path).refused}
    assert "'..'" in reasons["x/tweets/a..b.jsonl"]
    assert "expects .jsonl" in reasons["x/tweets/notes.txt"]


def test_missing_landing_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LandingDirMissing, match="SMM_LANDING_DIR"):
        scan_landing(tmp_path / "nope")


def test_a_scan_for_one_dataset_walks_its_folder_and_keeps_its_platforms_refusals(tmp_path: Path) -> None:
    tweets = _touch(tmp_path / "x/tweets/2026-03-02.jsonl")
    _touch(tmp_path / "x/tweets/notes.txt")
    _touch(tmp_path / "x/mentions/2026-03-02.jsonl")
    _touch(tmp_path / "x/spaces/a.jsonl")
    _touch(tmp_path / "facebook/posts/2026-03-02.jsonl")
    _touch(tmp_path / "myspace/posts/a.jsonl")
    full = scan_landing(tmp_path)
    only = scan_landing(tmp_path, only=BY_NAME["x__tweets"])
    assert only.files == {"x__tweets": [tweets]}
    assert only.files_for(BY_NAME["x__tweets"]) == full.files_for(BY_NAME["x__tweets"])
    # What the ingest step reports: refusals inside its platform's folder, exactly as a full scan finds them.
    assert {r.path for r in only.refused} == {"x/tweets/notes.txt", "x/spaces"}
    assert {r.path for r in full.refused if r.path.startswith("x/")} == {r.path for r in only.refused}
    with pytest.raises(LandingDirMissing):
        scan_landing(tmp_path / "nope", only=BY_NAME["x__tweets"])
