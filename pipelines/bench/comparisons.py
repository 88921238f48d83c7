"""The issue-14 comparisons as text for `smm bench`: marginal cost, the dlt peer, dbt's overhead.

Each is printed with the figures it is computed from, so a reader can redo the division.
"""

from __future__ import annotations

from typing import Any

# Issue 14's targets for these figures (scale 70 × 90 days); any scale prints them for orientation.
MARGINAL_TARGET = 8.0  # marginal cost of the whole run ≤ 8× the floor's for the same bytes
INGEST_FLOOR_TARGET = 4.0  # ingest stage ≤ 4× the floor, CPU seconds


def _verdict(value: float | None, limit: float, strict: bool = False) -> str:
    if value is None:
        return "not measured"
    if value <= 0:  # the bigger scale's delta came out negative: smaller than the runs' noise
        return "not measurable: the difference is below the runs' noise"
    met = value < limit if strict else value <= limit
    return "met" if met else f"MISSED by {value / limit:.2f}×"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def marginal_lines(m: dict[str, Any]) -> list[str]:
    if "skipped" in m:
        return [f"  marginal cost: not measured ({m['skipped']})"]
    return [
        f"  marginal cost, scale {m['small_scale']} → {m['big_scale']} (same days, seed): "
        f"+{m['extra_mb']:.1f} MB of captures; the floor's cost for them {m['floor_extra_seconds']:.3f}s wall / "
        f"{m['floor_extra_cpu_seconds']:.3f}s CPU",
        f"    whole run  {m['run_wall_seconds']:+.1f}s wall / {m['run_cpu_seconds']:+.1f}s CPU = "
        f"{_ratio(m['run_over_floor'])} / {_ratio(m['run_over_floor_cpu'])} the floor's  "
        f"(target ≤ {MARGINAL_TARGET:g}×: {_verdict(m['run_over_floor'], MARGINAL_TARGET)})",
        f"    ingest     {m['ingest_wall_seconds']:+.1f}s wall / {m['ingest_cpu_seconds']:+.1f}s CPU = "
        f"{_ratio(m['ingest_over_floor'])} / {_ratio(m['ingest_over_floor_cpu'])} the floor's",
    ]


def peer_lines(peer: dict[str, Any], ratios: dict[str, Any], full: dict[str, Any]) -> list[str]:
    if not peer.get("success"):
        return ["  peer (dlt): FAILED, see its log in the bench work dir"]
    ingest_cpu = sum(s["cpu_seconds"] for s in full["stages"] if s["stage"].startswith("ingest "))
    return [
        f"  peer: dlt {peer['dlt']} loading the {peer['files']} .jsonl captures ({peer['mb']:.1f} MB, "
        f"{peer['lines_skipped']} malformed lines skipped) into DuckDB from {peer.get('loader_file_format', 'insert_values')} "
        f"load files, normalised: {peer['tables']} tables "
        f"({peer['child_tables']} child), {peer['rows_all_tables']:,} rows",
        f"    dlt {peer['seconds']:.1f}s wall / {peer['cpu_seconds']:.1f}s CPU (its process: "
        f"{peer['process_wall_seconds']:.1f}s with imports, peak RSS {peer['peak_rss_mb']:.0f} MB); our ingest "
        f"{full['ingest_seconds']:.1f}s wall / {ingest_cpu:.1f}s CPU",
        f"    ours ÷ dlt = {_ratio(ratios['ingest_over_dlt'])} wall / {_ratio(ratios['ingest_over_dlt_cpu'])} CPU  "
        f"(target < 1, faster than dlt: {_verdict(ratios['ingest_over_dlt_cpu'], 1.0, strict=True)} by CPU)",
    ]


def dbt_sql_lines(d: dict[str, Any]) -> list[str]:
    if "skipped" in d:
        return [f"  dbt overhead: not measured ({d['skipped']})"]
    kinds = d["by_kind"]
    lines = [
        f"  dbt overhead: the dbt step {d['dbt_wall_seconds']:.1f}s wall (dbt's own elapsed "
        f"{d['dbt_elapsed_seconds']:.1f}s; node-seconds {d['dbt_node_seconds']:.1f}); the same {d['nodes']} "
        f"statements ({kinds['seed']} seeds, {kinds['model']} models, {kinds['test']} tests) in one DuckDB "
        f"connection: {d['seconds']:.2f}s wall / {d['cpu_seconds']:.2f}s CPU, {d['failing_tests']} failing tests",
        f"    dbt ÷ raw SQL = {_ratio(d['dbt_over_raw'])} (dbt's elapsed ÷ raw = {_ratio(d['dbt_elapsed_over_raw'])}); "
        f"overhead {d['overhead_per_node_s']:.3f}s per node (node-seconds over raw: "
        f"{d['node_overhead_per_node_s']:.3f}s per node)",
    ]
    return lines + [
        f"      {n['unique_id']:55} dbt {n['dbt_seconds']:.2f}s, raw {n['seconds']:.2f}s"
        for n in d["largest_node_overheads"]
    ]


def comparison_lines(result: dict[str, Any]) -> list[str]:
    """The section `format_report` appends; empty when none of the three scenarios ran."""
    lines: list[str] = []
    if "marginal" in result:
        lines += marginal_lines(result["marginal"])
    if "peer" in result:
        lines += peer_lines(result["peer"], result["ratios"], result["runs"]["full"])
    if "dbt_sql" in result:
        lines += dbt_sql_lines(result["dbt_sql"])
    ingest_cpu = result["ratios"].get("ingest_over_floor_cpu")
    if lines and ingest_cpu is not None:
        lines.append(
            f"  ingest stage ÷ floor (CPU s) {ingest_cpu:.2f}×  "
            f"(target ≤ {INGEST_FLOOR_TARGET:g}×: {_verdict(ingest_cpu, INGEST_FLOOR_TARGET)})"
        )
    return ["", "issue 14 comparisons (same invocation):", *lines] if lines else []
