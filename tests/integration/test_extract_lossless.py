"""Extraction loses nothing: the lake ingested from `smm extract`'s captures of the sandbox equals the
lake ingested from the generator's own captures of the state that sandbox serves, dataset by dataset.

The marts are built from the lake alone, so equal lakes give equal marts; proving it here, one stage
earlier, costs a few seconds instead of two whole pipeline runs. The sandbox serves each endpoint's
latest capture of the generator's last day (GA4: each date's latest report rows), cut into small
pages and answered with 5xx, HTML error pages and rate limits along the way. The reference is read
from the generator's landing files, not from the sandbox's loaded world, so the sandbox's own
reading of that landing is under test too.

Everything not compared is named below with the reason it legitimately differs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from pipelines.extract import ga4
from pipelines.extract.http import RetrySettings
from pipelines.extract.registry import CONNECTORS
from pipelines.extract.run import extract
from pipelines.extract.youtube_oauth import OAUTH_ENV
from pipelines.ingest.brands import load_brands
from pipelines.ingest.landing import scan_landing
from pipelines.ingest.parse import ingest_files, owner_timezones
from pipelines.sandbox.api.server import Sandbox, SandboxSettings
from pipelines.sandbox.api.world import load_world
from pipelines.sandbox.generator import generate
from pipelines.schemas import BY_NAME

SEED, DAYS = 11, 2
# Token values must be unlike any text in the data: the extractor also replaces a token's literal
# value wherever it appears in a response (an API echoing the request back).
TOKENS = {
    "vk": "vk-lossless-5c1e7a9f03",
    "tiktok": "tt-lossless-8d2b4f6a17",
    "x": "x-lossless-3e9c1d5b72",
    "facebook": "fb-lossless-6a4f2e8c90",
    "instagram": "ig-lossless-1b7d3f5e24",
    "youtube": "yt-lossless-9f5a7c1e36",
    "linkedin": "li-lossless-2c8e4a6d58",
}
HTTP_CONNECTORS = [c for c in CONNECTORS.values() if c.open_client is None]
# Wide enough that no connector's window cuts the generated posts (they reach back 10 days).
SINCE = datetime(2025, 1, 1, tzinfo=UTC)
UNTIL = datetime(2026, 1, 3, tzinfo=UTC)
# Two items a page: every listing with more than two items crosses page boundaries.
SANDBOX = {"page_size": 2, "fail_every": 9, "html_every": 13, "burst": 150, "retry_after": 1}
RETRY = RetrySettings(attempts=6, backoff_factor=0.05, max_wait_seconds=5, timeout_seconds=5)
GA4_PAGE_ROWS = 25
# The Reporting API's channel owner (the sandbox refreshes any such credentials).
YOUTUBE_OAUTH = json.dumps(
    {
        "client_id": "lossless.apps",
        "client_secret": "yt-secret-4e8a2c",
        "refresh_token": "1//yt-lossless-7b3d",
    }
)
# Exports, not API pages: written as they came, no request recorded in them.
EXPORTS = ("youtube__channel_basic_a3",)

# Datasets the generator writes that no extraction from the sandbox can hold.
NOT_SERVED = {
    "telegram__channel": "Telegram is MTProto, not HTTP: no sandbox (tests/unit/extract/test_telegram.py)",
    "telegram__messages": "Telegram is MTProto, not HTTP: no sandbox (tests/unit/extract/test_telegram.py)",
    "telegram__export": "a Telegram Desktop export file, not an API",
    "listening__mentions": "a social-listening tool's CSV export, not an API",
}
COMPARED = (
    "vk__group", "vk__wall", "vk__comments", "vk__search",
    "tiktok__user", "tiktok__videos",
    "x__user", "x__tweets", "x__mentions",
    "facebook__page", "facebook__posts", "facebook__post_insights", "facebook__page_insights",
    "facebook__comments",
    "instagram__user", "instagram__media", "instagram__media_insights", "instagram__user_insights",
    "instagram__comments",
    "youtube__channel", "youtube__videos", "youtube__comment_threads", "youtube__search",
    "youtube__channel_basic_a3",
    "linkedin__organization", "linkedin__posts", "linkedin__share_statistics",
    "linkedin__follower_statistics",
    "ga4__traffic",
)  # fmt: skip
# Columns that legitimately differ: when and where a row was captured. The generator's fetches lie in
# its generated days, the extraction's happen now; the files and lines are the two landings' own.
LINEAGE = ("fetched_at", "fetch_date", "source_file", "source_line")
# Records fetched per post only for the posts in the account's listing: a post gone from the last
# listing (deleted, or aged out of the generator's window) keeps its earlier child captures in the
# generator's landing, but no extraction asks for them. Child dataset -> (listing, its id column).
CHILDREN_OF_LISTED = {
    "facebook__post_insights": ("facebook__posts", "post_id"),
    "facebook__comments": ("facebook__posts", "post_id"),
    "instagram__media_insights": ("instagram__media", "media_id"),
    "instagram__comments": ("instagram__media", "media_id"),
    "vk__comments": ("vk__wall", "post_id"),
    "youtube__comment_threads": ("youtube__videos", "video_id"),
}
# Request parameters that legitimately differ between a generated capture and an extracted one of
# the same object: the time window (the generator's runs ask since their previous run, this
# extraction since SINCE), and GA4's paging (GA4_PAGE_ROWS; the generator records its `offset`).
WINDOW_PARAMS = ("since", "until", "start_time", "end_time", "publishedAfter", "dateRanges", "timeIntervals")
PAGING_PARAMS = {"ga4__traffic": ("limit", "offset")}
# Lists of fields asked for: asking for more than the generated captures record is no loss (YouTube's
# channel `part` adds contentDetails to find the uploads playlist), asking for less would be.
FIELD_LISTS = ("fields", "tweet.fields", "user.fields", "part", "metric", "metrics")
# Listings the small pages must split, so the comparison covers page boundaries.
PAGED = (
    "vk__wall", "vk__comments", "vk__search", "tiktok__videos", "x__tweets", "x__mentions",
    "facebook__posts", "facebook__comments", "instagram__media", "instagram__comments",
    "youtube__comment_threads", "linkedin__posts", "ga4__traffic",
)  # fmt: skip


@dataclass
class Lakes:
    generated: dict[str, pl.DataFrame]  # the reference: what the sandbox serves, from the generator's files
    extracted: dict[str, pl.DataFrame]
    generated_datasets: set[str]
    extracted_datasets: set[str]
    quarantined: dict[str, int]  # extracted dataset -> records quarantined
    generated_requests: dict[tuple[str, str], list[dict]]  # (dataset, object id) -> params served
    extracted_requests: dict[tuple[str, str], list[dict]]


def _is_error_body(platform: str, response: object) -> bool:
    """The contract's API error bodies (TikTok wraps every answer in `error`, "ok" on success)."""
    if not isinstance(response, dict) or "error" not in response:
        return False
    error = response["error"]
    return not (platform == "tiktok" and isinstance(error, dict) and error.get("code") == "ok")


def _served_lines(generated: Path, day: str) -> set[tuple[str, int]]:
    """(file, line) of every capture the sandbox answers from: per question asked (platform, entity,
    object id and parameter names), the latest valid capture of the last day; the first landed copy
    of a capture landed twice (the lake keeps that one)."""
    latest: dict[tuple, tuple[str, str, int]] = {}
    for path in sorted(generated.glob(f"*/*/{day}.jsonl")):
        platform, rel = path.parent.parent.name, path.relative_to(generated).as_posix()
        for line_no, raw in enumerate(path.read_bytes().splitlines(), start=1):
            try:
                line = json.loads(raw)
            except ValueError:
                continue  # a line the generator broke on purpose
            if not isinstance(line, dict) or "fetched_at" not in line or "response" not in line:
                continue
            if _is_error_body(platform, line["response"]):
                continue
            question = (rel, str(line.get("object_id")), frozenset(line.get("params") or {}))
            if question not in latest or latest[question][0] < line["fetched_at"]:
                latest[question] = (line["fetched_at"], rel, line_no)
    return {(rel, line_no) for _, rel, line_no in latest.values()}


def _requests(landing: Path, lines: set[tuple[str, int]] | None = None) -> dict[tuple[str, str], list[dict]]:
    """The request parameters each capture line records, by (dataset, object id): every line, or `lines`."""
    asked: dict[tuple[str, str], list[dict]] = {}
    for path in sorted(landing.glob("*/*/*.jsonl")):
        rel = path.relative_to(landing).as_posix()
        name = f"{path.parent.parent.name}__{path.parent.name}"
        for line_no, raw in enumerate(path.read_bytes().splitlines(), start=1):
            if lines is None or (rel, line_no) in lines:
                line = json.loads(raw)
                params = dict(line["params"])
                asked.setdefault((name, str(line["object_id"])), []).append(params)
    return asked


def _ingest(landing: Path, name: str, files: list[Path]) -> tuple[pl.DataFrame, int]:
    dataset = BY_NAME[name]
    result = ingest_files(dataset, files, landing, owner_timezones(dataset, landing / "brands.yml"))
    return result.rows, result.stats.records_quarantined


def _reference(generated: Path, day: str, served_lines: set[tuple[str, int]]) -> dict[str, pl.DataFrame]:
    files = scan_landing(generated).files
    served = pl.DataFrame(
        sorted(served_lines),
        schema={"source_file": pl.String, "source_line": pl.Int64},
        orient="row",
    )
    lakes: dict[str, pl.DataFrame] = {}
    for name in COMPARED:
        if name in EXPORTS:
            # Every generated report is served (the Reporting API keeps them), each downloaded once.
            lakes[name], _ = _ingest(generated, name, files[name])
        elif name == "ga4__traffic":
            # runReport answers any generated date with that date's latest report rows.
            rows, _ = _ingest(generated, name, files[name])
            latest = pl.col("fetched_at") == pl.col("fetched_at").max().over("property_id", "report_date")
            lakes[name] = rows.filter(latest)
        else:
            # The last day's file alone: a line it repeats from the day before stays its own copy.
            rows, _ = _ingest(generated, name, [f for f in files[name] if f.stem == day])
            lakes[name] = rows.join(served, on=["source_file", "source_line"], how="semi")
    # The Display API reads only the account that granted the token: competitors' TikTok is not fetched.
    own = {b.accounts["tiktok"] for b in load_brands(generated / "brands.yml").brands if b.own}
    for name in ("tiktok__user", "tiktok__videos"):
        lakes[name] = lakes[name].filter(pl.col("capture_account_id").is_in(sorted(own)))
    for child, (listing, id_column) in CHILDREN_OF_LISTED.items():
        listed = lakes[listing].get_column(id_column).unique()
        lakes[child] = lakes[child].filter(pl.col("capture_object_id").is_in(listed.implode()))
    return lakes


@pytest.fixture(scope="module")
def lakes(tmp_path_factory) -> Lakes:
    root = tmp_path_factory.mktemp("lossless")
    generated, landing = root / "generated", root / "landing"
    generate(generated, days=DAYS, seed=SEED, scale=1)
    landing.mkdir()
    (landing / "brands.yml").write_bytes((generated / "brands.yml").read_bytes())
    env = {CONNECTORS[p].token_env: token for p, token in TOKENS.items()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ga4, "PAGE_ROWS", GA4_PAGE_ROWS)  # GA4's report over several pages
        with Sandbox(load_world(generated), SandboxSettings(tokens=dict(TOKENS), **SANDBOX)) as sandbox:
            key = sandbox.write_ga4_key(root / "keys" / "ga4.json")
            summary = extract(
                HTTP_CONNECTORS,
                load_brands(landing / "brands.yml"),
                landing,
                root / "data",
                since=SINCE,
                until=UNTIL,
                retry=RETRY,
                env={
                    **env,
                    ga4.CREDENTIALS_ENV: str(key),
                    OAUTH_ENV: YOUTUBE_OAUTH,
                    "SMM_API_BASE_URL": sandbox.base_url,
                },
            )
    assert not summary.failed, [p.failures for p in summary.platforms]
    assert sandbox.counters.faults > 0 and sandbox.counters.rate_limited > 0  # retries happened
    extracted_files = scan_landing(landing).files
    extracted, quarantined = {}, {}
    for name, files in extracted_files.items():
        extracted[name], quarantined[name] = _ingest(landing, name, files)
    day = max(p.stem for p in generated.glob("*/*/*.jsonl"))  # the generator names files by day
    served_lines = _served_lines(generated, day)
    return Lakes(
        generated=_reference(generated, day, served_lines),
        extracted=extracted,
        generated_datasets=set(scan_landing(generated).files),
        extracted_datasets=set(extracted_files),
        quarantined=quarantined,
        generated_requests=_requests(generated, served_lines),
        extracted_requests=_requests(landing),
    )


def test_every_dataset_the_sandbox_serves_is_extracted_and_compared(lakes):
    assert lakes.extracted_datasets == lakes.generated_datasets - set(NOT_SERVED)
    assert lakes.extracted_datasets == set(COMPARED)
    assert {n: q for n, q in lakes.quarantined.items() if q} == {}
    assert [n for n in COMPARED if lakes.generated[n].is_empty()] == []


def _names(value: object) -> set[str]:
    """A field list's names: "a,b" or GA4's [{"name": "a"}, …]."""
    if isinstance(value, list):
        return {str(item.get("name")) for item in value if isinstance(item, dict)}
    return set(str(value).split(",")) if value is not None else set()


def _asks_at_least(name: str, generated: dict, extracted: dict) -> bool:
    """Whether a request with `extracted` parameters asks everything the `generated` one records."""
    for param in set(generated) | set(extracted):
        if param in WINDOW_PARAMS or param in PAGING_PARAMS.get(name, ()):
            continue
        if param in FIELD_LISTS:
            if not _names(generated.get(param)) <= _names(extracted.get(param)):
                return False
        elif generated.get(param) != extracted.get(param):
            return False
    return True


def test_the_extraction_asks_what_the_generated_captures_record(lakes):
    """The sandbox answers whatever it is asked (a search ignores its terms, a list its `fields`), so
    the data alone cannot show a question asked too narrowly for the live API: for every object both
    landings hold, each request the generator's captures record was asked, with at least its fields."""
    unmatched = {}
    for (name, object_id), asked in lakes.extracted_requests.items():
        generated = lakes.generated_requests.get((name, object_id), [])
        missing = [g for g in generated if not any(_asks_at_least(name, g, e) for e in asked)]
        unexpected = [e for e in asked if not any(_asks_at_least(name, g, e) for g in generated)]
        if missing or unexpected:
            unmatched[f"{name} {object_id}"] = {"generated": missing, "extracted": unexpected}
    assert unmatched == {}
    assert {name for name, _ in lakes.extracted_requests} == set(COMPARED) - set(EXPORTS)


def test_small_pages_split_every_listing(lakes):
    """Several response pages for one object in one capture file: the comparison crosses page ends."""
    single_page = [
        name
        for name in PAGED
        if lakes.extracted[name]
        .group_by("source_file", "capture_object_id")
        .agg(pl.col("source_line").n_unique().alias("pages"))
        .get_column("pages")
        .max()
        < 2
    ]
    assert single_page == []


@pytest.mark.parametrize("name", COMPARED)
def test_extracted_records_equal_the_generated_ones(lakes, name):
    dataset = BY_NAME[name]
    key = list(dataset.key)
    columns = [c for c in dataset.schema if c not in LINEAGE]
    expected = lakes.generated[name].select(columns).sort(key, nulls_last=True)
    got = lakes.extracted[name].select(columns).sort(key, nulls_last=True)
    assert got.select(key).is_duplicated().sum() == 0, f"{name}: a record extracted twice"
    assert expected.select(key).is_duplicated().sum() == 0, f"{name}: the reference holds a record twice"
    lost = expected.join(got, on=key, how="anti", nulls_equal=True).select(key)
    invented = got.join(expected, on=key, how="anti", nulls_equal=True).select(key)
    assert (lost.height, invented.height) == (0, 0), (
        f"{name}: lost {lost.head(5).rows()}; not generated {invented.head(5).rows()}"
    )
    joined = expected.join(got, on=key, how="inner", suffix="__extracted", nulls_equal=True)
    differing = {
        column: joined.filter(~pl.col(column).eq_missing(pl.col(f"{column}__extracted")))
        .select(*key, column, f"{column}__extracted")
        .head(3)
        .rows()
        for column in columns
        if column not in key
    }
    assert {c: rows for c, rows in differing.items() if rows} == {}
