"""Chart and Markdown table of several `smm bench --json` results: time and memory against data size.

    python -m pipelines.bench.chart docs/benchmarks.png docs/bench/scale-*.json

Writes the PNG (matplotlib, Agg backend: no display needed) and prints the Markdown tables that
docs/benchmarks.md quotes. matplotlib is in the optional `bench` extra, not a runtime dependency.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pipelines.bench.scenarios import TARGETS

_RUNS = (
    ("full", "full run"),
    ("rerun", "re-run, unchanged data"),
    ("new-day", "one new day"),
    ("empty", "empty landing"),
)


def load(paths: list[Path]) -> list[dict[str, Any]]:
    """Results sorted by landing size."""
    return sorted((json.loads(p.read_text()) for p in paths), key=lambda r: r["landing"]["mb"])


def _wall(result: dict[str, Any], run: str, unit: str = "wall_seconds") -> float | None:
    return result["runs"][run][unit] if run in result["runs"] else None


def _time_panel(ax: Any, results: list[dict[str, Any]], unit: str, floor_unit: str, title: str) -> None:
    sizes = [r["landing"]["mb"] for r in results]
    for key, label in _RUNS:
        points = [(s, _wall(r, key, unit)) for s, r in zip(sizes, results, strict=True) if key in r["runs"]]
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", label=label)
    if unit == "wall_seconds":
        ingest = [r["runs"]["full"]["ingest_seconds"] for r in results]
        ax.plot(sizes, ingest, marker="s", ls="--", label="ingest steps (full run)")
    floor = [r["floor"][floor_unit] for r in results]
    ax.plot(sizes, floor, marker="^", color="black", label="floor (DuckDB)")
    limit = TARGETS["full_over_floor"]
    ax.plot(sizes, [limit * f for f in floor], ls=":", color="grey", label=f"target: {limit:g}× floor")
    ax.set(xlabel="raw landing data (MB)", ylabel=title, title=title, xscale="log", yscale="log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)


def chart(results: list[dict[str, Any]], out: Path) -> None:
    """Three panels against raw landing MB: wall seconds, CPU seconds (runs and floor), peak RSS."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["landing"]["mb"] for r in results]
    fig, (wall, cpu, memory) = plt.subplots(1, 3, figsize=(15, 4.5))
    _time_panel(wall, results, "wall_seconds", "seconds", "wall time (s)")
    _time_panel(cpu, results, "cpu_seconds", "cpu_seconds", "CPU time of the process tree (s)")
    for key, label in _RUNS:
        points = [
            (s, r["runs"][key]["peak_rss_mb"])
            for s, r in zip(sizes, results, strict=True)
            if key in r["runs"]
        ]
        if points:
            memory.plot(*zip(*points, strict=True), marker="o", label=label)
    memory.axhline(
        TARGETS["peak_rss_mb"], ls=":", color="grey", label=f"target: {TARGETS['peak_rss_mb'] / 1000:g} GB"
    )
    memory.set(
        xlabel="raw landing data (MB)",
        ylabel="peak RSS of the process tree (MB)",
        title="peak memory (MB)",
        xscale="log",
        ylim=(0, 4500),
    )
    memory.grid(True, which="both", alpha=0.3)
    memory.legend(fontsize=7)
    machine = results[-1]["machine"]
    fig.suptitle(
        f"smm bench, {results[-1]['params']['days']} days of captures, scales "
        f"{', '.join(str(r['params']['scale']) for r in results)}; {machine['cores']} cores, "
        f"{machine['memory_gb']} GB RAM",
        fontsize=10,
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)


def markdown(results: list[dict[str, Any]]) -> str:
    """The scale table (wall / CPU seconds), and the per-stage table of each scale's full run."""
    head = (
        "| scale | landing MB (.jsonl) | capture lines | lake rows | floor s wall / CPU | full run s wall / CPU | "
        "× floor wall / CPU | ingest s | dbt s | GX validation s | publish s | peak RSS MB | re-run s | one new day s | "
        "empty landing s |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        stages = {s["stage"]: s for s in r["runs"]["full"]["stages"]}
        full, floor = r["runs"]["full"], r["floor"]

        def both(run: str, res: dict[str, Any] = r) -> str:
            if run not in res["runs"]:
                return "–"
            return f"{res['runs'][run]['wall_seconds']:.0f} / {res['runs'][run]['cpu_seconds']:.0f}"

        def stage(name: str, st: dict[str, Any] = stages) -> str:
            return f"{st[name]['seconds']:.1f} / {st[name]['cpu_seconds']:.1f}" if name in st else "–"

        ingest_cpu = sum(s["cpu_seconds"] for n, s in stages.items() if n.startswith("ingest "))
        lines.append(
            f"| {r['params']['scale']} | {r['landing']['mb']:.0f} ({r['landing']['mb_jsonl']:.0f}) | "
            f"{r['landing']['lines']:,} | {r['lake']['rows']:,.0f} | "
            f"{floor['seconds']:.2f} / {floor['cpu_seconds']:.2f} | {both('full')} | "
            f"{full['wall_seconds'] / floor['seconds']:.0f}× / {full['cpu_seconds'] / floor['cpu_seconds']:.0f}× | "
            f"{full['ingest_seconds']:.1f} / {ingest_cpu:.1f} | {stage('dbt')} | {stage('validation')} | {stage('publish')} | "
            f"{max(run['peak_rss_mb'] for run in r['runs'].values()):.0f} | {both('rerun')} | "
            f"{both('new-day')} | {both('empty')} |"
        )
    lines += comparisons_markdown(results)
    for r in results:
        lines += [
            "",
            f"Stages of the full run at scale {r['params']['scale']} "
            f"(load average {r['machine']['loadavg_1m']:.1f} at start):",
            "",
            "| stage | wall s | CPU s | rows in | MB in | rows/s | MB/s | peak RSS MB |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for s in r["runs"]["full"]["stages"]:
            lines.append(
                f"| {s['stage'].strip()} | {s['seconds']:.2f} | {s['cpu_seconds']:.1f} | {s['rows']:,.0f} | "
                f"{s['mb']:.1f} | {s['rows_per_s']:,.0f} | {s['mb_per_s']:.1f} | {s['peak_rss_mb']:.0f} |"
            )
    return "\n".join(lines)


def _pair(value: float | None, other: float | None, fmt: str = ".1f", unit: str = "") -> str:
    if value is None or other is None:
        return "–"
    return f"{value:{fmt}}{unit} / {other:{fmt}}{unit}"


def comparisons_markdown(results: list[dict[str, Any]]) -> list[str]:
    """Issue 14's comparisons per scale (marginal cost, dlt peer, dbt overhead); none when not measured."""
    measured = [r for r in results if {"marginal", "peer", "dbt_sql"} & set(r)]
    if not measured:
        return []
    head = (
        "| scale | marginal: from scale, + MB | Δ run s wall / CPU | Δ run × floor wall / CPU | "
        "Δ ingest CPU s, × floor | dlt s wall / CPU | our ingest ÷ dlt wall / CPU | dbt step s | "
        "same SQL, one connection s | dbt ÷ SQL | dbt overhead per node s |"
    )
    lines = ["", head, "|" + "---|" * (head.count("|") - 1)]
    for r in measured:
        m, peer, d, ratios = r.get("marginal", {}), r.get("peer", {}), r.get("dbt_sql", {}), r["ratios"]
        has_m, has_d = "run_over_floor" in m, "dbt_over_raw" in d
        lines.append(
            f"| {r['params']['scale']} | "
            + (f"{m['small_scale']}, +{m['extra_mb']:.0f}" if has_m else "–")
            + f" | {_pair(m.get('run_wall_seconds'), m.get('run_cpu_seconds'))}"
            + f" | {_pair(m.get('run_over_floor'), m.get('run_over_floor_cpu'), '.1f', '×')}"
            + (f" | {m['ingest_cpu_seconds']:.1f}, {m['ingest_over_floor_cpu']:.1f}×" if has_m else " | –")
            + f" | {_pair(peer.get('seconds'), peer.get('cpu_seconds'))}"
            + f" | {_pair(ratios.get('ingest_over_dlt'), ratios.get('ingest_over_dlt_cpu'), '.2f', '×')}"
            + (
                f" | {d['dbt_wall_seconds']:.1f} | {d['seconds']:.2f} | {d['dbt_over_raw']:.1f}× | "
                f"{d['overhead_per_node_s']:.3f} |"
                if has_d
                else " | – | – | – | – |"
            )
        )
    return lines


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    out, paths = Path(argv[0]), [Path(p) for p in argv[1:]]
    results = load(paths)
    chart(results, out)
    print(markdown(results))
    print(f"\nwrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
