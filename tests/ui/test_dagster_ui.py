"""The real Dagster UI, driven in headless Chromium: it loads, documents the assets, and runs them.

`dagster dev -w workspace.yaml` starts on a free localhost port with a temporary DAGSTER_HOME (the
committed instance template, pipelines/dagster_home/dagster.yaml) over a 2-day generated landing
dir. The browser finds ingest, dbt and publish assets, reads their group, owner and freshness
policy, launches `smm_full` with "Materialize all" as a backfill of the landing's two fetch days
(the ingest assets are daily partitions) and waits for it to succeed; the published warehouse file
is then checked on disk and the pool duckdb_build shown with its one slot. Screenshots land in this
module's pytest tmp dir.

The browser is Debian's chromium (`make browser` installs it); Playwright drives it over CDP and
never downloads its own (`playwright install` is not used).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.sandbox.generator import generate

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INSTANCE_TEMPLATE = PROJECT_ROOT / "pipelines" / "dagster_home" / "dagster.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_S = 180  # webserver up and the code location loaded (imports dagster, dbt manifest)
LAUNCH_S = 120  # "Materialize all" → run created (the webserver builds the plan for ~100 assets)
# queued → finished for 2 days of data: ~80 s on 2 idle cores, ~160 s with the machine 5x oversubscribed.
# Only a hung run waits this long: a failed run ends the wait at once.
RUN_S = 600
UI_MS = 60_000  # any single UI element
LANDING_DAYS = 2


@dataclass(frozen=True)
class DagsterUI:
    url: str
    home: Path
    data: Path
    shots: Path
    log: Path
    days: tuple[date, date]  # first and last fetch date in the landing dir


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def _wait_for_server(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"dagster dev exited with {proc.returncode}:\n{_log_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"dagster dev did not answer on {url} within {SERVER_START_S} s:\n{_log_tail(log)}")


_LOCATIONS = """{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def _wait_for_code_location(url: str, log: Path) -> None:
    """The webserver answers before the code location is imported; a load error fails here, named."""
    deadline = time.monotonic() + SERVER_START_S
    entries: list[dict] = []
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"{url}/graphql",
            data=json.dumps({"query": _LOCATIONS}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            entries = json.load(response)["data"]["workspaceOrError"].get("locationEntries", [])
        loaded = [e for e in entries if e["loadStatus"] == "LOADED" and e["locationOrLoadError"]]
        for entry in loaded:
            if entry["locationOrLoadError"]["__typename"] == "PythonError":
                pytest.fail(
                    f"code location {entry['name']} failed to load:\n{entry['locationOrLoadError']['message']}"
                )
        if loaded and any(e["name"] == "smm" for e in loaded):
            return
        time.sleep(1)
    pytest.fail(f"code location smm not loaded within {SERVER_START_S} s ({entries}):\n{_log_tail(log)}")


def _stop(proc: subprocess.Popen) -> None:
    """Stop dagster dev and everything it started (its own process group: webserver, daemon, runs)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # stragglers (a run worker) die with the group


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterUI]:
    # Parse the dbt project here, once: the code server and the run worker import the definitions
    # too, and two `dbt parse` writing dbt_project/target at the same moment would race.
    from pipelines.definitions import defs  # noqa: F401

    root = tmp_path_factory.mktemp("ui")
    landing, data, home, shots = root / "landing", root / "data", root / "dagster_home", root / "shots"
    # Recent days: the backfill dialog opens on a recent window of partitions.
    first_day = datetime.now(UTC).date() - timedelta(days=3)
    generate(landing, days=LANDING_DAYS, seed=7, scale=1, start=first_day)
    home.mkdir()
    shots.mkdir()
    shutil.copyfile(INSTANCE_TEMPLATE, home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMM_", "DAGSTER_"))}
    env.update(
        DAGSTER_HOME=str(home),
        SMM_LANDING_DIR=str(landing),
        SMM_DATA_DIR=str(data),
        DAGSTER_DISABLE_TELEMETRY="true",
        GX_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = root / "dagster_dev.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("dagster")),
                "dev",
                "-w",
                "workspace.yaml",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for_server(url, proc, log)
        _wait_for_code_location(url, log)
        days = (first_day, first_day + timedelta(days=LANDING_DAYS - 1))
        yield DagsterUI(url=url, home=home, data=data, shots=shots, log=log, days=days)
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make browser` (installs Debian's chromium; needs root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser, dagster_ui: DagsterUI, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    # The "join the community" dialog shows on localhost until dismissed once; it would cover the page.
    context.add_init_script("window.localStorage.setItem('communityNux', '\"1\"')")
    page = context.new_page()
    page.set_default_timeout(UI_MS)
    yield page
    # What the page showed at the end (pass or fail), for whoever reads the failure.
    with contextlib.suppress(Exception):
        page.screenshot(path=str(dagster_ui.shots / f"{request.node.name}.png"))
    context.close()


def _open(page, ui: DagsterUI, path: str) -> None:
    page.goto(f"{ui.url}{path}", wait_until="load")  # never "networkidle": the UI polls for live data


def _search_catalog(page, ui: DagsterUI, text: str) -> None:
    """Type into the catalog's asset-selection box, as a user would, and submit."""
    _open(page, ui, "/assets")
    page.locator(".CodeMirror").first.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"asset-selection="))
    # Close the suggestions popup, which would cover the first result: Escape, and a click on the empty
    # bottom-right corner of the results (the box keeps focus, and its popup, after the URL update).
    page.keyboard.press("Escape")
    page.mouse.click(1590, 990)
    page.locator("[data-radix-popper-content-wrapper]").wait_for(state="detached")


def _visible_text(page, text: str) -> None:
    page.get_by_text(text, exact=True).first.wait_for(state="visible")


def test_asset_graph_groups_ingest_by_platform_then_dbt_layers_then_publish(
    page, dagster_ui: DagsterUI
) -> None:
    _open(page, dagster_ui, "/asset-groups")
    for group in (
        "config",
        "ingest_facebook",
        "ingest_listening",
        "seeds",
        "staging",
        "intermediate",
        "marts",
        "publish",
    ):
        _visible_text(page, group)
    page.get_by_role("button", name="Materialize all").wait_for(state="visible")


@pytest.mark.parametrize(
    ("query", "asset", "group", "description"),
    [
        ("facebook/posts", "lake / facebook / posts", "ingest_facebook", "One row per post per capture."),
        (
            "fct_engagement_daily",
            "warehouse / fct_engagement_daily",
            "marts",
            "Audience activity per account",
        ),
        ("published", "warehouse / published", "publish", "swapped in atomically"),
    ],
    ids=["ingest", "dbt", "publish"],
)
def test_catalog_search_finds_the_asset_with_its_group_and_description(
    page, dagster_ui: DagsterUI, query: str, asset: str, group: str, description: str
) -> None:
    _search_catalog(page, dagster_ui, query)
    _visible_text(page, asset)
    _visible_text(page, group)
    page.get_by_text(description).first.wait_for(state="visible")


def test_mart_page_documents_owner_and_freshness_policy(page, dagster_ui: DagsterUI) -> None:
    _search_catalog(page, dagster_ui, "fct_engagement_daily")
    page.get_by_role("link", name="warehouse / fct_engagement_daily").first.click()
    page.wait_for_url(re.compile(r"/assets/warehouse/fct_engagement_daily"))
    _visible_text(page, "analytics-engineering")
    page.get_by_text("Fails if more than 30 hours since last materialization").first.wait_for(state="visible")


def _graphql(ui: DagsterUI, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{ui.url}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


_BACKFILL = """query ($id: String!) { partitionBackfillOrError(backfillId: $id) {
  ... on PartitionBackfill { status runs(limit: 20) { runId status tags { key value } } } } }"""
_PARTITION_STATS = """query ($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) {
  ... on AssetNode { partitionStats { numMaterialized } } } }"""
_BACKFILL_DONE = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}


def _wait_for_backfill(ui: DagsterUI, backfill_id: str) -> dict:
    """The backfill once the daemon has finished it (a failed run ends the wait at once)."""
    deadline = time.monotonic() + RUN_S
    backfill: dict = {}
    while time.monotonic() < deadline:
        backfill = _graphql(ui, _BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
        failed = [run for run in backfill.get("runs", []) if run["status"] in ("FAILURE", "CANCELED")]
        if backfill.get("status") in _BACKFILL_DONE or failed:
            return backfill
        time.sleep(2)
    pytest.fail(f"backfill {backfill_id} not finished within {RUN_S} s ({backfill}):\n{_log_tail(ui.log)}")


def test_materialize_all_backfills_the_landing_days_and_publishes_with_one_duckdb_writer_slot(
    page, dagster_ui: DagsterUI
) -> None:
    _open(page, dagster_ui, "/overview")
    page.locator('nav a[href="/jobs"], a[href="/jobs"]').first.click()  # the left navigation
    page.locator('a[href$="/jobs/smm_full"]').first.click()
    page.get_by_text("Ingest every landing dataset, build the dbt models, publish the warehouse.").wait_for()
    page.get_by_role("button", name="Materialize all").click()

    # The ingest assets are partitioned by fetch date: the dialog asks which days, as for any backfill.
    dialog = page.get_by_role("dialog").filter(has_text=re.compile("Launch runs to materialize"))
    dialog.wait_for(state="visible")
    first, last = (day.isoformat() for day in dagster_ui.days)
    days = dialog.get_by_role("textbox").first  # the partition range box
    days.fill(f"[{first}...{last}]")
    days.press("Enter")
    dialog.get_by_text(f"{LANDING_DAYS} partitions", exact=True).first.wait_for(state="visible")
    dialog.get_by_role("button", name="Launch backfill").click()

    # The launch toast links to the new backfill.
    view = page.locator('a[href*="/runs/b/"]').filter(has_text="View").first
    view.wait_for(state="visible", timeout=LAUNCH_S * 1000)
    backfill_id = (view.get_attribute("href") or "").split("/runs/b/", 1)[-1].split("?", 1)[0]
    assert re.fullmatch(r"[a-z]{8}", backfill_id), view.get_attribute("href")
    backfill = _wait_for_backfill(dagster_ui, backfill_id)
    runs = backfill["runs"]
    assert backfill["status"] in ("COMPLETED", "COMPLETED_SUCCESS") and runs, (
        backfill,
        _log_tail(dagster_ui.log),
    )
    assert all(run["status"] == "SUCCESS" for run in runs), (runs, _log_tail(dagster_ui.log))
    # Backfill policy "single run": both days of every ingest asset went through one run, as a range.
    ranges = [
        {t["key"]: t["value"] for t in run["tags"] if t["key"].startswith("dagster/asset_partition_range")}
        for run in runs
    ]
    assert {
        "dagster/asset_partition_range_start": first,
        "dagster/asset_partition_range_end": last,
    } in ranges, ranges

    # The backfill page (the toast is gone by now) shows it finished; the catalog knows both days of an
    # ingest asset.
    _open(page, dagster_ui, f"/runs/b/{backfill_id}")
    page.get_by_text(re.compile(r"^(Completed|Succeeded)$")).first.wait_for(state="visible")
    page.screenshot(path=str(dagster_ui.shots / "backfill.png"))
    stats = _graphql(dagster_ui, _PARTITION_STATS, {"key": {"path": ["lake", "facebook", "posts"]}})
    assert stats["assetNodeOrError"]["partitionStats"]["numMaterialized"] == LANDING_DAYS

    # What the UI run built is really there: the published warehouse with the marts.
    with duckdb.connect(str(dagster_ui.data / "warehouse" / "smm.duckdb"), read_only=True) as con:
        marts = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        engagement_rows = con.execute("select count(*) from marts.fct_engagement_daily").fetchone()[0]
    assert {"dim_brands", "fct_engagement_daily", "fct_share_of_voice_daily"} <= marts
    assert engagement_rows > 0

    # The backfill's dbt and publish steps took their slot in pool duckdb_build (the pool is listed once
    # used), and the instance template gives it one slot: one DuckDB writer at a time.
    _open(page, dagster_ui, "/deployment/concurrency")
    pool = page.get_by_text("duckdb_build", exact=True)
    # The pools table: the innermost block holding the pool's name and its loaded limit (a number).
    limit = page.locator("div").filter(has=pool).filter(has_text=re.compile(r"duckdb_build\s*\d+\s*$")).last
    limit.wait_for(state="visible")
    assert limit.inner_text().split() == ["duckdb_build", "1"], limit.inner_text()
