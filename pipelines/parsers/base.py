"""Building blocks every platform parser uses.

A parser for one entity says two things: which elements of a response are records
(`records`), and how one element becomes one typed row (`row`). Everything else — reading
lines, the envelope, error bodies, quarantine, dedup, writing — is the ingest framework's job.

Converters raise `Rejected` with a reason a person can act on; the framework turns that into
a quarantine row naming the file and line. They never coerce silently: a count sent as
"12" becomes 12, but "twelve", True or -3 is rejected.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, timedelta
from html.entities import html5
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import ftfy

# Timestamps outside this window are not real social-media activity (typos, epoch units mixed up).
EARLIEST = datetime(2004, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class Rejected(ValueError):
    """One record (or a whole capture) breaks the contract; the message is the quarantine reason."""


@dataclass(frozen=True)
class Capture:
    """One API response as landed (one JSONL line), or one row/document of an export file."""

    fetched_at: datetime
    account_id: str | None
    object_id: str | None
    endpoint: str | None
    response: Any
    # IANA time zone of the brand owning each account of this platform (account id → zone), for
    # the few records whose times are local (legacy Telegram exports). Empty unless the ingest
    # passes it: see `pipelines.parsers.needs_owner_timezones`.
    owner_timezones: Mapping[str, str] = dataclass_field(default_factory=lambda: MappingProxyType({}))
    # The request's parameters as the envelope recorded them (`params`), for the few parsers that
    # check a response against its request (GA4: rows dated outside the requested range).
    params: Mapping[str, Any] = dataclass_field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class EntityParser:
    """How one landing entity turns into rows.

    records: the elements of a response that are records (raise Rejected if the shape is wrong:
             the whole capture is quarantined).
    row:     one element → one dict with exactly the dataset's columns (raise Rejected for that
             record only).
    """

    records: Callable[[Capture], Iterable[Any]]
    row: Callable[[Any, Capture], dict[str, Any]]


def whole_response(capture: Capture) -> list[Any]:
    """`records` for single-object endpoints (a page, a user): the response is the one record."""
    return [capture.response]


def expect_dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Rejected(f"{what}: expected a JSON object, got {type_name(value)}")
    return value


def expect_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise Rejected(f"{what}: expected a JSON array, got {type_name(value)}")
    return value


def list_at(obj: Any, *path: str) -> list[Any]:
    """The array at `path`; a missing key is an empty page, a non-array is a broken shape."""
    value = dig(obj, *path)
    if value is None:
        return []
    return expect_list(value, ".".join(path))


def dig(obj: Any, *path: str) -> Any:
    """Nested lookup: None when a key is missing or null; Rejected when a non-object is in the way."""
    current = obj
    for i, key in enumerate(path):
        if current is None:
            return None
        if not isinstance(current, dict):
            where = ".".join(path[:i]) or "response"
            raise Rejected(f"{where}: expected a JSON object, got {type_name(current)}")
        current = current.get(key)
    return current


def type_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def to_str(value: Any, field: str) -> str | None:
    """An id or text: strings as they are, integer ids (VK, Telegram) spelled as strings."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise Rejected(f"{field}: expected a string, got {type_name(value)}")


# ---------------------------------------------------------------- free text as platforms send it

# One HTML entity, always with its `;` (a bare "&copy=2" in a URL is not an entity).
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _unescape_entity(match: re.Match[str]) -> str:
    entity = match.group(0)
    if entity[1] == "#":
        return html.unescape(entity)  # numeric: html maps NUL, surrogates and cp1252 codes like browsers
    return html5.get(entity[1:], entity)  # named: exact name only; unknown names stay as written


def unescape_entities(text: str) -> str:
    """HTML entities (`&amp;`, `&#39;`, `&#10071;`) → characters, in one pass: "&amp;lt;" → "&lt;"."""
    return _ENTITY.sub(_unescape_entity, text) if "&" in text else text


def _decoded(data: bytes, encoding: str) -> str:
    """The characters `encoding` gives these bytes; bytes it leaves undefined map to U+00xx, as
    the "sloppy" decoders of ftfy do."""
    return "".join(bytes([b]).decode(encoding, errors="replace").replace("\ufffd", chr(b)) for b in data)


_UTF8_LEADS = bytes(range(0xC2, 0xF5))
_UTF8_CONTINUATIONS = bytes(range(0x80, 0xC0))
_LATIN_LEADS = _UTF8_LEADS.decode("latin-1")
_LATIN_CONTINUATIONS = "".join(
    sorted(set(_decoded(_UTF8_CONTINUATIONS, "latin-1") + _decoded(_UTF8_CONTINUATIONS, "cp1252")))
)
# UTF-8 read as a single-byte code page leaves a lead byte's character followed by a continuation
# byte's: Latin-1/Windows-1252 (`ðŸ§¤`, `CafÃ©`) or Windows-1251 (`РїСЂРёРІРµС‚`). Every Cyrillic
# letter is a cp1251 lead, so cp1251 pairs are limited to the leads of Latin (Г), Cyrillic (Р С Т)
# and punctuation (в + 0x80..0x9F), and emoji (рџ).
_MOJIBAKE_PAIR = re.compile(
    "(?=[{first}])(?:[{leads}][{conts}]|[ГРСТ][{cyr_conts}]|в[{cyr_punct}]|рџ)".format(
        first=re.escape(_LATIN_LEADS + "ГРСТвр"),
        leads=re.escape(_LATIN_LEADS),
        conts=re.escape(_LATIN_CONTINUATIONS),
        cyr_conts=re.escape(_decoded(_UTF8_CONTINUATIONS, "cp1251")),
        cyr_punct=re.escape(_decoded(bytes(range(0x80, 0xA0)), "cp1251")),
    )
)
# A cheaper first look (ftfy's own check costs ~300 µs per Cyrillic post, the pair search ~15):
# such text always has a Latin-1 character other than nbsp, soft hyphen and « » (which Cyrillic
# and Romanian text use), or a Serbian-only letter, unless it is a word or two of Cyrillic.
_MOJIBAKE_HINT = re.compile(
    "[{}]".format(
        re.escape(
            "".join(chr(c) for c in range(0x80, 0x100) if c not in (0xA0, 0xAB, 0xAD, 0xBB))
            + "ЂЃѓЉЊЌЋЏђљњќћџЎўЈјЅѕ"
        )
    )
)
# ftfy's encoding repair only: no quote uncurling, width or NFC normalisation, HTML unescaping.
_FTFY = ftfy.TextFixerConfig(explain=False)


def repair_mojibake(text: str) -> str:
    """UTF-8 that was once decoded as Latin-1/Windows-1252/1251 (`ðŸ§¤` → 🧤, `CafÃ©` → Café),
    repaired when ftfy finds it unambiguous; anything else is returned unchanged."""
    if text.isascii() or not _MOJIBAKE_HINT.search(text) or not _MOJIBAKE_PAIR.search(text):
        return text
    return ftfy.fix_encoding(text, _FTFY)


def platform_text(value: Any, field: str, *, html_escaped: bool) -> str | None:
    """Free text (a post, comment, title, display name) as a person wrote it.

    `html_escaped`: the platform sends this field HTML-escaped (X tweet text, YouTube search
    snippets, VK): entities are unescaped exactly once. Other platforms send raw text, where a
    literal "&amp;" is what the user typed. Mojibake is repaired for every platform.
    """
    text = to_str(value, field)
    if text is None:
        return None
    if html_escaped:
        text = unescape_entities(text)
    return repair_mojibake(text)


def required_str(value: Any, field: str) -> str:
    text = to_str(value, field)
    if text is None or text == "":
        raise Rejected(f"{field}: missing")
    return text


_INT_TEXT = re.compile(r"^[+-]?\d+$")


def to_int(value: Any, field: str) -> int | None:
    """An integer sent as a number or a decimal string (YouTube sends counts as strings)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Rejected(f"{field}: expected an integer, got boolean")
    if isinstance(value, int):
        result = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        result = int(value)
    elif isinstance(value, str) and _INT_TEXT.match(value.strip()):
        result = int(value.strip())
    else:
        raise Rejected(f"{field}: expected an integer, got {type_name(value)} {str(value)[:40]!r}")
    if abs(result) >= 2**63:
        raise Rejected(f"{field}: integer {str(result)[:40]} out of range")
    return result


def to_count(value: Any, field: str) -> int | None:
    """A lifetime or daily counter: an integer that cannot be negative."""
    result = to_int(value, field)
    if result is not None and result < 0:
        raise Rejected(f"{field}: negative count {result}")
    return result


def to_float(value: Any, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise Rejected(f"{field}: expected a number, got boolean")
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            raise Rejected(f"{field}: expected a number, got {value[:40]!r}") from None
    else:
        raise Rejected(f"{field}: expected a number, got {type_name(value)}")
    if not math.isfinite(result):
        raise Rejected(f"{field}: not a finite number")
    return result


def to_bool(value: Any, field: str) -> bool | None:
    """Booleans, and the 0/1 flags VK uses."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise Rejected(f"{field}: expected a boolean, got {type_name(value)}")


def _in_window(ts: datetime, field: str) -> datetime:
    if not EARLIEST <= ts < LATEST:
        raise Rejected(f"{field}: timestamp {ts.isoformat()} outside {EARLIEST.year}..{LATEST.year}")
    return ts


def to_ts(value: Any, field: str, *, naive_is_utc: bool = True) -> datetime | None:
    """An ISO-8601 timestamp (`+0000`, `Z`, fractions all accepted) as an aware UTC datetime.

    Times without an offset are UTC (the contract's rule for listening exports).
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Rejected(f"{field}: expected an ISO timestamp string, got {type_name(value)}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python before 3.12 wants +00:00, Graph API sends +0000.
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Rejected(f"{field}: unparseable timestamp {value[:40]!r}") from None
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise Rejected(f"{field}: timestamp {value[:40]!r} has no UTC offset")
        parsed = parsed.replace(tzinfo=UTC)
    return _in_window(parsed.astimezone(UTC), field)


def local_to_utc(value: Any, field: str, timezone: str) -> datetime | None:
    """An ISO timestamp written in local time of `timezone` (an IANA name), as UTC.

    A time that occurs twice (the hour DST ends) is read as the first; one that does not exist
    (the hour DST starts) as if the clock had not moved. A stated offset still wins.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Rejected(f"{field}: expected an ISO timestamp string, got {type_name(value)}")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Rejected(f"{field}: unparseable timestamp {value[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(timezone))
    return _in_window(parsed.astimezone(UTC), field)


def from_epoch_seconds(value: Any, field: str) -> datetime | None:
    seconds = to_int(value, field)
    if seconds is None:
        return None
    if abs(seconds) > 10**11:
        raise Rejected(f"{field}: {seconds} is not unix seconds")
    return _in_window(datetime.fromtimestamp(seconds, tz=UTC), field)


def from_epoch_millis(value: Any, field: str) -> datetime | None:
    millis = to_int(value, field)
    if millis is None:
        return None
    if abs(millis) > 10**14:
        raise Rejected(f"{field}: {millis} is not unix milliseconds")
    return _in_window(datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis), field)


def to_date_yyyymmdd(value: Any, field: str) -> date | None:
    """A calendar date sent as YYYYMMDD (YouTube Reporting API) or YYYY-MM-DD."""
    if value is None or value == "":
        return None
    text = str(value).strip().replace("-", "")
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise Rejected(f"{field}: unparseable date {str(value)[:40]!r}") from None
