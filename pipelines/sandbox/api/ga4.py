"""GA4: Google's OAuth token endpoint (`POST /token`, the JWT bearer grant of service accounts) and
the Data API's `POST /v1beta/properties/{id}:runReport` over the generated properties.

The sandbox makes a service-account key of its own (`new_service_account_key`, written to a file for
`SMM_GA4_CREDENTIALS`) and accepts only assertions signed with it, for its client_email, audience
and scope, and short-lived as Google requires; it answers like oauth2.googleapis.com
(`invalid_grant` + a description) otherwise. Access tokens it issued are the only ones runReport takes.

runReport answers from every generated day's report (world.SiteReport: the latest capture of each
date, so the numbers are the ones the generator lands): the requested date range, dimensions and
metrics (by name, in the requested order), rows ordered by sessions, cut at `offset`/`limit`, with
`rowCount`, `metadata`, and `propertyQuota` when asked; each request costs the property tokens from
an hourly allowance, and a request that finds it spent gets 429 RESOURCE_EXHAUSTED.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pipelines.sandbox.api.common import ApiRequest, Reply, int_param
from pipelines.sandbox.api.world import World

P = "ga4"
TOKEN_PATH = "/token"
TOKEN_URI = "https://oauth2.googleapis.com/token"  # the audience a real key names; kept as is
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SCOPES = ("https://www.googleapis.com/auth/analytics.readonly", "https://www.googleapis.com/auth/analytics")
TOKEN_SECONDS = 3599
TOKENS_PER_REQUEST = 10
MAX_LIMIT = 250_000
_REPORT_PATH = re.compile(r"^/v1beta/(properties/[^/:]+):runReport$")


@cache
def new_service_account_key(client_email: str = "smm-extract@smm-sandbox.iam.gserviceaccount.com") -> str:
    """A service-account key file's JSON text, as the Google Cloud console downloads it (one per process)."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "smm-sandbox",
            "private_key_id": secrets.token_hex(20),
            "private_key": pem,
            "client_email": client_email,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": TOKEN_URI,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "universe_domain": "googleapis.com",
        },
        indent=2,
    )


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _grant_error(description: str, error: str = "invalid_grant") -> Reply:
    return Reply(400, {"error": error, "error_description": description})


@dataclass
class TokenIssuer:
    """The token endpoint: checks assertions against the sandbox key's public half, issues tokens."""

    key_json: str
    issued: dict[str, float] = field(default_factory=dict)  # access token -> expiry (epoch seconds)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        key = json.loads(self.key_json)
        self.client_email = key["client_email"]
        private = serialization.load_pem_private_key(key["private_key"].encode("ascii"), password=None)
        assert isinstance(private, rsa.RSAPrivateKey)
        self.public_key = private.public_key()

    def exchange(self, request: ApiRequest) -> Reply:
        form = request.form
        if form.get("grant_type") != GRANT_TYPE:
            return _grant_error(f"Invalid grant_type: {form.get('grant_type', '')}", "unsupported_grant_type")
        parts = form.get("assertion", "").split(".")
        if len(parts) != 3:
            return _grant_error("Invalid JWT: the assertion is not a JWT.")
        try:
            header, claims = (json.loads(_b64decode(p)) for p in parts[:2])
            signature = _b64decode(parts[2])
        except ValueError:
            return _grant_error("Invalid JWT: the assertion is not a JWT.")
        if not isinstance(header, dict) or header.get("alg") != "RS256" or not isinstance(claims, dict):
            return _grant_error("Invalid JWT: alg must be RS256.")
        try:
            self.public_key.verify(
                signature, f"{parts[0]}.{parts[1]}".encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            return _grant_error("Invalid JWT Signature.")
        if claims.get("iss") != self.client_email:
            return _grant_error("Invalid JWT: iss is not the service account.")
        if claims.get("aud") != TOKEN_URI:
            return _grant_error(f"Invalid JWT: aud must be {TOKEN_URI}.")
        if not set(str(claims.get("scope", "")).split()) & set(SCOPES):
            return _grant_error("Invalid JWT: no Analytics scope requested.", "invalid_scope")
        now = time.time()
        iat, exp = claims.get("iat"), claims.get("exp")
        if (
            not isinstance(iat, int)
            or not isinstance(exp, int)
            or iat > now + 60
            or exp <= now
            or exp - iat > 3600
        ):
            return _grant_error(
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                "Check your iat and exp values in the JWT claim."
            )
        token = f"ya29.sbx.{secrets.token_urlsafe(32)}"
        with self._lock:
            self.issued[token] = now + TOKEN_SECONDS
        return Reply(200, {"access_token": token, "expires_in": TOKEN_SECONDS, "token_type": "Bearer"})

    def valid(self, token: str | None) -> bool:
        with self._lock:
            return token is not None and self.issued.get(token, 0) > time.time()


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": status, "message": message, "status": code}})


def token(request: ApiRequest) -> str | None:
    return request.bearer()


def auth_error(request: ApiRequest) -> Reply:
    return _error(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
        "other valid authentication credential.",
    )


def rate_limited(request: ApiRequest, retry_after: int) -> Reply:
    # Google names no wait: the client backs off on its own.
    return _error(429, "RESOURCE_EXHAUSTED", "Exhausted concurrent requests quota.")


@dataclass
class PropertyQuota:
    """Each property's hourly token allowance (the sandbox never renews it: a test sets it low)."""

    tokens_per_hour: int
    consumed: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def charge(self, prop: str) -> dict[str, Any] | None:
        """Spend one request's tokens; the `propertyQuota` to return, or None when none are left."""
        with self._lock:
            used = self.consumed.get(prop, 0)
            if used + TOKENS_PER_REQUEST > self.tokens_per_hour:
                return None
            self.consumed[prop] = used + TOKENS_PER_REQUEST
            left = self.tokens_per_hour - used - TOKENS_PER_REQUEST
        spent = {"consumed": TOKENS_PER_REQUEST}
        return {
            "tokensPerDay": {**spent, "remaining": 200_000 - used - TOKENS_PER_REQUEST},
            "tokensPerHour": {**spent, "remaining": left},
            "concurrentRequests": {"consumed": 0, "remaining": 10},
            "serverErrorsPerProjectPerHour": {"consumed": 0, "remaining": 10},
            "potentiallyThresholdedRequestsPerHour": {"consumed": 0, "remaining": 120},
            "tokensPerProjectPerHour": {**spent, "remaining": 14_000 - used - TOKENS_PER_REQUEST},
        }


def route(request: ApiRequest, world: World, quota: PropertyQuota) -> Reply:
    matched = _REPORT_PATH.match(request.path)
    if matched is None or request.method != "POST":
        return _error(404, "NOT_FOUND", f"unknown endpoint {request.method} {request.path}")
    prop = matched.group(1)
    site = world.sites.get(prop)
    if site is None:
        return _error(
            403, "PERMISSION_DENIED", "User does not have sufficient permissions for this property."
        )
    body = request.body if isinstance(request.body, dict) else {}
    try:
        (date_range,) = body["dateRanges"]
        start, end = (str(date_range[k]).replace("-", "") for k in ("startDate", "endDate"))
        dimensions = [d["name"] for d in body["dimensions"]]
        metrics = [m["name"] for m in body["metrics"]]
    except (KeyError, TypeError, ValueError):
        return _error(
            400, "INVALID_ARGUMENT", "the sandbox serves one dateRanges entry with dimensions and metrics"
        )
    if sorted(dimensions) != sorted(site.dimensions):
        return _error(400, "INVALID_ARGUMENT", f"the sandbox serves exactly the dimensions {site.dimensions}")
    headers = {m["name"]: m for m in site.metrics}
    unknown = [m for m in metrics if m not in headers]
    if unknown:
        return _error(400, "INVALID_ARGUMENT", f"Field {unknown[0]} is not a valid metric.")
    property_quota = quota.charge(prop)
    if property_quota is None:
        return _error(
            429, "RESOURCE_EXHAUSTED", "Exhausted property tokens per hour. Try again in the next hour."
        )
    rows = [
        _select(row, site.dimensions, dimensions, [m["name"] for m in site.metrics], metrics)
        for day, (_, day_rows) in sorted(site.days.items())
        if start <= day <= end
        for row in day_rows
    ]
    # GA4's default order is by the first metric, descending; ties by date keep paging stable.
    order = dimensions.index("date")
    rows.sort(
        key=lambda r: (-float(r["metricValues"][0]["value"] or 0), r["dimensionValues"][order]["value"])
    )
    offset = max(int_param({"o": str(body.get("offset", 0))}, "o", 0), 0)
    limit = min(max(int_param({"l": str(body.get("limit", 10_000))}, "l", 10_000), 1), MAX_LIMIT)
    page = rows[offset : offset + limit]
    response: dict[str, Any] = {
        "dimensionHeaders": [{"name": name} for name in dimensions],
        "metricHeaders": [headers[name] for name in metrics],
    }
    if page:
        response["rows"] = page
    if rows:
        response["rowCount"] = len(rows)
    response["metadata"] = site.metadata
    if body.get("returnPropertyQuota"):
        response["propertyQuota"] = property_quota
    response["kind"] = "analyticsData#runReport"
    return Reply(200, response, is_page=True)


def _select(
    row: dict[str, Any],
    have_dims: list[str],
    want_dims: list[str],
    have_metrics: list[str],
    want_metrics: list[str],
) -> dict[str, Any]:
    """One stored row with its values in the requested order."""
    dims = dict(zip(have_dims, row["dimensionValues"], strict=True))
    values = dict(zip(have_metrics, row["metricValues"], strict=True))
    return {
        "dimensionValues": [dims[name] for name in want_dims],
        "metricValues": [values[name] for name in want_metrics],
    }
