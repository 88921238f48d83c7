"""Marginal cost against the floor: the division the issue-14 figure is made of."""

from __future__ import annotations

import pytest

from pipelines.bench.marginal import marginal_cost


def _side(scale: int, mb: float, floor_s: float, run_s: float, ingest: list[tuple[float, float]]) -> dict:
    stages = [{"stage": f"ingest p{i}", "seconds": w, "cpu_seconds": c} for i, (w, c) in enumerate(ingest)]
    # Stages that are not ingest steps, including the raw-GX line indented under ingest, do not count.
    stages += [
        {"stage": "dbt", "seconds": 30.0, "cpu_seconds": 30.0},
        {"stage": "  validation: raw GX in ingest", "seconds": 99.0, "cpu_seconds": 99.0},
    ]
    return {
        "scale": scale,
        "floor": {"seconds": floor_s, "cpu_seconds": floor_s / 2, "mb": mb},
        "run": {"wall_seconds": run_s, "cpu_seconds": run_s, "stages": stages},
    }


def test_the_issue_measurement_comes_out_as_the_issue_quotes_it() -> None:
    # Issue 14: 20 days at scale 2 (29 MB) and 20 (280 MB); floor 0.15 / 0.52 s; `smm run` 47.9 / 62.7 s:
    # "14.8 s for the extra 251 MB = 31.9× the floor's cost for those bytes" (from unrounded figures).
    figures = marginal_cost(
        _side(2, 29.0, 0.15, 47.9, [(5.0, 4.0)]),
        _side(20, 280.0, 0.52, 62.7, [(9.0, 8.0), (3.0, 2.5)]),
    )
    assert figures["extra_mb"] == pytest.approx(251.0)
    assert figures["run_wall_seconds"] == pytest.approx(14.8)
    assert figures["run_over_floor"] == pytest.approx(31.9, rel=0.01)
    # The floor's cost for the extra bytes is at the big floor's rate, not the difference of two floors.
    assert figures["floor_extra_seconds"] == pytest.approx(0.52 * 251 / 280)
    assert figures["ingest_cpu_seconds"] == pytest.approx(6.5)
    assert figures["ingest_over_floor_cpu"] == pytest.approx(6.5 / (0.26 * 251 / 280))


def test_a_big_landing_without_more_bytes_is_an_error() -> None:
    with pytest.raises(ValueError, match="more capture bytes"):
        marginal_cost(_side(2, 29.0, 0.15, 47.9, []), _side(2, 29.0, 0.15, 47.0, []))
