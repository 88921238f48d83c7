"""What the current publication was built from, so `smm run --if-changed` skips a run with nothing new.

A run's inputs are the landing files' contents, brands.yml, the pipeline's code (Python, dbt
project, expectations) and the pseudonymisation key. Runs are deterministic (the idempotency
tests prove it), so equal inputs would publish equal marts: such a run is skipped. The digest mixes
everything into one sha256, so the key cannot be read back from the record.

The record (`$SMM_DATA_DIR/runs/published_inputs.json`) is written only after a successful run,
from fingerprints taken *before* it started: a file that changes during a run makes the next
`--if-changed` run go ahead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.landing import LandingScan
from pipelines.runtime.fingerprint import Fingerprint, content_digest, fingerprint_files, relative_files
from pipelines.runtime.paths import PROJECT_ROOT, Paths
from pipelines.runtime.pii import pii_key

RECORD = "published_inputs.json"
_CODE_GLOBS = (
    "pipelines/**/*.py",
    "expectations/**/*.py",
    "dbt_project/dbt_project.yml",
    "dbt_project/models/**/*",
    "dbt_project/macros/**/*",
    "dbt_project/seeds/**/*",
    "dbt_project/tests/**/*",
)


def code_digest(root: Path = PROJECT_ROOT, globs: tuple[str, ...] = _CODE_GLOBS) -> str:
    """sha256 over the paths and contents of the files matching `globs` under `root`."""
    digest = hashlib.sha256()
    for pattern in globs:
        for path in sorted(p for p in root.glob(pattern) if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class RunInputs:
    digest: str
    files: dict[str, Fingerprint]


def _record_path(paths: Paths) -> Path:
    return paths.runs_dir / RECORD


def _previous_files(paths: Paths) -> dict[str, Fingerprint]:
    try:
        raw = json.loads(_record_path(paths).read_text())
        return {rel: Fingerprint.decode(text) for rel, text in raw["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def current_inputs(paths: Paths, scan: LandingScan) -> RunInputs:
    """Fingerprint the inputs now (size+mtime shortcut against the last record, as the sensor does)."""
    landing = [path for files in scan.files.values() for path in files]
    files = fingerprint_files(relative_files(paths.landing, landing), _previous_files(paths))
    digest = hashlib.sha256()
    for part in (content_digest(files), code_digest(), pii_key()):
        digest.update(part.encode() + b"\n")
    brands = paths.brands_file.read_bytes() if paths.brands_file.is_file() else b""
    digest.update(hashlib.sha256(brands).digest())
    return RunInputs(digest=digest.hexdigest(), files=files)


def published_run_with(paths: Paths, inputs: RunInputs) -> str | None:
    """The run id of the current publication when it was built from exactly these inputs."""
    try:
        raw = json.loads(_record_path(paths).read_text())
    except (OSError, ValueError):
        return None
    if raw.get("digest") != inputs.digest or not paths.published_db.exists():
        return None
    return str(raw.get("run_id") or "?")


def record_published_inputs(paths: Paths, inputs: RunInputs, run_id: str) -> None:
    paths.runs_dir.mkdir(parents=True, exist_ok=True)
    record = {
        "run_id": run_id,
        "digest": inputs.digest,
        "files": {rel: fp.encode() for rel, fp in sorted(inputs.files.items())},
    }
    tmp = _record_path(paths).with_suffix(".tmp")
    tmp.write_text(json.dumps(record))
    tmp.replace(_record_path(paths))
