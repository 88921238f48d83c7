"""The step-end memory release must reach glibc where there is one, or it silently does nothing."""

import platform
import sys

import pytest

from pipelines.runtime.memory import _malloc_trim


@pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's"
)
def test_glibc_malloc_trim_is_found_and_callable() -> None:
    trim = _malloc_trim()
    assert trim is not None
    assert trim(0) in (0, 1)  # 1 when memory was returned, 0 when there was none to return
