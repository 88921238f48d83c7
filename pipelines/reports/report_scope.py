"""Whom and when a report is about: the brand (default: the own brand), its competitor set and the
period (default: the last complete week or month with data), read from the published warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from pipelines.reports.report_period import ReportPeriod, last_complete_period, period_ending


class ReportError(RuntimeError):
    """A report cannot be written; the message says what to do."""


@dataclass(frozen=True)
class ReportScope:
    """Whom and when the report is about: the brand, its competitor set and the period."""

    brand_id: str
    brand_name: str
    timezone: str
    competitor_set_id: str | None
    set_brands: tuple[str, ...]  # the brand first, then its competitors by id
    period: ReportPeriod
    last_date: date | None  # the last local date with data for the brand or its set

    @property
    def competitors(self) -> tuple[str, ...]:
        return self.set_brands[1:]


def open_published(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published file (it is replaced atomically; never write to it)."""
    if not db.exists():
        raise ReportError(f"no published warehouse at {db}; run `smm run` first")
    try:
        return duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise ReportError(f"cannot open the published warehouse {db}: {exc}") from None


def _choose_brand(con: duckdb.DuckDBPyConnection, brand: str | None) -> tuple[str, str, str]:
    brands = con.execute(
        "select brand_id, coalesce(brand_name, brand_id), coalesce(timezone, 'UTC'), is_own "
        "from marts.dim_brands order by not is_own, brand_id"
    ).fetchall()
    if not brands:
        raise ReportError("the published warehouse has no brands (marts.dim_brands is empty)")
    if brand is None:
        own = [b for b in brands if b[3]]
        if not own:
            raise ReportError("no own brand in marts.dim_brands (is_own); name one with --brand")
        return own[0][:3]
    for row in brands:
        if row[0] == brand:
            return row[:3]
    raise ReportError(f"unknown brand {brand!r}; brands: {', '.join(b[0] for b in brands)}")


def own_brand_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        row[0]
        for row in con.execute("select brand_id from marts.dim_brands where is_own order by 1").fetchall()
    ]


def _competitor_set(con: duckdb.DuckDBPyConnection, brand_id: str) -> tuple[str | None, tuple[str, ...]]:
    """The brand's competitor set and its brands, from share of voice (every brand of a set has a row on
    each date with a set mention). A brand in several sets: the first by id. No set: the brand alone."""
    sets = con.execute(
        "select distinct competitor_set_id from marts.fct_share_of_voice_daily where brand_id = ? order by 1",
        [brand_id],
    ).fetchall()
    if not sets:
        return None, (brand_id,)
    set_id = sets[0][0]
    members = con.execute(
        "select distinct brand_id from marts.fct_share_of_voice_daily "
        "where competitor_set_id = ? and brand_id <> ? order by 1",
        [set_id, brand_id],
    ).fetchall()
    return set_id, (brand_id, *(m[0] for m in members))


def _last_date(con: duckdb.DuckDBPyConnection, brand_id: str, set_id: str | None) -> date | None:
    return con.execute(
        """
        select max(d) from (
            select max(date) as d from marts.fct_engagement_daily where brand_id = $brand
            union all select max(date) from marts.fct_community_daily where brand_id = $brand
            union all select max(date) from marts.fct_response_daily where brand_id = $brand
            union all select max(date) from marts.fct_share_of_voice_daily where competitor_set_id = $set
        )
        """,
        {"brand": brand_id, "set": set_id or ""},
    ).fetchall()[0][0]


def resolve_scope(
    con: duckdb.DuckDBPyConnection, brand: str | None, kind: str, end: date | None
) -> ReportScope:
    """Brand (default: the own brand), its competitor set, and the period (default: the last complete one)."""
    brand_id, name, tz = _choose_brand(con, brand)
    set_id, members = _competitor_set(con, brand_id)
    last = _last_date(con, brand_id, set_id)
    if end is not None:
        period = period_ending(end, kind)
    elif last is not None:
        period = last_complete_period(last, kind)
    else:
        raise ReportError(f"no data for {brand_id} in the published warehouse; pass --end to pick a period")
    return ReportScope(brand_id, name, tz, set_id, members, period, last)
