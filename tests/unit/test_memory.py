"""The step-end memory release must reach glibc where there is one, or it silently does nothing."""

import os
import platform
import sys

import pytest

from pipelines.runtime.memory import release_freed_memory

MIB = 1 << 20


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's"
)
def test_memory_freed_mid_heap_goes_back_to_the_os() -> None:
    # Like ingest's per-record objects: many small malloc'd blocks (above pymalloc's 512-byte limit),
    # then one still alive above them, so glibc cannot shrink the heap top and keeps the freed pages.
    blocks = [bytes(1024) for _ in range(64 * 1024)]  # 64 MiB
    still_alive = bytes(1024)
    del blocks
    held = _resident_bytes()
    release_freed_memory()
    returned = held - _resident_bytes()
    assert returned > 32 * MIB, f"only {returned / MIB:.1f} MiB of 64 freed went back to the OS"
    assert still_alive == bytes(1024)
