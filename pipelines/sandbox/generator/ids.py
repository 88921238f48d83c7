"""How each platform spells the ids of posts and comments.

Ids derive from the brand's global index and a per-account sequence (never from a global counter), so
a brand's ids do not change when `--scale` adds other brands.
"""

from __future__ import annotations

import base64
import hashlib

_TWITTER_EPOCH_MS = 1288834974657
_SLOT = 100_000  # per-account sequence space inside a brand's id range


def _b64(text: str, n: int) -> str:
    digest = hashlib.sha1(text.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:n]


def facebook_post(page_id: str, index: int, seq: int) -> tuple[str, int]:
    """`{page-id}_{post-object-id}`; the object id is returned too (comment ids build on it)."""
    num = 500_000_000_000_000 + index * _SLOT + seq
    return f"{page_id}_{num}", num


def facebook_comment(post_num: int, index: int, seq: int) -> str:
    return f"{post_num}_{900_000_000_000_000 + index * 1_000_000 + seq}"


def instagram_media(index: int, seq: int) -> str:
    return str(17_900_000_000_000_000 + index * _SLOT + seq)


def instagram_comment(index: int, seq: int) -> str:
    return str(17_850_000_000_000_000 + index * 1_000_000 + seq)


def snowflake(t: int, salt: int) -> str:
    """An X id: milliseconds since the Twitter epoch in the top bits, so ids sort by time like real ones."""
    ms = t * 1000 + salt % 1000
    return str(((ms - _TWITTER_EPOCH_MS) << 22) | (salt & 0x3FFFFF))


def linkedin_share(index: int, seq: int) -> str:
    return f"urn:li:share:{7_150_000_000_000_000_000 + index * _SLOT + seq}"


def youtube_video(index: int, seq: int) -> str:
    return _b64(f"video:{index}:{seq}", 11)


def youtube_thread(index: int, seq: int) -> str:
    return "Ugz" + _b64(f"thread:{index}:{seq}", 23)


def youtube_reply(thread_id: str, seq: int) -> str:
    return f"{thread_id}.{_b64(f'reply:{thread_id}:{seq}', 22)}"


def youtube_channel(salt: str) -> str:
    return "UC" + _b64(f"channel:{salt}", 22)


def tiktok_video(index: int, seq: int) -> str:
    return str(7_300_000_000_000_000_000 + index * _SLOT + seq)


def etag(text: str) -> str:
    return _b64(f"etag:{text}", 27)
