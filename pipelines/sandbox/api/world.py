"""The state the sandbox serves: the last fetch of the last day of a generated landing dir.

Every valid capture of that day is indexed by (platform, entity, object id); a later capture of the
same key replaces an earlier one, so the sandbox answers with the world as the generator last saw it.
Lines the generator broke on purpose (bad JSON, error bodies) are skipped: an API never returns them
as data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.sandbox.api.youtube_reporting import Report, load_reports


@dataclass
class Capture:
    fetched_at: str
    account_id: str
    object_id: str
    params: dict[str, Any]
    response: Any


@dataclass
class SiteReport:
    """One GA4 property's runReport rows over every generated day: per date, the rows of its latest
    capture (GA4 restates a day for ~48 h; the latest capture is what the warehouse keeps too)."""

    metadata: dict[str, Any]
    dimensions: list[str]
    metrics: list[dict[str, Any]]  # metricHeaders: name and type
    days: dict[str, tuple[str, list[dict[str, Any]]]] = field(
        default_factory=dict
    )  # date -> (fetched_at, rows)


@dataclass
class World:
    day: str
    captures: dict[tuple[str, str, str], Capture] = field(default_factory=dict)
    sites: dict[str, SiteReport] = field(default_factory=dict)  # GA4 property id -> its report
    reports: list[Report] = field(default_factory=list)  # YouTube Reporting API channel_basic_a3

    def get(self, platform: str, entity: str, object_id: str) -> Capture | None:
        return self.captures.get((platform, entity, object_id))

    def of_entity(self, platform: str, entity: str) -> list[Capture]:
        return [c for (p, e, _), c in self.captures.items() if (p, e) == (platform, entity)]


def _is_error_body(platform: str, response: Any) -> bool:
    if not isinstance(response, dict) or "error" not in response:
        return False
    error = response["error"]
    return not (platform == "tiktok" and isinstance(error, dict) and error.get("code") == "ok")


def _variant(platform: str, entity: str, params: Any) -> str:
    """LinkedIn asks share statistics two ways for one organisation: per share, and lifetime totals."""
    if (
        (platform, entity) == ("linkedin", "share_statistics")
        and isinstance(params, dict)
        and "shares" in params
    ):
        return "|shares"
    return ""


def load_world(landing: Path) -> World:
    """Index the last day's JSONL captures of a generator-written landing dir."""
    days = sorted({p.stem for p in landing.glob("*/*/*.jsonl")})
    if not days:
        raise FileNotFoundError(f"{landing} holds no generated captures; run `smm generate --out {landing}`")
    world = World(day=days[-1])
    for path in sorted(landing.glob(f"*/*/{world.day}.jsonl")):
        platform, entity = path.parent.parent.name, path.parent.name
        for raw in path.read_bytes().splitlines():
            try:
                line = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(line, dict) or "response" not in line or "fetched_at" not in line:
                continue
            if _is_error_body(platform, line["response"]):
                continue
            key = (
                platform,
                entity,
                str(line.get("object_id")) + _variant(platform, entity, line.get("params")),
            )
            known = world.captures.get(key)
            if known is None or known.fetched_at <= line["fetched_at"]:
                world.captures[key] = Capture(
                    fetched_at=line["fetched_at"],
                    account_id=str(line.get("account_id")),
                    object_id=str(line.get("object_id")),
                    params=line.get("params") or {},
                    response=line["response"],
                )
    world.sites = _site_reports(landing)
    world.reports = load_reports(landing)
    return world


def _site_reports(landing: Path) -> dict[str, SiteReport]:
    """Every day's ga4/traffic pages (not only the last day's: a report may ask for any past date)."""
    sites: dict[str, SiteReport] = {}
    for path in sorted(landing.glob("ga4/traffic/*.jsonl")):
        for raw in path.read_bytes().splitlines():
            try:
                line = json.loads(raw)
                response = line["response"]
                dimensions = [h["name"] for h in response["dimensionHeaders"]]
                metrics = [dict(h) for h in response["metricHeaders"]]
                fetched_at, prop = str(line["fetched_at"]), str(line["object_id"])
            except (ValueError, KeyError, TypeError):
                continue  # a line the generator broke on purpose, or an error body
            site = sites.setdefault(
                prop, SiteReport(dict(response.get("metadata") or {}), dimensions, metrics)
            )
            if dimensions != site.dimensions or [m["name"] for m in metrics] != [
                m["name"] for m in site.metrics
            ]:
                continue
            at = dimensions.index("date")
            for row in response.get("rows") or []:
                day = row["dimensionValues"][at]["value"]
                known = site.days.get(day)
                if known is None or known[0] < fetched_at:
                    site.days[day] = (fetched_at, [row])
                elif known[0] == fetched_at:
                    known[1].append(row)
    return sites
