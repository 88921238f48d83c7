"""Renders `brands.yml` in the landing contract's shape (flow style per brand, like the example)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from pipelines.sandbox.generator.catalog import Brand, CompetitorSet


@dataclass(frozen=True)
class Goal:
    brand: str
    platform: str
    metric: str
    target: int | None  # an absolute target, or None for a relative goal (`change`)
    start: date
    end: date
    change: float | None = None  # relative to the baseline: +0.15 = 15 % more than before `start`


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML; non-ASCII kept readable)."""
    return json.dumps(text, ensure_ascii=False)


def render(brands: list[Brand], sets: list[CompetitorSet], goals: list[Goal], header: str) -> str:
    lines = [f"# {line}" for line in header.splitlines()]
    lines.append("brands:")
    for b in brands:
        lines.append(f"  - id: {b.id}")
        lines.append(f"    name: {_q(b.name)}")
        lines.append(f"    own: {'true' if b.own else 'false'}")
        lines.append(f"    aliases: [{', '.join(_q(a) for a in b.aliases)}]")
        lines.append(f"    timezone: {b.timezone}")
        if b.business_hours is not None:
            h = b.business_hours
            lines.append(
                f"    business_hours: {{days: [{', '.join(h.days)}], start: {_q(h.start)}, end: {_q(h.end)}}}"
            )
        accounts = ", ".join(f"{platform}: {_q(account)}" for platform, account in b.accounts.items())
        if b.ga4_property is not None:
            accounts += f", ga4: {_q(b.ga4_property)}"
        lines.append(f"    accounts: {{{accounts}}}")
    lines.append("competitor_sets:")
    for s in sets:
        lines.append(f"  - id: {s.id}")
        lines.append(f"    brands: [{', '.join(b.id for b in s.brands)}]")
    lines.append("goals:")
    for g in goals:
        amount = f"target: {g.target}" if g.change is None else f"change: {g.change:+g}"
        lines.append(
            f"  - {{brand: {g.brand}, platform: {g.platform}, metric: {g.metric}, {amount}, "
            f"start: {g.start.isoformat()}, end: {g.end.isoformat()}}}"
        )
    return "\n".join(lines) + "\n"
