"""One fingerprint of everything a run reads: landing files by content, brands.yml, the PII key, the code.

This is the only place that decides what "the same inputs" means. The run plan (run_plan.py) compares
the fingerprint taken at the start of a run with the one the current publication was built from
(recorded in the published file, `ops.build_inputs` and `ops.landing_files`), and every consumer — the
landing sensor, `smm run --if-changed`, the parse cache, the incremental dbt build — reads the plan.

Hashing every landing file on every sensor tick would read the whole landing dir each minute, so
(size, mtime_ns) is a pre-check against the recorded fingerprints: when both match, the recorded
sha256 is reused without reading the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest.landing import LandingScan
from pipelines.runtime.bulk_insert import insert_rows
from pipelines.runtime.fingerprint import Fingerprint, fingerprint_files, relative_files
from pipelines.runtime.paths import PROJECT_ROOT, Paths
from pipelines.runtime.pii import pii_key

# The code a publication depends on, in three parts because each part invalidates different work:
# `parse` what a landing file parses into (the parse cache and the lake), `dbt` the models built from
# the lake, `pipeline` the rest (validation suites, orchestration): it changes no data.
CODE_PARTS: dict[str, tuple[str, ...]] = {
    "parse": (
        "pipelines/schemas.py",
        "pipelines/ingest/parse.py",
        "pipelines/ingest/columnar*.py",
        "pipelines/parsers/*.py",
    ),
    "dbt": (
        "dbt_project/dbt_project.yml",
        "dbt_project/profiles.yml",
        "dbt_project/models/**/*",
        "dbt_project/macros/**/*",
        "dbt_project/seeds/**/*",
        "dbt_project/tests/**/*",
        "pipelines/warehouse/dbt_session_plugin.py",
    ),
    "pipeline": ("pipelines/**/*.py", "expectations/**/*.py"),
}


def _digest_files(root: Path, globs: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for pattern in globs:
        for path in sorted(p for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_digests(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """sha256 of each code part (paths and contents of its files)."""
    return {part: _digest_files(root, globs) for part, globs in CODE_PARTS.items()}


def key_digest(key: str) -> str:
    """Tells whether the pseudonymisation key changed without storing anything that reveals it."""
    return hashlib.sha256(b"smm-pii-key\0" + key.encode()).hexdigest()


@dataclass(frozen=True)
class RunInputs:
    """What a run reads. `files`: landing path (relative to the landing dir) → fingerprint."""

    files: Mapping[str, Fingerprint] = field(default_factory=dict)
    brands: str = ""
    pii: str = ""
    code: Mapping[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """Equal iff every input is equal (contents, not mtimes)."""
        digest = hashlib.sha256()
        for rel in sorted(self.files):
            digest.update(f"{rel}\0{self.files[rel].sha256}\n".encode())
        digest.update(f"brands\0{self.brands}\npii\0{self.pii}\n".encode())
        for part in sorted(self.code):
            digest.update(f"code:{part}\0{self.code[part]}\n".encode())
        return digest.hexdigest()


def current_inputs(paths: Paths, scan: LandingScan, previous: RunInputs | None = None) -> RunInputs:
    """Fingerprint the inputs now; `previous` lends its hashes to files whose size and mtime match."""
    landing = [path for files in scan.files.values() for path in files]
    files = fingerprint_files(relative_files(paths.landing, landing), previous.files if previous else None)
    brands = paths.brands_file.read_bytes() if paths.brands_file.is_file() else b""
    return RunInputs(
        files=files,
        brands=hashlib.sha256(brands).hexdigest(),
        pii=key_digest(pii_key()),
        code=code_digests(),
    )


# ---------------------------------------------------------------- the record in the published file

_RECORD_DDL = """
create schema if not exists ops;
create or replace table ops.build_inputs (part varchar, digest varchar);
create or replace table ops.landing_files (path varchar, sha256 varchar, size bigint, mtime_ns bigint);
"""


def record_inputs(con: duckdb.DuckDBPyConnection, inputs: RunInputs) -> None:
    """Write into the build file what it is built from (published with it, atomically)."""
    con.execute(_RECORD_DDL)
    parts = [("brands", inputs.brands), ("pii", inputs.pii)]
    parts += [(f"code:{part}", digest) for part, digest in sorted(inputs.code.items())]
    insert_rows(con, "ops.build_inputs", ("part", "digest"), parts)
    rows = [(rel, fp.sha256, fp.size, fp.mtime_ns) for rel, fp in sorted(inputs.files.items())]
    insert_rows(con, "ops.landing_files", ("path", "sha256", "size", "mtime_ns"), rows)


@dataclass(frozen=True)
class PublishedRecord:
    """What the current publication was built from, and by which run."""

    run_id: str
    inputs: RunInputs
    # Lake partition digests ((dataset, fetch date or "-") → sha256): the check of an incremental window.
    partitions: Mapping[tuple[str, str], str] = field(default_factory=dict)


def read_published_record(db: Path) -> PublishedRecord | None:
    """The record in the published file; None when there is no file or it does not say (build in full)."""
    if not db.exists():
        return None
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            parts = dict(con.execute("select part, digest from ops.build_inputs").fetchall())
            files = con.execute("select path, sha256, size, mtime_ns from ops.landing_files").fetchall()
            run = con.execute("select run_id from ops.publication").fetchone()
            partitions = con.execute(
                "select dataset, fetch_partition, digest from ops.lake_partitions"
            ).fetchall()
    except duckdb.Error:
        return None  # an older publication without the record, or an unreadable file
    inputs = RunInputs(
        files={rel: Fingerprint(sha, size, mtime) for rel, sha, size, mtime in files},
        brands=parts.pop("brands", ""),
        pii=parts.pop("pii", ""),
        code={name.removeprefix("code:"): digest for name, digest in parts.items()},
    )
    return PublishedRecord(
        run_id=str(run[0]) if run else "?",
        inputs=inputs,
        partitions={(dataset, partition): digest for dataset, partition, digest in partitions},
    )
