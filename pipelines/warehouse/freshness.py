"""How old the numbers analysts read may get before the UI flags them.

Captures land daily around 06:00 UTC and smm_daily runs at 06:30 UTC, so a healthy mart is at most
~24 h old plus a run. Warn after 26 h (one daily run was missed or is late), fail after 30 h (the
morning's numbers are not there and someone should look). Applied to the marts and the published
warehouse, the assets people read; staging and intermediate models are views or steps on the way.
"""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

DAILY_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=30), warn_window=timedelta(hours=26)
)
FRESHNESS_GROUPS = ("marts", "publish")
