"""`smm report` on the shared pipeline run: HTML, PDF and CSVs, checked against the marts.

The report is written to this module's temp dirs (the run's data dir is read-only to tests). Expected
figures are queried from the published marts here, independently of pipelines/reports, and compared
with both the CSVs and the HTML's `data-value` cells. The page is opened in Debian's headless Chromium
(as tests/ui does) to check that it renders with no console error and no request leaving the file.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main

CHROMIUM = "/usr/bin/chromium"
BASE_CHARTS = {
    "follower-change",
    "growth-vs-competitors",
    "engagement-rate",
    "content-types",
    "posting-hours",
    "sov-trend",
    "sentiment",
    "response-rates",
    "goals",
}
TOLERANCE = 1e-9


def _smm(paths, *args: str):
    env = {"SMM_LANDING_DIR": str(paths.landing), "SMM_DATA_DIR": str(paths.data), "SMM_BRANDS_FILE": ""}
    return CliRunner().invoke(main, ["report", *args], env=env)


def _query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _csv(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _html_rows(html: str, table: str) -> list[dict[str, str]]:
    """The `data-value` of each cell of a report table, by column."""
    match = re.search(rf'<figure class="table" id="table-{table}">(.*?)</figure>', html, re.S)
    assert match, f"table {table} not in the page"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)
    cells = [dict(re.findall(r'data-column="([^"]+)" data-value="([^"]*)"', row)) for row in rows]
    return [c for c in cells if c]  # the header row has no data cells


def _close(actual: str, expected: float | int | None) -> bool:
    if expected is None:
        return actual == ""
    return abs(float(actual) - float(expected)) <= TOLERANCE * max(1.0, abs(float(expected)))


@pytest.fixture(scope="module")
def published(pipeline_run):
    _, paths, outcome = pipeline_run
    assert outcome.success, outcome.failed_steps
    return paths


@pytest.fixture(scope="module")
def own_brand(published) -> str:
    return _query(published.published_db, "select brand_id from marts.dim_brands where is_own")[0][0]


@pytest.fixture(scope="module")
def week(published, own_brand) -> tuple[date, date]:
    """The last Mon–Sun week ending on or before the brand's last date in the marts (the default)."""
    last = _query(
        published.published_db,
        """select max(d) from (
               select max(date) as d from marts.fct_engagement_daily where brand_id = $1
               union all select max(date) from marts.fct_community_daily where brand_id = $1
               union all select max(date) from marts.fct_response_daily where brand_id = $1
               union all select max(v.date) from marts.fct_share_of_voice_daily as v
                   where v.competitor_set_id in (
                       select competitor_set_id from marts.fct_share_of_voice_daily where brand_id = $1))""",
        [own_brand],
    )[0][0]
    end = last
    while end.isoweekday() != 7:
        end -= timedelta(days=1)
    return end - timedelta(days=6), end


@pytest.fixture(scope="module")
def report(published, tmp_path_factory) -> tuple[Path, str]:
    """The own brand's default report (no --brand, no --end) written by the CLI to a temp folder."""
    out = tmp_path_factory.mktemp("report") / "weekly"
    result = _smm(published, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"report: {out / 'report.html'}" in result.output
    return out, (out / "report.html").read_text(encoding="utf-8")


def _expected_charts(db: Path) -> set[str]:
    has_traffic = _query(
        db,
        "select count(*) from duckdb_tables() where schema_name = 'marts' "
        "and table_name = 'fct_social_traffic_daily'",
    )[0][0]
    return BASE_CHARTS | ({"traffic"} if has_traffic else set())


def test_report_covers_the_last_complete_week_of_the_own_brand(report, own_brand, week) -> None:
    _, html = report
    start, end = week
    assert own_brand in html
    assert f"{start:%d %b %Y} – {end:%d %b %Y}" in html


def test_report_writes_a_pdf_of_several_pages_and_a_csv_per_chart(report, published) -> None:
    out, html = report
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) >= 2
    charts = set(re.findall(r'<figure class="chart" id="chart-([\w-]+)">', html))
    assert charts == _expected_charts(published.published_db)
    assert {f"chart-{c}.csv" for c in charts} <= {p.name for p in out.glob("chart-*.csv")}
    tables = set(re.findall(r'<figure class="table" id="table-(\w+)">', html))
    assert {
        "headline",
        "community_by_platform",
        "engagement_by_platform",
        "top_posts",
        "sov_by_brand",
    } <= tables
    assert {f"{t}.csv" for t in tables} <= {p.name for p in out.glob("*.csv")}


def test_html_loads_nothing_from_outside_its_folder(report) -> None:
    out, html = report
    assert not re.search(r"(?i)(https?|ftp):|//[\w.-]+\.\w", html), "an external URL in the page"
    assert "<script" not in html and "<link" not in html and "<img" not in html
    for target in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert (out / target).is_file(), f"link to {target}, which is not beside the report"


def test_report_renders_in_chromium_with_every_chart_and_no_console_error(report, published) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make browser` (installs Debian's chromium; needs root)")
    from playwright.sync_api import sync_playwright

    out, _ = report
    errors: list[str] = []
    foreign: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: None if r.url.startswith("file://") else foreign.append(r.url))
            page.goto((out / "report.html").as_uri(), wait_until="load")
            drawn = page.eval_on_selector_all(
                "figure.chart",
                "els => els.map(e => { const s = e.querySelector('svg'); const b = s && s.getBoundingClientRect();"
                " return [e.id, !!s && b.width > 100 && b.height > 50 && s.querySelectorAll('path, rect').length > 3]; })",
            )
        finally:
            browser.close()
    assert errors == [] and foreign == []
    assert {name.removeprefix("chart-") for name, ok in drawn if ok} == _expected_charts(
        published.published_db
    )


def test_report_numbers_equal_the_marts(report, published, own_brand, week) -> None:
    out, html = report
    db = published.published_db
    start, end = week
    # ER by followers per platform: the week's engagements over the followers of the same account-days.
    er = dict(
        _query(
            db,
            """select platform, sum(engagements) / sum(followers)
               from marts.fct_engagement_daily
               where brand_id = ? and date between ? and ? and engagements is not null and followers > 0
               group by platform""",
            [own_brand, start, end],
        )
    )
    assert er
    for rows in (_csv(out, "engagement_by_platform"), _html_rows(html, "engagement_by_platform")):
        own_rows = {r["platform"]: r for r in rows if r["brand_id"] == own_brand}
        assert set(own_rows) >= set(er)
        for platform, rate in er.items():
            assert _close(own_rows[platform]["engagement_rate_by_followers"], rate), platform
    # Followers at the week's end per platform: each account's last count in the week, summed.
    followers = dict(
        _query(
            db,
            """select platform, sum(last_count) from (
                   select platform, account_id, arg_max(followers, date) as last_count
                   from marts.fct_community_daily
                   where brand_id = ? and date between ? and ? and followers is not null
                   group by all)
               group by platform""",
            [own_brand, start, end],
        )
    )
    for rows in (_csv(out, "community_by_platform"), _html_rows(html, "community_by_platform")):
        assert {r["platform"]: int(r["followers"]) for r in rows if r["followers"]} == followers
    # Share of mentions in the set, all platforms, over the week.
    brand_mentions, set_mentions = _query(
        db,
        """select sum(mentions) filter (where brand_id = $1), sum(mentions)
           from marts.fct_share_of_voice_daily
           where platform = 'all' and date between $2 and $3 and competitor_set_id in (
               select competitor_set_id from marts.fct_share_of_voice_daily where brand_id = $1)""",
        [own_brand, start, end],
    )[0]
    for rows in (_csv(out, "sov_by_brand"), _html_rows(html, "sov_by_brand")):
        row = next(r for r in rows if r["brand_id"] == own_brand)
        assert int(row["mentions"]) == brand_mentions
        assert _close(row["sov_mentions"], brand_mentions / set_mentions)
    # Response rate per platform.
    rates = dict(
        _query(
            db,
            """select platform, sum(responded) / sum(inbound) from marts.fct_response_daily
               where brand_id = ? and date between ? and ? group by platform""",
            [own_brand, start, end],
        )
    )
    for rows in (_csv(out, "response_by_platform"), _html_rows(html, "response_by_platform")):
        assert {r["platform"] for r in rows} == set(rates)
        for r in rows:
            assert _close(r["response_rate"], rates[r["platform"]])
    # The most engaging own post published in the week, and the week's posts in the headline.
    top = _query(
        db,
        """select p.engagements, list(p.post_id) from marts.fct_post_performance as p
           join marts.dim_posts as d using (platform, post_id)
           where d.brand_id = ? and d.published_date between ? and ?
             and not coalesce(d.is_deleted, false) and not coalesce(d.is_hidden, false)
           group by p.engagements order by p.engagements desc nulls last limit 1""",
        [own_brand, start, end],
    )[0]
    for rows in (_csv(out, "top_posts"), _html_rows(html, "top_posts")):
        assert int(rows[0]["engagements"]) == top[0] and rows[0]["post_id"] in top[1]
    posts = _query(
        db,
        "select sum(posts_published) from marts.fct_engagement_daily where brand_id = ? and date between ? and ?",
        [own_brand, start, end],
    )[0][0]
    for rows in (_csv(out, "headline"), _html_rows(html, "headline")):
        assert _close(next(r for r in rows if r["metric"] == "posts_published")["current"], posts)


def test_a_period_without_data_says_so_in_every_section(published, tmp_path) -> None:
    out = tmp_path / "empty"
    result = _smm(published, "--end", "2020-06-07", "--out", str(out))
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section id="([\w-]+)">(.*?)</section>', html, re.S)
    assert len(sections) == 7
    for name, body in sections:
        assert "No data" in body, name
    assert "<svg" not in html and not list(out.glob("*.csv"))
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")


def test_an_unwritable_out_dir_is_a_clear_error(published, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = _smm(published, "--out", str(blocker / "report"))
    assert result.exit_code == 2
    assert f"cannot write the report to {blocker / 'report'}" in result.output
    assert "Traceback" not in result.output
    if os.geteuid() != 0:  # root writes anywhere: the read-only folder case needs a normal user
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        result = _smm(published, "--out", str(locked / "r"))
        assert result.exit_code == 2 and str(locked / "r") in result.output


def test_a_brand_on_one_platform_in_a_set_of_one(published, own_brand, week, tmp_path) -> None:
    """The marts cut down to the own brand's Instagram account, its set to itself alone."""
    from pipelines.reports.report_build import write_report

    db = tmp_path / "warehouse" / "smm.duckdb"
    db.parent.mkdir()
    con = duckdb.connect(str(db))
    try:
        con.execute(f"attach '{published.published_db}' as src (read_only)")
        con.execute("create schema marts")
        for (table,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'src' and schema_name = 'marts'"
        ).fetchall():
            columns = {c[0] for c in con.execute(f"describe src.marts.{table}").fetchall()}
            where = ["brand_id = $brand"] if "brand_id" in columns else []
            if "platform" in columns:
                where.append("platform in ('instagram', 'all')")
            con.execute(
                f"create table marts.{table} as select * from src.marts.{table} where {' and '.join(where) or 'true'}",
                {"brand": own_brand} if "brand_id" in columns else {},
            )
    finally:
        con.close()
    files = write_report(db, tmp_path / "reports", end=week[1], pdf=False)
    assert files.scope.competitors == ()
    assert files.folder == tmp_path / "reports" / own_brand / week[1].isoformat()
    assert {r["platform"] for r in _csv(files.folder, "engagement_by_platform")} == {"instagram"}
    sov = _csv(files.folder, "sov_by_brand")
    assert [r["brand_id"] for r in sov] == [own_brand] and _close(sov[0]["sov_mentions"], 1.0)


def test_weekly_report_asset_writes_into_the_data_dir(published, own_brand, week, tmp_path) -> None:
    import dagster as dg

    from pipelines.defs.reports.assets import weekly_report
    from pipelines.defs.resources import WarehousePaths

    data = tmp_path / "data"
    (data / "warehouse").mkdir(parents=True)
    shutil.copy2(published.published_db, data / "warehouse" / "smm.duckdb")
    result = dg.materialize(
        [weekly_report],
        resources={"landing": WarehousePaths(landing_dir=str(published.landing), data_dir=str(data))},
    )
    assert result.success
    folder = data / "reports" / own_brand / week[1].isoformat()
    assert (folder / "report.html").is_file() and (folder / "report.pdf").is_file()
