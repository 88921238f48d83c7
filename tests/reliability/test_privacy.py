"""Privacy: commenters and mention authors are pseudonymised with a keyed hash in staging, every one of
them (staging reads its source only); intermediate recognises the tracked brand accounts by pseudonym and
restores their readable ids and handles, and no person's raw identity reaches intermediate or the marts.
The columns are tagged `pii`, the raw landing stays as it landed, and no key or token from the
environment appears in any output of a run.

All checks read the fuzzed run of conftest (run with SMM_PII_KEY and fake API tokens set).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest.brands import load_brands
from pipelines.runtime.paths import resolve_paths
from pipelines.schemas import BY_NAME, UTC_TS
from pipelines.warehouse.dbt import ensure_manifest
from tests.reliability.conftest import FuzzedRun

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

# (staging table, lake dataset, staging column, lake column, key columns joining the two)
PSEUDONYMISED = [
    ("stg_facebook__comments", "facebook/comments", "author_id", "author_id", ["comment_id", "fetched_at"]),
    (
        "stg_facebook__comments",
        "facebook/comments",
        "author_name",
        "author_name",
        ["comment_id", "fetched_at"],
    ),
    (
        "stg_instagram__comments",
        "instagram/comments",
        "author_username",
        "author_username",
        ["comment_id", "fetched_at"],
    ),
    (
        "stg_youtube__comment_threads",
        "youtube/comment_threads",
        "author_display_name",
        "author_display_name",
        ["comment_id", "fetched_at"],
    ),
    ("stg_vk__comments", "vk/comments", "author_id", "from_id", ["comment_id", "fetched_at"]),
    ("stg_x__mentions", "x/mentions", "author_username", "author_username", ["tweet_id", "fetched_at"]),
    (
        "stg_listening__mentions",
        "listening/mentions",
        "author_handle",
        "author_handle",
        ["mention_id", "fetched_at"],
    ),
]


# Handles are pseudonymised as they are compared: lower case, without a leading '@'.
HANDLE_COLUMNS = {
    ("stg_instagram__comments", "author_username"),
    ("stg_x__mentions", "author_username"),
    ("stg_listening__mentions", "author_handle"),
}


# A name belongs to whoever the row's author id is: the Page's or the channel's own name is an
# organisation's, though only ids and handles are restored.
AUTHOR_ID_OF_NAME = {
    ("stg_facebook__comments", "author_name"): "author_id",
    ("stg_youtube__comment_threads", "author_display_name"): "author_channel_id",
}


def _lake(data: Path, dataset: str) -> pl.DataFrame:
    return pl.read_parquet(data / "lake" / dataset / "**" / "*.parquet", hive_partitioning=False)


def _as_lake_types(frame: pl.DataFrame) -> pl.DataFrame:
    """Timestamps from DuckDB in the lake's UTC spelling: DuckDB hands them over in its session time
    zone, named after the machine's ("Etc/UTC" on some, "UTC" on others), and polars refuses to
    join two spellings of one zone."""
    return frame.with_columns(
        pl.col(name).dt.convert_time_zone(UTC_TS.time_zone).dt.cast_time_unit(UTC_TS.time_unit)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone
    )


def _kept_build(run: FuzzedRun) -> duckdb.DuckDBPyConnection:
    """The build file kept beside the publication: it holds the staging tables."""
    return duckdb.connect(str(run.data / "build" / "last_build.duckdb"), read_only=True)


@pytest.fixture(scope="module")
def identities(fuzzed_run: FuzzedRun) -> dict[str, object]:
    """Each pseudonymised staging value next to the raw lake value it came from; a value whose pseudonym
    is a tracked brand account's (int_tracked_pseudonyms) is an organisation, any other a person."""
    assert fuzzed_run.result.returncode == 0, fuzzed_run.result.stderr[-3000:]
    key = fuzzed_run.secrets["SMM_PII_KEY"]
    con = _kept_build(fuzzed_run)
    checked, people, brands, wrong = 0, set(), set(), []
    try:
        tracked = {
            r[0] for r in con.execute("select pseudonym from intermediate.int_tracked_pseudonyms").fetchall()
        }
        for table, dataset, column, lake_column, keys in PSEUDONYMISED:
            staged = _as_lake_types(
                pl.from_arrow(
                    con.sql(
                        f"select {', '.join(keys)}, {column} as value, "
                        f"{AUTHOR_ID_OF_NAME.get((table, column), column)} as author_key from staging.{table}"
                    ).to_arrow_table()
                )
            )
            raw = _lake(fuzzed_run.data, dataset).select([*keys, pl.col(lake_column).alias("raw")])
            contract = BY_NAME[dataset.replace("/", "__")].schema
            assert {k: raw.schema[k] for k in keys} == {k: contract[k] for k in keys}, (
                f"{dataset}: lake types"
            )
            joined = staged.join(raw, on=keys, how="inner")
            assert joined.height == staged.height > 0, f"{table}: staging rows do not map onto the lake"
            # DuckDB's own lower(): Python's case mapping differs on a few letters the fuzzer sends
            hashed = duckdb.sql(
                "select value, raw, lower(ltrim(raw, '@')) as handle, author_key from joined"
                if (table, column) in HANDLE_COLUMNS
                else "select value, raw, raw as handle, author_key from joined"
            ).fetchall()
            for value, raw_value, hashed_input, author_key in hashed:
                checked += 1
                expected = (
                    None
                    if raw_value is None
                    else hashlib.sha256(f"{key}:{hashed_input}".encode()).hexdigest()
                )
                if value != expected:
                    wrong.append((table, column, raw_value, value))
                elif value in tracked or author_key in tracked:
                    brands.add(hashed_input)  # an organisation: intermediate restores it
                elif raw_value is not None:
                    people.add(raw_value)
    finally:
        con.close()
    return {"checked": checked, "people": people, "brands": brands, "wrong": wrong}


def test_everyone_gets_a_keyed_pseudonym_in_staging(identities, figures) -> None:
    figures.record(
        "6_privacy",
        identity_values_checked=identities["checked"],
        distinct_people_pseudonymised=len(identities["people"]),
    )
    assert identities["wrong"] == []
    assert len(identities["people"]) > 100
    assert identities["brands"], "no tracked brand account among the authors: the restore is untested"


def test_tracked_pseudonyms_are_the_brands_accounts(fuzzed_run: FuzzedRun) -> None:
    """Who counts as an organisation comes from brands.yml: every account id there, nothing else."""
    config = load_brands(resolve_paths(str(fuzzed_run.landing), str(fuzzed_run.data)).brands_file)
    # A GA4 property (accounts.ga4) is a site, not an account anyone writes as.
    expected = {(p, account) for b in config.brands for p, account in b.accounts.items() if p != "ga4"}
    con = _kept_build(fuzzed_run)
    try:
        ids = set(
            con.execute(
                "select platform, identity from intermediate.int_tracked_pseudonyms "
                "where identity_kind = 'account_id'"
            ).fetchall()
        )
    finally:
        con.close()
    assert ids == expected


def test_no_raw_person_identity_reaches_intermediate_or_marts_and_brands_are_restored(
    fuzzed_run: FuzzedRun, identities
) -> None:
    people = identities["people"]
    con = _kept_build(fuzzed_run)
    try:
        seen = set()
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ('intermediate', 'marts')"
        ).fetchall():
            for (column,) in con.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
                "and data_type = 'VARCHAR'",
                [schema, table],
            ).fetchall():
                if column in ("text", "url"):
                    continue  # free text may quote anyone; pseudonymising content is not in scope
                seen |= {
                    r[0] for r in con.execute(f'select distinct "{column}" from {schema}.{table}').fetchall()
                }
        restored = {
            r[0]
            for r in con.execute(
                "select author_id from intermediate.int_comments union select author_id "
                "from intermediate.int_mentions union select author_handle from intermediate.int_mentions"
            ).fetchall()
        }
    finally:
        con.close()
    assert people and not (people & seen), sorted(people & seen)[:10]
    assert identities["brands"] & restored, "no tracked brand account's id or handle restored in intermediate"


def test_pii_columns_are_tagged_in_dbt() -> None:
    manifest = json.loads(ensure_manifest(resolve_paths()).read_text())
    tagged = {
        (node["name"], name)
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for name, column in node["columns"].items()
        if "pii" in column.get("tags", []) or "pii" in column.get("config", {}).get("tags", [])
    }
    expected = {(table, column) for table, _, column, _, _ in PSEUDONYMISED} | {
        ("stg_x__mentions", "author_id"),
        ("stg_x__mentions", "in_reply_to_user_id"),
        ("stg_vk__search_results", "from_id"),
        ("stg_youtube__search_results", "channel_id"),
        ("int_comments", "author_id"),
        ("int_mentions", "author_id"),
        ("int_mentions", "author_handle"),
    }
    assert expected <= tagged, expected - tagged


def test_raw_landing_stays_as_it_landed(fuzzed_run: FuzzedRun) -> None:
    assert fuzzed_run.landing_hashes_after == fuzzed_run.landing_hashes_before


def _structured_hits(path: Path, secret: str) -> list[str]:
    """Occurrences inside compressed containers: every text column of a DuckDB file or Parquet file."""
    hits = []
    con = duckdb.connect()
    try:
        if path.suffix == ".duckdb":
            con.execute(f"attach '{path}' as scanned (read_only)")
            sql_texts = con.execute(
                "select sql from duckdb_views() where database_name = 'scanned' "
                "union all select sql from duckdb_tables() where database_name = 'scanned'"
            ).fetchall()
            hits += [f"{path}: definition" for (sql,) in sql_texts if sql and secret in sql]
            columns = con.execute(
                "select schema_name, table_name, column_name from duckdb_columns() "
                "where database_name = 'scanned' and data_type = 'VARCHAR' and table_name in "
                "(select table_name from duckdb_tables() where database_name = 'scanned')"
            ).fetchall()
            for schema, table, column in columns:
                n = con.execute(
                    f'select count(*) from scanned.{schema}."{table}" where contains("{column}", ?)', [secret]
                ).fetchone()[0]
                if n:
                    hits.append(f"{path}: {schema}.{table}.{column}")
        elif path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            for column in frame.columns:
                if (
                    frame[column].dtype == pl.String
                    and frame[column].str.contains(secret, literal=True).any()
                ):
                    hits.append(f"{path}: {column}")
    finally:
        con.close()
    return hits


def test_no_key_or_token_appears_in_any_output(fuzzed_run: FuzzedRun, figures) -> None:
    secrets = list(fuzzed_run.secrets.values())
    outputs = [
        fuzzed_run.data / d for d in ("lake", "quarantine", "warehouse", "validation", "build", "runs")
    ]
    files = [p for d in outputs if d.exists() for p in d.rglob("*") if p.is_file()]
    hits = [
        f"{stream}"
        for stream in ("stdout", "stderr")
        for s in secrets
        if s in getattr(fuzzed_run.result, stream)
    ]
    for path in files:
        blob = path.read_bytes()
        hits += [f"{path}: bytes" for s in secrets if s.encode() in blob]
        if path.suffix in (".duckdb", ".parquet"):
            hits += [hit for s in secrets for hit in _structured_hits(path, s)]
    figures.record(
        "6_privacy",
        files_scanned_for_secrets=len(files),
        output_bytes_scanned=sum(p.stat().st_size for p in files)
        + len(fuzzed_run.result.stdout)
        + len(fuzzed_run.result.stderr),
    )
    assert (fuzzed_run.data / "build" / "dbt_target").is_dir(), "dbt's logs must be among the scanned outputs"
    assert hits == []
