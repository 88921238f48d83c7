"""Great Expectations suites as plain data, one module per stage: raw, staging, marts.

A suite is what a reviewer reads: which table, and the list of rules it must satisfy. Each rule names
a GX 1.x expectation class and its arguments, how bad a failure is, and the family of rule it belongs
to. Nothing here imports Great Expectations: `pipelines/quality/gx_checks.py` turns a suite into GX objects
and into a Dagster asset check.

Severity: `error` fails the check with ERROR severity, which blocks what reads the table (raw → dbt,
staging/marts → publish); `warn` fails it with WARN severity, visible in the UI and in `smm status`,
blocking nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pipelines.ingest.brands import SOCIAL_PLATFORMS

Severity = Literal["error", "warn"]
Stage = Literal["raw", "staging", "marts"]

# Rule families: every family has at least one test with deliberately broken data.
SCHEMA = "schema"  # columns and their types
NOT_NULL = "not_null"  # key columns present
UNIQUE = "unique"  # one row per grain
TIME_WINDOW = "time_window"  # timestamps parseable and plausible
NON_NEGATIVE = "non_negative"  # counters the platform cannot report below zero
ACCEPTED_VALUES = "accepted_values"  # enumerations the models rely on
ACCOUNTING = "accounting"  # records read = loaded + quarantined + duplicates
RATE_BOUNDS = "rate_bounds"  # fractions in [0, 1] (documented exceptions are warnings)
SUMS_TO_ONE = "sums_to_one"  # share of voice per set, platform and date
REACH_LE_IMPRESSIONS = "reach_le_impressions"  # unique reach never above impressions
ROW_COUNT = "row_count"  # a publication does not collapse against the previous one

# The plausible window for any platform timestamp: Facebook opened in 2004; later than 2100 is an
# epoch-unit mix-up. The parsers reject the same window, so a failure here means a parser regression.
EARLIEST = "2004-01-01T00:00:00+00:00"
LATEST = "2100-01-01T00:00:00+00:00"

# The platform list has one owner, pipelines/schemas.py (SOCIAL_PLATFORMS is it without `listening`,
# a source of mentions rather than a platform). Mentions add `other` (a platform nobody tracks).
OWN_PLATFORMS = list(SOCIAL_PLATFORMS)
MENTION_PLATFORMS = [*OWN_PLATFORMS, "other"]


@dataclass(frozen=True)
class Rule:
    """One expectation: the GX class name (e.g. `ExpectColumnValuesToNotBeNull`) and its arguments.

    A value `{"$PARAMETER": name}` in `kwargs` is filled at validation time (e.g. the previous
    publication's row count).
    """

    expectation: str
    kwargs: Mapping[str, Any]
    family: str
    severity: Severity = "error"
    why: str = ""

    @property
    def column(self) -> str | None:
        for name in ("column", "column_A"):
            if name in self.kwargs:
                return str(self.kwargs[name])
        if "column_list" in self.kwargs and not self.expectation.startswith("ExpectTable"):
            return ",".join(self.kwargs["column_list"])
        return None


@dataclass(frozen=True)
class Suite:
    """The rules one table must satisfy at one stage.

    `asset_key` is the Dagster asset the check is attached to. `sql` (staging and marts) reads the
    batch from the build DuckDB file, derived columns for cross-row rules included; raw suites
    validate the ingest frame directly. `sample_key` orders the deterministic sample taken when a
    table is larger than the configured row cap.
    """

    name: str
    stage: Stage
    asset_key: tuple[str, ...]
    rules: tuple[Rule, ...]
    sample_key: tuple[str, ...] = ()
    sql: str | None = None
    description: str = ""
    # Rule families reported as their own Dagster check (e.g. accounting → records_reconcile);
    # every other rule reports under `check_name`.
    family_checks: Mapping[str, str] = field(default_factory=dict)

    @property
    def check_name(self) -> str:
        return f"gx_{self.stage}"

    def check_for(self, rule_family: str) -> str:
        return self.family_checks.get(rule_family, self.check_name)

    @property
    def check_names(self) -> list[str]:
        return [
            self.check_name,
            *dict.fromkeys(c for c in self.family_checks.values() if c != self.check_name),
        ]

    def families(self) -> set[str]:
        return {rule.family for rule in self.rules}


def not_null(column: str, why: str = "", severity: Severity = "error") -> Rule:
    return Rule("ExpectColumnValuesToNotBeNull", {"column": column}, NOT_NULL, severity, why)


def unique(columns: tuple[str, ...] | list[str], why: str = "") -> Rule:
    if len(columns) == 1:
        return Rule("ExpectColumnValuesToBeUnique", {"column": columns[0]}, UNIQUE, "error", why)
    return Rule("ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)}, UNIQUE, "error", why)


def between(
    column: str,
    family: str,
    *,
    min_value: Any = None,
    max_value: Any = None,
    severity: Severity = "error",
    why: str = "",
) -> Rule:
    kwargs: dict[str, Any] = {"column": column}
    if min_value is not None:
        kwargs["min_value"] = min_value
    if max_value is not None:
        kwargs["max_value"] = max_value
    return Rule("ExpectColumnValuesToBeBetween", kwargs, family, severity, why)


def accepted(column: str, values: list[str], severity: Severity = "error", why: str = "") -> Rule:
    return Rule(
        "ExpectColumnValuesToBeInSet", {"column": column, "value_set": values}, ACCEPTED_VALUES, severity, why
    )


def a_at_least_b(
    column_a: str, column_b: str, family: str, severity: Severity = "error", why: str = ""
) -> Rule:
    """column_a >= column_b wherever both are known."""
    return Rule(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {
            "column_A": column_a,
            "column_B": column_b,
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
        family,
        severity,
        why,
    )
