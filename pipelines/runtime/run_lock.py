"""One pipeline run at a time per data dir: an exclusive lock file beside the private build file.

Two runs on the same `SMM_DATA_DIR` would rebuild the same build file and swap the same lake
datasets under each other. Every run of the job holds this lock for its whole life, whatever started
it (`smm run`, the schedule, the sensor, the UI, `dagster job execute`): the job's `warehouse` resource
takes it before the first step (defs/resources.py). A second run waits a bounded time, saying which
run it waits for, and is then refused with a message naming the lock file and the holder. The lock is an OS file lock
(flock): it disappears when the holding process ends, however it ends (a crash or SIGKILL
included), so a stale lock file never blocks anyone and never needs deleting by hand.

"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
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


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def run_lock(
    paths: Paths,
    *,
    run_id: str = "",
    wait_seconds: float = 0,
    on_wait: Callable[[str], None] = lambda message: None,
    poll_seconds: float = 2.0,
) -> Iterator[Path]:
    """Hold the data dir's run lock for the duration of the block.

    When another run holds it, wait up to `wait_seconds` (telling `on_wait` whom we wait for, once a
    minute), then raise RunLocked naming the holder.
    """
    path = lock_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    # os.open fds are not inherited by subprocesses (PEP 446): dbt, started by the run, cannot
    # keep the lock alive after the run itself has died.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        next_notice = 0.0
        while not _try_lock(fd):
            now = time.monotonic()
            if now >= deadline:
                waited = f" after waiting {wait_seconds:.0f} s" if wait_seconds else ""
                raise RunLocked(
                    f"another run holds the run lock {path} ({_holder(path)}){waited}; wait for it to "
                    "finish or stop that process, then rerun. The lock is released as soon as its "
                    "process exits; no file needs deleting"
                )
            if now >= next_notice:
                on_wait(
                    f"waiting for the run that holds the run lock {path} ({_holder(path)}); "
                    f"up to {wait_seconds:.0f} s"
                )
                next_notice = now + 60
            time.sleep(min(poll_seconds, max(deadline - now, 0.05)))
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        holder = f"run {run_id} " if run_id else ""
        os.write(fd, f"{holder}pid {os.getpid()} started at {started}".encode())
        yield path
    finally:
        os.close(fd)  # closing the only descriptor releases the flock
