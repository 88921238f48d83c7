"""YouTube Reporting API: the daily `channel_basic_a3` report of an own channel, as CSV exports.

The API works by jobs: a job per report type makes YouTube generate one report a day (and, for a new
job, the last 30 days within a day or two). Each run lists the jobs (`GET /v1/jobs`), creates the
`channel_basic_a3` job when it is missing (`POST /v1/jobs`), lists the job's reports created after
the durable cursor (`GET /v1/jobs/{id}/reports?createdAfter=…`, paged by `nextPageToken`), and
downloads each new report's CSV (`downloadUrl`, a media download on the API's own host).

Each report is written as it came, as the contract's `channel_basic_a3` export:
`youtube/channel_basic_a3/<createTime YYYYMMDDTHHMMSSZ>_<channel id>_<report id>.csv`. The prefix is
the report's creation time, not the run's: a report YouTube regenerates for days it already
reported (a restatement) is created later, so its rows win over the first ones in the warehouse.
The cursor is the newest `createTime` downloaded (`positions`, microseconds); it moves past a report
only once that report is written, so a report is never fetched twice and a failed one is retried.

Credentials: a channel owner's OAuth token (youtube_oauth.py), not the Data API key. Without
`SMM_YOUTUBE_OAUTH_CREDENTIALS` the report is skipped with a note and the Data API part goes on.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from dlt.sources.helpers.rest_client.paginators import BasePaginator
from requests import Response

from pipelines.extract.base import AccountContext
from pipelines.extract.capture import publish_export, stamp
from pipelines.extract.credentials import BASE_URL_ENV
from pipelines.extract.errors import (
    ApiError,
    AuthFailed,
    ExtractError,
    QuotaExceeded,
    RateLimited,
    Unreachable,
)
from pipelines.extract.http import Classify, PlatformClient
from pipelines.extract.redact import redact_text
from pipelines.extract.state import horizon_days
from pipelines.extract.youtube_oauth import OAUTH_ENV, RefreshTokenAuth, auth_failed

log = logging.getLogger(__name__)

BASE_URL = "https://youtubereporting.googleapis.com"
REPORT_TYPE = "channel_basic_a3"
ENTITY = "channel_basic_a3"  # the landing folder the youtube parser reads as CSV
JOB_NAME = "smm channel_basic_a3"
CURSOR = "channel_basic_a3_created"  # state `positions` key: newest report createTime, microseconds


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


Paginator = Callable[[], BasePaginator]


def reporting_classify(classify: Classify) -> Classify:
    """The Data API's error rules (quota, rate), with any refusal of the token naming the OAuth variable."""

    def check(response: Response, body: Any) -> None:
        error = body.get("error") if isinstance(body, dict) else None
        status = error.get("status") if isinstance(error, dict) else None
        if response.status_code == 401 or status == "UNAUTHENTICATED":
            message = error.get("message", "") if isinstance(error, dict) else ""
            raise auth_failed(f"YouTube Reporting {response.status_code} {status or ''}: {message}".strip())
        if response.status_code == 429 or status == "RESOURCE_EXHAUSTED":
            raise RateLimited(f"YouTube Reporting {response.status_code} {status or ''}".strip(), response)
        classify(response, body)

    return check


def extract_reports(
    ctx: AccountContext, *, classify: Classify, paginator: Paginator, env: Mapping[str, str] | None = None
) -> None:
    """Download this own channel's new `channel_basic_a3` reports (see the module docstring)."""
    env = env if env is not None else ctx.env if ctx.env is not None else os.environ
    credentials = env.get(OAUTH_ENV, "").strip()
    if not credentials:
        log.warning("youtube %s: channel_basic_a3 skipped — %s is not set", ctx.account_id, OAUTH_ENV)
        return
    override = env.get(BASE_URL_ENV, "").strip().rstrip("/")
    base_url = override or BASE_URL
    auth = RefreshTokenAuth(credentials, live_api=BASE_URL, timeout_seconds=ctx.client.retry.timeout_seconds)
    client = PlatformClient(
        base_url=base_url, auth=auth, classify=reporting_classify(classify), retry=ctx.client.retry
    )
    ctx.attempted.add(ENTITY)
    try:
        _reports(ctx, client, auth, paginator)
    except (AuthFailed, QuotaExceeded, Unreachable):
        ctx.failed.add(ENTITY)
        raise
    except ExtractError as exc:
        ctx.failed.add(ENTITY)
        ctx.failures.append(f"{ENTITY}: {redact_text(str(exc), auth.secret_values())}")
    finally:
        ctx.client.stats.add(client.stats)


def _reports(
    ctx: AccountContext, client: PlatformClient, auth: RefreshTokenAuth, paginator: Paginator
) -> None:
    job_id = _job_id(client, paginator)
    params: dict[str, Any] = {}
    last = ctx.state.position(CURSOR, ctx.account_id)
    if ctx.backfill:
        # --since/--until: the reports whose data day lies in the window; the cursor stays.
        params["startTimeAtOrAfter"] = _rfc3339(
            ctx.forced_since or ctx.until - timedelta(days=horizon_days())
        )
        params["startTimeBefore"] = _rfc3339(ctx.until)
    elif last is not None:
        params["createdAfter"] = _rfc3339(datetime.fromtimestamp(last / 1_000_000, UTC))
    else:
        params["createdAfter"] = _rfc3339(ctx.run_started - timedelta(days=horizon_days()))
    reports = [
        report
        for page in client.pages(
            f"/v1/jobs/{job_id}/reports", params=params, paginator=paginator(), data_selector="reports"
        )
        for report in page.records
    ]
    reports.sort(key=lambda r: _time(r["createTime"]))
    for report in reports:
        created = _time(report["createTime"])
        if not ctx.backfill and last is not None and _micros(created) <= last:
            continue  # the API's createdAfter is exclusive; this guards a server that is not
        folder = ctx.landing / ctx.connector.platform / ENTITY
        name = f"{stamp(created)}_{ctx.account_id}_{report['id']}.csv"
        if (folder / name).exists():
            continue  # downloaded by an earlier run (a --since/--until backfill asks again)
        data = _download(client, auth, report["downloadUrl"])
        text = redact_text(data.decode("utf-8"), [*ctx.secrets, *auth.secret_values()])
        _check_channel(text, ctx.account_id)
        ctx.written.append(publish_export(folder, name, text.encode("utf-8")))
        ctx.on_page()
        if not ctx.backfill:
            ctx.state.advance(CURSOR, ctx.account_id, _micros(created))


def _job_id(client: PlatformClient, paginator: Paginator) -> str:
    """The id of the channel's `channel_basic_a3` job, created when there is none."""
    for page in client.pages("/v1/jobs", paginator=paginator(), data_selector="jobs"):
        for job in page.records:
            if isinstance(job, dict) and job.get("reportTypeId") == REPORT_TYPE:
                return str(job["id"])
    (created,) = client.pages(
        "/v1/jobs", method="POST", json_body={"reportTypeId": REPORT_TYPE, "name": JOB_NAME}
    )
    return str(created.body["id"])


def _download(client: PlatformClient, auth: RefreshTokenAuth, url: str) -> bytes:
    """A report's CSV bytes. Only from the API's own host: the token is never sent elsewhere.

    Not a JSON page, so not through dlt's paginator: rate limits (Retry-After honoured), 5xx, an
    HTML error page and dropped connections are retried here with the run's backoff settings."""
    api_host = urlsplit(client.rest.base_url).netloc
    if urlsplit(url).netloc != api_host:
        raise ApiError(f"report downloadUrl points at {urlsplit(url).netloc}, not {api_host}; refused")
    retry, failure, asked_wait = client.retry, "", 0.0
    for attempt in range(retry.attempts):
        if attempt:
            wait = min(max(retry.backoff_factor * 2 ** (attempt - 1), asked_wait), retry.max_wait_seconds)
            time.sleep(wait)
            client.stats.retries += 1
            client.stats.seconds_waited += wait
        client.stats.requests += 1
        try:
            response = requests.get(url, auth=auth, timeout=retry.timeout_seconds, allow_redirects=False)
        except (requests.ConnectionError, requests.Timeout) as exc:
            failure = type(exc).__name__
            continue
        status, kind = response.status_code, response.headers.get("Content-Type", "")
        if status == 429 or status >= 500:
            failure = f"HTTP {status}"
            asked_wait = _seconds(response.headers.get("Retry-After"))
            continue
        if status in (401, 403):
            raise auth_failed(f"report download refused: HTTP {status}")
        if status != 200:
            raise ApiError(f"report download: HTTP {status}")
        if "html" in kind or response.content.lstrip()[:1] == b"<":
            failure = "HTTP 200 with an HTML page"  # a proxy's error page, not the report
            continue
        client.stats.pages += 1
        return response.content
    raise ApiError(f"report download failed after {retry.attempts} attempts ({failure})")


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value or 0))
    except ValueError:
        return 0.0


def _check_channel(text: str, account_id: str) -> None:
    """A report without this channel's rows is another owner's (the OAuth token signs in as someone else)."""
    channels = {row.get("channel_id") for row in csv.DictReader(io.StringIO(text))} - {None, ""}
    if channels and account_id not in channels:
        raise ApiError(
            f"the report is channel {', '.join(sorted(c for c in channels if c))}'s, not {account_id}'s: "
            f"{OAUTH_ENV} must sign in as this channel's owner"
        )
