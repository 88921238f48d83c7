"""The GA4 connector against the sandbox: the service-account token exchange (a JWT the sandbox verifies
with the public half of its key), runReport paging by offset/limit, the 3-day restatement window,
the property quota, and no key or token anywhere in what the extraction writes or says.

Captures are checked with the ga4/traffic parser (pipelines/parsers/ga4.py) and against the
generator's own ga4 captures of the same days (the numbers must be the ones the generator lands).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from requests import Response

from pipelines.extract import ga4
from pipelines.extract.errors import AuthFailed, RateLimited
from pipelines.extract.google_auth import ServiceAccountAuth
from pipelines.extract.http import PlatformClient, RetrySettings
from pipelines.extract.registry import CONNECTORS
from pipelines.extract.run import ExtractSummary, extract
from pipelines.extract.state import ExtractState
from pipelines.ingest.brands import load_brands
from pipelines.ingest.parse import ingest_files, owner_timezones
from pipelines.sandbox.api.server import Sandbox, SandboxSettings
from pipelines.sandbox.api.world import World, load_world
from pipelines.sandbox.generator import generate
from pipelines.schemas import BY_NAME

SINCE = datetime(2025, 12, 1, tzinfo=UTC)
UNTIL = datetime(2026, 1, 3, tzinfo=UTC)
FAST = RetrySettings(attempts=4, backoff_factor=0.2, max_wait_seconds=3, timeout_seconds=5)
TRAFFIC = BY_NAME["ga4__traffic"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate(out, days=2, seed=11, scale=1)
    return out


@pytest.fixture(scope="module")
def world(generated) -> World:
    return load_world(generated)


@pytest.fixture
def landing(tmp_path, generated) -> Path:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "brands.yml").write_bytes((generated / "brands.yml").read_bytes())
    return landing


@pytest.fixture
def small_pages(monkeypatch) -> int:
    monkeypatch.setattr(ga4, "PAGE_ROWS", 20)
    return 20


def _sandbox(world: World, **settings) -> Sandbox:
    return Sandbox(world, SandboxSettings(**settings))


def _run(
    sandbox: Sandbox, landing: Path, key: Path, *, backfill: bool = True, progress=lambda _: None
) -> ExtractSummary:
    return extract(
        [CONNECTORS["ga4"]],
        load_brands(landing / "brands.yml"),
        landing,
        landing.parent / "data",
        since=SINCE if backfill else None,
        until=UNTIL if backfill else None,
        retry=FAST,
        progress=progress,
        env={"SMM_GA4_CREDENTIALS": str(key), "SMM_API_BASE_URL": sandbox.base_url},
    )


def _lines(landing: Path) -> list[dict]:
    return [json.loads(raw) for path in sorted(landing.glob("ga4/traffic/*.jsonl")) for raw in path.open()]


def _ingest(landing: Path, files: list[Path]):
    return ingest_files(TRAFFIC, files, landing, owner_timezones(TRAFFIC, landing / "brands.yml"))


def _key_pem(key: Path) -> str:
    return json.loads(key.read_text())["private_key"]


# ------------------------------------------------------------------ token exchange


def test_the_key_is_exchanged_for_a_token_the_sandbox_accepts_and_renewed_before_expiry(world, tmp_path):
    with _sandbox(world) as sandbox:
        key = sandbox.write_ga4_key(tmp_path / "key.json")
        now = [time.time() - 3400]  # the first token is issued 3400 s ago: 199 s of it left
        auth = ServiceAccountAuth(
            str(key), scope=ga4.SCOPE, live_api=ga4.BASE_URL, variable="V", clock=lambda: now[0]
        )
        first = auth.access_token(f"{sandbox.base_url}/v1beta/properties/1:runReport")
        now[0] = time.time()
        second = auth.access_token(f"{sandbox.base_url}/v1beta/properties/1:runReport")
        third = auth.access_token(f"{sandbox.base_url}/v1beta/properties/1:runReport")
    assert first != second == third
    assert auth.exchanges == 2 == sandbox.counters.token_exchanges
    assert sandbox.ga4_tokens.valid(second)
    assert key.stat().st_mode & 0o077 == 0, "the key file is readable by its owner only"


def test_a_key_the_sandbox_did_not_issue_is_refused_and_names_the_variable(world, landing, tmp_path):
    with _sandbox(world) as sandbox:
        key = sandbox.write_ga4_key(tmp_path / "key.json")
        forged = json.loads(key.read_text())
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged["private_key"] = other.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        key.write_text(json.dumps(forged))
        summary = _run(sandbox, landing, key)
        served = sandbox.counters.pages["ga4"]
    (result,) = summary.platforms
    (line,) = result.failures
    assert "Invalid JWT Signature" in line and line.endswith("renew SMM_GA4_CREDENTIALS")
    assert served == 0 and _lines(landing) == []


def test_a_token_the_sandbox_did_not_issue_is_refused(world):
    with _sandbox(world) as sandbox:
        client = PlatformClient(
            base_url=sandbox.base_url, auth=BearerTokenAuth("ya29.made-up"), classify=ga4.classify, retry=FAST
        )
        with pytest.raises(AuthFailed, match="UNAUTHENTICATED"):
            list(client.pages("/v1beta/properties/312000001:runReport", method="POST", json_body={}))


# ------------------------------------------------------------------ paging and numbers


def test_pages_follow_offset_to_row_count_and_carry_the_generators_numbers(
    world, generated, landing, small_pages, tmp_path
):
    with _sandbox(world) as sandbox:
        summary = _run(sandbox, landing, sandbox.write_ga4_key(tmp_path / "key.json"))
        served = sandbox.counters.pages["ga4"]
    (result,) = summary.platforms
    assert not result.failures and result.accounts_ok == ["properties/312000001"]
    lines = _lines(landing)
    row_count = lines[0]["response"]["rowCount"]
    assert len(lines) == served == math.ceil(row_count / small_pages) >= 3
    assert [len(line["response"]["rows"]) for line in lines[:-1]] == [small_pages] * (len(lines) - 1)
    assert lines[0]["params"]["dateRanges"] == [{"startDate": "2025-12-01", "endDate": "2026-01-02"}]

    extracted = _ingest(landing, sorted(landing.glob("ga4/traffic/*.jsonl")))
    assert extracted.stats.records_quarantined == 0
    assert extracted.stats.rows_loaded == row_count
    # The generator's own captures of the same property: per date, its latest capture's rows.
    own = _ingest(generated, sorted(generated.glob("ga4/traffic/*.jsonl"))).rows
    latest = own.filter(pl.col("fetched_at") == pl.col("fetched_at").max().over("property_id", "report_date"))
    columns = [c for c in own.columns if c not in ("fetched_at", "source_file", "source_line", "fetch_date")]
    assert extracted.rows.select(columns).sort(columns).equals(latest.select(columns).sort(columns))


def test_a_real_page_without_rows_is_one_empty_page(world, real_fixtures):
    empty = json.loads((real_fixtures / "ga4" / "ecommerce_raport__run_report_without_rows.json").read_text())
    assert "rows" not in empty
    with _sandbox(world) as sandbox:
        sandbox.ga4_tokens.issued["ya29.t"] = time.time() + 60
        sandbox.script("/v1beta/properties/9:runReport", [(None, empty)], cursor_param="unused")
        client = PlatformClient(
            base_url=sandbox.base_url, auth=BearerTokenAuth("ya29.t"), classify=ga4.classify, retry=FAST
        )
        pages = list(
            client.pages(
                "/v1beta/properties/9:runReport",
                method="POST",
                json_body={},
                paginator=ga4.report_paginator(),
                data_selector="rows",
            )
        )
    assert [p.records for p in pages] == [[]] and pages[0].body == empty


def test_a_429_is_waited_out_and_the_report_completes(world, landing, small_pages, tmp_path):
    with _sandbox(world, burst=2, retry_after=1) as sandbox:
        summary = _run(sandbox, landing, sandbox.write_ga4_key(tmp_path / "key.json"))
        served, limited = sandbox.counters.pages["ga4"], sandbox.counters.rate_limited
    (result,) = summary.platforms
    assert not result.failures and limited > 0 and result.stats.retries == limited
    assert len(_lines(landing)) == served


# ------------------------------------------------------------------ quotas


def test_a_low_property_quota_stops_the_property_and_keeps_no_partial_report(
    world, landing, tmp_path, monkeypatch
):
    monkeypatch.setenv("SMM_EXTRACT_HORIZON_DAYS", "3650")  # an incremental run reaching the generated past
    with _sandbox(world, ga4_tokens_per_hour=45) as sandbox:  # 10 tokens a request
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(ga4, "PAGE_ROWS", 10)
            summary = _run(sandbox, landing, sandbox.write_ga4_key(tmp_path / "key.json"), backfill=False)
        served = sandbox.counters.pages["ga4"]
    (result,) = summary.platforms
    (line,) = result.failures
    # 45 - 3 * 10 = 15 tokens left after page 3, less than twice a page's cost: no page 4.
    assert served == 3
    assert "tokensPerHour has 15 tokens left" in line and "stopped for this run" in line
    assert list(landing.rglob("*.jsonl")) == [] and list(landing.rglob(".*")) == []
    assert (
        ExtractState(landing.parent / "data", "ga4").last_success("traffic", "properties/312000001") is None
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Exhausted property tokens per hour. Try again in the next hour.", ga4.PropertyQuotaExhausted),
        ("Exhausted property tokens per day.", ga4.PropertyQuotaExhausted),
        ("Exhausted concurrent requests quota.", RateLimited),
    ],
)
def test_resource_exhausted_is_a_stop_when_tokens_are_spent_else_a_wait(message, expected):
    body = {"error": {"code": 429, "message": message, "status": "RESOURCE_EXHAUSTED"}}
    response = Response()
    response.status_code = 429
    with pytest.raises(expected):
        ga4.classify(response, body)


def test_real_report_page_is_not_an_error_and_has_no_quota_to_obey(real_fixtures):
    page = json.loads((real_fixtures / "ga4" / "ecommerce_raport__run_report_date_event_p1.json").read_text())
    response = Response()
    response.status_code = 200
    ga4.classify(response, page)
    assert ga4.quota_shortfall(page.get("propertyQuota")) is None


# ------------------------------------------------------------------ restatement window


def _ctx(
    last_success: datetime | None,
    *,
    since: datetime | None = None,
    tz: str = "Europe/Kyiv",
    now: datetime = datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
):
    state = SimpleNamespace(last_success=lambda entity, account: last_success)
    return SimpleNamespace(
        brand=SimpleNamespace(timezone=tz),
        forced_since=since,
        state=state,
        account_id="properties/1",
        run_started=now,
        until=now,
    )


def test_each_run_fetches_the_new_days_and_the_three_before_up_to_the_last_closed_local_day(monkeypatch):
    monkeypatch.setenv("SMM_EXTRACT_HORIZON_DAYS", "30")
    yesterday_run = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
    assert ga4.report_dates(_ctx(yesterday_run)) == (date(2026, 2, 26), date(2026, 3, 1))
    assert ga4.report_dates(_ctx(None)) == (date(2026, 1, 31), date(2026, 3, 1))  # a new data dir
    # West of UTC the run's instant is still the previous local day: that day is not closed yet.
    early = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 22:00 on 1 March in New York
    assert ga4.report_dates(_ctx(yesterday_run, tz="America/New_York", now=early)) == (
        date(2026, 2, 26),
        date(2026, 2, 28),
    )
    backfill = _ctx(yesterday_run, since=datetime(2026, 1, 10, tzinfo=UTC))
    assert ga4.report_dates(backfill)[0] == date(2026, 1, 10)


def test_an_incremental_run_asks_for_the_restatement_window_and_moves_the_cursor(world, landing, tmp_path):
    data = landing.parent / "data"
    state = ExtractState(data, "ga4")
    earlier = datetime.now(UTC).replace(microsecond=0) - (datetime(2026, 1, 2) - datetime(2026, 1, 1))
    state.mark("traffic", "properties/312000001", earlier)
    state.save()
    with _sandbox(world) as sandbox:
        summary = _run(sandbox, landing, sandbox.write_ga4_key(tmp_path / "key.json"), backfill=False)
    assert not summary.failed
    (line,) = _lines(landing)  # the generated world lies in the past: an empty report
    (window,) = line["params"]["dateRanges"]
    first, last = (date.fromisoformat(window[k]) for k in ("startDate", "endDate"))
    assert (last - first).days == 3  # yesterday's run's day, less 3, up to yesterday
    moved = ExtractState(data, "ga4").last_success("traffic", "properties/312000001")
    assert moved == summary.started_at


# ------------------------------------------------------------------ secrets


def test_neither_the_private_key_nor_a_token_appears_in_captures_state_or_output(
    world, landing, small_pages, tmp_path, caplog
):
    said: list[str] = []
    caplog.set_level(logging.DEBUG)
    with _sandbox(world, burst=3, retry_after=1) as sandbox:
        key = sandbox.write_ga4_key(tmp_path / "keys" / "key.json")
        summary = _run(sandbox, landing, key, progress=said.append)
        issued = list(sandbox.ga4_tokens.issued)
    assert not summary.failed and issued
    pem = _key_pem(key)
    secrets = issued + [line for line in pem.splitlines() if "-----" not in line]
    written = b"".join(
        p.read_bytes() for p in landing.parent.rglob("*") if p.is_file() and "keys" not in p.parts
    )
    text = "\n".join([*said, *(p.line() for p in summary.platforms), caplog.text])
    assert [s for s in secrets if s.encode() in written] == []
    assert [s for s in secrets if s in text] == []
    assert len(_lines(landing)) > 1


def test_a_rejected_exchange_says_nothing_secret(world, landing, tmp_path):
    # The failure line of a refused sign-in quotes the endpoint's answer, never the key or the assertion.
    with _sandbox(world) as sandbox:
        key = sandbox.write_ga4_key(tmp_path / "key.json")
        text = key.read_text().replace("smm-extract@", "someone-else@")
        key.write_text(text)
        summary = _run(sandbox, landing, key)
    (line,) = summary.platforms[0].failures
    assert "iss is not the service account" in line
    pem_lines = [p for p in _key_pem(key).splitlines() if "-----" not in p]
    assert not [p for p in pem_lines if p in line] and "eyJ" not in line


@pytest.fixture(autouse=True)
def _no_leftover_env(monkeypatch) -> Iterator[None]:
    monkeypatch.delenv("SMM_API_BASE_URL", raising=False)
    yield
