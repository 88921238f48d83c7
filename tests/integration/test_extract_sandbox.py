"""Extraction end to end against the sandbox: a small generated world served on 127.0.0.1 with rate
limits and server faults on, pulled by the VK, TikTok, X, Facebook, Instagram, YouTube and LinkedIn connectors
(and GA4, signing in with the sandbox's own service-account key, in the first test) into a fresh landing dir.

Pages fetched equal pages served, every wait lasts at least the sandbox's rate-limit window, faults
are retried, no token value lands anywhere, no dot-file is left, and the captures ingest with zero
quarantined records. An invalid token stops only its platform's accounts, with one line naming the
variable; a SIGKILLed extraction leaves nothing the landing scan reads, and the next run completes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.extract import ga4
from pipelines.extract.http import RetrySettings
from pipelines.extract.registry import CONNECTORS
from pipelines.extract.run import ExtractSummary, extract
from pipelines.ingest.brands import load_brands
from pipelines.ingest.landing import scan_landing
from pipelines.ingest.parse import ingest_files, owner_timezones
from pipelines.sandbox.api.server import Sandbox, SandboxSettings
from pipelines.sandbox.api.world import World, load_world
from pipelines.sandbox.generator import generate
from pipelines.schemas import BY_NAME

TOKENS = {
    "vk": "vk-T0KEN-aa11",
    "tiktok": "tt-T0KEN-bb22",
    "x": "x-T0KEN-cc33",
    "facebook": "fb-T0KEN-dd44",
    "instagram": "ig-T0KEN-ee55",
    "youtube": "yt-T0KEN-ff66",
    "linkedin": "li-T0KEN-gg77",
}
ENV = {CONNECTORS[p].token_env: t for p, t in TOKENS.items()}
# The platforms the sandbox serves (Telegram's MTProto is not HTTP: tests/unit/extract/test_telegram.py).
HTTP_CONNECTORS = {p: c for p, c in CONNECTORS.items() if c.open_client is None}
SINCE = datetime(2025, 12, 1, tzinfo=UTC)
UNTIL = datetime(2026, 1, 3, tzinfo=UTC)
# VK's rate limit (error 6) carries no header: the backoff itself must outlast the window.
RETRY = RetrySettings(attempts=6, backoff_factor=1.0, max_wait_seconds=5, timeout_seconds=5)
EXPECTED_DATASETS = {
    "vk__group", "vk__wall", "vk__comments", "vk__search",
    "tiktok__user", "tiktok__videos",
    "x__user", "x__tweets", "x__mentions",
    "facebook__page", "facebook__posts", "facebook__post_insights", "facebook__page_insights", "facebook__comments",
    "instagram__user", "instagram__media", "instagram__media_insights", "instagram__user_insights",
    "instagram__comments",
    "youtube__channel", "youtube__videos", "youtube__comment_threads", "youtube__search",
    "linkedin__organization", "linkedin__posts", "linkedin__share_statistics", "linkedin__follower_statistics",
}  # fmt: skip


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate(out, days=2, seed=11, scale=1)
    return out


@pytest.fixture(scope="module")
def world(generated) -> World:
    return load_world(generated)


def _landing(tmp_path: Path, generated: Path) -> Path:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "brands.yml").write_bytes((generated / "brands.yml").read_bytes())
    return landing


def _run(landing: Path, data: Path, base_url: str, env=ENV, connectors=HTTP_CONNECTORS) -> ExtractSummary:
    return extract(
        list(connectors.values()),
        load_brands(landing / "brands.yml"),
        landing,
        data,
        since=SINCE,
        until=UNTIL,
        retry=RETRY,
        env={**env, "SMM_API_BASE_URL": base_url},
    )


def _lines_per_platform(landing: Path) -> Counter:
    lines: Counter = Counter()
    for path in landing.glob("*/*/*.jsonl"):
        lines[path.parts[-3]] += len(path.read_bytes().splitlines())
    return lines


def _secrets_found(*roots: Path, also: str = "") -> list[str]:
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                found += [f"{path}: {t}" for t in TOKENS.values() if t.encode() in data]
    found += [t for t in TOKENS.values() if t in also]
    return found


def test_every_platform_extracts_under_rate_limits_and_faults(tmp_path, generated, world, monkeypatch):
    landing, data = _landing(tmp_path, generated), tmp_path / "data"
    settings = SandboxSettings(tokens=dict(TOKENS), page_size=5, burst=30, retry_after=1, fail_every=13)
    monkeypatch.setattr(ga4, "PAGE_ROWS", 25)  # GA4's report over several pages
    with Sandbox(world, settings) as sandbox:
        key = sandbox.write_ga4_key(tmp_path / "keys" / "ga4.json")
        env = {**ENV, ga4.CREDENTIALS_ENV: str(key)}
        summary = _run(landing, data, sandbox.base_url, env=env, connectors=HTTP_CONNECTORS)
        ga4_secrets = [
            *sandbox.ga4_tokens.issued,
            *json.loads(key.read_text())["private_key"].splitlines()[1:-1],
        ]
    counters = sandbox.counters
    report = "\n".join(p.line() for p in summary.platforms)
    assert not summary.failed, [p.failures for p in summary.platforms]
    brands = load_brands(landing / "brands.yml").brands
    for result in summary.platforms:
        expected = [
            b.accounts[result.platform]
            for b in brands
            if result.platform in b.accounts and (b.own or not CONNECTORS[result.platform].own_only)
        ]
        assert result.accounts_ok == expected, report
        served = counters.pages[result.platform] + counters.lookups[result.platform]
        assert result.stats.pages == served > 0, report
    assert _lines_per_platform(landing) == counters.pages
    assert counters.rate_limited > 0 and counters.faults > 0
    assert counters.early == 0, "a request came back before the rate-limit window closed"
    stats = [p.stats for p in summary.platforms]
    assert sum(s.retries for s in stats) == counters.rate_limited + counters.faults
    assert sum(s.seconds_waited for s in stats) >= counters.rate_limited * settings.retry_after * 0.9
    assert not [p for p in landing.rglob(".*")], "a temporary capture was left behind"
    assert _secrets_found(landing, data, also=report) == []
    written = b"".join(p.read_bytes() for root in (landing, data) for p in root.rglob("*") if p.is_file())
    assert ga4_secrets and [s for s in ga4_secrets if s.encode() in written or s in report] == []
    assert counters.pages["ga4"] >= 2

    scan = scan_landing(landing)
    assert scan.refused == []
    assert set(scan.files) == EXPECTED_DATASETS | {"ga4__traffic"}
    for name, files in scan.files.items():
        result = ingest_files(
            BY_NAME[name], files, landing, owner_timezones(BY_NAME[name], landing / "brands.yml")
        )
        assert result.stats.records_quarantined == 0, (name, result.quarantine.to_dicts()[:3])
        assert result.stats.rows_loaded > 0, name
    # A --since/--until backfill leaves the incremental cursors where they were (here: none yet).
    assert json.loads((data / "extract" / "vk.json").read_text())["last_success"] == {}


def test_invalid_token_stops_its_platform_with_one_line_naming_the_variable(tmp_path, generated, world):
    landing, data = _landing(tmp_path, generated), tmp_path / "data"
    with Sandbox(world, SandboxSettings(tokens=dict(TOKENS), page_size=50)) as sandbox:
        summary = _run(landing, data, sandbox.base_url, env={**ENV, "SMM_VK_TOKEN": "vk-expired-zz"})
    by_platform = {p.platform: p for p in summary.platforms}
    vk = by_platform["vk"]
    assert vk.accounts_ok == [] and len(vk.failures) == 4
    assert all(f.endswith("renew SMM_VK_TOKEN") and "\n" not in f for f in vk.failures)
    assert "vk-expired-zz" not in " ".join(vk.failures)
    assert by_platform["x"].failures == [] and by_platform["x"].accounts_ok
    assert by_platform["tiktok"].failures == [] and by_platform["tiktok"].accounts_ok
    assert not (landing / "vk").exists() or not list((landing / "vk").rglob("*.jsonl"))


def test_revoked_youtube_oauth_names_its_variable_and_the_data_api_part_is_kept(tmp_path, generated, world):
    landing, data = _landing(tmp_path, generated), tmp_path / "data"
    revoked = '{"client_id": "c", "client_secret": "s-9d2f", "refresh_token": "1//revoked-4b7e"}'
    with Sandbox(world, SandboxSettings(tokens=dict(TOKENS), page_size=50)) as sandbox:
        summary = _run(
            landing,
            data,
            sandbox.base_url,
            env={**ENV, "SMM_YOUTUBE_OAUTH_CREDENTIALS": revoked},
            connectors={"youtube": HTTP_CONNECTORS["youtube"]},
        )
    (youtube,) = summary.platforms
    (line,) = youtube.failures  # the one own channel; its Data API captures are kept
    assert "invalid_grant Token has been expired or revoked." in line
    assert line.endswith("renew SMM_YOUTUBE_OAUTH_CREDENTIALS") and "revoked-4b7e" not in line
    assert {p.parent.name for p in landing.rglob("*.jsonl")} >= {"channel", "videos", "search"}
    assert not (landing / "youtube" / "channel_basic_a3").exists()


def test_youtube_quota_stops_youtube_for_the_day_and_the_others_go_on(tmp_path, generated, world):
    landing, data = _landing(tmp_path, generated), tmp_path / "data"
    with Sandbox(world, SandboxSettings(page_size=50, youtube_quota=3)) as sandbox:
        summary = _run(landing, data, sandbox.base_url)
    by_platform = {p.platform: p for p in summary.platforms}
    (line,) = by_platform["youtube"].failures
    assert line.startswith("youtube: daily quota exceeded") and "stopped for today" in line
    assert [p for p, r in by_platform.items() if r.failures] == ["youtube"]
    assert by_platform["vk"].accounts_ok and by_platform["x"].accounts_ok


def test_platform_without_token_is_skipped_not_failed(tmp_path, generated, world):
    landing, data = _landing(tmp_path, generated), tmp_path / "data"
    with Sandbox(world, SandboxSettings(page_size=50)) as sandbox:
        summary = _run(landing, data, sandbox.base_url, env={"SMM_X_BEARER_TOKEN": "x"})
    assert not summary.failed
    skipped = {p.platform: p.skipped for p in summary.platforms}
    assert skipped == {
        p: None if p == "x" else f"{c.token_env} is not set" for p, c in HTTP_CONNECTORS.items()
    }


def test_an_incremental_run_records_its_cursors(tmp_path, generated, world, monkeypatch):
    landing, data = _landing(tmp_path, generated), tmp_path / "data"
    monkeypatch.setenv("SMM_EXTRACT_HORIZON_DAYS", "3650")  # the generated world lies in the past
    with Sandbox(world, SandboxSettings(page_size=50)) as sandbox:
        summary = extract(
            list(CONNECTORS.values()),
            load_brands(landing / "brands.yml"),
            landing,
            data,
            retry=RETRY,
            env={**ENV, "SMM_API_BASE_URL": sandbox.base_url},
        )
    assert not summary.failed
    cursors = json.loads((data / "extract" / "vk.json").read_text())["last_success"]
    assert cursors["wall/-123456"] == summary.started_at.isoformat()
    assert set(scan_landing(landing).files) == EXPECTED_DATASETS


def test_a_second_run_adds_files_and_rewrites_none(tmp_path, generated, world):
    landing, data = _landing(tmp_path, generated), tmp_path / "data"
    with Sandbox(world, SandboxSettings(page_size=50)) as sandbox:
        first = _run(landing, data, sandbox.base_url)
        before = {p: p.read_bytes() for p in landing.rglob("*.jsonl")}
        time.sleep(1.1)  # a new run stamp
        second = _run(landing, data, sandbox.base_url)
    assert first.run_id != second.run_id
    after = {p: p.read_bytes() for p in landing.rglob("*.jsonl")}
    assert {p: after[p] for p in before} == before
    assert len(after) == 2 * len(before)


def test_sigkill_mid_extraction_leaves_nothing_the_scan_reads(tmp_path, generated, world):
    landing, data = _landing(tmp_path, generated), tmp_path / "data"
    settings = SandboxSettings(page_size=2, burst=4, retry_after=1)
    with Sandbox(world, settings) as sandbox:
        env = {
            **os.environ,
            **ENV,
            "SMM_API_BASE_URL": sandbox.base_url,
            "SMM_LANDING_DIR": str(landing),
            "SMM_DATA_DIR": str(data),
            "SMM_EXTRACT_BACKOFF_SECONDS": "1",
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipelines.cli",
                "extract",
                "--since",
                "2025-12-01",
                "--until",
                "2026-01-02",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while not list(landing.glob("*/*/.*.part")) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert list(landing.glob("*/*/.*.part")), "extraction never started writing"
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
        for name, files in scan_landing(landing).files.items():
            assert ingest_files(BY_NAME[name], files, landing).stats.records_quarantined == 0
        settings.burst = 0
        summary = extract(
            list(CONNECTORS.values()),
            load_brands(landing / "brands.yml"),
            landing,
            data,
            since=SINCE,
            until=UNTIL,
            retry=RETRY,
            env=dict(ENV) | {"SMM_API_BASE_URL": sandbox.base_url},
        )
    assert not summary.failed
    assert not list(landing.rglob(".*")), "the killed run's temporary file was not cleaned up"
