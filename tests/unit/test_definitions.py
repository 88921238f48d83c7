"""The code location loads, and its lineage is what we reviewed.

Every asset key, asset check, job and schedule is compared with a committed snapshot so that an
accidental lineage change shows up in review. To accept a deliberate change:
    SMM_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/unit/test_definitions.py
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipelines.schemas import DATASETS

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.txt"


def _describe(defs: dg.Definitions) -> str:
    graph = defs.resolve_asset_graph()
    lines = [
        f"asset {k.to_user_string()}"
        + (f" [{graph.get(k).partitions_def}]" if graph.get(k).partitions_def else "")
        for k in sorted(graph.get_all_asset_keys())
    ]
    lines += [f"check {c.asset_key.to_user_string()}:{c.name}" for c in sorted(graph.asset_check_keys)]
    lines += [
        f"job {j.name}"
        for j in sorted(defs.resolve_all_job_defs(), key=lambda j: j.name)
        if not j.name.startswith("__")
    ]
    lines += [f"schedule {s.name}" for s in sorted(defs.schedules or [], key=lambda s: s.name)]
    lines += [f"sensor {s.name}" for s in sorted(defs.sensors or [], key=lambda s: s.name)]
    return "\n".join(lines) + "\n"


def test_code_location_matches_snapshot() -> None:
    from pipelines.definitions import defs

    described = _describe(defs)
    if os.environ.get("SMM_UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(described)
    assert described == SNAPSHOT.read_text()


def test_lineage_runs_ingest_to_dbt_to_publish() -> None:
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    for dataset in DATASETS:
        key = dg.AssetKey(["lake", dataset.platform, dataset.entity])
        children = {c.to_user_string() for c in graph.get(key).child_keys}
        assert any(c.startswith(f"warehouse/stg_{dataset.platform}__") for c in children), (key, children)
    published = graph.get(dg.AssetKey(["warehouse", "published"]))
    parents = {p.to_user_string() for p in published.parent_keys}
    assert {"warehouse/fct_engagement_daily", "warehouse/fct_share_of_voice_daily"} <= parents
