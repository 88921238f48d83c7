"""The run plan: what a run must do, decided once, from the inputs' fingerprint (inputs.py).

`plan_run(previous, current, options)` compares what the publication was built from with what the
landing, brands.yml, the key and the code are now, and says:
- which landing files are new or changed (parsed; every other file's parse comes from the parse
  cache), and which are parsed again whatever the cache holds (a full refresh, a `--since/--until`
  range or a partition backfill);
- how dbt builds: in full, with the reason, or incrementally over a window of fetch dates;
- or that there is nothing to do (the sensor and `smm run --if-changed` then start nothing).

Every entry point (the CLI, the schedule, the sensor, the UI, a backfill) runs the same job, whose run
guard takes the lock and computes this plan once (defs/resources.py); steps read it from there.
Pure functions only: the rules have unit tests without files or Dagster.

The incremental window is the fetch dates in the names of the new or changed landing files (the
contract puts the fetch time in every name), the next day included because an extraction that starts
before midnight may receive its last pages after it. `confirm_window` checks that window against the
lake partitions that really changed after ingest and widens it if a file held rows of other dates.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from pipelines.runtime.inputs import RunInputs
from pipelines.runtime.run_options import RunOptions, landing_file_date

UNPARTITIONED = "-"  # lake files outside fetch_date folders (config tables)
BRANDS_PLATFORM = "config"  # lake/config/<table>: the config tables ingest parses from brands.yml


@dataclass(frozen=True)
class DbtPlan:
    mode: Literal["full", "incremental"]
    reason: str
    # Fetch dates an incremental build replaces; None: no fetch date changed.
    window: tuple[date, date] | None = None
    # brands.yml differs from the publication's: the incremental models that read it are rebuilt in full
    # (build_state.py `incremental_relations`), the others stay incremental.
    brands_changed: bool = False

    @property
    def incremental(self) -> bool:
        return self.mode == "incremental"

    def describe(self) -> str:
        if not self.incremental:
            return f"full dbt build: {self.reason}"
        brands = "; brands.yml changed: the incremental models that read it rebuilt in full"
        note = brands if self.brands_changed else ""
        if self.window is None:
            return f"incremental dbt build: {self.reason}{note}"
        first, last = self.window
        return f"incremental dbt build of fetch dates {first}..{last}: {self.reason}{note}"


@dataclass(frozen=True)
class RunPlan:
    dbt: DbtPlan
    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    # Landing files parsed again even when the parse cache has their content.
    forced: frozenset[str] = field(default_factory=frozenset)
    nothing_to_do: bool = False

    @property
    def to_parse(self) -> frozenset[str]:
        """Files whose content the publication has not read, plus the forced ones."""
        return frozenset(self.new) | frozenset(self.changed) | self.forced

    def with_dbt(self, dbt: DbtPlan) -> RunPlan:
        """The same plan with its dbt build as the dbt step confirmed it."""
        return replace(self, dbt=dbt)

    def describe(self) -> str:
        if self.nothing_to_do:
            return "nothing to do: landing files, brands.yml, the key and the code are what the publication was built from"
        landing = (
            f"landing: {len(self.new)} new, {len(self.changed)} changed, {len(self.removed)} removed files"
        )
        if self.forced:
            landing += f", {len(self.forced)} parsed again on request"
        return f"{landing}; {self.dbt.describe()}"

    def to_json(self) -> str:
        window = self.dbt.window
        return json.dumps(
            {
                "nothing_to_do": self.nothing_to_do,
                "dbt": {
                    "mode": self.dbt.mode,
                    "reason": self.dbt.reason,
                    "window": [d.isoformat() for d in window] if window else None,
                    "brands_changed": self.dbt.brands_changed,
                },
                "new": list(self.new),
                "changed": list(self.changed),
                "removed": list(self.removed),
                "forced": sorted(self.forced),
            },
            indent=1,
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _first(names: Iterable[str]) -> str:
    names = sorted(names)
    return names[0] + (f" and {len(names) - 1} more" if len(names) > 1 else "")


def _full_reason(previous: RunInputs | None, current: RunInputs, options: RunOptions) -> str | None:
    """Why dbt must rebuild everything, or None when an incremental build is exact."""
    if options.full_refresh:
        return "a full refresh was asked for"
    if previous is None:
        return "no publication records what it was built from"
    if previous.code.get("dbt") != current.code.get("dbt"):
        return "the dbt project changed"
    if previous.code.get("parse") != current.code.get("parse"):
        return "the parser code changed (every landing file is parsed again)"
    if previous.pii != current.pii:
        return "the pseudonymisation key changed"
    # brands.yml is not here: the incremental staging tables read their lake source only; the incremental
    # models that read it are rebuilt in full when it changed (DbtPlan.brands_changed), and every other
    # model that reads it is rebuilt by every build anyway.
    return None


def plan_run(previous: RunInputs | None, current: RunInputs, options: RunOptions | None = None) -> RunPlan:
    """What this run does, from what the publication was built from (`previous`) and the inputs now."""
    options = options or RunOptions()
    before = previous.files if previous else {}
    new = tuple(sorted(set(current.files) - set(before)))
    changed = tuple(
        sorted(p for p in set(current.files) & set(before) if current.files[p].sha256 != before[p].sha256)
    )
    removed = tuple(sorted(set(before) - set(current.files)))
    parse_code_changed = previous is not None and previous.code.get("parse") != current.code.get("parse")
    if options.full_refresh or parse_code_changed:
        forced = frozenset(current.files)
    else:
        forced = frozenset(rel for rel in current.files if options.reparse(Path(rel)))
    if previous is not None and previous.digest == current.digest and not forced:
        return RunPlan(
            dbt=DbtPlan("incremental", "nothing changed since the publication"), nothing_to_do=True
        )
    reason = _full_reason(previous, current, options)
    if reason is None and removed:
        reason = f"landing file {_first(removed)} was removed"
    touched = set(new) | set(changed) | forced
    dates = {rel: landing_file_date(Path(rel)) for rel in touched}
    undated = [rel for rel, fetched in dates.items() if fetched is None]
    if reason is None and undated:
        reason = f"landing file {_first(undated)} has no fetch date in its name"
    plan = {"new": new, "changed": changed, "removed": removed, "forced": forced}
    if reason is not None:
        return RunPlan(dbt=DbtPlan("full", reason), **plan)
    brands_changed = previous is not None and previous.brands != current.brands
    if not touched:
        what = "brands.yml" if brands_changed else "code outside dbt"
        dbt = DbtPlan("incremental", f"no landing file changed ({what} did)", brands_changed=brands_changed)
        return RunPlan(dbt=dbt, **plan)
    known = sorted(d for d in dates.values() if d is not None)
    window = (known[0], known[-1] + timedelta(days=1))
    why = f"{len(new)} new and {len(changed)} changed landing files"
    if forced:
        why += f", {_count(len(forced), 'file')} parsed again on request"
    return RunPlan(dbt=DbtPlan("incremental", why, window, brands_changed=brands_changed), **plan)


def confirm_window(
    plan: DbtPlan,
    previous: Mapping[tuple[str, str], str],
    current: Mapping[tuple[str, str], str],
) -> DbtPlan:
    """The plan's dbt build checked against the lake partitions ingest really changed.

    Widens the window to a changed fetch date outside it (a file with rows of other days), and falls
    back to a full build when a partition disappeared or a file outside fetch_date folders changed:
    delete+insert by fetch date can only replace dates that still have rows. The config tables may
    change when the plan says brands.yml did: the models that read them are rebuilt in full anyway.
    """
    if not plan.incremental:
        return plan

    def expected(dataset: str) -> bool:
        # The config tables are brands.yml parsed: their change is the plan's brands_changed.
        return plan.brands_changed and dataset.split("/")[0] == BRANDS_PLATFORM

    removed = sorted(key for key in set(previous) - set(current) if not expected(key[0]))
    if removed:
        dataset, partition = removed[0]
        return DbtPlan("full", f"lake partition {dataset} {partition} disappeared")
    changed = [key for key, digest in current.items() if previous.get(key) != digest]
    undated = sorted(
        {dataset for dataset, partition in changed if partition == UNPARTITIONED and not expected(dataset)}
    )
    if undated:
        return DbtPlan("full", f"lake files outside fetch_date folders changed ({', '.join(undated)})")
    dates = sorted({date.fromisoformat(partition) for _, partition in changed if partition != UNPARTITIONED})
    if not dates:
        return plan
    first, last = plan.window or (dates[0], dates[-1])
    if dates[0] >= first and dates[-1] <= last:
        return plan
    wider = (min(first, dates[0]), max(last, dates[-1]))
    return replace(plan, reason=f"{plan.reason}; widened to the lake partitions that changed", window=wider)


def build_window(plan: DbtPlan) -> str:
    """The window the incremental models rebuild, as macro `in_build_window` reads it: "all",
    "none" or "<first>..<last>" (ISO dates)."""
    if not plan.incremental:
        return "all"
    if plan.window is None:
        return "none"
    first, last = plan.window
    return f"{first.isoformat()}..{last.isoformat()}"
