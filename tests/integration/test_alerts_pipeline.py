"""Alerts end to end on the shared pipeline run: the generated landing ends on a negative wave of the own
brand, which becomes a fct_alerts row, is POSTed once to a local webhook, and a later `--full-refresh`
run (on a copy of the data dir, so the shared run stays read-only) sends nothing more."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.reports.summary import warehouse_summary
from pipelines.runner import RunOutcome, run_full_job
from pipelines.runtime.paths import Paths, resolve_paths
from pipelines.runtime.run_options import RunOptions
from tests.integration.conftest import ALERT_WEBHOOK_ENV
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.slow


def _alerts(db: Path) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("select * from marts.fct_alerts")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _own_waves(pipeline_run) -> list[dict]:
    report, paths, _ = pipeline_run
    (own, last), *_ = report.negative_waves.items()
    return [
        a
        for a in _alerts(paths.published_db)
        if a["kind"] == "negative_wave"
        and a["brand_id"] == own
        and a["detected_for_date"] == date.fromisoformat(last)
    ]


def test_the_last_day_negative_wave_of_the_own_brand_is_an_alert(pipeline_run) -> None:
    waves = _own_waves(pipeline_run)
    assert waves, "no negative_wave alert for the own brand on the generated wave's day"
    overall = [a for a in waves if a["platform"] == "all"]
    assert overall and overall[0]["observed"] >= 5 and overall[0]["observed"] > overall[0]["threshold"]
    assert {a["delivery_status"] for a in waves} == {"delivered"}
    assert all(a["delivered_at"] is not None for a in waves)


def test_every_alert_is_posted_exactly_once_with_its_mentions(pipeline_run, alert_receiver: Receiver) -> None:
    report, paths, _ = pipeline_run
    posted = Counter(body["alert_id"] for body in alert_receiver.bodies)
    alerts = _alerts(paths.published_db)
    # News is the newest local date of the marts and the two before it; older alerts are history.
    with duckdb.connect(str(paths.published_db), read_only=True) as con:
        newest = con.execute(
            "select max(d) from (select max(date) as d from marts.fct_share_of_voice_daily "
            "union all select max(date) from marts.fct_community_daily)"
        ).fetchone()[0]
    assert newest >= date.fromisoformat(next(iter(report.negative_waves.values())))
    is_news = {a["alert_id"]: (newest - a["detected_for_date"]).days <= 2 for a in alerts}
    published = {alert_id for alert_id, news in is_news.items() if news}
    assert published and len(published) < len(alerts), "the sample should have both news and history"
    assert set(posted) == published and set(posted.values()) == {1}, posted.most_common(3)
    assert {a["alert_id"]: a["delivery_status"] for a in alerts} == {
        alert_id: "delivered" if news else "too_old" for alert_id, news in is_news.items()
    }
    for wave in _own_waves(pipeline_run):
        body = next(b for b in alert_receiver.bodies if b["alert_id"] == wave["alert_id"])
        assert body["text"].startswith("Negative wave") and body["observed"] == wave["observed"]
        assert body["mentions"] and {m["sentiment"] for m in body["mentions"]} == {"negative"}
    with duckdb.connect(str(paths.published_db), read_only=True) as con:
        statuses = dict(
            con.execute("select status, count(*) from ops.alert_deliveries group by all").fetchall()
        )
    assert statuses == {"delivered": len(published), "too_old": len(alerts) - len(published)}


def test_smm_status_lists_the_latest_alerts(pipeline_run) -> None:
    _, paths, _ = pipeline_run
    summary = warehouse_summary(paths.published_db)
    assert "== latest alerts" in summary and "negative_wave" in summary and "delivered" in summary


@dataclass
class Rerun:
    paths: Paths
    outcome: RunOutcome
    posts_before: int
    posts_after: int


@pytest.fixture(scope="module")
def full_refresh_rerun(
    pipeline_run, alert_receiver: Receiver, tmp_path_factory: pytest.TempPathFactory
) -> Rerun:
    """`smm run --full-refresh` after the shared run, on a copy of its data dir (same landing, same webhook)."""
    _, paths, _ = pipeline_run
    data = tmp_path_factory.mktemp("rerun") / "data"
    shutil.copytree(paths.data, data, symlinks=True)
    rerun_paths = resolve_paths(str(paths.landing), str(data), str(paths.brands_file))
    before = alert_receiver.requests
    previous = os.environ.get(ALERT_WEBHOOK_ENV)
    os.environ[ALERT_WEBHOOK_ENV] = alert_receiver.url
    try:
        outcome = run_full_job(rerun_paths, options=RunOptions(full_refresh=True))
    finally:
        if previous is None:
            os.environ.pop(ALERT_WEBHOOK_ENV, None)
        else:
            os.environ[ALERT_WEBHOOK_ENV] = previous
    return Rerun(rerun_paths, outcome, before, alert_receiver.requests)


def test_a_full_refresh_run_sends_nothing_more(pipeline_run, full_refresh_rerun: Rerun) -> None:
    rerun = full_refresh_rerun
    assert rerun.outcome.success, rerun.outcome.failed_steps
    assert rerun.posts_after == rerun.posts_before > 0
    _, paths, _ = pipeline_run
    first = {a["alert_id"] for a in _alerts(paths.published_db)}
    again = _alerts(rerun.paths.published_db)
    assert {a["alert_id"] for a in again} == first
    assert {a["delivery_status"] for a in again} == {"delivered", "too_old"}
