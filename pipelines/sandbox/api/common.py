"""What every emulated platform shares: the request and reply shapes, paging, cursor tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: Any
    base_url: str  # how the client reached us, for paging links that point back here
    form: dict[str, str] = field(default_factory=dict)  # an application/x-www-form-urlencoded body

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[7:].strip() if value.lower().startswith("bearer ") else None


@dataclass
class Reply:
    status: int
    body: Any  # JSON-able, or str for a non-JSON page
    headers: dict[str, str] = field(default_factory=dict)
    is_page: bool = False  # a data page (counted as served)


@dataclass
class PagingOptions:
    page_size: int
    repeat_cursor: bool = False  # hand back the first cursor forever (a broken API)


def page_slice(items: list[Any], offset: int, size: int) -> tuple[list[Any], int | None]:
    """Items [offset, offset+size) and the next offset, or None when this is the last page."""
    chunk = items[offset : offset + size]
    following = offset + len(chunk)
    return chunk, (following if following < len(items) and chunk else None)


def cursor_token(offset: int | None, options: PagingOptions, first: bool) -> str | None:
    """An opaque cursor for `offset`; with `repeat_cursor` every page after the first repeats it."""
    if offset is None:
        return None
    if options.repeat_cursor and not first:
        return cursor_token(options.page_size, options, True)
    return f"sbx{offset:06d}"


def cursor_offset(token: str | None) -> int:
    if not token:
        return 0
    if not token.startswith("sbx") or not token[3:].isdigit():
        raise ValueError(f"unknown cursor {token!r}")
    return int(token[3:])


def int_param(query: dict[str, str], name: str, default: int) -> int:
    try:
        return int(query.get(name, default))
    except ValueError:
        return default
