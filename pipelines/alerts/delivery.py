"""Deliver each alert of a finished build once, and record it in a ledger that outlives every build.

The ledger is its own DuckDB file, `$SMM_DATA_DIR/alerts/deliveries.duckdb`, one row per alert_id (md5 of
brand × platform × kind × date, see fct_alerts): no build, full refresh or backfill replaces it, and a
row is written as soon as its POST is answered, so a run that fails after delivering (a failed check, a
full disk at publish) still never sends that alert again. A copy goes into the build file as
`ops.alert_deliveries`, and the build's `marts.fct_alerts` gets its delivery columns from it, so the
publication shows what was sent. A lost ledger file is seeded from the published copy.

Statuses: `delivered`; `failed` (every try failed: tried again by the next run); `not_configured` (no
URL in the webhook variable when the alert was first seen: never sent later, so configuring a webhook
does not replay the history); `too_old` (first seen more than MAX_AGE_DAYS before the newest local date
in the build: a first run over months of history, or a backfill of last year, must not post dozens of
stale alerts to a channel people act on; they stay in fct_alerts). A delivery problem never raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipelines.alerts.webhook import DEFAULT_POLICY, RetryPolicy, SendResult, alert_payload, send
from pipelines.runtime.paths import Paths

LEDGER_FILE = Path("alerts") / "deliveries.duckdb"
FINAL_STATUSES = ("delivered", "not_configured", "too_old")
# Alerts for the newest local date and the two before it are news; older ones are history.
MAX_AGE_DAYS = 2
# Where the newest local date of a build is read: every mart an alert rule reads, and the alerts.
_DATED_MARTS = (
    ("fct_share_of_voice_daily", "date"),
    ("fct_community_daily", "date"),
    ("fct_response_daily", "date"),
    ("fct_alerts", "detected_for_date"),
)
MENTIONS_PER_ALERT = 5
_NOT_TRIED = "not tried: the webhook failed for an earlier alert of this run"

_LEDGER_COLUMNS = """
    alert_id varchar, brand_id varchar, platform varchar, kind varchar, detected_for_date date,
    status varchar, attempts bigint, first_seen_at timestamptz, last_attempt_at timestamptz,
    delivered_at timestamptz, last_error varchar, run_id varchar
"""
_LEDGER_DDL = f"create table if not exists deliveries ({_LEDGER_COLUMNS}, primary key (alert_id));"
# The published copy (documented in docs/marts.md from this DDL).
_OPS_DDL = """
create schema if not exists ops;
create or replace table ops.alert_deliveries (
    alert_id varchar, brand_id varchar, platform varchar, kind varchar, detected_for_date date,
    status varchar, attempts bigint, first_seen_at timestamptz, last_attempt_at timestamptz,
    delivered_at timestamptz, last_error varchar, run_id varchar
);
"""

_ALERTS = """
select a.*, b.brand_name
from marts.fct_alerts as a
left join marts.dim_brands as b using (brand_id)
order by a.detected_for_date, a.brand_id, a.platform, a.kind
"""
# The mentions behind a mention alert: its brand, date and platform (any for 'all'), the negative
# ones for a negative wave; the widest-reaching first.
_MENTIONS = """
select m.url, m.platform, m.sentiment, m.reach, m.engagements
from marts.fct_mentions as m
where m.brand_id = $brand_id and m.date = $date
  and ($platform = 'all' or m.platform = $platform)
  and ($kind != 'negative_wave' or m.sentiment = 'negative')
order by m.reach desc nulls last, m.mention_id
limit $n
"""


def ledger_path(paths: Paths) -> Path:
    return paths.data / LEDGER_FILE


@dataclass
class DeliverySummary:
    """What one delivery step did, by alert: counts for the run's log and metadata (no URL)."""

    alerts: int = 0
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_configured: list[str] = field(default_factory=list)
    already_final: int = 0
    too_old: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def describe(self, webhook_env: str) -> str:
        text = (
            f"{self.alerts} alerts: {len(self.sent)} sent, {len(self.failed)} failed, "
            f"{len(self.not_configured)} not sent (no URL in ${webhook_env}), "
            f"{len(self.too_old)} not sent (older than {MAX_AGE_DAYS} days before the newest date), "
            f"{self.already_final} handled by earlier runs"
        )
        if self.errors:
            text += "; errors: " + ", ".join(f"{e} ×{n}" for e, n in sorted(self.errors.items()))
        return text


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None) -> list[dict]:
    cursor = con.execute(sql, params or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _has_table(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where database_name = ? and schema_name = ? "
            "and table_name = ?",
            [database, schema, table],
        ).fetchone()[0]
    )


def open_ledger(ledger_db: Path, published_db: Path | None) -> duckdb.DuckDBPyConnection:
    """The ledger, created on first use; seeded from the publication's copy when the file was lost."""
    new = not ledger_db.exists()
    ledger_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(ledger_db))
    con.execute(_LEDGER_DDL)
    if new and published_db is not None and published_db.exists():
        con.execute(f"attach '{str(published_db).replace(chr(39), chr(39) * 2)}' as published (read_only)")
        try:
            if _has_table(con, "published", "ops", "alert_deliveries"):
                con.execute("insert or replace into deliveries select * from published.ops.alert_deliveries")
        finally:
            con.execute("detach published")
    return con


# The ledger's columns as polars types, in _LEDGER_COLUMNS' order (a batch is inserted with select *).
_LEDGER_SCHEMA = pl.Schema(
    {
        "alert_id": pl.String,
        "brand_id": pl.String,
        "platform": pl.String,
        "kind": pl.String,
        "detected_for_date": pl.Date,
        "status": pl.String,
        "attempts": pl.Int64,
        "first_seen_at": pl.Datetime("us", "UTC"),
        "last_attempt_at": pl.Datetime("us", "UTC"),
        "delivered_at": pl.Datetime("us", "UTC"),
        "last_error": pl.String,
        "run_id": pl.String,
    }
)


class _LedgerWrites:
    """The ledger rows of one delivery, written in batches: one `insert or replace` per row costs ~1.4 ms
    (4,000 alerts: 6 s), one per batch a few ms."""

    def __init__(self, ledger: duckdb.DuckDBPyConnection):
        self.ledger = ledger
        self.pending: list[tuple[Any, ...]] = []

    def record(
        self,
        alert: Mapping[str, Any],
        previous: Mapping[str, Any] | None,
        status: str,
        run_id: str,
        now: datetime,
        result: SendResult | None = None,
        error: str | None = None,
    ) -> None:
        attempts = (previous["attempts"] if previous else 0) + (result.attempts if result else 0)
        self.pending.append(
            (
                alert["alert_id"],
                alert["brand_id"],
                alert["platform"],
                alert["kind"],
                alert["detected_for_date"],
                status,
                attempts,
                previous["first_seen_at"] if previous else now,
                now if result else (previous["last_attempt_at"] if previous else None),
                now if status == "delivered" else None,
                error if error is not None else (result.error if result else None),
                run_id,
            )
        )

    def flush(self) -> None:
        if not self.pending:
            return
        rows = pl.DataFrame(self.pending, schema=_LEDGER_SCHEMA, orient="row").to_arrow()
        self.ledger.register("pending_deliveries", rows)
        try:
            self.ledger.execute("insert or replace into deliveries select * from pending_deliveries")
        finally:
            self.ledger.unregister("pending_deliveries")
        self.pending = []


def newest_date(build: duckdb.DuckDBPyConnection) -> date | None:
    """The newest local date any alerting mart of the build holds (None for an empty build)."""
    database = build.execute("select current_database()").fetchone()[0]
    dates = [
        build.execute(f"select max({column}) from marts.{table}").fetchone()[0]
        for table, column in _DATED_MARTS
        if _has_table(build, database, "marts", table)
    ]
    return max((d for d in dates if d is not None), default=None)


def deliver_alerts(
    build: duckdb.DuckDBPyConnection,
    ledger: duckdb.DuckDBPyConnection,
    webhook_url: str | None,
    run_id: str,
    policy: RetryPolicy = DEFAULT_POLICY,
    *,
    sender: Callable[..., SendResult] = send,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DeliverySummary:
    """Send every alert of `build`'s marts.fct_alerts that the ledger has not settled; record each outcome.

    After one alert has failed every try, the rest of this run's alerts are recorded failed untried, so
    a dead webhook costs one alert's retries per run, not every alert's.

    The records of alerts not sent (not configured, too old, untried) are written in batches, and every
    send is committed with them before the next one goes out: a sent alert's record is on disk before
    another alert is sent, as with one commit per alert, without paying a statement and a commit per
    unsent alert (8 s for 4,600 alerts). A run killed in between loses only unsent alerts' records,
    which the next run writes again.
    """
    writes = _LedgerWrites(ledger)
    summary = _deliver(build, writes, webhook_url, run_id, policy, sender, clock)
    writes.flush()
    return summary


def _deliver(
    build: duckdb.DuckDBPyConnection,
    writes: _LedgerWrites,
    webhook_url: str | None,
    run_id: str,
    policy: RetryPolicy,
    sender: Callable[..., SendResult],
    clock: Callable[[], datetime],
) -> DeliverySummary:
    summary = DeliverySummary()
    known = {row["alert_id"]: row for row in _rows(writes.ledger, "select * from deliveries")}
    newest = newest_date(build)
    webhook_down = False
    for alert in _rows(build, _ALERTS):
        summary.alerts += 1
        previous = known.get(alert["alert_id"])
        if previous and previous["status"] in FINAL_STATUSES:
            summary.already_final += 1
            continue
        if previous is None and newest and (newest - alert["detected_for_date"]).days > MAX_AGE_DAYS:
            writes.record(alert, None, "too_old", run_id, clock())
            summary.too_old.append(alert["alert_id"])
            continue
        if not webhook_url:
            if previous is None:
                writes.record(alert, None, "not_configured", run_id, clock())
                summary.not_configured.append(alert["alert_id"])
            else:  # failed before; it waits for the webhook to come back
                summary.failed.append(alert["alert_id"])
            continue
        if webhook_down:
            writes.record(alert, previous, "failed", run_id, clock(), error=_NOT_TRIED)
            summary.failed.append(alert["alert_id"])
            continue
        mentions = []
        if alert["kind"] in ("negative_wave", "mention_spike"):
            mentions = _rows(
                build,
                _MENTIONS,
                {
                    "brand_id": alert["brand_id"],
                    "date": alert["detected_for_date"],
                    "platform": alert["platform"],
                    "kind": alert["kind"],
                    "n": MENTIONS_PER_ALERT,
                },
            )
        result = sender(webhook_url, alert_payload(alert, mentions), policy)
        writes.record(alert, previous, "delivered" if result.delivered else "failed", run_id, clock(), result)
        writes.flush()  # what was sent is on disk before the next send
        if result.delivered:
            summary.sent.append(alert["alert_id"])
        else:
            summary.failed.append(alert["alert_id"])
            summary.errors[result.error or "?"] = summary.errors.get(result.error or "?", 0) + 1
            webhook_down = True
    return summary


def publish_ledger(build: duckdb.DuckDBPyConnection, ledger: duckdb.DuckDBPyConnection) -> int:
    """Copy the ledger into the build file (ops.alert_deliveries) and fill fct_alerts' delivery columns."""
    deliveries = ledger.sql("select * from deliveries order by alert_id").to_arrow_table()
    build.execute(_OPS_DDL)
    build.register("ledger_rows", deliveries)
    try:
        build.execute("insert into ops.alert_deliveries select * from ledger_rows")
    finally:
        build.unregister("ledger_rows")
    build.execute(
        """
        update marts.fct_alerts as a
        set delivered_at = d.delivered_at, delivery_status = d.status
        from ops.alert_deliveries as d
        where a.alert_id = d.alert_id
        """
    )
    return build.execute("select count(*) from ops.alert_deliveries").fetchone()[0]


def run_delivery(
    paths: Paths,
    webhook_env: str,
    environ: Mapping[str, str],
    run_id: str,
    policy: RetryPolicy = DEFAULT_POLICY,
    *,
    sender: Callable[..., SendResult] = send,
    log: logging.Logger | None = None,
) -> DeliverySummary | None:
    """The delivery step on a finished build file; None (and a warning) when it could not run at all.

    Nothing raised here fails the pipeline: alerts stay computed and published either way.
    """
    log = log or logging.getLogger(__name__)
    url = (environ.get(webhook_env) or "").strip() or None
    if not paths.build_db.exists():  # connecting would create an empty build file for publish to trip on
        log.warning(f"alert delivery skipped: no build file at {paths.build_db} (dbt did not build this run)")
        return None
    try:
        build = duckdb.connect(str(paths.build_db))
    except duckdb.Error as exc:
        log.warning(f"alert delivery skipped: cannot open the build file ({type(exc).__name__})")
        return None
    try:
        if not _has_table(
            build, build.execute("select current_database()").fetchone()[0], "marts", "fct_alerts"
        ):
            log.warning("alert delivery skipped: this build has no marts.fct_alerts")
            return None
        ledger = open_ledger(ledger_path(paths), paths.published_db)
        try:
            summary = deliver_alerts(build, ledger, url, run_id, policy, sender=sender)
            publish_ledger(build, ledger)
        finally:
            ledger.close()
        build.execute("checkpoint")
        return summary
    except Exception as exc:  # delivery must never fail the run
        message = str(exc).replace(url, "<webhook URL>") if url else str(exc)
        log.warning(f"alert delivery failed, the run goes on: {type(exc).__name__}: {message[:500]}")
        return None
    finally:
        build.close()
