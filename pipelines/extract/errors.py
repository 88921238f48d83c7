"""What a failed API response means, as exceptions the retrying session and the run can act on.

`Retryable` errors (rate limits, 5xx, an HTML page with status 200, a truncated body) are retried by
the session with backoff; the rest stop at once. All subclass `requests.HTTPError` with the response
attached, so dlt's retry reads its `Retry-After` header. Messages never carry the request URL's query
(it may hold a token) nor the response body.
"""

from __future__ import annotations

from requests import HTTPError, Response


class ExtractError(HTTPError):
    """A response that is not a page to capture."""

    def __init__(self, message: str, response: Response | None = None) -> None:
        super().__init__(message, response=response)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Retryable(ExtractError):
    """Worth another attempt after a wait."""


class RateLimited(Retryable):
    """The platform asked us to slow down (HTTP 429, Graph 4/17/32/613, VK 6/9, TikTok rate_limit_exceeded)."""


class Transient(Retryable):
    """A server-side fault: 5xx, an HTML page instead of JSON, a truncated or invalid JSON body."""


class AuthFailed(ExtractError):
    """The token is expired, revoked or invalid: this account stops, the others go on."""


class QuotaExceeded(ExtractError):
    """A daily quota is spent (YouTube `quotaExceeded`): the platform stops until tomorrow."""


class ApiError(ExtractError):
    """Any other error the platform reported: this endpoint fails, named in the summary."""


class RepeatingCursor(ExtractError):
    """The API handed back a cursor it already gave: following it would loop forever."""


class Unreachable(ExtractError):
    """No answer (timeouts, refused connections) after every attempt."""
