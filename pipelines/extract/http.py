"""Pages from one platform's API: dlt's RESTClient and paginators over dlt's retrying session.

dlt does the paging (its paginators read the platform's own paging objects) and the retrying
(exponential backoff, `Retry-After` honoured, timeouts and dropped connections retried). What a
platform means by an error lives in its `classify` function, run as a response hook inside the
retried `send`: it raises `Retryable` errors (retried by dlt) or final ones (stop at once). Here we
add what dlt does not: a guard against a cursor that repeats, refusal of redirects, counting pages,
retries and seconds waited, and turning exhausted retries into one clear message.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from dlt.sources.helpers.requests.retry import Client
from dlt.sources.helpers.rest_client.client import RESTClient
from dlt.sources.helpers.rest_client.paginators import BasePaginator, SinglePagePaginator
from dlt.sources.helpers.rest_client.utils import join_url
from requests import Response
from requests.auth import AuthBase

from pipelines.extract.errors import (
    ApiError,
    AuthFailed,
    ExtractError,
    RateLimited,
    RepeatingCursor,
    Retryable,
    Transient,
    Unreachable,
)

Classify = Callable[[Response, Any], None]  # (response, parsed body) -> raises on an error


@dataclass(frozen=True)
class RetrySettings:
    """How hard to try. Defaults suit live APIs; tests shrink them."""

    attempts: int = 5
    backoff_factor: float = 1.0
    max_wait_seconds: float = 300.0
    timeout_seconds: float = 30.0

    @classmethod
    def from_env(cls) -> RetrySettings:
        def number(name: str, default: float) -> float:
            raw = os.environ.get(name, "").strip()
            try:
                return float(raw) if raw else default
            except ValueError:
                raise ValueError(f"{name}={raw!r} is not a number") from None

        return cls(
            attempts=int(number("SMM_EXTRACT_ATTEMPTS", cls.attempts)),
            backoff_factor=number("SMM_EXTRACT_BACKOFF_SECONDS", cls.backoff_factor),
            max_wait_seconds=number("SMM_EXTRACT_MAX_WAIT_SECONDS", cls.max_wait_seconds),
            timeout_seconds=number("SMM_EXTRACT_TIMEOUT_SECONDS", cls.timeout_seconds),
        )


@dataclass
class CallStats:
    """What talking to one platform cost: the run's metadata and the summary line."""

    requests: int = 0
    pages: int = 0
    records: int = 0
    retries: int = 0
    seconds_waited: float = 0.0

    def add(self, other: CallStats) -> None:
        for name in ("requests", "pages", "records", "retries", "seconds_waited"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Page:
    """One verbatim response page and when it arrived."""

    fetched_at: datetime
    body: Any
    records: list[Any] = field(default_factory=list)


def parse_body(response: Response) -> Any:
    """The JSON body, or `Transient` for an HTML error page or a truncated body with status 200."""
    try:
        return json.loads(response.content)
    except ValueError:
        kind = response.headers.get("Content-Type", "unknown type").split(";")[0]
        what = "an HTML page" if "html" in kind or response.content.lstrip()[:1] == b"<" else "invalid JSON"
        raise Transient(f"HTTP {response.status_code} with {what} ({kind})", response) from None


def _body_of(response: Response) -> Any:
    """A success must be JSON (else it is a proxy's error page: retried); a 4xx body may be anything;
    a 5xx is retried whatever its body says (so a platform rule never turns it into a final error)."""
    if response.status_code >= 500:
        return None
    if response.status_code < 400:
        return parse_body(response)
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def generic_check(response: Response, body: Any) -> None:
    """Status rules every platform shares, applied after the platform's own `classify`."""
    status = response.status_code
    if status == 429:
        raise RateLimited("HTTP 429 Too Many Requests", response)
    if status >= 500:
        raise Transient(f"HTTP {status} server error", response)
    if status in (401, 403):
        raise AuthFailed(f"HTTP {status}", response)
    if status >= 400:
        raise ApiError(f"HTTP {status}", response)


class PlatformClient:
    """A RESTClient bound to one platform's base URL, auth, headers and error rules."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: AuthBase | None,
        classify: Classify,
        headers: dict[str, str] | None = None,
        retry: RetrySettings | None = None,
    ) -> None:
        self.retry = retry or RetrySettings()
        self.classify = classify
        self.stats = CallStats()
        self._host = urlsplit(base_url).netloc
        self._error_at: float | None = None
        session = Client(
            raise_for_status=False,
            request_timeout=self.retry.timeout_seconds,
            request_max_attempts=self.retry.attempts,
            request_backoff_factor=self.retry.backoff_factor,
            request_max_retry_delay=self.retry.max_wait_seconds,
            retry_condition=lambda response, exc: isinstance(exc, Retryable),
        ).session
        self.rest = RESTClient(base_url=base_url, headers=headers, auth=auth, session=session)

    # -- the response hook, run inside every (retried) send
    def _check(self, response: Response, *args: Any, **kwargs: Any) -> None:
        self.stats.requests += 1
        if self._error_at is not None:
            elapsed = response.elapsed.total_seconds() if response.elapsed else 0.0
            self.stats.seconds_waited += max(0.0, time.monotonic() - self._error_at - elapsed)
            self._error_at = None
        try:
            if 300 <= response.status_code < 400:
                target = urlsplit(response.headers.get("Location", "")).netloc or "?"
                raise ApiError(f"HTTP {response.status_code} redirect to {target} refused", response)
            body = _body_of(response)
            if body is not None:
                self.classify(response, body)
            generic_check(response, body)
        except Retryable:
            self.stats.retries += 1
            self._error_at = time.monotonic()
            raise

    def pages(
        self,
        path: str,
        *,
        method: str = "GET",
        params: dict[str, Any] | None = None,
        json_body: dict[str, Any] | None = None,
        paginator: BasePaginator | None = None,
        data_selector: str = "$",
        headers: dict[str, str] | None = None,
        stop: Callable[[Page], bool] | None = None,
        max_pages: int = 1000,
    ) -> Iterator[Page]:
        """Every page of one request, in order, until the paging object says it is the last
        (or `stop(page)` says the rest lies outside the window).

        Raises RepeatingCursor when the next request equals one already sent, Unreachable when
        the server does not answer after every attempt, and the classified ExtractError otherwise."""
        paginator = paginator or SinglePagePaginator()
        seen = {_signature(method, join_url(self.rest.base_url, path), params, json_body)}
        iterator = self.rest.paginate(
            path,
            method=method,  # type: ignore[arg-type]
            params=dict(params) if params else None,
            json=json.loads(json.dumps(json_body)) if json_body else None,
            paginator=paginator,
            data_selector=data_selector,
            hooks={"response": [self._check]},
            headers=headers,
            allow_redirects=False,
        )
        count = 0
        while True:
            try:
                page = next(iterator)
            except StopIteration:
                return
            except ExtractError as exc:
                if isinstance(exc, Retryable):
                    self.stats.retries -= 1  # the last attempt was not retried
                    raise type(exc)(f"{exc} (after {self.retry.attempts} attempts)", exc.response) from None
                raise
            except ValueError as exc:
                # A paginator met a page without its paging field (dlt's message quotes the whole body).
                raise ApiError(
                    f"unexpected page shape for {path}: {str(exc).split(' got')[0][:200]}"
                ) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise Unreachable(
                    f"no answer from {self._host} after {self.retry.attempts} attempts "
                    f"({type(exc).__name__}, timeout {self.retry.timeout_seconds:g}s)"
                ) from None
            count += 1
            self.stats.pages += 1
            self.stats.records += len(page)
            received = Page(datetime.now(UTC), page.response.json(), list(page))
            yield received
            if not page.paginator.has_next_page or (stop is not None and stop(received)):
                return
            request = page.request
            signature = _signature(request.method or method, request.url, request.params, request.json)
            if signature in seen:
                raise RepeatingCursor(
                    f"the API returned a cursor it already gave (page {count} of {path}); stopped to avoid a loop"
                )
            seen.add(signature)
            if count >= max_pages:
                raise ApiError(f"more than {max_pages} pages for {path}; stopped")


def _signature(method: str, url: str, params: Any, body: Any) -> str:
    return json.dumps(
        [method.upper(), url, sorted((params or {}).items()), body], sort_keys=True, default=str
    )
