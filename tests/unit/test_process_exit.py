"""runtime/process_exit.py: the process ends with its code, exit handlers run, output is not lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.runtime.process_exit import exit_code


def _run(body: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "child.py"
    script.write_text(
        "import atexit, sys, threading, time\n"
        "from pathlib import Path\n"
        "from pipelines.runtime.process_exit import exit_now\n"
        f"MARK = Path({str(tmp_path / 'handler-ran')!r})\n"
        "atexit.register(MARK.touch)\n" + body
    )
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)


def test_exit_now_keeps_the_code_the_handlers_and_the_unflushed_output(tmp_path: Path) -> None:
    done = _run("sys.stdout.write('no newline, still buffered')\nexit_now(3)\n", tmp_path)
    assert done.returncode == 3
    assert done.stdout == "no newline, still buffered"
    assert (tmp_path / "handler-ran").exists()


def test_exit_now_waits_for_a_running_non_daemon_thread(tmp_path: Path) -> None:
    body = (
        "def work():\n"
        "    time.sleep(0.5)\n"
        "    print('thread finished', flush=True)\n"
        "threading.Thread(target=work).start()\n"
        "exit_now(4)\n"
    )
    done = _run(body, tmp_path)
    assert done.returncode == 4
    assert "thread finished" in done.stdout
    assert (tmp_path / "handler-ran").exists()


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (2, 2), ("a message", 1)])
def test_exit_code_as_sys_exit_treats_it(code: object, status: int) -> None:
    assert exit_code(code) == status
