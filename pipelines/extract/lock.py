"""One extraction of a platform at a time per data dir (an OS file lock under `$SMM_DATA_DIR/extract/`).

A second extraction of the same platform would remove the first one's unfinished dot-files as
leftovers and write the same cursors; different platforms may run in parallel. The lock is flock-based: it goes away with its process, however that ends (SIGKILL
included), so a stale lock file never blocks a later run. Separate from the pipeline's run lock:
extracting while `smm run` builds is fine (the run reads only files complete before its plan).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ExtractLocked(RuntimeError):
    pass


@contextmanager
def extract_lock(data_dir: Path, platform: str) -> Iterator[None]:
    folder = data_dir / "extract"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".{platform}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = path.read_text(encoding="utf-8").strip() or "pid unknown"
            raise ExtractLocked(
                f"another extraction of {platform} is running on {data_dir} ({holder}); wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}".encode())
        yield
    finally:
        os.close(fd)
