"""Marts stage: the business rules a published table must satisfy. Errors block the publish step.

Rates are fractions. Where a rate is bounded by definition (a share of a whole, responded out of
inbound) the bound is an error. Where a platform can legitimately exceed it, the bound is a warning
and the exception is documented here and in DECISIONLOG.md:

- engagement rates per post (by followers, reach, impressions, views) may pass 1: a viral post on a
  small account gets more engagements than it has followers, and one reached person can like,
  comment, share and save. Negative is an error (lifetime counters).
- daily rates in fct_engagement_daily are ratios of net deltas: unlikes and deleted comments make
  them slightly negative, a viral day lifts them above 1. Outside [-1, 1] is a warning.
- follower_growth_rate below -1 is impossible (an error); above 1 is allowed (growth from a tiny base).
- pct_of_target has no upper bound (a goal can be beaten).
- fct_alerts has no row-count floor: fewer alerts than the last publication is a quiet period.
- GA4 key events count events, not converting sessions: a session can hold several, so conversions
  above sessions (conversion_rate above 1) is a warning; engaged sessions are a subset of sessions (an
  error). click_to_session_rate may pass 1 (a link shared on is visited without a click on the post).
- fct_social_traffic_daily's `campaign` is part of its grain and NULL where GA4 says (not set).

Every mart also restates its grain (no duplicates) and must not shrink against the current
publication by more than SMM_MAX_ROW_DROP (default 0.5): the suite parameter `min_rows` is filled
from the published Parquet file at validation time, less the rows a sample left out when the table has
more than SMM_GX_MAX_ROWS (the floor is on the table; the check counts the batch).
"""

from __future__ import annotations

from expectations import (
    MENTION_PLATFORMS,
    NON_NEGATIVE,
    OWN_PLATFORMS,
    RATE_BOUNDS,
    REACH_LE_IMPRESSIONS,
    ROW_COUNT,
    SUMS_TO_ONE,
    Rule,
    Suite,
    a_at_least_b,
    accepted,
    between,
    not_null,
    unique,
)

MIN_ROWS = "min_rows"
SUM_TOLERANCE = 1e-6  # floating-point sums of fractions


def _rate(
    column: str,
    *,
    low: float | None = 0.0,
    high: float | None = 1.0,
    severity: str = "error",
    why: str = "a fraction",
) -> Rule:
    return between(column, RATE_BOUNDS, min_value=low, max_value=high, severity=severity, why=why)  # type: ignore[arg-type]


def _row_count_floor() -> Rule:
    return Rule(
        "ExpectTableRowCountToBeBetween",
        {"min_value": {"$PARAMETER": MIN_ROWS}},
        ROW_COUNT,
        why="the table must not collapse against the current publication (SMM_MAX_ROW_DROP)",
    )


def _sums_to_one(column: str) -> Rule:
    return between(
        column,
        SUMS_TO_ONE,
        min_value=1 - SUM_TOLERANCE,
        max_value=1 + SUM_TOLERANCE,
        why="shares of one set, platform and date add up to 1",
    )


def _mart(
    table: str,
    grain: tuple[str, ...],
    rules: list[Rule],
    sql: str | None = None,
    *,
    row_floor: bool = True,
    nullable: tuple[str, ...] = (),
) -> Suite:
    """`nullable`: grain columns where NULL is a value (an unknown campaign), not a missing key."""
    return Suite(
        name=f"marts.{table}",
        stage="marts",
        asset_key=("warehouse", table),
        rules=(
            *(not_null(c, "grain column") for c in grain if c not in nullable),
            unique(grain, "no duplicate grain"),
            *((_row_count_floor(),) if row_floor else ()),
            *rules,
        ),
        sample_key=grain,
        sql=sql or f"select * from marts.{table}",
        description=f"Great Expectations marts suite for {table}: grain, row count against the previous "
        "publication, business rules.",
    )


_POST_RATES = (
    "engagement_rate_by_followers",
    "engagement_rate_by_reach",
    "engagement_rate_by_impressions",
    "engagement_rate_by_views",
)
_DAILY_RATES = (
    "engagement_rate_by_followers",
    "amplification_rate",
    "virality_rate",
    "applause_rate",
    "conversation_rate",
)
_POST_COUNTERS = (
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "views",
    "impressions",
    "reach",
    "engagements",
)

# Share of voice: each share's sum over the set's brands for the same platform and date, NULL where
# the set has nothing to share (no mentions, or every engagement / reach figure unknown).
_SOV_SQL = """
select
    *,
    case when sum(mentions) over grp > 0 then sum(sov_mentions) over grp end as sov_mentions_set_total,
    case when count(sov_engagement) over grp > 0 then sum(sov_engagement) over grp end as sov_engagement_set_total,
    case when count(sov_reach) over grp > 0 then sum(sov_reach) over grp end as sov_reach_set_total
from marts.fct_share_of_voice_daily
window grp as (partition by competitor_set_id, platform, date)
"""

MART_SUITES: tuple[Suite, ...] = (
    _mart("dim_brands", ("brand_id",), [not_null("is_own", "own or competitor")]),
    _mart(
        "dim_accounts",
        ("platform", "account_id"),
        [accepted("platform", OWN_PLATFORMS), not_null("brand_id", "every account has a brand")],
    ),
    _mart(
        "dim_posts",
        ("platform", "post_id"),
        [accepted("platform", OWN_PLATFORMS), not_null("brand_id", "every post has a brand")],
    ),
    _mart(
        "fct_post_performance",
        ("platform", "post_id"),
        [
            *(between(c, NON_NEGATIVE, min_value=0, why="lifetime counter") for c in _POST_COUNTERS),
            between("followers_at_publish", NON_NEGATIVE, min_value=0, why="followers are never negative"),
            a_at_least_b(
                "impressions",
                "reach",
                REACH_LE_IMPRESSIONS,
                why="unique accounts reached cannot exceed impressions",
            ),
            *(_rate(c, high=None, why="lifetime engagements over a positive base") for c in _POST_RATES),
            *(
                _rate(c, low=None, severity="warn", why="may exceed 1 (viral post, small account)")
                for c in _POST_RATES
            ),
        ],
    ),
    _mart(
        "fct_engagement_daily",
        ("platform", "account_id", "date"),
        [
            between("posts_published", NON_NEGATIVE, min_value=0, why="a count"),
            between("followers", NON_NEGATIVE, min_value=0, why="followers are never negative"),
            *(
                _rate(
                    c,
                    low=-1.0,
                    severity="warn",
                    why="net daily deltas: slightly negative or above 1 is possible",
                )
                for c in _DAILY_RATES
            ),
        ],
    ),
    _mart(
        "fct_community_daily",
        ("platform", "account_id", "date"),
        [
            between("followers", NON_NEGATIVE, min_value=0, why="followers are never negative"),
            between("followers_lost", NON_NEGATIVE, min_value=0, why="a count of lost followers"),
            _rate("follower_growth_rate", low=-1.0, high=None, why="cannot lose more than every follower"),
        ],
    ),
    _mart(
        "fct_brand_community_daily",
        ("brand_id", "date"),
        [
            between("followers", NON_NEGATIVE, min_value=0, why="followers are never negative"),
            between("accounts_reporting", NON_NEGATIVE, min_value=0, why="a count"),
            _rate("follower_growth_rate", low=-1.0, high=None, why="cannot lose more than every follower"),
        ],
    ),
    _mart(
        "fct_share_of_voice_daily",
        ("competitor_set_id", "brand_id", "platform", "date"),
        [
            accepted("platform", [*MENTION_PLATFORMS, "all"]),
            *(
                between(c, NON_NEGATIVE, min_value=0, why="a count")
                for c in ("mentions", "positive_mentions", "neutral_mentions", "negative_mentions")
            ),
            *(_rate(c, why="a share of the set") for c in ("sov_mentions", "sov_engagement", "sov_reach")),
            *(
                _rate(c, low=-1.0, why="(positive - negative) over a count that includes both")
                for c in ("net_sentiment", "net_sentiment_all")
            ),
            *(
                _sums_to_one(c)
                for c in ("sov_mentions_set_total", "sov_engagement_set_total", "sov_reach_set_total")
            ),
        ],
        sql=_SOV_SQL,
    ),
    _mart(
        "fct_response_daily",
        ("platform", "account_id", "date"),
        [
            between("inbound", NON_NEGATIVE, min_value=0, why="a count"),
            a_at_least_b("inbound", "responded", RATE_BOUNDS, why="responded items are a subset of inbound"),
            _rate("response_rate", why="responded / inbound"),
            between(
                "first_response_minutes_median", NON_NEGATIVE, min_value=0, why="a reply follows its item"
            ),
        ],
    ),
    _mart(
        "fct_goal_progress",
        ("brand_id", "platform", "metric", "start_date", "end_date"),
        [_rate("pct_of_target", high=None, why="actual over a positive target; may pass 1")],
    ),
    _mart(
        "fct_mentions",
        ("mention_id", "brand_id"),
        [
            accepted("sentiment", ["positive", "neutral", "negative"], why="the three sentiment labels"),
            *(between(c, NON_NEGATIVE, min_value=0, why="a count") for c in ("reach", "engagements")),
        ],
    ),
    # No row floor: a quiet period legitimately has fewer alerts (or none) than the last publication.
    _mart(
        "fct_alerts",
        ("alert_id",),
        [
            accepted(
                "kind",
                ["negative_wave", "mention_spike", "follower_drop", "response_slump"],
                why="the four rules of domain.md",
            ),
            accepted("severity", ["warning", "critical"], why="the two severities"),
        ],
        row_floor=False,
    ),
    _mart(
        "fct_social_traffic_daily",
        ("brand_id", "platform", "campaign", "is_paid", "date"),
        [
            accepted("platform", OWN_PLATFORMS),
            *(between(c, NON_NEGATIVE, min_value=0, why="a count") for c in ("sessions", "new_users")),
            a_at_least_b("sessions", "engaged_sessions", RATE_BOUNDS, why="engaged sessions are sessions"),
            a_at_least_b(
                "sessions",
                "conversions",
                RATE_BOUNDS,
                severity="warn",
                why="a session may hold several key events",
            ),
            _rate("engaged_session_rate", why="engaged_sessions / sessions"),
            _rate(
                "conversion_rate", severity="warn", why="key events per session; several per session possible"
            ),
            _rate("social_share_of_sessions", why="a part of the site's sessions"),
        ],
        nullable=("campaign",),
    ),
    _mart(
        "fct_post_conversions",
        ("platform", "post_id"),
        [
            accepted("platform", OWN_PLATFORMS),
            between("sessions", NON_NEGATIVE, min_value=0, why="a count"),
            a_at_least_b("sessions", "engaged_sessions", RATE_BOUNDS, why="engaged sessions are sessions"),
            _rate(
                "conversion_rate", severity="warn", why="key events per session; several per session possible"
            ),
            _rate("click_to_session_rate", high=None, why="sessions over clicks; may pass 1 (shared links)"),
        ],
    ),
)
