"""Raw stage: every lake dataset as parsed, before it may feed dbt.

Derived from the dataset contract (`pipelines/schemas.py`), so a new dataset gets its suite
without a line here unless it has a nullable key part, an enumeration or a signed number:

- schema: exactly the contract's columns, in order. Not each column's type: the ingest frame is built
  with the contract's polars schema, so its types cannot differ, and a frame that breaks that (a code
  defect) fails the ingest step before GX sees it (defs/quality/checks.py). 240 per-column type rules
  that could not fail cost ~35% of the raw suites' GX time;
- not_null: the key (minus the parts a platform legitimately leaves empty) and fetched_at;
- unique: key + fetched_at, i.e. duplicate captures really collapsed;
- time_window: every timestamp (fetched_at included) and date inside 2004..2100;
- non_negative: every integer counter, except ids and the LinkedIn follower gains, which are net
  daily changes and may be negative; insight values are warnings (a future metric may be signed);
- accepted_values: enumerations the models branch on are errors, open-ended API labels warnings;
- accounting: the rows GX counts in the batch equal records read - quarantined - duplicates
  collapsed (less the rows a sample left out); reported as the `records_reconcile` check.

The capture columns other than fetched_at (fetch_date, capture ids, source file and line) are set by
the ingest framework, not parsed from data, and are covered by the column-list rule only: every
expectation costs GX 5-30 ms of bookkeeping per dataset and run whatever the row count, and the
budget is spent where data can be wrong. For the same reason there is no "event time not after its
capture time" rule (a column-pair expectation, the dearest kind, noisy with fetcher clock skew).
"""

from __future__ import annotations

import polars as pl

from expectations import (
    ACCOUNTING,
    EARLIEST,
    LATEST,
    MENTION_PLATFORMS,
    NON_NEGATIVE,
    SCHEMA,
    TIME_WINDOW,
    Rule,
    Suite,
    accepted,
    between,
    not_null,
    unique,
)
from pipelines.schemas import DATASETS, UTC_TS, Dataset

# Key parts a platform leaves empty on purpose (see DECISIONLOG): lifetime insight values carry no
# end_time; LinkedIn's organisation total has no share; a channel_basic_a3 row may aggregate over
# any breakdown but date and channel.
NULLABLE_KEY_PARTS: dict[str, frozenset[str]] = {
    "facebook__post_insights": frozenset({"period", "end_time"}),
    "facebook__page_insights": frozenset({"period", "end_time"}),
    "instagram__media_insights": frozenset({"period", "end_time"}),
    "instagram__user_insights": frozenset({"period", "end_time"}),
    "linkedin__share_statistics": frozenset({"share_urn"}),
    "youtube__channel_basic_a3": frozenset(
        {"video_id", "live_or_on_demand", "subscribed_status", "country_code"}
    ),
    # GA4's `(not set)` is NULL: any dimension but the date may be unknown.
    "ga4__traffic": frozenset(
        {
            "session_source",
            "session_medium",
            "session_campaign_name",
            "session_manual_ad_content",
            "landing_page",
        }
    ),
}

# Integer columns that are not counters: message ids, and net daily follower changes.
SIGNED_INTEGERS = frozenset(
    {"message_id", "reply_to_message_id", "organic_follower_gain", "paid_follower_gain"}
)
# Insight values: all current metrics are counts, but the column holds whatever metric is requested.
# GA4 revenue nets refunds, so a day's total may legitimately be negative.
WARN_ONLY_NON_NEGATIVE = frozenset({"value", "total_revenue"})

# Enumerations: dataset name → column → (accepted values, severity).
ENUMS: dict[str, dict[str, tuple[list[str], str]]] = {
    # content_type and the Reels/feed split come from these; an unknown type is an API change.
    "instagram__media": {
        "media_type": (["IMAGE", "VIDEO", "CAROUSEL_ALBUM"], "error"),
        "media_product_type": (["AD", "FEED", "STORY", "REELS"], "error"),
    },
    # SoV is cut by platform and sentiment; the parser maps every label onto these.
    "listening__mentions": {
        "platform": (MENTION_PLATFORMS, "error"),
        "sentiment": (["positive", "neutral", "negative"], "error"),
    },
    # Open-ended API labels: new values are worth a look, not a stop.
    "facebook__posts": {
        "status_type": (
            [
                "added_photos",
                "added_video",
                "mobile_status_update",
                "shared_story",
                "created_event",
                "created_note",
                "published_story",
                "wall_post",
                "app_created_story",
                "tagged_in_photo",
            ],
            "warn",
        ),
    },
    "linkedin__posts": {
        "lifecycle_state": (
            ["PUBLISHED", "DRAFT", "PUBLISH_REQUESTED", "PUBLISH_FAILED", "PROCESSING", "PROCESSING_FAILED"],
            "warn",
        ),
        "visibility": (["PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"], "warn"),
    },
    "youtube__channel_basic_a3": {
        "live_or_on_demand": (["live", "on_demand", "LIVE", "ON_DEMAND"], "warn"),
        "subscribed_status": (["subscribed", "unsubscribed", "SUBSCRIBED", "UNSUBSCRIBED"], "warn"),
    },
    "telegram__export": {"message_type": (["message"], "warn")},
}
for _name in (
    "facebook__post_insights",
    "facebook__page_insights",
    "instagram__media_insights",
    "instagram__user_insights",
):
    ENUMS[_name] = {"period": (["day", "week", "days_28", "month", "lifetime", "total_over_range"], "warn")}


def _schema_rules(dataset: Dataset) -> list[Rule]:
    return [
        Rule(
            "ExpectTableColumnsToMatchOrderedList",
            {"column_list": list(dataset.schema.names())},
            SCHEMA,
            why="the columns dbt's sources declare, in contract order",
        ),
    ]


def _not_null_rules(dataset: Dataset) -> list[Rule]:
    nullable = NULLABLE_KEY_PARTS.get(dataset.name, frozenset())
    keys = [c for c in dataset.key if c not in nullable]
    return [
        *(not_null(c, "part of the dataset key") for c in keys),
        not_null("fetched_at", "orders the snapshots"),
    ]


def _time_rules(dataset: Dataset) -> list[Rule]:
    rules = []
    for name, dtype in {**dataset.columns, "fetched_at": UTC_TS}.items():
        if dtype == UTC_TS:
            rules.append(
                between(
                    name,
                    TIME_WINDOW,
                    min_value=EARLIEST,
                    max_value=LATEST,
                    why="2004..2100; outside is an epoch-unit or zone mix-up",
                )
            )
        elif dtype == pl.Date():
            rules.append(
                between(name, TIME_WINDOW, min_value=EARLIEST[:10], max_value=LATEST[:10], why="2004..2100")
            )
    return rules


def _counter_rules(dataset: Dataset) -> list[Rule]:
    rules = []
    for name, dtype in dataset.columns.items():
        if dtype == pl.Int64() and name not in SIGNED_INTEGERS:
            rules.append(between(name, NON_NEGATIVE, min_value=0, why="a platform counter is never negative"))
        elif dtype == pl.Float64():
            severity = "warn" if name in WARN_ONLY_NON_NEGATIVE else "error"
            rules.append(
                between(name, NON_NEGATIVE, min_value=0, severity=severity, why="a measure, never negative")
            )
    return rules


def _enum_rules(dataset: Dataset) -> list[Rule]:
    return [
        accepted(column, values, severity, why="accepted values")  # type: ignore[arg-type]
        for column, (values, severity) in ENUMS.get(dataset.name, {}).items()
    ]


ROWS_EXPECTED = "rows_expected"


def accounting_rule() -> Rule:
    return Rule(
        "ExpectTableRowCountToEqual",
        {"value": {"$PARAMETER": ROWS_EXPECTED}},
        ACCOUNTING,
        why="records read = rows loaded + records quarantined + duplicates collapsed",
    )


def accounting_parameters(
    records_read: int, records_quarantined: int, duplicates_collapsed: int, rows_sampled_out: int = 0
) -> dict[str, int]:
    """The row count the batch must have if the ingest accounting holds (sampled-out rows excepted)."""
    return {ROWS_EXPECTED: records_read - records_quarantined - duplicates_collapsed - rows_sampled_out}


def raw_suite(dataset: Dataset) -> Suite:
    """The rules a parsed lake dataset must satisfy before dbt may read it."""
    rules = [
        *_schema_rules(dataset),
        *_not_null_rules(dataset),
        unique([*dataset.key, "fetched_at"], "duplicate captures collapse to one row per key and fetch time"),
        *_time_rules(dataset),
        *_counter_rules(dataset),
        *_enum_rules(dataset),
        accounting_rule(),
    ]
    return Suite(
        name=f"raw.{dataset.name}",
        stage="raw",
        asset_key=("lake", dataset.platform, dataset.entity),
        rules=tuple(rules),
        sample_key=(*dataset.key, "fetched_at"),
        description=f"Great Expectations raw suite for lake/{dataset.platform}/{dataset.entity}: schema, "
        "non-null keys, unique key per capture, plausible times, non-negative counters, accepted values.",
        family_checks={ACCOUNTING: "records_reconcile"},
    )


RAW_SUITES: dict[str, Suite] = {d.name: raw_suite(d) for d in DATASETS}
