"""A full disk, said plainly: which file could not be written and what to do about it.

Writers (polars, DuckDB, plain Python) each report ENOSPC their own way: OSError errno 28,
polars' "No space left on device (os error 28)", DuckDB's "IO Error: Could not write file ...".
Every writer of the pipeline wraps its writes in `disk_full_is_fatal(path)` so the run fails
with one message naming the file, and the CLI recognises that message among failed steps.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

_MARKERS = ("no space left on device", "os error 28", "disk quota exceeded", "errno 28")
HEADLINE = "disk full"


class DiskFull(OSError):
    """Writing `path` failed because its disk (or quota) is full."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        super().__init__(errno.ENOSPC, disk_full_message(self.path))

    def __str__(self) -> str:
        return disk_full_message(self.path)

    def __reduce__(self) -> tuple[type[DiskFull], tuple[str]]:
        # Raised in a parse worker, it reaches the run's process as itself (OSError's pickling would
        # call __init__ with OSError's arguments).
        return DiskFull, (self.path,)


def disk_full_message(path: Path | str) -> str:
    return (
        f"{HEADLINE}: no space left writing {path}; free space on that disk (or point SMM_DATA_DIR at a "
        "disk with room) and rerun `smm run`. The previous publication is unchanged"
    )


def is_disk_full(error: BaseException | str) -> bool:
    """True for ENOSPC/EDQUOT however the writing library phrased it."""
    if isinstance(error, DiskFull):
        return True
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(error).lower()
    return f"{HEADLINE}:" in text or any(marker in text for marker in _MARKERS)


def failure_headline(messages: Iterable[str], data_dir: Path | str) -> str | None:
    """The one message to show when a full disk is behind a run's failed steps, else None.

    Prefers a message naming the file (ours, from `disk_full_is_fatal`); a writer that did not say
    which file is reported against the data dir it writes under.
    """
    full = [m for m in messages if is_disk_full(m)]
    if not full:
        return None
    # Ours read "disk full: ... writing <file> ...", possibly behind an exception class name.
    ours = [m[m.lower().index(f"{HEADLINE}:") :] for m in full if f"{HEADLINE}:" in m.lower()]
    if ours:
        return ours[0]
    detail = full[0].splitlines()[0][:200]
    return disk_full_message(f"under {data_dir} ({detail})")


@contextmanager
def disk_full_is_fatal(path: Path | str) -> Iterator[None]:
    """Re-raise a disk-full error from the block as DiskFull naming `path`; other errors pass through."""
    try:
        yield
    except DiskFull:
        raise
    except Exception as exc:
        if is_disk_full(exc):
            raise DiskFull(path) from None  # the runner reports the innermost cause: this message
        raise
