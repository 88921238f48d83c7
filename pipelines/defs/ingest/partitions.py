"""The ingest assets' daily fetch-date partitions (the rules for what they mean: runtime/partitions.py)."""

from __future__ import annotations

import dagster as dg

from pipelines.runtime.partitions import first_fetch_date

# end_offset=1: today's partition exists from midnight UTC, as the 06:00 captures are fetched today.
FETCH_DATE_PARTITIONS = dg.DailyPartitionsDefinition(
    start_date=first_fetch_date().isoformat(), timezone="UTC", end_offset=1
)
