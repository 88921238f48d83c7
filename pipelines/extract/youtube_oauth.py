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

from pipelines.extract.credentials import YOUTUBE_OAUTH_ENV as OAUTH_ENV
from pipelines.extract.errors import AuthFailed
from pipelines.extract.google_auth import GOOGLE_TOKEN_URI, GoogleBearerAuth


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


class RefreshTokenAuth(GoogleBearerAuth):
    """Bearer auth from a channel owner's refresh token (the OAuth 2.0 refresh grant)."""

    def __init__(
        self,
        credentials_value: str,
        *,
        live_api: str,
        timeout_seconds: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(live_api=live_api, timeout_seconds=timeout_seconds, clock=clock)
        self._value = credentials_value
        self._credentials: UserCredentials | None = None

    def secret_values(self) -> list[str]:
        found = self._credentials
        return [
            self._value,
            *([] if found is None else [found.client_secret, found.refresh_token]),
            *self._issued,
        ]

    def _grant(self) -> tuple[str, dict[str, str]]:
        if self._credentials is None:
            self._credentials = UserCredentials.parse(self._value)
        found = self._credentials
        return found.token_uri, {
            "grant_type": "refresh_token",
            "client_id": found.client_id,
            "client_secret": found.client_secret,
            "refresh_token": found.refresh_token,
        }

    def _refused(self, message: str) -> Exception:
        return auth_failed(message)
