"""Worker processes that parse landing files, so a run with many files to parse uses every core.

A landing file's parse depends only on its bytes, its path and (legacy Telegram exports) brands' time
zones, so the files of a dataset can be parsed in any order, in other processes. Parsing is Python
work per record, held by one core in one process; a first build or a backfill spends most of its
time there. The run's process keeps everything else (the order of files, the cache's index, the lake
update, validation), so what a run writes does not depend on how many workers it had.

One pool per run with 256 MB or more to parse (the `warehouse` resource opens it), started when a
dataset first has enough to parse, stopped before dbt runs (or when the run ends). Workers are spawned, not forked: polars and pyarrow start
threads at import, and a child forked from a process with threads can deadlock on a lock one of them
held.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

WORKERS_ENV = "SMM_PARSE_WORKERS"
# More workers than this rarely pay on the machines this runs on, and each holds a file's parse.
MAX_DEFAULT_WORKERS = 4
# A run with less than this to parse has no workers: starting them (~1 s, the imports of two
# processes beside the run's) costs more than they save on a few seconds of parsing. The 90-day demo
# data is 66 MB; a new day at scale 70, 65 MB.
MIN_RUN_BYTES = 256 * 2**20
# Below this many bytes to parse (or with one file), a dataset is parsed in the run's process: sending
# its files to the workers and reading their rows back costs more than it saves.
MIN_PARALLEL_BYTES = 8 * 2**20


def worker_count() -> int:
    """SMM_PARSE_WORKERS, else the usable cores up to MAX_DEFAULT_WORKERS; 1 parses in the run's process."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if not raw:
        return max(1, min(len(os.sched_getaffinity(0)), MAX_DEFAULT_WORKERS))
    try:
        count = int(raw)
    except ValueError:
        count = 0
    if count < 1:
        raise ValueError(f"{WORKERS_ENV}={raw!r}: expected a whole number of worker processes, 1 or more")
    return count


class ParseWorkers:
    """A pool of `count` parse processes, started on first use."""

    def __init__(self, count: int, *, min_bytes: int | None = None):
        self.count = count
        self.min_bytes = MIN_PARALLEL_BYTES if min_bytes is None else min_bytes
        self._pool: ProcessPoolExecutor | None = None

    def worth_it(self, files: int, total_bytes: int) -> bool:
        """Whether parsing these files in workers can beat parsing them here."""
        return self.count > 1 and files > 1 and total_bytes >= self.min_bytes

    def map(self, task: Callable[[Any], Any], items: Iterable[Any], *, what: str) -> list[Any]:
        """`task` of every item, in the items' order. `what` names the work if a worker dies."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.count, mp_context=multiprocessing.get_context("spawn"), initializer=_leave_interrupts
            )
        try:
            return list(self._pool.map(task, items))
        except BrokenProcessPool as exc:
            self.close()
            raise RuntimeError(
                f"a parse worker process died while parsing {what} (killed, e.g. out of memory?); "
                f"set {WORKERS_ENV}=1 to parse in the run's own process"
            ) from exc

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _leave_interrupts() -> None:
    """Ctrl-C reaches every process of the terminal's group: the run's process handles it (and stops
    the pool), so a worker ignores it instead of printing its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def parse_workers(bytes_to_parse: int) -> Iterator[ParseWorkers]:
    """The parse workers of a run with `bytes_to_parse` (SMM_PARSE_WORKERS; one, i.e. none started,
    below MIN_RUN_BYTES), stopped on leaving however the run ended."""
    workers = ParseWorkers(worker_count() if bytes_to_parse >= MIN_RUN_BYTES else 1)
    try:
        yield workers
    finally:
        workers.close()
