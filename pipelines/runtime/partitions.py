"""Daily fetch-date partitions of the ingest assets, and how a run's partitions become what it re-parses.

Partition `D` of `lake/<platform>/<entity>` is the landing files fetched on day `D` (the date in the
file name) and the lake's `fetch_date=D` folder they feed. Materialising a partition range parses
the files of those days again, even when the parse cache has them (a backfill), and brings the whole
dataset up to date as any run does: files of other days that are new or changed are parsed too, the
rest come from the cache. So a run without a partition (`smm run`, the landing sensor) and a run
of a range (the Dagster backfill UI, `smm run --since/--until`, the daily schedule) differ only in
which files they force.

Pure functions, so the rules have unit tests without a Dagster instance, and deciding a plan
(`smm run --if-changed`) never imports Dagster; the partitions definition is in defs/ingest/partitions.py.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date

from pipelines.runtime.run_options import RunOptions

FIRST_FETCH_DATE_ENV = "SMM_FIRST_FETCH_DATE"
# Early enough for the history a brand's extractors usually hold; SMM_FIRST_FETCH_DATE for older.
DEFAULT_FIRST_FETCH_DATE = "2024-01-01"
# Dagster's range tags: what the backfill UI (single-run policy) and `smm run --since/--until` set.
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
PARTITION_TAG = "dagster/partition"


def first_fetch_date() -> date:
    raw = os.environ.get(FIRST_FETCH_DATE_ENV) or DEFAULT_FIRST_FETCH_DATE
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{FIRST_FETCH_DATE_ENV}={raw!r} is not a date; use YYYY-MM-DD") from None


def reparse_options(tag_options: RunOptions, partition_range: tuple[str, str] | None) -> RunOptions:
    """What an ingest step parses again: the run's `smm/*` tags, widened by its partition range.

    A run can carry both (`smm run --since/--until` sets the two, with the same dates); when the
    two disagree, their union is parsed again, so asking for a day in either way is never ignored.
    """
    if partition_range is None or tag_options.full_refresh:
        return tag_options
    start, end = (date.fromisoformat(key) for key in partition_range)
    if not tag_options.has_range:
        return RunOptions(since=start, until=end)
    since = None if tag_options.since is None else min(tag_options.since, start)
    until = None if tag_options.until is None else max(tag_options.until, end)
    return RunOptions(since=since, until=until)


def partition_range(tags: Mapping[str, str]) -> tuple[str, str] | None:
    """The fetch-date partitions a run materialises, from its tags (a range, or a single partition)."""
    if tags.get(RANGE_START_TAG) and tags.get(RANGE_END_TAG):
        return tags[RANGE_START_TAG], tags[RANGE_END_TAG]
    if tags.get(PARTITION_TAG):
        return tags[PARTITION_TAG], tags[PARTITION_TAG]
    return None


def options_for_run(tags: Mapping[str, str]) -> RunOptions:
    """What a run re-parses: its `smm/*` tags widened by its partitions. The one place tags become options."""
    return reparse_options(RunOptions.from_tags(tags), partition_range(tags))


def partition_range_tags(options: RunOptions, *, today: date, first: date | None = None) -> dict[str, str]:
    """Dagster range tags for a CLI date range, so its ingest partitions show as materialised.

    An open end means the first or the last partition (today). A range reaching outside the
    partitions (before the first fetch date, or after today) gets no tags: the `smm/since` and
    `smm/until` tags still re-parse it, Dagster just has no partitions to mark.
    """
    if options.full_refresh or not options.has_range:
        return {}
    first = first or first_fetch_date()
    start = options.since or first
    end = options.until or today
    if start < first or end > today or start > end:
        return {}
    return {RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat()}
