"""GA4 Data API (v1beta): per property in brands.yml (`accounts.ga4`), one runReport per run — the
`ga4/traffic` report the parser reads (pipelines/parsers/ga4.py owns its dimensions and metrics).

Dates are the property's local days (GA4 reports in the property's time zone; brands.yml's timezone
is the brand's): from the last successful run's local date minus 3 days (GA4 restates ~48 h, so the
days before are fetched again and the latest capture wins) up to the last closed local day; a new
data dir starts `SMM_EXTRACT_HORIZON_DAYS` back; `--since/--until` asks for exactly those days.

Paging is `offset`/`limit` in the POST body up to `rowCount` (paging.py). Every request asks
`returnPropertyQuota`; when a quota of the property runs low (a token quota below twice what
the last page cost, no concurrent request or server-error allowance left) the property stops for
this run with the reason, and a 429 that says the property's tokens are exhausted stops it too (an
hourly or daily allowance: waiting within the run is pointless); other 429s are waited out and
retried. An incomplete report is never published: its rows would replace the complete earlier
capture of the same days. The cursor then stays, so the next run fetches those days again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from requests import Response

from pipelines.extract.base import AccountContext, Connector
from pipelines.extract.credentials import GA4_CREDENTIALS_ENV as CREDENTIALS_ENV
from pipelines.extract.errors import ApiError, AuthFailed, RateLimited
from pipelines.extract.google_auth import ServiceAccountAuth
from pipelines.extract.http import Page
from pipelines.extract.paging import ReceivedOffsetPaginator
from pipelines.extract.state import horizon_days
from pipelines.parsers import ga4 as parser

ENTITY = "traffic"
SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
BASE_URL = "https://analyticsdata.googleapis.com"
RESTATEMENT_DAYS = 3
PAGE_ROWS = 10_000  # GA4's default page; the API allows up to 250 000
# The report the ga4/traffic parser requires (keyEvents: GA4's current name for conversions).
DIMENSIONS = tuple(parser.DIMENSIONS)
METRICS = (*parser.COUNT_METRICS, parser.KEY_EVENT_METRICS[0], parser.REVENUE_METRIC)
# Quotas counted in tokens: stop when fewer remain than twice the last page's cost.
TOKEN_QUOTAS = ("tokensPerDay", "tokensPerHour", "tokensPerProjectPerHour")
# Quotas counted in requests: stop when none remains.
REQUEST_QUOTAS = ("concurrentRequests", "serverErrorsPerProjectPerHour")


class PropertyQuotaExhausted(ApiError):
    """The property's hourly or daily token allowance is spent: this property stops for the run."""


def classify(response: Response, body: Any) -> None:
    """Google's error body `{"error": {"code", "message", "status"}}`."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return
    message = (
        f"GA4 {error.get('code', response.status_code)} {error.get('status', '')}: {error.get('message', '')}"
    )
    if response.status_code == 429 or error.get("status") == "RESOURCE_EXHAUSTED":
        if "token" in str(error.get("message", "")).lower():
            raise PropertyQuotaExhausted(f"{message}; stopped for this run", response)
        raise RateLimited(message, response)
    if response.status_code in (401, 403) or error.get("status") in ("UNAUTHENTICATED", "PERMISSION_DENIED"):
        raise AuthFailed(message, response)


def quota_shortfall(quota: Any) -> str | None:
    """Why no further page should be asked for, from a page's `propertyQuota`; None when it may."""
    if not isinstance(quota, dict):
        return None
    for name in TOKEN_QUOTAS:
        status = quota.get(name)
        if isinstance(status, dict) and isinstance(status.get("remaining"), int | float):
            cost = status.get("consumed") if isinstance(status.get("consumed"), int | float) else 0
            if status["remaining"] < 2 * max(cost, 1):
                return f"{name} has {status['remaining']} tokens left (the last page cost {cost})"
    for name in REQUEST_QUOTAS:
        status = quota.get(name)
        remaining = status.get("remaining") if isinstance(status, dict) else None
        if isinstance(remaining, int | float) and remaining <= 0:
            return f"{name} has none left"
    return None


def report_dates(ctx: AccountContext) -> tuple[date, date]:
    """The property-local dates to report: see the module docstring."""
    zone = ZoneInfo(ctx.brand.timezone)
    if ctx.forced_since is not None:
        first = ctx.forced_since.astimezone(zone).date()
    else:
        last = ctx.state.last_success(ENTITY, ctx.account_id)
        if last is None:
            first = (ctx.run_started - timedelta(days=horizon_days())).astimezone(zone).date()
        else:
            first = min(last, ctx.run_started).astimezone(zone).date() - timedelta(days=RESTATEMENT_DAYS)
    # The last local day that had ended by `until` (a day still running would be a partial figure).
    return first, ctx.until.astimezone(zone).date() - timedelta(days=1)


def report_paginator() -> ReceivedOffsetPaginator:
    return ReceivedOffsetPaginator(
        limit=PAGE_ROWS,
        offset_body_path="offset",
        limit_body_path="limit",
        total_path="rowCount",
    )


def extract_account(ctx: AccountContext) -> None:
    first, last = report_dates(ctx)
    if first > last:
        return
    request = {
        "dateRanges": [{"startDate": first.isoformat(), "endDate": last.isoformat()}],
        "dimensions": [{"name": name} for name in DIMENSIONS],
        "metrics": [{"name": name} for name in METRICS],
        "returnPropertyQuota": True,
    }
    stopped: list[str] = []

    def low_quota(page: Page) -> bool:
        reason = quota_shortfall(page.body.get("propertyQuota") if isinstance(page.body, dict) else None)
        if reason is not None:
            stopped.append(reason)
        return reason is not None

    endpoint = f"/v1beta/{ctx.account_id}:runReport"
    complete = False
    try:
        pages = ctx.fetch(
            ENTITY,
            endpoint,
            endpoint,
            method="POST",
            json_body=request,
            paginator=report_paginator(),
            data_selector="rows",
            stop=low_quota,
            capture_params={**request, "limit": PAGE_ROWS},
        )
        complete = ENTITY not in ctx.failed and not stopped
    finally:
        if not complete:
            _discard(ctx)
    if stopped:
        ctx.failed.add(ENTITY)
        ctx.failures.append(
            f"{ENTITY}: property quota low after {len(pages)} pages ({stopped[0]}); stopped for this run, "
            f"report not kept, {first}..{last} fetched again next run"
        )


def _discard(ctx: AccountContext) -> None:
    """Drop this property's unfinished report: partial, it would replace the complete earlier capture."""
    capture = ctx.files.pop(ENTITY, None)
    if capture is not None:
        capture.abandon()


def make_auth(key_path: str) -> ServiceAccountAuth:
    return ServiceAccountAuth(key_path, scope=SCOPE, live_api=BASE_URL, variable=CREDENTIALS_ENV)


CONNECTOR = Connector(
    platform="ga4",
    base_url=BASE_URL,
    make_auth=make_auth,
    classify=classify,
    extract_account=extract_account,
)
