"""Secrets out of everything the extractor writes or says.

Graph API paging links carry `access_token=…` and YouTube links `key=…`: those query values become
`REDACTED` wherever a URL appears in a response, and any literal token value anywhere in a string is
replaced too (an API that echoes the request back). The rest of the response stays as it came.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

REDACTED = "REDACTED"
# Query parameters that carry credentials on the platforms we call.
SECRET_PARAMS = ("access_token", "key", "api_key", "appsecret_proof", "client_secret", "token", "password")
_SECRET_QUERY = re.compile(
    r"([?&](?:" + "|".join(re.escape(p) for p in SECRET_PARAMS) + r")=)[^&#\s\"']*", re.IGNORECASE
)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with secret query values and literal secret values replaced."""
    if "=" in text:
        text = _SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, text)
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_json(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A copy of a parsed JSON value with every string passed through `redact_text`."""
    secrets = tuple(s for s in secrets if s)
    return _walk(value, secrets)


def _walk(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, dict):
        return {_walk(k, secrets): _walk(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, secrets) for v in value]
    return value


def safe_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """Request parameters as captured: credential parameters dropped (they belong to auth, not data)."""
    return {k: v for k, v in (params or {}).items() if k.lower() not in SECRET_PARAMS}


class RunSecrets:
    """The secret values of one platform's run: its configured token, and what its auth learns on the
    way (an OAuth access token obtained mid-run, a key read from a file) through `secret_values()`.
    Iterated afresh at every use, so a value learnt later is redacted from then on."""

    def __init__(self, token: str, auth: object = None) -> None:
        self.token = token
        self._learnt = getattr(auth, "secret_values", None)

    def __iter__(self) -> Iterator[str]:
        yield self.token
        if callable(self._learnt):
            yield from self._learnt()
