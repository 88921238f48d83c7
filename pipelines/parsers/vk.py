"""VK: API 5.199 (`groups.getById`, `wall.get`/`wall.getById`, `wall.getComments`, `newsfeed.search`).

VK sends ids as numbers; the warehouse spells them as strings. A post or comment is only
unique together with its wall's owner, so their ids are `{owner_id}_{id}` (e.g. `-123456_9001`:
a negative owner is a community).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipelines.parsers.base import (
    Capture,
    EntityParser,
    Rejected,
    dig,
    expect_dict,
    expect_list,
    from_epoch_seconds,
    list_at,
    platform_text,
    to_bool,
    to_count,
    to_int,
    to_str,
    type_name,
)


def error_of(response: Any) -> str | None:
    """The VK error body `{"error": {"error_code", "error_msg"}}`, or a body that is not an object."""
    if not isinstance(response, dict):
        return f"response is not a JSON object (got {type_name(response)})"
    error = response.get("error")
    if error is None:
        return None
    if isinstance(error, dict):
        return f"{error.get('error_code')} {error.get('error_msg') or ''}".strip()
    return str(error)[:200]


def _payload(capture: Capture) -> Any:
    body = expect_dict(capture.response, "response body")
    if "response" not in body:
        raise Rejected("response: missing (neither `response` nor `error` in the body)")
    return body["response"]


def _items(capture: Capture) -> list[Any]:
    """`response.items`; older `wall.getById` versions return the array itself."""
    payload = _payload(capture)
    if isinstance(payload, list):
        return payload
    return list_at(expect_dict(payload, "response"), "items")


def _groups(capture: Capture) -> list[Any]:
    """5.199 sends `{"groups": [...]}`; older versions a bare array. Both are accepted."""
    payload = _payload(capture)
    if isinstance(payload, list):
        return payload
    return list_at(expect_dict(payload, "response"), "groups")


def _required_int(value: Any, field: str) -> int:
    number = to_int(value, field)
    if number is None:
        raise Rejected(f"{field}: missing")
    return number


def _count(item: dict[str, Any], name: str) -> int | None:
    """`likes.count` and friends; absent when the counter is hidden or not applicable (NULL)."""
    return to_count(dig(item, name, "count"), f"{name}.count")


def _split_post_id(post_id: str | None) -> tuple[str | None, str | None]:
    """`-123456_9001` → ("-123456", "9001"); anything else → (None, post_id)."""
    if post_id and "_" in post_id:
        owner, _, local = post_id.rpartition("_")
        return owner, local
    return None, post_id


# ---------------------------------------------------------------- group


def _group_row(group: Any, capture: Capture) -> dict[str, Any]:
    """Community snapshot; `members_count` is only there when the `fields` asked for it (else NULL)."""
    group = expect_dict(group, "response.groups[]")
    group_id = _required_int(group.get("id"), "id")
    return {
        "group_id": str(group_id),
        "group_name": platform_text(group.get("name"), "name", html_escaped=True),
        "screen_name": to_str(group.get("screen_name"), "screen_name"),
        "members_count": to_count(group.get("members_count"), "members_count"),
    }


# ---------------------------------------------------------------- wall and search


def _post_fields(item: dict[str, Any], owner: Any) -> dict[str, Any]:
    post_local_id = _required_int(item.get("id"), "id")
    owner_id = _required_int(owner, "owner_id")
    return {
        "post_id": f"{owner_id}_{post_local_id}",
        "owner_id": str(owner_id),
        "from_id": to_str(item.get("from_id"), "from_id"),
        "published_at": from_epoch_seconds(item.get("date"), "date"),
        "text": platform_text(item.get("text"), "text", html_escaped=True),
        "likes_count": _count(item, "likes"),
        "reposts_count": _count(item, "reposts"),
        "comments_count": _count(item, "comments"),
        "views_count": _count(item, "views"),
    }


def _wall_row(item: Any, capture: Capture) -> dict[str, Any]:
    """A post on a wall, with lifetime counters. A repost's own counters are kept; the original's are not."""
    item = expect_dict(item, "response.items[]")
    # wall.get?owner_id=… always names the owner; the account is only a fallback for trimmed bodies.
    owner = item.get("owner_id") if item.get("owner_id") is not None else capture.account_id
    row = _post_fields(item, owner)
    copy_history = item.get("copy_history")
    if copy_history is not None:
        expect_list(copy_history, "copy_history")
    row["is_pinned"] = to_bool(item.get("is_pinned"), "is_pinned")
    row["is_repost"] = bool(copy_history)
    return row


def _search_row(item: Any, capture: Capture) -> dict[str, Any]:
    """A post found by `newsfeed.search` (a mention); its owner must be in the item."""
    item = expect_dict(item, "response.items[]")
    return _post_fields(item, item.get("owner_id"))


# ---------------------------------------------------------------- comments


@dataclass(frozen=True)
class _BrokenThread:
    """A `thread` whose shape is wrong: quarantined as one record, the page's other comments load."""

    reason: str


def _comments(capture: Capture) -> Iterator[Any]:
    """Top-level comments, then the replies VK nests under `thread.items` (when requested)."""
    for item in _items(capture):
        yield item
        if not isinstance(item, dict):
            continue
        try:
            yield from list_at(item, "thread", "items")
        except Rejected as exc:
            yield _BrokenThread(str(exc))


def _comment_row(item: Any, capture: Capture) -> dict[str, Any]:
    """One wall comment; `post_id`/`comment_id` are owner-qualified like posts.

    The owner is the item's own `owner_id`, else the owner in the capture's post id, else the
    capture's account. A reply's parent is `reply_to_comment`, else the last of `parents_stack`.
    """
    if isinstance(item, _BrokenThread):
        raise Rejected(item.reason)
    item = expect_dict(item, "response.items[]")
    object_owner, object_local = _split_post_id(capture.object_id)
    owner = to_int(item.get("owner_id"), "owner_id")
    if owner is None:
        owner = to_int(object_owner if object_owner is not None else capture.account_id, "owner_id")
    if owner is None:
        raise Rejected("owner_id: missing (not in the comment, the capture's post id or account)")
    comment_local_id = _required_int(item.get("id"), "id")

    if object_owner is not None:
        post_id: str | None = capture.object_id
    elif object_local and object_local.isdigit() and object_local != capture.account_id:
        # A bare post number in object_id: qualify it with the owner like every VK post id.
        post_id = f"{owner}_{object_local}"
    elif item.get("post_id") is not None:
        post_id = f"{owner}_{_required_int(item.get('post_id'), 'post_id')}"
    else:
        post_id = None

    parent = to_int(item.get("reply_to_comment"), "reply_to_comment")
    if parent is None:
        stack = item.get("parents_stack")
        if stack:
            parent = to_int(expect_list(stack, "parents_stack")[-1], "parents_stack[]")
    return {
        "comment_id": f"{owner}_{comment_local_id}",
        "post_id": post_id,
        "owner_id": str(owner),
        "from_id": to_str(item.get("from_id"), "from_id"),
        "created_at": from_epoch_seconds(item.get("date"), "date"),
        "text": platform_text(item.get("text"), "text", html_escaped=True),
        "reply_to_comment_id": None if parent is None else f"{owner}_{parent}",
        "reply_to_user_id": to_str(item.get("reply_to_user"), "reply_to_user"),
    }


PARSERS: dict[str, EntityParser] = {
    "group": EntityParser(records=_groups, row=_group_row),
    "wall": EntityParser(records=_items, row=_wall_row),
    "comments": EntityParser(records=_comments, row=_comment_row),
    "search": EntityParser(records=_items, row=_search_row),
}
