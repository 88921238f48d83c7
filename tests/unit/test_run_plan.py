"""The run plan: one decision of what a run parses and how dbt builds, from one fingerprint of the inputs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.landing import scan_landing
from pipelines.runtime.fingerprint import Fingerprint
from pipelines.runtime.inputs import (
    RunInputs,
    code_digests,
    current_inputs,
    key_digest,
    read_published_record,
    record_inputs,
)
from pipelines.runtime.paths import resolve_paths
from pipelines.runtime.pii import KEY_ENV
from pipelines.runtime.run_options import RunOptions
from pipelines.runtime.run_plan import DbtPlan, build_window, confirm_window, plan_run
from pipelines.warehouse.build_state import incremental_relations
from pipelines.warehouse.dbt import build_args

CODE = {"parse": "p1", "dbt": "d1", "pipeline": "x1"}
POSTS_1 = "facebook/posts/2026-03-01.jsonl"
POSTS_2 = "facebook/posts/2026-03-02.jsonl"
EXPORT = "youtube/channel_basic_a3/20260303T060000Z_channel_basic_a3.csv"


def _inputs(files: dict[str, str], *, brands: str = "b1", pii: str = "k1", **code: str) -> RunInputs:
    """`files`: relative path → content hash (size and mtime do not matter to the plan)."""
    return RunInputs(
        files={rel: Fingerprint(sha, 1, 1) for rel, sha in files.items()},
        brands=brands,
        pii=pii,
        code={**CODE, **code},
    )


BEFORE = _inputs({POSTS_1: "a", POSTS_2: "b"})


def test_a_first_run_parses_everything_and_builds_in_full() -> None:
    plan = plan_run(None, BEFORE)
    assert plan.new == (POSTS_1, POSTS_2)
    assert plan.dbt == DbtPlan("full", "no publication records what it was built from")
    assert not plan.nothing_to_do


def test_the_same_inputs_are_nothing_to_do() -> None:
    same = _inputs({POSTS_1: "a", POSTS_2: "b"})
    plan = plan_run(BEFORE, same)
    assert plan.nothing_to_do
    assert plan.to_parse == frozenset()
    assert "nothing to do" in plan.describe()


def test_a_new_day_is_parsed_and_is_the_window_with_the_day_after() -> None:
    plan = plan_run(BEFORE, _inputs({POSTS_1: "a", POSTS_2: "b", EXPORT: "c"}))
    assert plan.new == (EXPORT,) and plan.changed == ()
    assert plan.to_parse == {EXPORT}
    # An extraction that starts before midnight may receive its last pages after it.
    assert plan.dbt == DbtPlan(
        "incremental", "1 new and 0 changed landing files", (date(2026, 3, 3), date(2026, 3, 4))
    )


def test_a_restated_old_file_and_a_new_one_widen_the_window_to_both() -> None:
    plan = plan_run(BEFORE, _inputs({POSTS_1: "a2", POSTS_2: "b", EXPORT: "c"}))
    assert plan.changed == (POSTS_1,)
    assert plan.dbt.window == (date(2026, 3, 1), date(2026, 3, 4))


def test_a_touched_file_with_the_same_content_is_not_a_change() -> None:
    touched = RunInputs(
        files={POSTS_1: Fingerprint("a", 1, 99), POSTS_2: Fingerprint("b", 1, 99)},
        brands="b1",
        pii="k1",
        code=CODE,
    )
    assert plan_run(BEFORE, touched).nothing_to_do


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"dbt": "d2"}, "the dbt project changed"),
        ({"parse": "p2"}, "the parser code changed (every landing file is parsed again)"),
        ({"pii": "k2"}, "the pseudonymisation key changed"),
    ],
)
def test_what_invalidates_every_model_builds_in_full_with_its_reason(change: dict, reason: str) -> None:
    plan = plan_run(BEFORE, _inputs({POSTS_1: "a", POSTS_2: "b"}, **change))
    assert plan.dbt == DbtPlan("full", reason)
    assert not plan.nothing_to_do


def test_a_brands_change_rebuilds_what_reads_brands_and_no_incremental_window() -> None:
    """The incremental staging tables read their lake source only; the models that read brands.yml
    (intermediate, marts) are rebuilt by every build, the incremental ones among them in full."""
    plan = plan_run(BEFORE, _inputs({POSTS_1: "a", POSTS_2: "b"}, brands="b2"))
    assert not plan.nothing_to_do
    assert plan.dbt == DbtPlan("incremental", "no landing file changed (brands.yml did)", brands_changed=True)
    assert "brands.yml changed" in plan.describe()
    with_a_new_day = plan_run(BEFORE, _inputs({POSTS_1: "a", POSTS_2: "b", EXPORT: "c"}, brands="b2"))
    assert with_a_new_day.dbt.window == (date(2026, 3, 3), date(2026, 3, 4))
    assert with_a_new_day.dbt.brands_changed
    # Widened to a partition a file's rows reached, it is still the plan of a brands.yml change.
    widened = confirm_window(with_a_new_day.dbt, {}, {("x/tweets", "2026-03-01"): "d"})
    assert widened.window == (date(2026, 3, 1), date(2026, 3, 4)) and widened.brands_changed
    assert not plan_run(BEFORE, _inputs({POSTS_1: "a", POSTS_2: "b", EXPORT: "c"})).dbt.brands_changed


def test_a_brands_change_carries_over_only_the_incremental_models_that_do_not_read_it() -> None:
    """What lets a brands.yml change skip the full build: the incremental models that depend on the
    config (found from dbt's graph, not a list to keep up to date) are the ones it rebuilds in full."""
    from pipelines.defs.transform.assets import MANIFEST

    nodes = json.loads(MANIFEST.read_text())["nodes"]

    def upstream(unique_id: str, seen: set[str]) -> set[str]:
        for parent in nodes.get(unique_id, {}).get("depends_on", {}).get("nodes", []):
            if parent not in seen:
                seen.add(parent)
                upstream(parent, seen)
        return seen

    incremental = {
        uid: (node["schema"], node["alias"])
        for uid, node in nodes.items()
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental"
    }
    reading = {uid for uid in incremental if any("config" in p for p in upstream(uid, set()))}
    assert len(incremental) - len(reading) >= 8 and reading, "the comparison would prove nothing"
    assert sorted(incremental.values()) == incremental_relations(MANIFEST)
    carried = incremental_relations(MANIFEST, brands_changed=True)
    assert sorted(incremental[uid] for uid in incremental if uid not in reading) == carried
    assert ("intermediate", "int_post_metric_snapshots") not in carried


def test_a_parser_change_parses_every_file_again() -> None:
    plan = plan_run(BEFORE, _inputs({POSTS_1: "a", POSTS_2: "b"}, parse="p2"))
    assert plan.forced == {POSTS_1, POSTS_2}


def test_code_outside_parsers_and_dbt_runs_without_rebuilding_any_window() -> None:
    plan = plan_run(BEFORE, _inputs({POSTS_1: "a", POSTS_2: "b"}, pipeline="x2"))
    assert not plan.nothing_to_do
    assert plan.dbt.incremental and plan.dbt.window is None


def test_a_removed_landing_file_builds_in_full_naming_it() -> None:
    plan = plan_run(BEFORE, _inputs({POSTS_1: "a"}))
    assert plan.removed == (POSTS_2,)
    assert plan.dbt == DbtPlan("full", f"landing file {POSTS_2} was removed")


def test_a_changed_file_without_a_fetch_date_in_its_name_builds_in_full() -> None:
    plan = plan_run(BEFORE, _inputs({POSTS_1: "a", POSTS_2: "b", "x/tweets/manual.jsonl": "m"}))
    assert plan.dbt == DbtPlan("full", "landing file x/tweets/manual.jsonl has no fetch date in its name")


def test_a_full_refresh_parses_everything_again_and_builds_in_full() -> None:
    plan = plan_run(BEFORE, BEFORE, RunOptions(full_refresh=True))
    assert plan.forced == {POSTS_1, POSTS_2}
    assert plan.dbt == DbtPlan("full", "a full refresh was asked for")
    assert not plan.nothing_to_do


def test_a_date_range_parses_its_files_again_and_is_the_window() -> None:
    plan = plan_run(BEFORE, BEFORE, RunOptions(since=date(2026, 3, 2), until=date(2026, 3, 2)))
    assert plan.forced == {POSTS_2}
    assert not plan.nothing_to_do
    assert plan.dbt.window == (date(2026, 3, 2), date(2026, 3, 3))


def test_the_window_widens_to_a_lake_partition_that_changed_outside_it() -> None:
    planned = DbtPlan(
        "incremental", "1 new and 0 changed landing files", (date(2026, 3, 3), date(2026, 3, 4))
    )
    previous = {("x/tweets", "2026-03-01"): "a"}
    current = {("x/tweets", "2026-03-01"): "a2", ("x/tweets", "2026-03-03"): "c"}
    confirmed = confirm_window(planned, previous, current)
    assert confirmed.window == (date(2026, 3, 1), date(2026, 3, 4))
    assert "widened" in confirmed.reason
    assert confirm_window(planned, current, current) == planned


def test_a_lake_partition_that_disappeared_or_an_unpartitioned_change_builds_in_full() -> None:
    planned = DbtPlan("incremental", "why", (date(2026, 3, 3), date(2026, 3, 3)))
    gone = confirm_window(planned, {("x/tweets", "2026-03-01"): "a"}, {})
    assert gone == DbtPlan("full", "lake partition x/tweets 2026-03-01 disappeared")
    config = confirm_window(planned, {("config/brands", "-"): "a"}, {("config/brands", "-"): "b"})
    assert config.mode == "full" and "config/brands" in config.reason
    unpartitioned = confirm_window(planned, {("x/tweets", "-"): "a"}, {("x/tweets", "-"): "b"})
    assert unpartitioned.mode == "full" and "x/tweets" in unpartitioned.reason


def test_config_tables_change_with_brands_yml_and_the_build_stays_incremental() -> None:
    """brands.yml parsed into lake/config: when the plan knows brands.yml changed, its tables changing
    or one emptying (no goals left) is expected; the models that read them are rebuilt in full anyway."""
    planned = DbtPlan("incremental", "why", (date(2026, 3, 3), date(2026, 3, 3)), brands_changed=True)
    previous = {("config/brands", "-"): "a", ("config/goals", "-"): "g", ("x/tweets", "2026-03-03"): "t"}
    current = {("config/brands", "-"): "b", ("x/tweets", "2026-03-03"): "t2"}
    assert confirm_window(planned, previous, current) == planned
    # Anything else outside fetch_date folders still makes it full.
    confirmed = confirm_window(planned, previous, {**current, ("x/tweets", "-"): "u"})
    assert confirmed.mode == "full" and "x/tweets" in confirmed.reason


@pytest.mark.parametrize(
    ("plan", "window"),
    [
        (DbtPlan("full", "why"), "all"),
        (DbtPlan("incremental", "why"), "none"),
        (DbtPlan("incremental", "why", (date(2026, 3, 1), date(2026, 3, 3))), "2026-03-01..2026-03-03"),
    ],
)
def test_the_window_reaches_dbt_in_the_form_its_macro_reads_and_never_as_vars(
    plan: DbtPlan, window: str
) -> None:
    assert build_window(plan) == window
    args = build_args()
    assert "--vars" not in args  # changing --vars makes dbt re-parse the whole project
    assert "--full-refresh" not in args


def test_code_digests_follow_the_files_of_each_part(tmp_path: Path) -> None:
    (tmp_path / "pipelines" / "parsers").mkdir(parents=True)
    (tmp_path / "dbt_project" / "models").mkdir(parents=True)
    (tmp_path / "pipelines" / "parsers" / "x.py").write_text("a = 1\n")
    (tmp_path / "dbt_project" / "models" / "m.sql").write_text("select 1\n")
    before = code_digests(tmp_path)
    (tmp_path / "dbt_project" / "models" / "m.sql").write_text("select 2\n")
    after = code_digests(tmp_path)
    assert before["dbt"] != after["dbt"]
    assert before["parse"] == after["parse"]
    (tmp_path / "pipelines" / "parsers" / "x.py").write_text("a = 2\n")
    assert code_digests(tmp_path)["parse"] != after["parse"]


def test_the_key_digest_changes_with_the_key_and_does_not_contain_it() -> None:
    assert key_digest("secret-one") != key_digest("secret-two")
    assert "secret-one" not in key_digest("secret-one")


def test_inputs_round_trip_through_the_published_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    (landing / "facebook" / "posts").mkdir(parents=True)
    (landing / "facebook" / "posts" / "2026-03-01.jsonl").write_text("{}\n")
    (landing / "brands.yml").write_text("brands: []\n")
    monkeypatch.setenv(KEY_ENV, "a-key-nobody-should-see")
    paths = resolve_paths(str(landing), str(tmp_path / "data"))
    inputs = current_inputs(paths, scan_landing(landing))
    assert set(inputs.files) == {POSTS_1}
    db = tmp_path / "published.duckdb"
    with duckdb.connect(str(db)) as con:
        record_inputs(con, inputs)
        con.execute("create table ops.publication as select 'run-1' as run_id, now() as published_at")
        con.execute(
            "create table ops.lake_partitions (dataset varchar, fetch_partition varchar, digest varchar)"
        )
        dump = " ".join(str(row) for row in con.execute("from ops.build_inputs").fetchall())
    assert "a-key-nobody-should-see" not in dump
    record = read_published_record(db)
    assert record is not None and record.run_id == "run-1"
    assert record.inputs == inputs
    assert plan_run(record.inputs, current_inputs(paths, scan_landing(landing), record.inputs)).nothing_to_do
    monkeypatch.setenv(KEY_ENV, "another-key")
    assert plan_run(record.inputs, current_inputs(paths, scan_landing(landing))).dbt.reason == (
        "the pseudonymisation key changed"
    )


def test_a_publication_without_the_record_plans_a_full_build(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
    assert read_published_record(db) is None
    assert read_published_record(tmp_path / "absent.duckdb") is None
