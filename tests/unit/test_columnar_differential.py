"""The columnar fast path gives exactly the parsers' rows, quarantine and counts.

For every dataset with a fast path (pipelines/ingest/columnar_specs.py): the same landing file is
parsed by the per-record parsers alone (the reference) and by the fast path with its fallback, on
generated landings of several seeds, on captures hypothesis mutates (the reliability suite's
mutations plus values at the edges of the fast path's certainty), and on the real payloads in
tests/fixtures/real. Rows must be equal column by column (same dtypes, same order), quarantine
equal with its reasons, and the accounting equal.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from random import Random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from pipelines.ingest import columnar, parse
from pipelines.ingest.columnar_specs import FAST_SPECS
from pipelines.ingest.parse import FileParse, _envelope, parse_file
from pipelines.parsers.base import Rejected
from pipelines.sandbox.generator import generate
from pipelines.schemas import BY_NAME, Dataset
from tests.reliability.mutations import KINDS, mutate_json
from tests.unit.parsers.capture_kit import envelope_line, real_json

SEEDS = (3, 11, 23)
FAST = sorted(FAST_SPECS)

# Values where the fast path's certainty ends: numbers the parsers also read from strings or floats,
# int64 and epoch bounds, timestamps without offset / with fractions / just outside the window, text the parsers
# repair or unescape, and the message kinds Telegram's parser rejects.
EDGE_VALUES: tuple[Any, ...] = (
    "12",
    " 12",
    "012",
    12.0,
    0,
    1,
    -1,
    True,
    2**63 - 1,
    2**63,
    1772355600,  # unix seconds, and the same in milliseconds
    1772355600000,
    10**11 + 1,  # just beyond the seconds and milliseconds ranges
    10**14 + 1,
    -(2**63),
    "",
    "2026-03-01T10:00:00",
    "2026-03-01T10:00:00.5Z",
    "2026-03-01T10:00:00.1234567Z",
    "2026-03-01T10:00:00z",
    "2026-03-01T10:00:00+05:30",
    "2026-03-01T10:00:00-0530",
    "2026-03-01 10:00:00Z",
    "2024-02-29T23:59:59+0000",
    "2003-12-31T23:59:59Z",
    "2004-01-01T00:00:00+01:00",
    "2099-12-31T23:59:59.999999Z",
    "2100-01-01T00:00:00Z",
    " 2026-03-01T10:00:00Z",
    "CafÃ© ðŸ§¤ fresh",
    "Boabe noi în cafenele",
    "РїСЂРёРІРµС‚",
    "5 &amp; 6 &#39;x&#39; &copy=2",
    "MessageService",
    "MessageEmpty",
    [],
    {},
)


@pytest.fixture(autouse=True)
def columnar_for_every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small files normally skip the fast path (its fixed cost); here every file takes it."""
    monkeypatch.setattr(parse, "COLUMNAR_MIN_BYTES", 0)


@pytest.fixture(scope="module")
def landings(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = []
    for seed in SEEDS:
        landing = tmp_path_factory.mktemp(f"columnar-seed{seed}")
        generate(landing, days=3, seed=seed, scale=1)
        out.append(landing)
    return out


def _both(dataset: Dataset, path: Path, landing: Path) -> tuple[FileParse, FileParse]:
    reference = parse_file(dataset, path, landing, columnar_path=False)
    return reference, parse_file(dataset, path, landing)


def _assert_same(reference: FileParse, fast: FileParse) -> None:
    assert_frame_equal(reference.rows, fast.rows)
    assert_frame_equal(reference.quarantine, fast.quarantine)
    assert reference.stats == fast.stats


def _lines_taken(dataset: Dataset, path: Path) -> tuple[int, int]:
    """(lines the fast path kept, non-blank lines) of one file."""
    gatherer = columnar.Gatherer(dataset, FAST_SPECS[dataset.name])
    taken = total = 0
    for line_no, raw in enumerate(path.open("rb"), start=1):
        if not raw.strip():
            continue
        total += 1
        with contextlib.suppress(Rejected):
            taken += gatherer.add(line_no, _envelope(raw))
    return taken - len(gatherer.rows("x")[1]), total


def _files(landing: Path, dataset: Dataset) -> list[Path]:
    return sorted((landing / dataset.platform / dataset.entity).glob("*.jsonl"))


def test_fast_paths_declare_exactly_their_datasets_columns() -> None:
    for name, spec in FAST_SPECS.items():
        dataset = BY_NAME[name]
        assert dataset.file_kind == "jsonl", name
        assert list(spec.columns) == list(dataset.columns), name


@pytest.mark.parametrize("name", FAST)
def test_generated_landings_parse_the_same(name: str, landings: list[Path]) -> None:
    dataset = BY_NAME[name]
    taken = total = rows = 0
    for landing in landings:
        for path in _files(landing, dataset):
            reference, fast = _both(dataset, path, landing)
            _assert_same(reference, fast)
            rows += reference.rows.height
            file_taken, file_total = _lines_taken(dataset, path)
            taken, total = taken + file_taken, total + file_total
    assert rows > 100, f"{name}: the generated landings hold too few rows to compare"
    # The generator's defects are a few lines per file; the rest must not fall back, or the fast path
    # is not what this test compares.
    assert taken >= 0.9 * total, f"{name}: the fast path kept only {taken} of {total} lines"


def _mutated_line(line: bytes, kinds: list[str], rnd: Random, read_keys: set[str]) -> bytes:
    if "edge_value" not in kinds:
        return mutate_json(line, kinds, rnd, lines=True)
    obj = json.loads(line)
    leaves = list(_leaves(obj["response"]))
    # Mostly the values the fast path reads (a random leaf of a page rarely is one).
    read = [(parent, key) for parent, key in leaves if key in read_keys] or leaves
    for _ in range(rnd.randint(1, 3)):
        pool = read if rnd.random() < 0.8 else leaves
        parent, key = pool[rnd.randrange(len(pool))]
        parent[key] = EDGE_VALUES[rnd.randrange(len(EDGE_VALUES))]
    out = json.dumps(obj, ensure_ascii=rnd.random() < 0.5).encode()
    return (
        mutate_json(out, [k for k in kinds if k != "edge_value"], rnd, lines=True) if len(kinds) > 1 else out
    )


def _leaves(node: Any) -> Any:
    """(container, key) of every value under `node`, containers included."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield node, key
        yield from _leaves(value)


@pytest.mark.parametrize("name", FAST)
def test_mutated_captures_parse_the_same(
    name: str, landings: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    dataset = BY_NAME[name]
    seeds = [line for path in _files(landings[0], dataset) for line in path.read_bytes().splitlines() if line]
    workdir = tmp_path_factory.mktemp(f"columnar-mutated-{name}")
    path = workdir / dataset.platform / dataset.entity / "2026-01-02.jsonl"
    path.parent.mkdir(parents=True)
    read_keys = {key for field in FAST_SPECS[name].fields.values() for key in field.path}

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        pick=st.integers(min_value=0, max_value=10_000),
        kinds=st.lists(st.sampled_from((*KINDS, "edge_value", "edge_value")), min_size=1, max_size=3),
        rnd=st.randoms(use_true_random=False),
    )
    def check(pick: int, kinds: list[str], rnd: Random) -> None:
        line = seeds[pick % len(seeds)]
        hostile = _mutated_line(line, kinds, rnd, read_keys)
        # A clean line on each side: the file mixes fast and reference lines, as real ones do.
        path.write_bytes(b"\n".join([seeds[(pick + 1) % len(seeds)], hostile, line]) + b"\n")
        _assert_same(*_both(dataset, path, workdir))

    check()


def _dicts(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
    items = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for value in items:
        yield from _dicts(value)


def _set_first(response: Any, path: tuple[str, ...], value: Any) -> bool:
    """Set `path` in the first object of the response that has it; False when none has."""
    for node in _dicts(response):
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and path[-1] in node:
            node[path[-1]] = value
            return True
    return False


@pytest.mark.parametrize("name", FAST)
def test_every_edge_value_in_every_field_parses_the_same(
    name: str, landings: list[Path], tmp_path: Path
) -> None:
    """Each value of EDGE_VALUES in each field the fast path reads, one line each, all in one file:
    exhaustive where hypothesis only samples."""
    dataset = BY_NAME[name]
    clean = [line for path in _files(landings[0], dataset) for line in path.read_bytes().splitlines() if line]
    paths = [f.path for f in FAST_SPECS[name].fields.values() if f.path]
    paths += [read for f in FAST_SPECS[name].fields.values() for read in f.reads]

    def coverage(line: bytes) -> tuple[int, int]:  # most fields present, then the shortest page
        response = json.loads(line).get("response")
        return sum(_set_first(response, p, None) for p in paths), -len(line)

    seed = max(clean[:200], key=coverage)
    lines = [clean[0]]
    for field_path in paths:
        for value in EDGE_VALUES:
            obj = json.loads(seed)
            if _set_first(obj["response"], field_path, value):
                lines.append(json.dumps(obj, ensure_ascii=False).encode())
    assert len(lines) > len(EDGE_VALUES) * len(paths) // 2, "the seed page lacks most fields"
    path = tmp_path / dataset.platform / dataset.entity / "2026-01-02.jsonl"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\n".join(lines) + b"\n")
    _assert_same(*_both(dataset, path, tmp_path))


# Real payloads (tests/fixtures/real) of the datasets with a fast path, as response bodies.
REAL_PAYLOADS = {
    "instagram__comments": [("instagram", "pyfacebook__ig_media_comments_p1.json", "17900000000000010")],
    "instagram__media": [("instagram", "pyfacebook__ig_user_media_p1.json", None)],
    "facebook__posts": [
        ("facebook", "pyfacebook__page_feed_with_reaction_comment_summaries_p1.json", None),
        ("facebook", "pyfacebook__user_posts_fields_p1.json", None),
    ],
    "x__tweets": [
        ("x", "tweepy__test_client_get_users_tweets.body.json", None),
        ("x", "pytwitter__user_tweets_public_metrics_docexample.json", None),
    ],
    "vk__wall": [
        ("vk", "vknet__wall_get_extended.json", None),
        ("vk", "vknet__wall_get_repost_poll_geo.json", None),
        ("vk", "vknet__wall_getById_with_views.json", None),
    ],
    "vk__comments": [
        ("vk", "vknet__wall_getComments_threads.json", "-69459624_482121"),
        ("vk", "vknet__wall_getComments_likes_attachments.json", "-123456_9001"),
    ],
}


@pytest.mark.parametrize("name", sorted(REAL_PAYLOADS))
def test_real_payloads_parse_the_same(name: str, tmp_path: Path) -> None:
    dataset = BY_NAME[name]
    path = tmp_path / dataset.platform / dataset.entity / "real.jsonl"
    path.parent.mkdir(parents=True)
    lines = [
        envelope_line(platform, real_json(platform, fixture), object_id=object_id)
        for platform, fixture, object_id in REAL_PAYLOADS[name]
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reference, fast = _both(dataset, path, tmp_path)
    _assert_same(reference, fast)
    assert reference.rows.height > 0
    # Reported, not required: a real payload may hold what the fast path leaves to the parser.
    taken, total = _lines_taken(dataset, path)
    print(f"{name}: the fast path kept {taken} of {total} real payloads")


def test_a_line_the_fast_path_is_unsure_of_goes_to_the_parser_with_its_reason(tmp_path: Path) -> None:
    """A count sent as a string is read by the parser (12), a negative one rejected by it: neither
    is decided by the fast path, and the file's other lines still load through it."""
    dataset = BY_NAME["instagram__comments"]
    comment = {"id": "1", "text": "hi", "timestamp": "2026-03-01T10:00:00+0000", "from": {"id": "9"}}
    bad = {**comment, "id": "2", "from": "not an object"}
    path = tmp_path / "instagram" / "comments" / "f.jsonl"
    path.parent.mkdir(parents=True)
    lines = [
        envelope_line("instagram", {"data": [comment]}, object_id="m1"),
        envelope_line("instagram", {"data": [bad]}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reference, fast = _both(dataset, path, tmp_path)
    _assert_same(reference, fast)
    assert fast.rows["comment_id"].to_list() == ["1"]
    assert fast.quarantine["reason"].to_list() == ["from: expected a JSON object, got string"]
    assert _lines_taken(dataset, path) == (1, 2)
