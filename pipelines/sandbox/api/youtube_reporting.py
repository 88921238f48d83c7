"""YouTube Reporting API (`/v1/jobs`, `/v1/jobs/{id}/reports`, `/v1/media/...`) and the OAuth
refresh grant at `/token`.

Every `channel_basic_a3` CSV the generator wrote is one report, served verbatim, created at the
file's fetch time (its name prefix) and starting at its Pacific report day. A job created here has
every report at once (YouTube backfills a new job's last 30 days within a day or two). Reports page by
`nextPageToken` and honour `createdAfter`, `startTimeAtOrAfter` and `startTimeBefore`. The refresh
grant accepts any client and refresh token except one containing `revoked` (answered as Google
answers an expired or revoked one) and issues access tokens that only this API accepts.
"""

from __future__ import annotations

import csv
import io
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.sandbox.api.common import (
    ApiRequest,
    PagingOptions,
    Reply,
    cursor_offset,
    cursor_token,
    page_slice,
)

PREFIX = "/v1/"
REPORT_TYPE = "channel_basic_a3"
PACIFIC = ZoneInfo("America/Los_Angeles")
TOKEN_SECONDS = 3599


@dataclass(frozen=True)
class Report:
    id: str
    created: datetime
    start: datetime
    csv_text: str


def load_reports(landing: Path) -> list[Report]:
    """One report per generated `youtube/channel_basic_a3/<stamp>_….csv`, oldest first."""
    reports = []
    for index, path in enumerate(sorted(landing.glob(f"youtube/{REPORT_TYPE}/*.csv"))):
        text = path.read_bytes().decode("utf-8")  # as written: CRLF line ends kept
        try:
            created = datetime.strptime(path.name[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            day = datetime.strptime(next(csv.DictReader(io.StringIO(text)))["date"], "%Y%m%d")
        except (ValueError, StopIteration, KeyError):
            continue  # a file the generator broke on purpose
        start = day.replace(tzinfo=PACIFIC).astimezone(UTC)
        reports.append(Report(f"{9_000_000_000 + index}", created, start, text))
    return reports


@dataclass
class ReportingState:
    """The jobs created and the access tokens issued during this sandbox's life."""

    jobs: list[dict[str, str]] = field(default_factory=list)
    issued: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, request: ApiRequest) -> Reply:
        form = request.form
        if form.get("grant_type") != "refresh_token":
            return Reply(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"})
        if not form.get("client_id") or not form.get("client_secret"):
            return Reply(
                401, {"error": "invalid_client", "error_description": "The OAuth client was not found."}
            )
        refresh = form.get("refresh_token", "")
        if not refresh or "revoked" in refresh:
            return Reply(
                400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
            )
        token = "ya29.sbx-" + secrets.token_urlsafe(24)
        with self._lock:
            self.issued[token] = time.time() + TOKEN_SECONDS
        return Reply(200, {"access_token": token, "expires_in": TOKEN_SECONDS, "token_type": "Bearer"})

    def valid(self, token: str | None) -> bool:
        with self._lock:
            return token is not None and self.issued.get(token, 0) > time.time()


def token(request: ApiRequest) -> str | None:
    return request.bearer()


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": status, "message": message, "status": code}})


def auth_error(request: ApiRequest) -> Reply:
    return _error(
        401,
        "UNAUTHENTICATED",
        "Request is missing required authentication credential. Expected OAuth 2 access token.",
    )


def rate_limited(request: ApiRequest, retry_after: int) -> Reply:
    reply = _error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Requests'.")
    reply.headers["Retry-After"] = str(retry_after)
    return reply


def _rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def route(request: ApiRequest, reports: list[Report], state: ReportingState, paging: PagingOptions) -> Reply:
    path = request.path.removeprefix(PREFIX)
    if path == "jobs" and request.method == "POST":
        body = request.body if isinstance(request.body, dict) else {}
        if body.get("reportTypeId") != REPORT_TYPE:
            return _error(400, "INVALID_ARGUMENT", f"unknown reportTypeId {body.get('reportTypeId')!r}")
        job = {
            "id": f"sbx-job-{len(state.jobs) + 1}",
            "reportTypeId": REPORT_TYPE,
            "name": str(body.get("name", "")),
            "createTime": _rfc3339(datetime.now(UTC)),
        }
        state.jobs.append(job)
        return Reply(200, job)
    if path == "jobs":
        return Reply(200, {"jobs": state.jobs} if state.jobs else {})
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == "jobs" and parts[2] == "reports":
        if not any(j["id"] == parts[1] for j in state.jobs):
            return _error(404, "NOT_FOUND", "Requested entity was not found.")
        return _report_list(request, parts[1], reports, paging)
    if len(parts) >= 2 and parts[0] == "media":
        wanted = parts[-1]
        found = next((r for r in reports if r.id == wanted), None)
        if found is None:
            return _error(404, "NOT_FOUND", "Requested entity was not found.")
        return Reply(200, found.csv_text, {"Content-Type": "application/octet-stream"}, is_page=True)
    return _error(404, "NOT_FOUND", f"unknown resource {request.path}")


def _report_list(request: ApiRequest, job_id: str, reports: list[Report], paging: PagingOptions) -> Reply:
    q = request.query
    try:
        after = _when(q["createdAfter"]) if q.get("createdAfter") else None
        start_from = _when(q["startTimeAtOrAfter"]) if q.get("startTimeAtOrAfter") else None
        start_before = _when(q["startTimeBefore"]) if q.get("startTimeBefore") else None
        offset = cursor_offset(q.get("pageToken"))
    except ValueError:
        return _error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
    chosen = [
        r
        for r in reports
        if (after is None or r.created > after)
        and (start_from is None or r.start >= start_from)
        and (start_before is None or r.start < start_before)
    ]
    chunk, following = page_slice(chosen, offset, paging.page_size)
    items = [
        {
            "id": r.id,
            "jobId": job_id,
            "startTime": _rfc3339(r.start),
            "endTime": _rfc3339(r.start + timedelta(days=1)),
            "createTime": _rfc3339(r.created),
            "downloadUrl": f"{request.base_url}/v1/media/CHANNEL/jobs/{job_id}/reports/{r.id}?alt=media",
        }
        for r in chunk
    ]
    body: dict[str, object] = {"reports": items} if items else {}
    if (token_ := cursor_token(following, paging, q.get("pageToken") is None)) is not None:
        body["nextPageToken"] = token_
    return Reply(200, body)
