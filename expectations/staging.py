"""Staging stage: the conformed cross-platform tables the marts are built from.

dbt tests already pin these tables' keys; the GX suites restate the grain and add the value rules a
mart silently inherits (a negative lifetime counter, a post from 1970, a platform nobody maps).
Only materialised tables are validated: the intermediate views would be recomputed from the lake
just to be checked.
"""

from __future__ import annotations

from expectations import (
    EARLIEST,
    LATEST,
    MENTION_PLATFORMS,
    NON_NEGATIVE,
    OWN_PLATFORMS,
    TIME_WINDOW,
    Rule,
    Suite,
    accepted,
    between,
    not_null,
    unique,
)

POST_METRICS = ("likes", "comments", "shares", "saves", "clicks", "views", "impressions", "reach")


def _window(column: str) -> Rule:
    return between(column, TIME_WINDOW, min_value=EARLIEST, max_value=LATEST, why="2004..2100")


def _staging(table: str, grain: tuple[str, ...], rules: list[Rule], description: str) -> Suite:
    return Suite(
        name=f"staging.{table}",
        stage="staging",
        asset_key=("warehouse", table),
        rules=(*(not_null(c, "grain column") for c in grain), unique(grain, "one row per grain"), *rules),
        sample_key=grain,
        sql=f"select * from intermediate.{table}",
        description=description,
    )


STAGING_SUITES: tuple[Suite, ...] = (
    _staging(
        "int_post_metric_snapshots",
        ("platform", "post_id", "fetched_at"),
        [
            accepted("platform", OWN_PLATFORMS),
            not_null("brand_id", "every tracked post belongs to a brand"),
            *(
                between(m, NON_NEGATIVE, min_value=0, why="lifetime counter as of the snapshot")
                for m in POST_METRICS
            ),
        ],
        "Great Expectations staging suite: one row per post per snapshot, lifetime counters never negative.",
    ),
    _staging(
        "int_posts",
        ("platform", "post_id"),
        [
            accepted("platform", OWN_PLATFORMS),
            not_null("account_id", "the publishing account"),
            not_null("brand_id", "every tracked post belongs to a brand"),
            _window("published_at"),
            Rule(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                {
                    "column_A": "last_fetched_at",
                    "column_B": "first_fetched_at",
                    "or_equal": True,
                    "ignore_row_if": "either_value_is_missing",
                },
                TIME_WINDOW,
                why="last capture not before first",
            ),
        ],
        "Great Expectations staging suite: one row per post, attributed to an account and a brand.",
    ),
    _staging(
        "int_mentions",
        ("mention_id",),
        [
            accepted("platform", MENTION_PLATFORMS, why="SoV is cut by these platforms"),
            accepted("tool_sentiment", ["positive", "neutral", "negative"]),
            _window("published_at"),
            *(
                between(c, NON_NEGATIVE, min_value=0, why="a count")
                for c in (
                    "author_followers",
                    "likes",
                    "comments",
                    "shares",
                    "saves",
                    "views",
                    "tool_reach",
                    "tool_engagements",
                )
            ),
        ],
        "Great Expectations staging suite: one row per mention, platform and sentiment in the accepted sets.",
    ),
)
