"""dbt's platform list is pipelines/schemas.py's, and every platform test in the dbt YAML reads it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from pipelines.ingest.brands import SOCIAL_PLATFORMS
from pipelines.runtime.paths import DBT_PROJECT_DIR
from pipelines.schemas import PLATFORMS

# `other` = a mention on a platform nobody tracks; `all` = the all-platform rollup (SoV, goals).
PLATFORM_VAR = re.compile(r"^\{\{ var\('platforms'\)( \+ \[(?P<extras>[^\]]*)\])? \}\}$")
EXTRAS = {"other", "all"}


def _dbt_vars() -> dict[str, Any]:
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


def _platform_value_tests() -> Iterator[tuple[str, Any]]:
    """(where, `values` argument) of every accepted_values test on a column named `platform`."""
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        doc = yaml.safe_load(path.read_text()) or {}
        for node in [
            *doc.get("models", []),
            *(t for s in doc.get("sources", []) for t in s.get("tables", [])),
        ]:
            for column in node.get("columns", []):
                if column["name"] != "platform":
                    continue
                for test in column.get("data_tests", []):
                    if isinstance(test, dict) and "accepted_values" in test:
                        where = f"{Path(path).relative_to(DBT_PROJECT_DIR)}: {node['name']}.platform"
                        yield where, test["accepted_values"]["arguments"]["values"]


def test_dbt_platforms_var_is_the_schema_registry_platform_list() -> None:
    assert _dbt_vars()["platforms"] == list(SOCIAL_PLATFORMS), (
        "dbt_project.yml vars.platforms must list pipelines/schemas.py PLATFORMS (without `listening`, `ga4`), "
        "in the same order"
    )
    # listening is a source of mentions, ga4 a brand's site analytics: neither is a social platform.
    assert set(SOCIAL_PLATFORMS) == set(PLATFORMS) - {"listening", "ga4"}


def test_every_platform_accepted_values_test_reads_the_var() -> None:
    found = list(_platform_value_tests())
    assert len(found) >= 15, "the YAML walk no longer finds the platform tests"
    wrong = []
    for where, values in found:
        match = PLATFORM_VAR.match(values) if isinstance(values, str) else None
        extras = (
            {e.strip(" '\"") for e in (match["extras"] or "").split(",") if e.strip()} if match else set()
        )
        if match is None or not extras <= EXTRAS:
            wrong.append(f"{where}: {values!r}")
    assert not wrong, (
        "platform accepted_values must be \"{{ var('platforms') }}\" (optionally + ['other', 'all']): "
        f"{wrong}"
    )
