"""Google service-account credentials: a key file exchanged for a short-lived OAuth access token.

The OAuth 2.0 JWT bearer grant (RFC 7523), as Google documents it for service accounts: a JWT with
iss = the key's client_email, scope, aud = the key's token_uri, iat and exp (one hour later),
signed RS256 with the key's private_key, is POSTed to token_uri as
`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<jwt>`; the answer's access_token
is sent as `Authorization: Bearer …` until shortly before it expires, then a new one is obtained.
(dlt's `OAuthJWTAuth` does the same through PyJWT, which is not a dependency; `cryptography` is.)

When `SMM_API_BASE_URL` sends the API elsewhere (the sandbox), the exchange goes to that host too:
the sandbox serves the token endpoint at the same path. The private key, the signed assertions and
the access tokens are offered to the redaction (`secret_values`), so none is ever written or said.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from requests import PreparedRequest
from requests.auth import AuthBase

from pipelines.extract.errors import AuthFailed, Unreachable

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
TOKEN_LIFETIME_SECONDS = 3600  # the longest Google accepts
REFRESH_MARGIN_SECONDS = 300  # a token this close to expiry is replaced before it is used
EXCHANGE_ATTEMPTS = 3


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class ServiceAccountKey:
    client_email: str
    private_key_pem: str
    private_key_id: str
    token_uri: str

    @classmethod
    def load(cls, path_text: str, variable: str) -> ServiceAccountKey:
        """Read a key file downloaded from the Google Cloud console; a clear AuthFailed otherwise."""
        path = Path(path_text).expanduser()
        try:
            key = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise AuthFailed(f"{variable}: cannot read its key file ({exc.strerror or exc})") from None
        except ValueError:
            raise AuthFailed(f"{variable}: its file is not JSON (a service-account key file is)") from None
        if not isinstance(key, dict) or key.get("type") != "service_account":
            raise AuthFailed(
                f"{variable}: its file is not a service-account key (type is not service_account)"
            )
        missing = [
            f for f in ("client_email", "private_key") if not isinstance(key.get(f), str) or not key[f]
        ]
        if missing:
            raise AuthFailed(f"{variable}: its key file lacks {', '.join(missing)}")
        return cls(
            client_email=key["client_email"],
            private_key_pem=key["private_key"],
            private_key_id=str(key.get("private_key_id") or ""),
            token_uri=str(key.get("token_uri") or GOOGLE_TOKEN_URI),
        )

    def private_key(self, variable: str) -> rsa.RSAPrivateKey:
        try:
            loaded = serialization.load_pem_private_key(self.private_key_pem.encode("ascii"), password=None)
        except (ValueError, TypeError, UnicodeError):
            raise AuthFailed(f"{variable}: the key file's private_key is not a PEM RSA key") from None
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise AuthFailed(f"{variable}: the key file's private_key is not an RSA key")
        return loaded

    def pem_lines(self) -> list[str]:
        """The PEM's base64 lines: what would show of the key in a log that escaped its newlines."""
        return [line for line in self.private_key_pem.splitlines() if line and not line.startswith("-----")]


def signed_jwt(key: ServiceAccountKey, private_key: rsa.RSAPrivateKey, scope: str, now: int) -> str:
    header = {"alg": "RS256", "typ": "JWT", **({"kid": key.private_key_id} if key.private_key_id else {})}
    claims = {
        "iss": key.client_email,
        "scope": scope,
        "aud": key.token_uri,
        "iat": now,
        "exp": now + TOKEN_LIFETIME_SECONDS,
    }
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":")).encode("utf-8")) for part in (header, claims)
    )
    signature = private_key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"


class GoogleBearerAuth(AuthBase):
    """Bearer auth whose access token comes from a Google token endpoint, obtained on first use and
    renewed shortly before it expires. Subclasses say which grant they post (`_grant`)."""

    def __init__(
        self, *, live_api: str, timeout_seconds: float = 30.0, clock: Callable[[], float] = time.time
    ) -> None:
        self._live_host = urlsplit(live_api).netloc
        self.timeout_seconds = timeout_seconds
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._issued: list[str] = []  # every assertion and token of this run: all redacted
        self.exchanges = 0

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.access_token(request.url or '')}"
        return request

    def access_token(self, api_url: str) -> str:
        if self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN_SECONDS:
            token_uri, form = self._grant()
            self._exchange(self.token_url(token_uri, api_url), form)
        assert self._token is not None
        return self._token

    def token_url(self, token_uri: str, api_url: str) -> str:
        """`token_uri`; the same path on the API's host when the API is not Google's (the sandbox)."""
        api = urlsplit(api_url)
        if not api.netloc or api.netloc == self._live_host:
            return token_uri
        return f"{api.scheme}://{api.netloc}{urlsplit(token_uri).path or '/token'}"

    def _grant(self) -> tuple[str, dict[str, str]]:
        """The token endpoint and the form to post to it."""
        raise NotImplementedError

    def _refused(self, message: str) -> Exception:
        """The error a refused grant raises (it may say which variable to renew)."""
        return AuthFailed(message)

    def _exchange(self, url: str, form: dict[str, str]) -> None:
        """Post the grant (retried on no answer, 5xx and 429) and keep the access token it returns."""
        host = urlsplit(url).netloc
        now = self._clock()
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
        self.exchanges += 1
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise self._refused(f"token endpoint {host}: HTTP {response.status_code} without a JSON body")
        if response.status_code != 200 or not isinstance(body.get("access_token"), str):
            # Google's answer: {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            said = " ".join(str(body.get(k) or "") for k in ("error", "error_description")).strip()
            raise self._refused(
                f"token request refused by {host}: HTTP {response.status_code} {said[:200] or 'no reason given'}"
            )
        self._token = body["access_token"]
        self._issued.append(self._token)
        lifetime = body.get("expires_in")
        self._expires_at = now + (lifetime if isinstance(lifetime, int | float) else TOKEN_LIFETIME_SECONDS)


class ServiceAccountAuth(GoogleBearerAuth):
    """Bearer auth from a service-account key file (the JWT bearer grant)."""

    def __init__(
        self,
        key_path: str,
        *,
        scope: str,
        live_api: str,
        variable: str,
        timeout_seconds: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(live_api=live_api, timeout_seconds=timeout_seconds, clock=clock)
        self.key_path, self.scope, self.variable = key_path, scope, variable
        self._key: ServiceAccountKey | None = None

    def secret_values(self) -> list[str]:
        key = [] if self._key is None else [self._key.private_key_pem, *self._key.pem_lines()]
        return key + self._issued

    def _grant(self) -> tuple[str, dict[str, str]]:
        if self._key is None:
            self._key = ServiceAccountKey.load(self.key_path, self.variable)
        key = self._key
        assertion = signed_jwt(key, key.private_key(self.variable), self.scope, int(self._clock()))
        self._issued.append(assertion)
        return key.token_uri, {"grant_type": GRANT_TYPE, "assertion": assertion}
