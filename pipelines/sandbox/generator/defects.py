"""Defects injected at a small known rate so the pipeline's quarantine and dedup paths are exercised.

Each JSONL line gets at most one defect. Rates are per eligible line; every kind is also forced once
early in the run, so even a few days of data contain each kind at least once (at `days >= 2` for
`duplicate_next_file`, which needs a next file).
"""

from __future__ import annotations

from random import Random
from typing import Any

import orjson

RATE = 0.002

MALFORMED = "malformed_json"
MISSING_FETCHED_AT = "missing_fetched_at"
VK_ERROR = "vk_api_error"
GRAPH_ERROR = "graph_api_error"
TIKTOK_ERROR = "tiktok_api_error"
DUP_SAME = "duplicate_same_file"
DUP_NEXT = "duplicate_next_file"
DELETED_POST = "deleted_post"

LINE_KINDS = (MALFORMED, MISSING_FETCHED_AT, VK_ERROR, GRAPH_ERROR, TIKTOK_ERROR, DUP_SAME, DUP_NEXT)
_GENERAL = (MALFORMED, MISSING_FETCHED_AT, DUP_SAME, DUP_NEXT)
_PLATFORM_ERROR = {"vk": VK_ERROR, "facebook": GRAPH_ERROR, "instagram": GRAPH_ERROR, "tiktok": TIKTOK_ERROR}
_FORCE_AT = {kind: 5 + 3 * i for i, kind in enumerate(LINE_KINDS)}


def error_body(kind: str, envelope: dict[str, Any], rng: Random) -> dict[str, Any]:
    """The body the API really returns when throttled, as the extractor landed it."""
    if kind == VK_ERROR:
        method = envelope.get("endpoint", "")
        return {
            "error": {
                "error_code": 6,
                "error_msg": "Too many requests per second",
                "request_params": [{"key": "method", "value": method}, {"key": "v", "value": "5.199"}],
            }
        }
    if kind == GRAPH_ERROR:
        return {
            "error": {
                "message": "(#4) Application request limit reached",
                "type": "OAuthException",
                "is_transient": True,
                "code": 4,
                "fbtrace_id": f"A{rng.getrandbits(64):016x}",
            }
        }
    return {
        "data": {},
        "error": {
            "code": "rate_limit_exceeded",
            "message": "The API rate limit was exceeded. Please try again later.",
            "log_id": f"2026{rng.getrandbits(96):024X}",
        },
    }


class DefectInjector:
    def __init__(self, seed: int, rate: float = RATE) -> None:
        self.rng = Random(f"{seed}/defects")
        self.rate = rate
        self.eligible: dict[str, int] = dict.fromkeys(LINE_KINDS, 0)
        self.forced: set[str] = set()

    def decide(self, platform: str) -> str | None:
        """The defect (if any) for the next line of `platform`."""
        kinds = _GENERAL + ((_PLATFORM_ERROR[platform],) if platform in _PLATFORM_ERROR else ())
        for kind in kinds:
            self.eligible[kind] += 1
        for kind in kinds:
            if kind not in self.forced and self.eligible[kind] >= _FORCE_AT[kind]:
                self.forced.add(kind)
                return kind
        roll = self.rng.random()
        for kind in kinds:
            roll -= self.rate
            if roll < 0:
                return kind
        return None

    def render(self, kind: str, envelope: dict[str, Any], line: bytes) -> bytes:
        """The defective line for a line-altering kind."""
        if kind == MALFORMED:
            # Cut on an ASCII byte so the text stays valid UTF-8: only the JSON is broken.
            cut = self.rng.randint(len(line) // 4, len(line) - 2)
            while cut > 1 and line[cut] >= 0x80:
                cut -= 1
            return line[:cut]
        if kind == MISSING_FETCHED_AT:
            return orjson.dumps({k: v for k, v in envelope.items() if k != "fetched_at"})
        return orjson.dumps({**envelope, "response": error_body(kind, envelope, self.rng)})
