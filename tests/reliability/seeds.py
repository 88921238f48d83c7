"""Valid landing units of every lake dataset, taken from a generated landing dir: the material the
hostile-input tests mutate."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.ingest.landing import scan_landing
from pipelines.schemas import DATASETS, Dataset

MAX_LINES = 8


def _valid_envelope(line: bytes) -> bool:
    try:
        obj = json.loads(line)
    except ValueError:
        return False  # the generator's own malformed-JSON defect: not a valid seed
    return isinstance(obj, dict) and bool(obj.get("fetched_at")) and "response" in obj


def valid_units(landing: Path) -> dict[str, tuple[Dataset, list[bytes]]]:
    """Per dataset name: the dataset and up to MAX_LINES valid envelope lines, or up to two whole
    CSV/JSON export files (so both listening header variants are covered)."""
    scan = scan_landing(landing)
    units: dict[str, tuple[Dataset, list[bytes]]] = {}
    for dataset in DATASETS:
        files = scan.files_for(dataset)
        assert files, f"the generated landing has no {dataset.name} file"
        if dataset.file_kind == "jsonl":
            lines = [
                ln for f in files for ln in f.read_bytes().splitlines() if ln.strip() and _valid_envelope(ln)
            ]
            units[dataset.name] = (dataset, lines[:MAX_LINES])
        else:
            units[dataset.name] = (dataset, [f.read_bytes() for f in files[:2]])
        assert units[dataset.name][1], f"no valid {dataset.name} unit to mutate"
    return units
