"""A channel owner's OAuth credentials (what the YouTube Reporting API needs; an API key is refused).

`SMM_YOUTUBE_OAUTH_CREDENTIALS` holds Google's *authorized user* JSON (`client_id`, `client_secret`,
`refresh_token`; what `gcloud auth application-default login` or any OAuth consent flow with the
`yt-analytics.readonly` scope yields), either the JSON text itself or the path of a file holding it.
The refresh token is exchanged at `token_uri` (OAuth 2.0 refresh grant) for an access token sent as
`Authorization: Bearer …`, renewed five minutes before it expires. With `SMM_API_BASE_URL` the
exchange goes to the same path on that host (the sandbox). The client secret, the refresh token and
every access token are offered to the redaction (`secret_values`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests import PreparedRequest
from requests.auth import AuthBase

from pipelines.extract.errors import AuthFailed, Unreachable
from pipelines.extract.google_auth import GOOGLE_TOKEN_URI, REFRESH_MARGIN_SECONDS

OAUTH_ENV = "SMM_YOUTUBE_OAUTH_CREDENTIALS"
EXCHANGE_ATTEMPTS = 3


def auth_failed(message: str) -> AuthFailed:
    """An AuthFailed that tells the run which variable to renew (not the platform's API key)."""
    error = AuthFailed(message)
    error.renew = OAUTH_ENV  # type: ignore[attr-defined]
    return error


@dataclass(frozen=True)
class UserCredentials:
    client_id: str
    client_secret: str
    refresh_token: str
    token_uri: str

    @classmethod
    def parse(cls, value: str) -> UserCredentials:
        text = value.strip()
        if not text.startswith("{"):
            try:
                text = Path(text).expanduser().read_text(encoding="utf-8")
            except OSError as exc:
                raise auth_failed(f"{OAUTH_ENV}: cannot read its file ({exc.strerror or exc})") from None
        try:
            found = json.loads(text)
        except ValueError:
            raise auth_failed(f"{OAUTH_ENV}: not JSON (an authorized-user credentials JSON is)") from None
        if not isinstance(found, dict):
            raise auth_failed(f"{OAUTH_ENV}: not a JSON object")
        fields = ("client_id", "client_secret", "refresh_token")
        missing = [f for f in fields if not isinstance(found.get(f), str) or not found[f]]
        if missing:
            raise auth_failed(f"{OAUTH_ENV}: lacks {', '.join(missing)}")
        return cls(*(found[f] for f in fields), token_uri=str(found.get("token_uri") or GOOGLE_TOKEN_URI))


class RefreshTokenAuth(AuthBase):
    """Bearer auth from a refresh token, the access token obtained on first use and renewed."""

    def __init__(
        self,
        credentials_value: str,
        *,
        live_api: str,
        timeout_seconds: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._value = credentials_value
        self._live_host = urlsplit(live_api).netloc
        self.timeout_seconds = timeout_seconds
        self._clock = clock
        self._credentials: UserCredentials | None = None
        self._token: str | None = None
        self._expires_at = 0.0
        self._issued: list[str] = []

    def secret_values(self) -> list[str]:
        found = self._credentials
        return [
            self._value,
            *([] if found is None else [found.client_secret, found.refresh_token]),
            *self._issued,
        ]

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.access_token(request.url or '')}"
        return request

    def access_token(self, api_url: str) -> str:
        if self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN_SECONDS:
            self._refresh(api_url)
        assert self._token is not None
        return self._token

    def token_url(self, credentials: UserCredentials, api_url: str) -> str:
        api = urlsplit(api_url)
        if not api.netloc or api.netloc == self._live_host:
            return credentials.token_uri
        return f"{api.scheme}://{api.netloc}{urlsplit(credentials.token_uri).path or '/token'}"

    def _refresh(self, api_url: str) -> None:
        if self._credentials is None:
            self._credentials = UserCredentials.parse(self._value)
        found = self._credentials
        url = self.token_url(found, api_url)
        host = urlsplit(url).netloc
        form = {
            "grant_type": "refresh_token",
            "client_id": found.client_id,
            "client_secret": found.client_secret,
            "refresh_token": found.refresh_token,
        }
        response, failure = None, ""
        for attempt in range(EXCHANGE_ATTEMPTS):
            if attempt:
                time.sleep(attempt)
            try:
                response = requests.post(url, data=form, timeout=self.timeout_seconds, allow_redirects=False)
            except (requests.ConnectionError, requests.Timeout) as exc:
                response, failure = None, type(exc).__name__
                continue
            if response.status_code < 500 and response.status_code != 429:
                break
            failure = f"HTTP {response.status_code}"
        else:
            raise Unreachable(
                f"token endpoint {host} did not answer after {EXCHANGE_ATTEMPTS} attempts ({failure})"
            )
        assert response is not None
        try:
            body = response.json()
        except ValueError:
            body = None
        if (
            not isinstance(body, dict)
            or response.status_code != 200
            or not isinstance(body.get("access_token"), str)
        ):
            # Google: {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
            said = (
                " ".join(str(body.get(k) or "") for k in ("error", "error_description")).strip()
                if isinstance(body, dict)
                else ""
            )
            raise auth_failed(
                f"token refresh refused by {host}: HTTP {response.status_code} {said[:200] or 'no reason given'}"
            )
        self._token = body["access_token"]
        self._issued.append(self._token)
        lifetime = body.get("expires_in")
        self._expires_at = self._clock() + (lifetime if isinstance(lifetime, int | float) else 3600)
