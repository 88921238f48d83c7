"""One pipeline run at a time per data dir: an exclusive lock file beside the private build file.

Two runs on the same `SMM_DATA_DIR` would rebuild the same build file and swap the same lake
datasets under each other. `smm run` holds this lock for its whole life; a second run is refused
at once with a message naming the lock file and the holder. The lock is an OS file lock
(flock): it disappears when the holding process ends, however it ends (a crash or SIGKILL
included), so a stale lock file never blocks anyone and never needs deleting by hand.

Reusable by any entry point that starts a full run (CLI, a Dagster run launcher, a sensor).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipelines.runtime.paths import Paths

LOCK_NAME = ".run.lock"


class RunLocked(RuntimeError):
    """Another process holds the run lock of this data dir; the message says who and what to do."""


def lock_path(paths: Paths) -> Path:
    return paths.build_dir / LOCK_NAME


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return "pid unknown"
    return text or "pid unknown"


@contextmanager
def run_lock(paths: Paths) -> Iterator[Path]:
    """Hold the data dir's run lock for the duration of the block, or raise RunLocked at once."""
    path = lock_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    # os.open fds are not inherited by subprocesses (PEP 446): dbt, started by the run, cannot
    # keep the lock alive after the run itself has died.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(
                f"another run holds the run lock {path} ({_holder(path)}); wait for it to finish or stop "
                "that process, then rerun. The lock is released as soon as its process exits; "
                "no file needs deleting"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, started {datetime.now(UTC).isoformat(timespec='seconds')}".encode())
        yield path
    finally:
        os.close(fd)  # closing the only descriptor releases the flock
