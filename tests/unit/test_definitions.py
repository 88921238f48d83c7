"""The code location loads, and its lineage is what we reviewed.

Every asset (group, upstream deps, partitioned or not), asset check, job (with its steps), schedule,
sensor and resource key is compared with the committed syrupy snapshot in
__snapshots__/test_definitions.ambr, so an accidental lineage change shows up in review and a missing
snapshot fails. To accept a deliberate change, regenerate it and commit the diff:
    .venv/bin/pytest tests/unit/test_definitions.py --snapshot-update
"""

from __future__ import annotations

import dagster as dg

from pipelines.schemas import DATASETS

UPDATE_HINT = (
    "The code location differs from tests/unit/__snapshots__/test_definitions.ambr (or that snapshot is "
    "missing). If the change is deliberate: .venv/bin/pytest tests/unit/test_definitions.py "
    "--snapshot-update, then review and commit the snapshot diff."
)


def _describe(defs: dg.Definitions) -> str:
    """One line per definition, sorted; an asset's deps are indented under it."""
    graph = defs.resolve_asset_graph()
    lines: list[str] = []
    for key in sorted(graph.get_all_asset_keys()):
        node = graph.get(key)
        partitioned = "partitioned" if node.partitions_def else "unpartitioned"
        lines.append(f"asset {key.to_user_string()}  group={node.group_name}  {partitioned}")
        lines += [f"    dep {parent.to_user_string()}" for parent in sorted(node.parent_keys)]
    lines += [f"check {c.asset_key.to_user_string()}:{c.name}" for c in sorted(graph.asset_check_keys)]
    for job in sorted(defs.resolve_all_job_defs(), key=lambda j: j.name):
        if job.name.startswith("__"):  # Dagster's implicit asset job, not ours
            continue
        lines.append(f"job {job.name}")
        lines += [f"    step {name}" for name in sorted(node.name for node in job.graph.nodes)]
    for name in sorted(s.name for s in defs.schedules or []):
        schedule = defs.resolve_schedule_def(name)
        lines.append(f"schedule {name} -> {schedule.job_name}  cron={schedule.cron_schedule!r}")
    for name in sorted(s.name for s in defs.sensors or []):
        sensor = defs.resolve_sensor_def(name)
        lines.append(f"sensor {name} -> {sensor.job_name}  default={sensor.default_status.value}")
    lines += [f"resource {name}" for name in sorted(defs.resources or {})]
    return "\n".join(lines) + "\n"


def test_code_location_matches_snapshot(snapshot) -> None:
    from pipelines.definitions import defs

    assert _describe(defs) == snapshot, UPDATE_HINT


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
