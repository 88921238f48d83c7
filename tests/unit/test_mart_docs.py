"""docs/marts.md cannot drift: its column reference is what the dbt YAML and the ops DDL say today."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.brands import SOCIAL_PLATFORMS
from pipelines.runtime.paths import Paths
from pipelines.warehouse import mart_docs
from pipelines.warehouse.publish import MART_TABLES, RunFacts, write_ops_tables


def test_docs_marts_md_matches_the_dbt_yaml_and_the_ops_ddl() -> None:
    doc = mart_docs.DOC.read_text(encoding="utf-8")
    start, end = doc.find(mart_docs.BEGIN), doc.find(mart_docs.END)
    assert 0 <= start < end, (
        f"docs/marts.md lost its generated-part markers; restore them and run {mart_docs.WRITE_COMMAND}"
    )
    written = doc[start : end + len(mart_docs.END)]
    assert written == mart_docs.generated_part(), (
        "docs/marts.md's column reference differs from dbt_project/models/marts/_marts__models.yml or the "
        f"ops tables' DDL; regenerate it with: {mart_docs.WRITE_COMMAND}"
    )


def test_every_published_mart_has_a_column_section() -> None:
    part = mart_docs.generated_part()
    for table in MART_TABLES:
        assert f"### `{table}`" in part, f"{table} is published but has no section in docs/marts.md"


def test_accepted_values_written_as_dbt_jinja_are_listed_as_the_platforms() -> None:
    """The YAML says `{{ var('platforms') }}`; readers must see the platform names themselves."""
    listed = "one of " + ", ".join(f"`{p}`" for p in SOCIAL_PLATFORMS)
    section = mart_docs.generated_part().split("### `dim_accounts`", 1)[1].split("### ", 1)[0]
    row = next(line for line in section.splitlines() if line.startswith("| `platform` |"))
    assert row.endswith(f"not null; {listed} |"), row


def test_the_ddl_scan_sees_the_ops_tables_publish_really_creates(tmp_path: Path) -> None:
    """The generator reads DDL out of the source; publish's own code must create exactly those tables."""
    paths = Paths(landing=tmp_path / "landing", data=tmp_path / "data", brands_file=tmp_path / "brands.yml")
    facts = RunFacts(
        run_id="r1", started_at=datetime(2026, 3, 2, tzinfo=UTC), landing_files_read=0, refused=[]
    )
    with duckdb.connect() as con:
        write_ops_tables(con, paths, facts)
        created = {
            f"ops.{table}": [
                (row[0], row[1].lower()) for row in con.execute(f"describe ops.{table}").fetchall()
            ]
            for (table,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'ops' order by table_name"
            ).fetchall()
        }
    scanned = mart_docs.ops_tables_in_code()
    assert created, "write_ops_tables created no ops table"
    for table, columns in created.items():
        assert scanned.get(table) == columns, table


def test_an_undocumented_ops_column_is_an_error_naming_it() -> None:
    tables = mart_docs.ops_tables_in_code()
    tables["ops.runs"] = [*tables["ops.runs"], ("retries", "bigint")]
    with pytest.raises(ValueError, match=r"ops\.runs\.retries has no description"):
        mart_docs.ops_sections(tables)


def test_an_ops_table_the_code_no_longer_creates_is_an_error() -> None:
    tables = mart_docs.ops_tables_in_code()
    del tables["ops.publication"]
    with pytest.raises(ValueError, match=r"ops\.publication is described but no longer created"):
        mart_docs.ops_sections(tables)
