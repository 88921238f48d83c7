"""Hostile input never crashes ingest or a run: every record is loaded or quarantined with a reason.

Property-based: hypothesis mutates valid captures of every lake dataset (taken from a generated
landing) — truncation, wrong types, missing or renamed keys, nulls, huge strings, invalid UTF-8, odd
Unicode, duplicated ids with an older fetched_at, impossible timestamps, negative counters — and
feeds them to the ingest framework. Then one whole pipeline run over a landing dir with a few
hundred such units mixed in, plus files the landing contract refuses.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.ingest.parse import ingest_files
from pipelines.schemas import PLATFORMS
from tests.reliability.conftest import FuzzedRun
from tests.reliability.mutations import KINDS, mutate_unit
from tests.reliability.seeds import valid_units

pytestmark = pytest.mark.reliability

EXAMPLES_PER_PLATFORM = 200


@pytest.fixture(scope="module")
def units(small_landing: Path):
    return valid_units(small_landing)


def _unit_file(workdir: Path, dataset, original_name: str) -> Path:
    folder = workdir / dataset.platform / dataset.entity
    folder.mkdir(parents=True, exist_ok=True)
    # Exports carry their fetch time in the name; JSONL names are free.
    return folder / (original_name if dataset.file_kind != "jsonl" else "2026-01-02.jsonl")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_mutated_captures_are_loaded_or_quarantined_never_raise(
    platform: str, units, small_landing: Path, tmp_path_factory: pytest.TempPathFactory, figures
) -> None:
    family = [(dataset, seeds) for dataset, seeds in units.values() if dataset.platform == platform]
    workdir = tmp_path_factory.mktemp(f"hostile-{platform}")
    tally: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES_PER_PLATFORM,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        pick=st.integers(min_value=0, max_value=10_000),
        kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=3),
        rnd=st.randoms(use_true_random=False),
    )
    def check(pick: int, kinds: list[str], rnd) -> None:
        dataset, seeds = family[pick % len(family)]
        seed = seeds[(pick // len(family)) % len(seeds)]
        hostile = mutate_unit(seed, dataset.file_kind, kinds, rnd)
        original_name = sorted((small_landing / dataset.platform / dataset.entity).iterdir())[0].name
        path = _unit_file(workdir, dataset, original_name)
        path.write_bytes(hostile)

        result = ingest_files(dataset, [path], workdir)  # must not raise

        stats = result.stats
        assert stats.reconciles, stats.as_dict()
        assert stats.files_read == 1
        assert result.rows.schema == dataset.schema
        assert result.rows[dataset.key[0]].null_count() == 0
        assert result.rows["fetched_at"].null_count() == 0
        reasons = result.quarantine["reason"].to_list()
        assert all(isinstance(r, str) and r.strip() for r in reasons), reasons
        assert set(result.quarantine["source_file"].to_list()) <= {path.relative_to(workdir).as_posix()}
        tally["examples"] += 1
        tally["records"] += stats.records_read
        tally["loaded"] += stats.rows_loaded
        tally["quarantined"] += stats.records_quarantined
        tally["bytes"] += len(hostile)
        for kind in kinds:
            tally[f"kind:{kind}"] += 1

    check()
    figures.record(
        "4_hostile_input",
        **{
            f"property_{platform}": {
                "datasets": len(family),
                "examples": tally["examples"],
                "records_fuzzed": tally["records"],
                "loaded": tally["loaded"],
                "quarantined": tally["quarantined"],
                "megabytes": round(tally["bytes"] / 1e6, 1),
            }
        },
    )
    assert tally["examples"] >= EXAMPLES_PER_PLATFORM // 2
    assert tally["quarantined"] > 0, "no mutation was ever rejected: the mutations are not hostile"
    assert all(tally[f"kind:{kind}"] > 0 for kind in KINDS), tally


@pytest.mark.slow
def test_whole_run_over_a_fuzzed_landing_succeeds(fuzzed_run: FuzzedRun, figures) -> None:
    result = fuzzed_run.result
    con = duckdb.connect(str(fuzzed_run.data / "warehouse" / "smm.duckdb"), read_only=True)
    try:
        runs = con.execute("select rows_loaded, rows_quarantined from ops.runs").fetchall()
        quarantined_reasons = con.execute("select count(distinct reason) from ops.quarantine").fetchone()[0]
    finally:
        con.close()
    figures.record(
        "4_hostile_input",
        pipeline_run={
            "mutated_units_mixed_in": fuzzed_run.mutated_units,
            "exit_code": result.returncode,
            "rows_loaded": runs[0][0] if runs else None,
            "rows_quarantined": runs[0][1] if runs else None,
            "distinct_quarantine_reasons": quarantined_reasons,
            "seconds": round(result.seconds, 1),
        },
    )
    assert result.returncode == 0, result.stderr[-6000:]
    assert fuzzed_run.mutated_units >= 300
    assert len(runs) == 1 and runs[0][1] > 0


@pytest.mark.slow
def test_refused_paths_are_quarantined_and_never_read(fuzzed_run: FuzzedRun) -> None:
    assert fuzzed_run.result.returncode == 0, fuzzed_run.result.stderr[-3000:]
    con = duckdb.connect(str(fuzzed_run.data / "warehouse" / "smm.duckdb"), read_only=True)
    try:
        quarantined = dict(
            con.execute("select source_file, reason from ops.quarantine where line is null").fetchall()
        )
        post_ids = {r[0] for r in con.execute("select post_id from marts.dim_posts").fetchall()}
    finally:
        con.close()
    assert "name contains '..'" in quarantined["facebook/posts/2026-01-02..jsonl"]
    assert "symlink leads outside the landing dir" in quarantined["facebook/posts/outside-link.jsonl"]
    assert "unknown platform 'myspace'" in quarantined["myspace"]
    lake = pl.concat(
        [
            pl.read_parquet(p, columns=["source_file"])
            for p in (fuzzed_run.data / "lake").glob("*/*/**/*.parquet")
            if "config" not in p.parts
        ],
        how="vertical",
    )
    sources = set(lake["source_file"].unique().to_list())
    for rel, marker in fuzzed_run.refused_paths.items():
        assert rel not in sources
        assert not any(marker in post_id for post_id in post_ids)
    # The refusal is also said once on stderr, naming the path.
    for rel in ("facebook/posts/2026-01-02..jsonl", "facebook/posts/outside-link.jsonl", "myspace"):
        assert f"refused landing/{rel}:" in fuzzed_run.result.stderr
