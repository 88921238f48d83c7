"""The report as one self-contained HTML page: inline CSS, charts as inline SVG, no script, no URL.

Every table cell carries its exact value in `data-value` (the formatted text rounds), so a reader or a
test can check the page against the marts; each chart and table links its CSV (a relative file name).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl

_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.IGNORECASE)
# Columns shown as percentages: the marts' fractions (rates, shares, net sentiment, goal progress).
_PERCENT_MARKERS = ("_rate", "sov_", "net_sentiment", "pct_of_target")
# Metrics of the headline table (one row per metric) that are fractions.
PERCENT_METRICS = {"engagement_rate_by_followers", "sov_mentions", "net_sentiment", "response_rate"}

LABELS = {
    "platform": "platform",
    "brand_id": "brand",
    "followers": "followers (end)",
    "net_follower_change": "net change",
    "followers_gained": "gained",
    "followers_lost": "lost",
    "follower_growth_rate": "growth",
    "followers_previous": "followers (prev. end)",
    "net_follower_change_previous": "net change (prev.)",
    "follower_growth_rate_previous": "growth (prev.)",
    "posts_published": "posts",
    "engagement_rate_by_followers": "ER by followers",
    "engagement_rate_by_followers_previous": "ER (prev.)",
    "published_date": "published",
    "content_type": "type",
    "engagements_per_post": "engagements / post",
    "mean_engagement_rate_by_followers": "mean ER / post",
    "sov_mentions": "SoV mentions",
    "sov_engagement": "SoV engagement",
    "sov_reach": "SoV reach",
    "positive_mentions": "positive",
    "neutral_mentions": "neutral",
    "negative_mentions": "negative",
    "net_sentiment": "net sentiment",
    "mentions_previous": "mentions (prev.)",
    "sov_mentions_previous": "SoV (prev.)",
    "response_rate": "response rate",
    "response_rate_business_hours": "rate in business hours",
    "response_rate_outside_business_hours": "rate outside",
    "first_response_minutes_median": "first response, min (median of daily medians)",
    "first_response_minutes_median_business_hours": "in business hours, min (median of daily medians)",
    "response_rate_previous": "response rate (prev.)",
    "pct_of_target": "reached",
    "projected_at_end": "projected at end",
    "projected_pct_of_target": "projected / target",
    "detected_for_date": "date",
    "conversion_rate": "conversion rate",
    "sessions_previous": "sessions (prev.)",
    "conversions_previous": "conversions (prev.)",
    "click_to_session_rate": "click → session",
}


@dataclass(frozen=True)
class Table:
    name: str  # the CSV's stem and the element id
    title: str
    frame: pl.DataFrame  # written whole to the CSV
    hidden: tuple[str, ...] = ()  # columns kept out of the page (ids, URLs); the CSV has them
    headline: bool = False  # one row per metric: the metric decides each row's number format


@dataclass(frozen=True)
class Chart:
    name: str  # the CSV's stem ("chart-<name>") and the element id
    title: str
    svg: str
    data: pl.DataFrame  # exactly what the chart plots


@dataclass(frozen=True)
class Note:
    text: str
    kind: str = "no-data"


@dataclass
class Section:
    id: str
    title: str
    intro: str
    blocks: list[Table | Chart | Note] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    title: str
    subtitle: list[str]
    sections: list[Section]
    footer: list[str]


def is_percent(column: str) -> bool:
    return any(marker in column for marker in _PERCENT_MARKERS)


def format_value(value: object, *, percent: bool = False, column: str = "") -> str:
    """How a number is printed: percentages with two decimals, counts with thousands separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if percent and isinstance(value, int | float):
        return f"{value * 100:.2f}%"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and column != "revenue":
            return f"{int(value):,}"
        return f"{value:,.2f}" if column == "revenue" else f"{value:,.1f}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    # Texts of posts and mentions may carry links: the page names no URL (it opens with no network and
    # sends no reader anywhere); the CSV keeps the text as it is.
    return _URL.sub("[link]", str(value))


def raw_value(value: object) -> str:
    """The exact value for `data-value`: full float precision, ISO dates, empty for NULL."""
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str):
        return _URL.sub("[link]", value)
    return repr(value) if isinstance(value, float) else str(value)


def _label(column: str) -> str:
    return LABELS.get(column, column.replace("_", " "))


def _table_html(table: Table) -> str:
    columns = [c for c in table.frame.columns if c not in table.hidden and c != "is_report_brand"]
    head = "".join(f"<th>{html.escape(_label(c))}</th>" for c in columns)
    numeric = {c for c, dtype in table.frame.schema.items() if dtype.is_numeric()}
    dates = {c for c, dtype in table.frame.schema.items() if dtype.is_temporal()}
    rows = []
    for row in table.frame.iter_rows(named=True):
        percent_row = table.headline and row.get("metric") in PERCENT_METRICS
        cells = []
        for c in columns:
            value = row[c]
            percent = (percent_row and c != "metric") or (not table.headline and is_percent(c))
            text = format_value(value, percent=percent, column=c)
            if table.headline and c == "metric":
                text = _label(str(value))
            elif table.headline and c == "change" and value is not None:
                # A change of a rate is in percentage points, and every change shows its sign.
                text = f"{value * 100:+.2f} pp" if percent_row else f"{value:+,.0f}"
            cells.append(
                f'<td data-column="{html.escape(c)}" data-value="{html.escape(raw_value(value))}"'
                f"{' class=num' if c in numeric else ' class=date' if c in dates else ''}>{html.escape(text)}</td>"
            )
        mark = ' class="own"' if row.get("is_report_brand") else ""
        rows.append(f"<tr{mark}>{''.join(cells)}</tr>")
    return (
        f'<figure class="table" id="table-{table.name}"><figcaption>{html.escape(table.title)} '
        f'<a class="csv" href="{table.name}.csv">{table.name}.csv</a></figcaption>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></figure>"
    )


def _chart_html(chart: Chart) -> str:
    return (
        f'<figure class="chart" id="chart-{chart.name}"><figcaption>{html.escape(chart.title)} '
        f'<a class="csv" href="chart-{chart.name}.csv">chart-{chart.name}.csv</a></figcaption>'
        f"{chart.svg}</figure>"
    )


def _block_html(block: Table | Chart | Note) -> str:
    if isinstance(block, Table):
        return _table_html(block)
    if isinstance(block, Chart):
        return _chart_html(block)
    return f'<p class="{block.kind}">{html.escape(block.text)}</p>'


_CSS = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #212529; margin: 24px auto;
       max-width: 980px; font-size: 13px; line-height: 1.4; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; border-bottom: 2px solid #d9480f;
       padding-bottom: 2px; margin-top: 28px; }
.subtitle { color: #495057; margin: 2px 0; } .intro { color: #495057; }
figure { margin: 12px 0 18px; break-inside: avoid; } figcaption { font-weight: bold; margin-bottom: 4px; }
a.csv { font-weight: normal; font-size: 11px; color: #868e96; margin-left: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border-bottom: 1px solid #dee2e6; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; } td.date { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.own td { background: #fff4e6; font-weight: bold; }
p.no-data { color: #868e96; font-style: italic; } p.caveat { color: #495057; font-size: 12px; }
footer { margin-top: 32px; color: #868e96; font-size: 11px; }
@page { size: A4; margin: 14mm 12mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
"""


def render_page(page: Page) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(page.title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{html.escape(page.title)}</h1>",
        *(f'<p class="subtitle">{html.escape(line)}</p>' for line in page.subtitle),
        "</header>",
    ]
    for section in page.sections:
        parts.append(f'<section id="{section.id}"><h2>{html.escape(section.title)}</h2>')
        if section.intro:
            parts.append(f'<p class="intro">{html.escape(section.intro)}</p>')
        parts += [_block_html(block) for block in section.blocks]
        parts.append("</section>")
    parts.append("<footer>" + "".join(f"<p>{html.escape(line)}</p>" for line in page.footer) + "</footer>")
    parts.append("</body></html>")
    return "\n".join(parts)
