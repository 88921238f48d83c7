"""Free text as platforms send it (base.platform_text): HTML entities unescaped exactly once for the
platforms that escape, mojibake repaired for all, and everything else left exactly as written.

The texts checked are the real payloads' strings and the sample generator's templates in every
language the product serves (en, ru, uk, ro), not strings made up here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import ftfy
import pytest

from pipelines.parsers.base import Rejected, platform_text, repair_mojibake, unescape_entities
from pipelines.sandbox.generator import texts
from tests.unit.parsers.fixture_kit import REAL_FIXTURES
from tests.unit.parsers.landing_kit import parse


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _real_strings() -> list[str]:
    found: list[str] = []
    for path in sorted(REAL_FIXTURES.rglob("*.json*")):
        lines = path.read_text(encoding="utf-8").splitlines() if path.suffix == ".jsonl" else None
        documents = (
            [json.loads(line) for line in lines if line.strip()] if lines else [json.loads(path.read_text())]
        )
        for document in documents:
            found.extend(_strings(document))
    return found


def _template_texts() -> list[str]:
    """Every sentence template the generator writes people's and brands' posts with."""
    groups = [
        texts.MENTIONS,
        texts.PAIR_MENTIONS,
        texts.COMMENTS,
        texts.OWN_POSTS,
        texts.REPLIES,
        texts.CHATTER,
    ]
    return sorted({s for group in groups for s in _strings(group)})


REAL_STRINGS = _real_strings()
TEMPLATES = _template_texts()


def test_the_corpora_are_not_trivial():
    assert len(REAL_STRINGS) > 1000
    non_ascii = [s for s in TEMPLATES if not s.isascii()]
    assert len(non_ascii) > 50
    assert any("ș" in s for s in non_ascii) and any("ї" in s for s in non_ascii)  # Romanian, Ukrainian


def test_real_payload_strings_and_every_template_pass_unchanged():
    for text in [*REAL_STRINGS, *TEMPLATES]:
        assert repair_mojibake(text) == text
        assert platform_text(text, "text", html_escaped=False) == text


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


@pytest.mark.parametrize(
    ("codepage", "which"),
    [("latin-1", "all"), ("cp1252", "all"), ("cp1251", "cyrillic")],  # cp1251: how Cyrillic gets garbled
)
def test_templates_read_back_in_a_single_byte_codepage_are_repaired(codepage, which):
    """Mojibake made the way it happens: UTF-8 bytes decoded with the wrong code page. A text is
    repaired, or left as it came when too short to be unambiguous, never changed into a third thing."""
    repaired, left = [], []
    for text in TEMPLATES:
        if which == "cyrillic" and not _cyrillic(text):
            continue
        try:
            garbled = text.encode("utf-8").decode(codepage)
        except UnicodeDecodeError:
            continue  # bytes this code page cannot show: such mojibake never exists
        if garbled == text:
            continue
        result = platform_text(garbled, "text", html_escaped=False)
        assert result in (text, garbled), garbled
        (repaired if result == text else left).append(garbled)
    assert len(repaired) > 50
    assert len(left) <= len(repaired) // 20, left


def test_the_cheap_first_look_loses_no_repair_ftfy_would_make():
    """repair_mojibake hands ftfy only text that has a mojibake pair; ftfy on everything agrees."""
    for codepage in ("latin-1", "cp1252", "cp1251"):
        for text in TEMPLATES:
            garbled = text.encode("utf-8").decode(codepage, errors="ignore")
            assert repair_mojibake(garbled) == ftfy.fix_encoding(garbled), garbled


def test_the_emoji_mojibake_of_the_issue_is_repaired():
    assert repair_mojibake("ðŸ§¤ gloves in stock") == "🧤 gloves in stock"


@pytest.mark.parametrize(
    ("sent", "meant"),
    [
        ("Tom &amp; Jerry &lt;3 &gt;", "Tom & Jerry <3 >"),  # X API v2
        ("YouTube&#39;s API and &quot;The News&quot;", 'YouTube\'s API and "The News"'),  # YouTube search
        ("&#10071; Акция &#x2615;", "❗ Акция ☕"),  # VK, decimal and hex
        ("&amp;lt;b&amp;gt;", "&lt;b&gt;"),  # once: a user who typed "&lt;b&gt;" keeps it
        ("?a=1&copy=2 and &notanentity; stay", "?a=1&copy=2 and &notanentity; stay"),  # no `;`, no such name
    ],
)
def test_entities_are_unescaped_exactly_once(sent, meant):
    assert unescape_entities(sent) == meant
    assert platform_text(sent, "text", html_escaped=True) == meant


def test_raw_platforms_keep_a_typed_entity_as_text():
    assert platform_text("I typed &amp; here", "message", html_escaped=False) == "I typed &amp; here"


def test_missing_text_is_null_and_a_non_string_is_rejected_naming_the_field():
    assert platform_text(None, "text", html_escaped=True) is None
    with pytest.raises(Rejected, match="caption: expected a string"):
        platform_text(["a"], "caption", html_escaped=False)


# UTF-8 read as Windows-1252 (the way `ðŸ§¤` happens), then an entity the user typed.
REPAIRED_RAW = "🧤 Mulțumim, cafea excelentă &amp; croissant"
MOJIBAKE = "🧤 Mulțumim, cafea excelentă".encode().decode("cp1252") + " &amp; croissant"


@pytest.mark.parametrize(
    ("platform", "entity", "body", "column"),
    [
        ("facebook", "posts", {"data": [{"id": "1_2", "message": MOJIBAKE}]}, "message"),
        ("instagram", "media", {"data": [{"id": "17", "caption": MOJIBAKE}]}, "caption"),
        ("linkedin", "posts", {"elements": [{"id": "urn:li:share:7", "commentary": MOJIBAKE}]}, "commentary"),
        (
            "tiktok",
            "videos",
            {"data": {"videos": [{"id": "73", "title": MOJIBAKE}]}, "error": {"code": "ok"}},
            "title",
        ),
        ("telegram", "messages", {"messages": [{"_": "Message", "id": 5, "message": MOJIBAKE}]}, "text"),
    ],
)
def test_raw_text_platforms_repair_mojibake_and_keep_typed_entities(platform, entity, body, column):
    assert MOJIBAKE.startswith("ðŸ§¤")
    rows, rejects = parse(platform, entity, body)
    assert rejects == []
    assert rows[0][column] == REPAIRED_RAW
