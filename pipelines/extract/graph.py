"""What Facebook Pages and Instagram share: the Graph API (pinned version), its errors and paging.

Lists page by `paging.next`, a full URL (dlt's JSONLinkPaginator follows it). Graph puts the access
token into that URL, so captures are redacted before writing (capture.py). Insights are read as one
page: their `paging.next` points at the next time window, not at more of this one, and following it
would walk into the future. Throttling is error code 4 (app), 17 (user), 32 (page), 613 (custom) or
80001–80014 (business use case), with the wait in `X-Business-Use-Case-Usage`
(`estimated_time_to_regain_access`, minutes); 190 is an expired or invalid token.
"""

from __future__ import annotations

import json
from typing import Any

from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator
from requests import Response
from requests.auth import AuthBase

from pipelines.extract.errors import ApiError, AuthFailed, RateLimited, Transient

VERSION = "v21.0"
BASE_URL = "https://graph.facebook.com"
_RATE_LIMIT = {4, 17, 32, 613, *range(80001, 80015)}
_AUTH = {102, 190}
_TRANSIENT = {1, 2}  # unknown error; service temporarily unavailable


def path(*parts: str) -> str:
    return "/" + "/".join((VERSION, *parts))


def auth(token: str) -> AuthBase:
    return BearerTokenAuth(token=token)


def list_paginator() -> JSONLinkPaginator:
    return JSONLinkPaginator(next_url_path="paging.next")


def classify(response: Response, body: Any) -> None:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return
    code = error.get("code")
    message = f"Graph error {code}: {error.get('message', '')}"
    if code in _RATE_LIMIT:
        _retry_after_from_usage(response)
        raise RateLimited(message, response)
    if code in _AUTH:
        raise AuthFailed(message, response)
    if code in _TRANSIENT or error.get("is_transient") is True:
        raise Transient(message, response)
    raise ApiError(message, response)


def _retry_after_from_usage(response: Response) -> None:
    """`X-Business-Use-Case-Usage` says how many minutes until access returns; dlt waits on Retry-After."""
    raw = response.headers.get("X-Business-Use-Case-Usage")
    if not raw or "Retry-After" in response.headers:
        return
    try:
        usage = json.loads(raw)
        minutes = max(
            float(entry.get("estimated_time_to_regain_access") or 0)
            for entries in usage.values()
            for entry in entries
        )
    except (ValueError, TypeError, AttributeError):
        return
    if minutes > 0:
        response.headers["Retry-After"] = str(int(minutes * 60))
