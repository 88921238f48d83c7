"""X (API v2): user snapshots, the own account's tweets, and tweets found by search (mentions).

A v2 page is `{"data": [...], "includes": {...}, "meta": {...}}`; `data` is absent on an empty
page. `errors` next to `data` is a partial result (some ids not found), not a failed call.
Public metrics are lifetime values at `fetched_at`; `bookmark_count` and `impression_count`
are only returned for some tokens and eras, and stay NULL when absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.parsers.base import (
    Capture,
    EntityParser,
    Rejected,
    dig,
    expect_dict,
    list_at,
    platform_text,
    required_str,
    to_count,
    to_str,
    to_ts,
    type_name,
)
from pipelines.schemas import BY_NAME

_TWEET_COLUMNS = tuple(BY_NAME["x__tweets"].columns)
_MENTION_COLUMNS = tuple(BY_NAME["x__mentions"].columns)
_METRICS = ("retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count", "impression_count")


def error_of(response: Any) -> str | None:
    """The API error in a body, or None for a usable page.

    Errors are `{"errors": [...]}` without `data` (v2), `{"error": {...}}`, or a top-level
    problem object `{"title", "detail", "status"}` (v2 auth and rate-limit failures).
    """
    if not isinstance(response, dict):
        return f"response is a JSON {type_name(response)}, not an object"
    error = response.get("error")
    if error is not None:
        if isinstance(error, dict):
            return f"code {error.get('code')}: {str(error.get('message') or error.get('detail'))[:300]}"
        return f"error: {str(error)[:300]}"
    if response.get("data") is not None:
        return None
    errors = response.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0] if isinstance(errors[0], dict) else {"detail": errors[0]}
        text = first.get("detail") or first.get("message") or first.get("title")
        code = first.get("code") or first.get("type") or first.get("title")
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"{code}: {str(text)[:300]}{more}"
    status = response.get("status")
    if isinstance(status, int) and not isinstance(status, bool) and status >= 400:
        title = f" {response['title']}" if response.get("title") else ""
        return f"status {status}{title}: {str(response.get('detail') or 'no detail')[:300]}"
    return None


def _metrics(obj: dict[str, Any]) -> dict[str, Any]:
    """`public_metrics`, or {} when it was not requested (every counter then NULL)."""
    metrics = obj.get("public_metrics")
    return {} if metrics is None else expect_dict(metrics, "public_metrics")


def _users(capture: Capture) -> list[Any]:
    """`data` is one user (`/2/users/:id`) or a list (`/2/users?ids=`, `/2/users/by`)."""
    data = dig(capture.response, "data")
    if data is None:
        return []
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise Rejected(f"data: expected a JSON object or array, got {type_name(data)}")


def _user_row(element: Any, capture: Capture) -> dict[str, Any]:
    user = expect_dict(element, "data")
    metrics = _metrics(user)
    return {
        "user_id": required_str(user.get("id"), "id"),
        "username": to_str(user.get("username"), "username"),
        **{
            name: to_count(metrics.get(name), f"public_metrics.{name}")
            for name in ("followers_count", "following_count", "tweet_count", "listed_count")
        },
    }


def _tweets(capture: Capture) -> list[Any]:
    return list_at(capture.response, "data")


def _referenced(tweet: dict[str, Any]) -> dict[str, str | None]:
    """The first referenced tweet id of each type (replied_to, quoted, retweeted)."""
    found: dict[str, str | None] = {}
    for ref in list_at(tweet, "referenced_tweets"):
        ref = expect_dict(ref, "referenced_tweets[]")
        kind = to_str(ref.get("type"), "referenced_tweets[].type")
        if kind and kind not in found:
            found[kind] = to_str(ref.get("id"), f"referenced_tweets[{kind}].id")
    return found


def _tweet_fields(tweet: dict[str, Any]) -> dict[str, Any]:
    """Everything the tweets and mentions datasets take from one tweet object."""
    metrics = _metrics(tweet)
    refs = _referenced(tweet)
    return {
        "tweet_id": required_str(tweet.get("id"), "id"),
        "author_id": to_str(tweet.get("author_id"), "author_id"),
        "text": platform_text(tweet.get("text"), "text", html_escaped=True),
        "created_at": to_ts(tweet.get("created_at"), "created_at"),
        "lang": to_str(tweet.get("lang"), "lang"),
        "conversation_id": to_str(tweet.get("conversation_id"), "conversation_id"),
        "in_reply_to_user_id": to_str(tweet.get("in_reply_to_user_id"), "in_reply_to_user_id"),
        "replied_to_tweet_id": refs.get("replied_to"),
        "quoted_tweet_id": refs.get("quoted"),
        "retweeted_tweet_id": refs.get("retweeted"),
        **{name: to_count(metrics.get(name), f"public_metrics.{name}") for name in _METRICS},
    }


def _tweet_row(element: Any, capture: Capture) -> dict[str, Any]:
    fields = _tweet_fields(expect_dict(element, "data[]"))
    return {name: fields[name] for name in _TWEET_COLUMNS}


@dataclass(frozen=True)
class _Mention:
    """A found tweet with its page's expanded users (`includes.users`, by id)."""

    tweet: Any
    users: dict[str, dict[str, Any]]


def _mentions(capture: Capture) -> list[_Mention]:
    users = {
        user["id"]: user
        for user in list_at(capture.response, "includes", "users")
        if isinstance(user, dict) and isinstance(user.get("id"), str)
    }
    return [_Mention(tweet, users) for tweet in _tweets(capture)]


def _mention_row(record: _Mention, capture: Capture) -> dict[str, Any]:
    fields = _tweet_fields(expect_dict(record.tweet, "data[]"))
    # The author's handle and audience come from the page's expansions; absent → NULL.
    author = record.users.get(fields["author_id"] or "") or {}
    fields["author_username"] = to_str(author.get("username"), "includes.users[].username")
    fields["author_followers"] = to_count(
        dig(author, "public_metrics", "followers_count"), "includes.users[].public_metrics.followers_count"
    )
    return {name: fields[name] for name in _MENTION_COLUMNS}


PARSERS: dict[str, EntityParser] = {
    "user": EntityParser(records=_users, row=_user_row),
    "tweets": EntityParser(records=_tweets, row=_tweet_row),
    "mentions": EntityParser(records=_mentions, row=_mention_row),
}
