"""One alert as a webhook message, and one bounded, retried POST of it.

The URL is a secret (a Slack incoming-webhook URL carries its token in the path): nothing here puts it
in a message, an error or a log line. Errors are described by their kind only.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KIND_LABELS = {
    "negative_wave": "Negative wave",
    "mention_spike": "Mention spike",
    "follower_drop": "Follower drop",
    "response_slump": "Response slump",
}


@dataclass(frozen=True)
class RetryPolicy:
    """At most `tries` POSTs, `backoff_s[i]` seconds before try i + 2, each waiting `timeout_s` for a reply."""

    tries: int = 3
    timeout_s: float = 5.0
    backoff_s: tuple[float, ...] = (1.0, 2.0)


DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class SendResult:
    delivered: bool
    attempts: int
    error: str | None = None


def _number(value: float | None, metric: str) -> str:
    if value is None:
        return "n/a"
    if metric == "response_rate":
        return f"{100 * value:.0f}%"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def alert_payload(alert: Mapping[str, Any], mentions: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """Slack-compatible message (`text`) plus the alert's structured fields and the mentions behind it.

    `alert` is a marts.fct_alerts row (plus `brand_name`); `mentions` the top fct_mentions rows behind it.
    """
    metric = alert["metric"]
    when = str(alert["detected_for_date"])
    text = (
        f"{KIND_LABELS.get(alert['kind'], alert['kind'])} ({alert['severity']}): "
        f"{alert.get('brand_name') or alert['brand_id']} on {alert['platform']}, {when}: "
        f"{metric} {_number(alert['observed'], metric)} "
        f"(baseline {_number(alert['baseline'], metric)}, threshold {_number(alert['threshold'], metric)})"
    )
    if mentions:
        text += "\n" + "\n".join(f"• {m['url']}" for m in mentions if m.get("url"))
    return {
        "text": text,
        "alert_id": alert["alert_id"],
        "brand_id": alert["brand_id"],
        "platform": alert["platform"],
        "kind": alert["kind"],
        "metric": metric,
        "detected_for_date": when,
        "observed": alert["observed"],
        "baseline": alert["baseline"],
        "threshold": alert["threshold"],
        "severity": alert["severity"],
        "mentions": [dict(m) for m in mentions],
    }


def _describe(exc: BaseException) -> tuple[str, bool]:
    """(what went wrong, without the URL; whether another try may help)."""
    if isinstance(exc, urllib.error.HTTPError):
        # 4xx: the URL or the message is wrong, retrying changes nothing; 429 and 5xx are passing.
        return f"HTTP {exc.code}", exc.code == 429 or exc.code >= 500
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out", True
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            return "timed out", True
        if isinstance(reason, OSError) and reason.strerror:
            return f"connection failed ({reason.strerror})", True
        return f"connection failed ({type(reason).__name__})", True
    if isinstance(exc, ConnectionError):
        return f"connection failed ({type(exc).__name__})", True
    return f"{type(exc).__name__}", False


def post_json(url: str, payload: Mapping[str, Any], timeout_s: float) -> None:
    """POST `payload` as JSON; raises on a non-2xx reply or a network error."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, default=str).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        response.read()


def send(
    url: str,
    payload: Mapping[str, Any],
    policy: RetryPolicy = DEFAULT_POLICY,
    *,
    post: Callable[[str, Mapping[str, Any], float], None] = post_json,
    sleep: Callable[[float], None] = time.sleep,
) -> SendResult:
    """Deliver `payload`, retrying passing failures with backoff; never raises for a delivery problem."""
    error = None
    for attempt in range(1, policy.tries + 1):
        try:
            post(url, payload, policy.timeout_s)
            return SendResult(delivered=True, attempts=attempt)
        except Exception as exc:  # a webhook problem is recorded, never raised
            error, retry = _describe(exc)
            if not retry or attempt == policy.tries:
                return SendResult(delivered=False, attempts=attempt, error=error)
            sleep(policy.backoff_s[min(attempt - 1, len(policy.backoff_s) - 1)] if policy.backoff_s else 0)
    return SendResult(delivered=False, attempts=policy.tries, error=error)
