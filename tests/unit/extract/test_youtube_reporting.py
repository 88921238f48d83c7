"""The YouTube Reporting API part of the YouTube connector against a local fake of the three endpoints
(jobs, reports, media download) and Google's token endpoint: the job created when missing, reports
paged by `nextPageToken` from the durable cursor (a report already downloaded is never fetched
again), an expired refresh token naming its variable, and the written CSV read by the real ingest
parser (`parse_file`) into the rows the report holds.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from requests import Response

from pipelines.extract import youtube
from pipelines.extract.base import AccountContext
from pipelines.extract.errors import AuthFailed, RateLimited
from pipelines.extract.http import PlatformClient, RetrySettings
from pipelines.extract.state import ExtractState
from pipelines.extract.youtube_oauth import OAUTH_ENV
from pipelines.extract.youtube_reporting import extract_reports, reporting_classify
from pipelines.ingest.brands import Brand, BrandsConfig
from pipelines.ingest.parse import parse_file
from pipelines.schemas import BY_NAME

CHANNEL = "UCaurora000000000000000"
FAST = RetrySettings(attempts=2, backoff_factor=0.01, max_wait_seconds=0.1, timeout_seconds=5)
REFRESH = "1//refresh-token-7f3a"
SECRET = "client-secret-9b2e"
ACCESS = "ya29.access-token-41c8"
# The Reporting API's channel_basic_a3 columns (landing contract, YouTube section), one breakdown per row.
HEADER = (
    "date,channel_id,video_id,live_or_on_demand,subscribed_status,country_code,views,comments,likes,"
    "dislikes,shares,watch_time_minutes,average_view_duration_seconds,subscribers_gained,subscribers_lost"
)


def report_csv(day: str, views: int) -> str:
    return (
        f"{HEADER}\n"
        f"{day},{CHANNEL},ONByzbkeU88,on_demand,subscribed,UA,{views},1,4,0,2,106.0,212,0,1\n"
        f"{day},{CHANNEL},ONByzbkeU88,on_demand,unsubscribed,RO,5,0,0,0,0,15.4,185,1,0\n"
    )


@dataclass
class FakeReporting:
    """youtubereporting.googleapis.com as documented: jobs, reports (createdAfter, pageSize 1 here to
    page), media; plus oauth2's token endpoint (refresh grant)."""

    jobs: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, str] = field(default_factory=dict)
    refresh_ok: bool = True
    honours_created_after: bool = True
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    base: str = ""

    def add_report(self, report_id: str, created: str, day: str, views: int) -> None:
        self.reports.append(
            {
                "id": report_id,
                "jobId": "job-1",
                "startTime": f"{day[:4]}-{day[4:6]}-{day[6:]}T08:00:00Z",
                "createTime": created,
                "downloadUrl": f"{self.base}/v1/media/CHANNEL/{CHANNEL}/jobs/job-1/reports/{report_id}?alt=media",
            }
        )
        self.media[report_id] = report_csv(day, views)

    def answer(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> tuple[int, str, str]:
        self.requests.append((method, path, query))
        if path == "/token":
            form = parse_qs(body.decode())
            if not self.refresh_ok or form.get("refresh_token") != [REFRESH]:
                return (
                    400,
                    "json",
                    json.dumps(
                        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
                    ),
                )
            return (
                200,
                "json",
                json.dumps({"access_token": ACCESS, "expires_in": 3599, "token_type": "Bearer"}),
            )
        if path == "/v1/jobs" and method == "POST":
            job = {"id": "job-1", **json.loads(body), "createTime": "2026-01-01T00:00:00Z"}
            self.jobs.append(job)
            return 200, "json", json.dumps(job)
        if path == "/v1/jobs":
            return 200, "json", json.dumps({"jobs": self.jobs} if self.jobs else {})
        if path == "/v1/jobs/job-1/reports":
            after = query.get("createdAfter", [""])[0] if self.honours_created_after else ""
            found = [r for r in self.reports if not after or r["createTime"] > after]
            start = int(query.get("pageToken", ["0"])[0])
            page: dict[str, Any] = {"reports": found[start : start + 1]} if found else {}
            if start + 1 < len(found):
                page["nextPageToken"] = str(start + 1)
            return 200, "json", json.dumps(page)
        if path.startswith("/v1/media/"):
            return 200, "csv", self.media[path.rsplit("/", 1)[1]]
        return (
            404,
            "json",
            json.dumps({"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}}),
        )


@pytest.fixture
def fake() -> Iterator[FakeReporting]:
    state = FakeReporting()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if url.path != "/token" and self.headers.get("Authorization") != f"Bearer {ACCESS}":
                status, kind, text = (
                    401,
                    "json",
                    json.dumps(
                        {
                            "error": {
                                "code": 401,
                                "message": "Invalid Credentials",
                                "status": "UNAUTHENTICATED",
                            }
                        }
                    ),
                )
            else:
                status, kind, text = state.answer(self.command, url.path, parse_qs(url.query), body)
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/csv" if kind == "csv" else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def env(fake: FakeReporting, refresh: str = REFRESH) -> dict[str, str]:
    credentials = {
        "type": "authorized_user",
        "client_id": "cid",
        "client_secret": SECRET,
        "refresh_token": refresh,
    }
    return {OAUTH_ENV: json.dumps(credentials), "SMM_API_BASE_URL": fake.base}


def context(tmp_path: Path, fake: FakeReporting, started: datetime) -> AccountContext:
    brand = Brand("aurora", "Aurora", True, (), "Europe/Kyiv", None, {"youtube": CHANNEL})
    return AccountContext(
        connector=youtube.CONNECTOR,
        client=PlatformClient(base_url=fake.base, auth=None, classify=youtube.classify, retry=FAST),
        brand=brand,
        brands=BrandsConfig((brand,), {}),
        account_id=CHANNEL,
        landing=tmp_path / "landing",
        run_id="run1",
        run_started=started,
        state=ExtractState(tmp_path / "data", "youtube"),
        forced_since=None,
        until=started,
        secrets=["api-key-unused"],
    )


def run(tmp_path: Path, fake: FakeReporting, started: datetime, refresh: str = REFRESH) -> AccountContext:
    ctx = context(tmp_path, fake, started)
    extract_reports(
        ctx, classify=youtube.classify, paginator=youtube.page_token_paginator, env=env(fake, refresh)
    )
    ctx.state.save()
    return ctx


def paths(fake: FakeReporting, prefix: str) -> list[str]:
    return [p for _, p, _ in fake.requests if p.startswith(prefix)]


def test_creates_the_job_when_the_channel_has_none(tmp_path, fake):
    ctx = run(tmp_path, fake, datetime(2026, 1, 5, tzinfo=UTC))
    posts = [(m, p) for m, p, _ in fake.requests if m == "POST" and p == "/v1/jobs"]
    assert posts == [("POST", "/v1/jobs")]
    assert fake.jobs[0]["reportTypeId"] == "channel_basic_a3"
    assert ctx.failures == [] and ctx.written == []  # a new job has no report yet
    run(tmp_path, fake, datetime(2026, 1, 6, tzinfo=UTC))
    assert len(fake.jobs) == 1, "the existing job is reused, not created again"


def test_pages_reports_and_never_downloads_one_twice(tmp_path, fake):
    fake.jobs.append({"id": "job-1", "reportTypeId": "channel_basic_a3"})
    fake.add_report("r1", "2026-01-03T10:00:00.000000Z", "20260101", 30)
    fake.add_report("r2", "2026-01-04T10:00:00.000000Z", "20260102", 31)
    first = run(tmp_path, fake, datetime(2026, 1, 5, tzinfo=UTC))
    assert first.failures == []
    assert len(paths(fake, "/v1/jobs/job-1/reports")) == 2  # one report a page, nextPageToken followed
    assert sorted(p.name for p in first.written) == [
        f"20260103T100000Z_{CHANNEL}_r1.csv",
        f"20260104T100000Z_{CHANNEL}_r2.csv",
    ]
    fake.add_report("r3", "2026-01-05T10:00:00.000000Z", "20260101", 40)  # a restatement of Jan 1
    fake.requests.clear()
    second = run(tmp_path, fake, datetime(2026, 1, 6, tzinfo=UTC))
    listed = [q for _, p, q in fake.requests if p == "/v1/jobs/job-1/reports"]
    assert listed[0]["createdAfter"] == ["2026-01-04T10:00:00.000000Z"]  # the durable cursor
    assert paths(fake, "/v1/media/") == [f"/v1/media/CHANNEL/{CHANNEL}/jobs/job-1/reports/r3"]
    assert [p.name for p in second.written] == [f"20260105T100000Z_{CHANNEL}_r3.csv"]
    landing = tmp_path / "landing"
    assert not [p for p in landing.rglob(".*")], "no dot-file left behind"
    text = "\n".join(p.read_text() for p in landing.rglob("*.csv"))
    assert ACCESS not in text and REFRESH not in text and SECRET not in text


def test_a_server_ignoring_created_after_still_gets_no_second_download(tmp_path, fake):
    fake.honours_created_after = False
    fake.jobs.append({"id": "job-1", "reportTypeId": "channel_basic_a3"})
    fake.add_report("r1", "2026-01-03T10:00:00.000000Z", "20260101", 30)
    run(tmp_path, fake, datetime(2026, 1, 5, tzinfo=UTC))
    fake.add_report("r2", "2026-01-04T10:00:00.000000Z", "20260102", 31)
    fake.requests.clear()
    second = run(tmp_path, fake, datetime(2026, 1, 6, tzinfo=UTC))
    assert paths(fake, "/v1/media/") == [f"/v1/media/CHANNEL/{CHANNEL}/jobs/job-1/reports/r2"]
    assert [p.name for p in second.written] == [f"20260104T100000Z_{CHANNEL}_r2.csv"]


def test_expired_refresh_token_names_the_variable(tmp_path, fake):
    ctx = context(tmp_path, fake, datetime(2026, 1, 5, tzinfo=UTC))
    with pytest.raises(AuthFailed) as raised:
        extract_reports(
            ctx,
            classify=youtube.classify,
            paginator=youtube.page_token_paginator,
            env=env(fake, "1//revoked"),
        )
    assert raised.value.renew == OAUTH_ENV  # what run.py names: "…; renew SMM_YOUTUBE_OAUTH_CREDENTIALS"
    assert "invalid_grant Token has been expired or revoked." in str(raised.value)
    assert "channel_basic_a3" in ctx.failed
    assert "1//revoked" not in str(raised.value)


def test_missing_credentials_skip_the_report_only(tmp_path, fake, caplog):
    ctx = context(tmp_path, fake, datetime(2026, 1, 5, tzinfo=UTC))
    extract_reports(ctx, classify=youtube.classify, paginator=youtube.page_token_paginator, env={})
    assert fake.requests == [] and ctx.failures == [] and ctx.attempted == set()
    assert f"{OAUTH_ENV} is not set" in caplog.text


def test_written_report_is_read_by_the_ingest_parser(tmp_path, fake):
    fake.jobs.append({"id": "job-1", "reportTypeId": "channel_basic_a3"})
    fake.add_report("r1", "2026-01-03T10:00:00.000000Z", "20260101", 30)
    (written,) = run(tmp_path, fake, datetime(2026, 1, 5, tzinfo=UTC)).written
    parsed = parse_file(BY_NAME["youtube__channel_basic_a3"], written, tmp_path / "landing")
    assert parsed.quarantine.height == 0
    rows = parsed.rows.sort("country_code", descending=True).to_dicts()
    assert [(r["report_date"], r["country_code"], r["subscribed_status"], r["views"]) for r in rows] == [
        (date(2026, 1, 1), "UA", "subscribed", 30),
        (date(2026, 1, 1), "RO", "unsubscribed", 5),
    ]
    assert rows[0]["watch_time_minutes"] == 106.0 and rows[0]["channel_id"] == CHANNEL
    assert rows[0]["fetched_at"] == datetime(2026, 1, 3, 10, tzinfo=UTC)  # the report's createTime


def test_reporting_errors_google_style_rate_limit_retried_401_names_the_variable():
    check = reporting_classify(youtube.classify)
    response = Response()
    response.status_code = 429  # Google's body for the Reporting API: no errors[].reason
    with pytest.raises(RateLimited):
        check(response, {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}})
    response.status_code = 401
    with pytest.raises(AuthFailed) as raised:
        check(
            response, {"error": {"code": 401, "message": "Invalid Credentials", "status": "UNAUTHENTICATED"}}
        )
    assert raised.value.renew == OAUTH_ENV
