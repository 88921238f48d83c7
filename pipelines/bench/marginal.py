"""Marginal cost: what the extra bytes of a bigger landing cost, against what they cost the floor.

Two full runs at the same days and seed, scales S < K. The extra capture bytes are the difference of
the floors' inputs (`.jsonl` MB); the floor's cost for them is those MB at the big floor's rate (its
seconds per MB: on tiny inputs the floor is mostly fixed cost, so the difference of two floors would
be noise). The run's marginal cost is T_K − T_S; the ratio is the issue-14 target (≤ 8×).
"""

from __future__ import annotations

from typing import Any


def _ingest(run: dict[str, Any], unit: str) -> float:
    return sum(s[unit] for s in run["stages"] if s["stage"].startswith("ingest "))


def marginal_cost(small: dict[str, Any], big: dict[str, Any]) -> dict[str, Any]:
    """`small`/`big`: {"scale", "floor" (measure_floor), "run" (a run summary)} → deltas and ratios."""
    extra_mb = big["floor"]["mb"] - small["floor"]["mb"]
    if extra_mb <= 0 or big["floor"]["mb"] <= 0:
        raise ValueError(f"the big landing must hold more capture bytes (extra {extra_mb:.1f} MB)")
    share = extra_mb / big["floor"]["mb"]
    floor_wall, floor_cpu = big["floor"]["seconds"] * share, big["floor"]["cpu_seconds"] * share
    deltas = {
        "run_wall_seconds": big["run"]["wall_seconds"] - small["run"]["wall_seconds"],
        "run_cpu_seconds": big["run"]["cpu_seconds"] - small["run"]["cpu_seconds"],
        "ingest_wall_seconds": _ingest(big["run"], "seconds") - _ingest(small["run"], "seconds"),
        "ingest_cpu_seconds": _ingest(big["run"], "cpu_seconds") - _ingest(small["run"], "cpu_seconds"),
    }

    def over(value: float, floor: float) -> float | None:
        return value / floor if floor > 0 else None

    return {
        "small_scale": small["scale"],
        "big_scale": big["scale"],
        "extra_mb": extra_mb,
        "floor_extra_seconds": floor_wall,
        "floor_extra_cpu_seconds": floor_cpu,
        **deltas,
        "run_over_floor": over(deltas["run_wall_seconds"], floor_wall),
        "run_over_floor_cpu": over(deltas["run_cpu_seconds"], floor_cpu),
        "ingest_over_floor": over(deltas["ingest_wall_seconds"], floor_wall),
        "ingest_over_floor_cpu": over(deltas["ingest_cpu_seconds"], floor_cpu),
    }
