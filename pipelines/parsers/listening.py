"""Social-listening exports (YouScan, Brandwatch, Talkwalker style CSV): one mention per row.

Every tool names its columns differently, so headers are matched case-, space- and
punctuation-insensitively against known spellings ("Mention ID", "mention_id", "Resource Id"
are the same column). The tool's platform label is kept as `source_platform` and mapped onto
the warehouse's platform names in `platform`. The tool's brand matching is not trusted (the
warehouse matches brands itself), so it is not read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pipelines.parsers.base import (
    Capture,
    EntityParser,
    Rejected,
    expect_dict,
    from_epoch_millis,
    from_epoch_seconds,
    platform_text,
    to_count,
    to_str,
    to_ts,
    type_name,
    whole_response,
)


def error_of(response: Any) -> str | None:
    """A CSV row always arrives as a dict of header → value; anything else is a broken capture.

    An `error` column in a CSV is just a column, so a dict is never an error body here.
    """
    if not isinstance(response, dict):
        return f"CSV row is not an object of header → value (got {type_name(response)})"
    return None


def _norm(header: str) -> str:
    """'Mention ID' / 'mention_id' / ' Mention-Id ' → 'mentionid'; a UTF-8 BOM is dropped."""
    return re.sub(r"[^0-9a-z]", "", header.lstrip("\ufeff").lower())


# Dataset field → header spellings (normalised), best first. Extend here when a new tool appears.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "mention_id": ("mentionid", "resourceid", "documentid", "id"),
    "source": ("source", "sourcetype", "platform", "network", "socialnetwork", "pagetype", "contentsource"),
    "published": (
        "published",
        "publishedat",
        "publisheddate",
        "publishdate",
        "publicationdate",
        "date",
        "datetime",
        "createdat",
        "created",
    ),
    "url": ("url", "link", "permalink", "mentionurl", "posturl"),
    "author": ("authorhandle", "screenname", "username", "handle", "author", "authorname", "authorusername"),
    "author_followers": (
        "authorfollowers",
        "followers",
        "twitterfollowers",
        "followerscount",
        "authorfollowerscount",
        "subscribers",
    ),
    "text": ("text", "fulltext", "content", "snippet", "message", "body", "mentiontext"),
    "title": ("title", "headline"),
    "language": ("language", "lang", "languagecode"),
    # Impressions are not reach (times shown ≠ unique accounts), so they are not mapped.
    "reach": ("reach", "reachnew", "potentialreach", "estimatedreach"),
    "engagements": (
        "engagements",
        "engagement",
        "totalengagement",
        "totalengagements",
        "engagementcount",
        "interactions",
    ),
    "sentiment": ("sentiment", "tone", "sentimentlabel"),
}

# A normalised source label (letters only) → platform; prefixes catch "twitter.com", "VKontakte (group)".
_PLATFORM_PREFIXES: tuple[tuple[str, str], ...] = (
    ("twitter", "x"),
    ("vkontakte", "vk"),
    ("facebook", "facebook"),
    ("instagram", "instagram"),
    ("youtube", "youtube"),
    ("tiktok", "tiktok"),
    ("telegram", "telegram"),
    ("linkedin", "linkedin"),
)
_PLATFORM_EXACT = {
    "x": "x",
    "xcom": "x",
    "xtwitter": "x",
    "vk": "vk",
    "vkcom": "vk",
    "fb": "facebook",
    "ig": "instagram",
    "yt": "youtube",
    "tg": "telegram",
    "tme": "telegram",
}
# When the tool gives no usable source, the mention's own URL says where it was posted.
_URL_HOSTS: tuple[tuple[str, str], ...] = (
    ("twitter.com", "x"),
    ("x.com", "x"),
    ("vk.com", "vk"),
    ("vk.ru", "vk"),
    ("facebook.com", "facebook"),
    ("fb.com", "facebook"),
    ("instagram.com", "instagram"),
    ("youtube.com", "youtube"),
    ("youtu.be", "youtube"),
    ("tiktok.com", "tiktok"),
    ("t.me", "telegram"),
    ("telegram.me", "telegram"),
    ("linkedin.com", "linkedin"),
)

_NULL_MARKERS = {"", "-", "n/a", "na", "null", "none"}
_THOUSANDS = re.compile(r"^\d{1,3}(?:[,\s\u00a0\u202f]\d{3})+$")


def platform_of(source: str | None, url: str | None = None) -> str:
    """The warehouse platform for a tool's source label (Twitter → x, VKontakte → vk, …), else `other`."""
    if source:
        key = re.sub(r"[^a-z]", "", source.lower())
        if key in _PLATFORM_EXACT:
            return _PLATFORM_EXACT[key]
        for prefix, platform in _PLATFORM_PREFIXES:
            if key.startswith(prefix):
                return platform
    if url:
        host = re.sub(r"^[a-z]+://", "", url.strip().lower()).split("/", 1)[0].split(":", 1)[0]
        for domain, platform in _URL_HOSTS:
            if host == domain or host.endswith("." + domain):
                return platform
    return "other"


def sentiment_of(value: str | None) -> str | None:
    """positive / neutral / negative from labels ("Positive", "pos"), -1/0/1 or a signed score.

    An unknown or empty value is NULL: the pipeline scores those mentions itself.
    """
    if value is None:
        return None
    text = value.strip().lower()
    if text in ("positive", "pos", "+"):
        return "positive"
    if text in ("negative", "neg"):
        return "negative"
    if text in ("neutral", "neu", "neut"):
        return "neutral"
    try:
        score = float(text.replace(",", "."))
    except ValueError:
        return None
    if score != score:  # NaN
        return None
    return "positive" if score > 0 else "negative" if score < 0 else "neutral"


def _count(value: str | None, field: str) -> int | None:
    """A non-negative integer from a spreadsheet cell: "1,234", "1 234" and "1234.0" are 1234."""
    if value is None:
        return None
    text = value.strip()
    if text.lower() in _NULL_MARKERS:
        return None
    if _THOUSANDS.match(text):
        text = re.sub(r"[,\s\u00a0\u202f]", "", text)
    elif re.fullmatch(r"[+-]?\d+\.0*", text):
        text = text.split(".", 1)[0]
    return to_count(text, field)


def _published(value: str | None, field: str) -> datetime | None:
    """ISO time (no offset = UTC, an offset is converted), or unix seconds / milliseconds."""
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    if re.fullmatch(r"\d{12,14}", text):
        return from_epoch_millis(text, field)
    if re.fullmatch(r"\d{9,11}", text):
        return from_epoch_seconds(text, field)
    return to_ts(text, field)


def _hashed_id(*parts: str) -> str:
    return "h_" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def _cells(record: Mapping[Any, Any]) -> dict[str, str | None]:
    """Normalised header → stripped cell (empty → None); the first of duplicate headers wins."""
    cells: dict[str, str | None] = {}
    for header, value in record.items():
        if not isinstance(header, str):  # extra cells without a header (csv restkey)
            continue
        key = _norm(header)
        if key in cells:
            continue
        text = to_str(value, header)
        cells[key] = None if text is None or text.strip() == "" else text.strip()
    return cells


def _pick(cells: dict[str, str | None], field: str) -> str | None:
    """The first non-empty cell among the field's header aliases."""
    for alias in HEADER_ALIASES[field]:
        value = cells.get(alias)
        if value is not None:
            return value
    return None


def _mention_row(record: Any, capture: Capture) -> dict[str, Any]:
    """One mention from a listening export mapped onto the dataset's columns.

    `mention_id` is the tool's id, else a stable hash of the URL, else of text + time + author,
    so the same mention in a re-export gets the same id.
    """
    cells = _cells(expect_dict(record, "CSV row"))

    def get(field: str) -> str | None:
        return _pick(cells, field)

    published_at = _published(get("published"), "published_at")
    if published_at is None:
        raise Rejected("published_at: missing (no Published/Date value)")

    url, author, source = get("url"), get("author"), get("source")
    text, title = get("text"), get("title")
    if title and (text is None or title not in text):
        # News and blog rows put the headline in a separate column; brands named there are mentions too.
        text = title if text is None else f"{title}\n{text}"

    mention_id = get("mention_id")
    if mention_id is None:
        if url is not None:
            mention_id = _hashed_id(url)
        else:
            mention_id = _hashed_id(text or "", published_at.isoformat(), author or "")

    return {
        "mention_id": mention_id,
        "platform": platform_of(source, url),
        "source_platform": source,
        "published_at": published_at,
        "url": url,
        "author_handle": author,
        "author_followers": _count(get("author_followers"), "author_followers"),
        "text": platform_text(text, "text", html_escaped=False),
        "language": get("language"),
        "reach": _count(get("reach"), "reach"),
        "engagements": _count(get("engagements"), "engagements"),
        "sentiment": sentiment_of(get("sentiment")),
    }


PARSERS: dict[str, EntityParser] = {
    "mentions": EntityParser(records=whole_response, row=_mention_row),
}
