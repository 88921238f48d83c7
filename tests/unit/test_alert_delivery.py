"""Alert delivery against a local HTTP receiver: once per alert, a ledger that outlives builds, bounded
retries, a dead or failing webhook recorded and never raised, the URL never logged.

The build file's marts are created from the dbt contract (_marts__models.yml), so the delivery code reads
the columns the warehouse really has.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.alerts.delivery import ledger_path, run_delivery
from pipelines.alerts.webhook import RetryPolicy
from pipelines.runtime.paths import DBT_PROJECT_DIR, Paths
from tests.webhook_receiver import Receiver

FAST = RetryPolicy(tries=3, timeout_s=0.5, backoff_s=(0.01, 0.02))
ENV = "SMM_ALERT_WEBHOOK_URL"
MARTS_YAML = DBT_PROJECT_DIR / "models" / "marts" / "_marts__models.yml"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _contract_columns(table: str) -> list[tuple[str, str]]:
    models = yaml.safe_load(MARTS_YAML.read_text(encoding="utf-8"))["models"]
    model = next(m for m in models if m["name"] == table)
    return [(c["name"], c["data_type"]) for c in model["columns"]]


ALERTS = [
    # brand, platform, kind, metric, date, observed, baseline, threshold, severity
    (
        "aurora_coffee",
        "all",
        "negative_wave",
        "negative_mentions",
        date(2026, 1, 10),
        24.0,
        6.0,
        19.34,
        "warning",
    ),
    (
        "aurora_coffee",
        "x",
        "negative_wave",
        "negative_mentions",
        date(2026, 1, 10),
        6.0,
        1.0,
        5.45,
        "warning",
    ),
]


def _build(paths: Paths, alerts=ALERTS) -> None:
    """A finished build file: the contract's marts.fct_alerts, dim_brands and fct_mentions, a few rows."""
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    paths.build_db.unlink(missing_ok=True)
    with duckdb.connect(str(paths.build_db)) as con:
        con.execute("create schema marts")
        for table in ("fct_alerts", "dim_brands", "fct_mentions"):
            columns = ", ".join(f'"{name}" {data_type}' for name, data_type in _contract_columns(table))
            con.execute(f"create table marts.{table} ({columns})")
        for brand, platform, kind, metric, day, observed, baseline, threshold, severity in alerts:
            con.execute(
                "insert into marts.fct_alerts by name select md5(concat_ws('|', $b, $p, $k, cast($d as varchar))) "
                "as alert_id, $d as detected_for_date, $b as brand_id, $p as platform, $k as kind, $m as metric, "
                "$o as observed, $base as baseline, $t as threshold, $s as severity, 'pending' as delivery_status",
                {
                    "b": brand,
                    "p": platform,
                    "k": kind,
                    "m": metric,
                    "d": day,
                    "o": observed,
                    "base": baseline,
                    "t": threshold,
                    "s": severity,
                },
            )
        con.execute(
            "insert into marts.dim_brands by name select 'aurora_coffee' as brand_id, 'Aurora Coffee' as brand_name, "
            "true as is_own, 'Europe/Kyiv' as timezone"
        )
        con.execute(
            "insert into marts.fct_mentions by name "
            "select 'listening:' || i as mention_id, 'x' as platform, date '2026-01-10' as date, "
            "'aurora_coffee' as brand_id, 'https://x.com/p/status/' || i as url, "
            "case when i <= 6 then 'negative' else 'neutral' end as sentiment, 100 * i as reach "
            "from range(1, 10) as t (i)"
        )


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    p = Paths(landing=tmp_path / "landing", data=tmp_path / "data", brands_file=tmp_path / "brands.yml")
    _build(p)
    return p


def _published_statuses(paths: Paths) -> dict[tuple[str, str], str]:
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        rows = con.execute("select platform, kind, delivery_status from marts.fct_alerts").fetchall()
    return {(platform, kind): status for platform, kind, status in rows}


def test_each_alert_is_posted_once_across_runs_and_a_full_refresh(paths: Paths, receiver: Receiver) -> None:
    environ = {ENV: receiver.url}
    first = run_delivery(paths, ENV, environ, "run-1", FAST)
    assert first is not None and len(first.sent) == 2 and not first.failed
    assert len(receiver.bodies) == 2
    body = next(b for b in receiver.bodies if b["platform"] == "all")
    assert body["kind"] == "negative_wave" and body["detected_for_date"] == "2026-01-10"
    assert body["observed"] == 24.0 and body["baseline"] == 6.0 and body["threshold"] == 19.34
    assert "Negative wave" in body["text"] and "Aurora Coffee" in body["text"]
    # The mentions behind it: the negative ones of that brand and date, widest reach first.
    assert [m["url"] for m in body["mentions"]] == [f"https://x.com/p/status/{i}" for i in (6, 5, 4, 3, 2)]
    assert _published_statuses(paths) == {
        ("all", "negative_wave"): "delivered",
        ("x", "negative_wave"): "delivered",
    }

    again = run_delivery(paths, ENV, environ, "run-2", FAST)  # a re-run on the same build
    _build(paths)  # a full refresh: a new build file computes the same alerts from scratch
    refreshed = run_delivery(paths, ENV, environ, "run-3", FAST)
    assert again is not None and refreshed is not None
    assert again.already_final == refreshed.already_final == 2 and not again.sent and not refreshed.sent
    assert len(receiver.bodies) == 2
    assert _published_statuses(paths)[("all", "negative_wave")] == "delivered"


def test_a_lost_ledger_file_is_seeded_from_the_publication(paths: Paths, receiver: Receiver) -> None:
    environ = {ENV: receiver.url}
    run_delivery(paths, ENV, environ, "run-1", FAST)
    paths.warehouse.mkdir(parents=True)
    shutil.copy(paths.build_db, paths.published_db)  # what publish would copy: ops.alert_deliveries
    ledger_path(paths).unlink()
    _build(paths)
    summary = run_delivery(paths, ENV, environ, "run-2", FAST)
    assert summary is not None and not summary.sent and summary.already_final == 2
    assert len(receiver.bodies) == 2


def test_a_new_recent_alert_of_a_backfill_is_sent_and_settled_ones_are_not(
    paths: Paths, receiver: Receiver
) -> None:
    """A backfill that finds a new alert inside the news window sends it once; one it finds weeks back
    is settled as too_old (see the test below); the alerts already delivered are not sent again."""
    environ = {ENV: receiver.url}
    run_delivery(paths, ENV, environ, "run-1", FAST)
    recent = (
        "aurora_coffee",
        "vk",
        "mention_spike",
        "mentions",
        date(2026, 1, 9),
        30.0,
        8.0,
        20.0,
        "warning",
    )
    weeks_back = (
        "aurora_coffee",
        "vk",
        "mention_spike",
        "mentions",
        date(2025, 12, 20),
        30.0,
        8.0,
        20.0,
        "warning",
    )
    _build(paths, [*ALERTS, recent, weeks_back])
    summary = run_delivery(paths, ENV, environ, "run-2", FAST)
    assert summary is not None and len(summary.sent) == 1 and len(summary.too_old) == 1
    assert [(b["platform"], b["detected_for_date"]) for b in receiver.bodies[2:]] == [("vk", "2026-01-09")]


@pytest.mark.parametrize("mode", ["error500", "slow", "down"])
def test_a_failing_webhook_is_retried_recorded_and_never_raised(
    paths: Paths, receiver: Receiver, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = receiver.url
    if mode == "down":
        receiver.close()  # nothing listens on that port any more
    else:
        receiver.mode = mode
    with caplog.at_level(logging.DEBUG):
        summary = run_delivery(paths, ENV, {ENV: url}, "run-1", FAST)
    assert summary is not None and not summary.sent and len(summary.failed) == 2
    if mode != "down":
        # Every try of the first alert; the second is not tried once the webhook has failed this run.
        assert receiver.requests == FAST.tries
    with duckdb.connect(str(ledger_path(paths)), read_only=True) as con:
        rows = con.execute("select status, attempts, last_error from deliveries order by platform").fetchall()
    expected_error = {"error500": "HTTP 500", "slow": "timed out", "down": "connection failed"}[mode]
    assert rows[0][0] == "failed" and rows[0][1] == FAST.tries and rows[0][2].startswith(expected_error)
    assert rows[1][0] == "failed" and rows[1][1] == 0 and rows[1][2].startswith("not tried")
    assert _published_statuses(paths) == {
        ("all", "negative_wave"): "failed",
        ("x", "negative_wave"): "failed",
    }
    assert "s3cr3tT0ken" not in caplog.text and "127.0.0.1" not in caplog.text
    assert "s3cr3tT0ken" not in json.dumps(rows)


def test_failed_alerts_are_sent_by_the_next_run_once_the_webhook_answers(
    paths: Paths, receiver: Receiver
) -> None:
    receiver.mode = "error500"
    run_delivery(paths, ENV, {ENV: receiver.url}, "run-1", FAST)
    receiver.mode = "ok"
    summary = run_delivery(paths, ENV, {ENV: receiver.url}, "run-2", FAST)
    assert summary is not None and len(summary.sent) == 2 and len(receiver.bodies) == 2
    with duckdb.connect(str(ledger_path(paths)), read_only=True) as con:
        attempts = con.execute("select attempts from deliveries order by platform").fetchall()
    assert attempts == [(FAST.tries + 1,), (1,)]


def test_without_a_webhook_alerts_are_recorded_not_configured_and_never_replayed(
    paths: Paths, receiver: Receiver
) -> None:
    summary = run_delivery(paths, ENV, {}, "run-1", FAST)
    assert summary is not None and len(summary.not_configured) == 2
    assert set(_published_statuses(paths).values()) == {"not_configured"}
    later = run_delivery(paths, ENV, {ENV: receiver.url}, "run-2", FAST)
    assert later is not None and not later.sent and receiver.requests == 0


def test_a_build_without_fct_alerts_is_skipped_with_a_warning(tmp_path: Path, caplog) -> None:
    paths = Paths(landing=tmp_path / "l", data=tmp_path / "d", brands_file=tmp_path / "b.yml")
    paths.build_dir.mkdir(parents=True)
    duckdb.connect(str(paths.build_db)).close()
    with caplog.at_level(logging.WARNING):
        assert run_delivery(paths, ENV, {}, "run-1", FAST) is None
    assert "no marts.fct_alerts" in caplog.text
    paths.build_db.unlink()
    with caplog.at_level(logging.WARNING):
        assert run_delivery(paths, ENV, {}, "run-2", FAST) is None
    assert "no build file" in caplog.text and not paths.build_db.exists()


def test_alerts_older_than_the_news_window_are_recorded_not_posted(paths: Paths, receiver: Receiver) -> None:
    """A first run over weeks of history must not flood the channel: only the newest local date of the
    build and the two before it are posted; older alerts are settled as too_old and never sent later."""
    old = ("aurora_coffee", "all", "mention_spike", "mentions", date(2026, 1, 7), 30.0, 5.0, 12.0, "warning")
    edge = ("aurora_coffee", "all", "mention_spike", "mentions", date(2026, 1, 8), 30.0, 5.0, 12.0, "warning")
    _build(paths, alerts=[*ALERTS, old, edge])  # newest date: 2026-01-10 (the mentions and two alerts)
    environ = {ENV: receiver.url}
    first = run_delivery(paths, ENV, environ, "run-1", FAST)
    assert first is not None and len(first.too_old) == 1 and len(first.sent) == 3
    assert sorted(b["detected_for_date"] for b in receiver.bodies) == [
        "2026-01-08",
        "2026-01-10",
        "2026-01-10",
    ]
    with duckdb.connect(str(ledger_path(paths)), read_only=True) as con:
        statuses = dict(
            con.execute("select cast(detected_for_date as varchar), status from deliveries").fetchall()
        )
    assert statuses["2026-01-07"] == "too_old"
    again = run_delivery(paths, ENV, environ, "run-2", FAST)
    assert again is not None and not again.sent and again.already_final == 4
    assert len(receiver.bodies) == 3


def test_a_sent_alert_stays_recorded_when_the_run_dies_before_the_next_one(paths: Paths) -> None:
    """Unsent alerts' records share one transaction, but each send is committed before the next goes out:
    a run killed mid-delivery never sends an alert twice."""
    from pipelines.alerts.delivery import deliver_alerts, open_ledger
    from pipelines.alerts.webhook import SendResult

    sent: list[str] = []

    def dies_on_the_second_send(url, payload, policy):
        if sent:
            raise KeyboardInterrupt  # the process is killed while the second alert is on its way
        sent.append(payload["alert_id"])
        return SendResult(delivered=True, attempts=1, error=None)

    ledger_db = ledger_path(paths)
    ledger_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.build_db), read_only=True) as build:
        ledger = open_ledger(ledger_db, None)
        with pytest.raises(KeyboardInterrupt):
            deliver_alerts(
                build, ledger, "http://127.0.0.1:9/hook", "run-1", FAST, sender=dies_on_the_second_send
            )
        ledger.close()
        with duckdb.connect(str(ledger_db), read_only=True) as con:
            rows = con.execute("select alert_id, status from deliveries").fetchall()
        assert rows == [(sent[0], "delivered")]
        ledger = open_ledger(ledger_db, None)
        again: list[str] = []
        summary = deliver_alerts(
            build,
            ledger,
            "http://127.0.0.1:9/hook",
            "run-2",
            FAST,
            sender=lambda url, payload, policy: (
                again.append(payload["alert_id"]) or SendResult(True, 1, None)
            ),
        )
        ledger.close()
    assert len(again) == 1 and again[0] != sent[0] and summary.already_final == 1
