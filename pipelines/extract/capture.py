"""Capture files: one per run × endpoint × account, written so the landing never sees a partial file.

`<landing>/<platform>/<entity>/<YYYYMMDDTHHMMSSZ>_<account_id>_<run id>.jsonl`, one envelope line per
page. Lines go to a dot-prefixed name in the same folder (the landing scan skips dot-files), which is
flushed, fsynced and then linked to its final name — a link fails if that name exists, so an existing
capture is never rewritten — and the dot-name removed. A killed extraction leaves only a dot-file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pipelines.extract.redact import redact_json, safe_params

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def capture_name(run_started: datetime, account_id: str, run_id: str) -> str:
    """The contract's file name; characters a file name should not hold (LinkedIn URN colons) become `_`."""
    return f"{stamp(run_started)}_{_UNSAFE.sub('_', account_id)}_{run_id}.jsonl"


class CaptureExists(FileExistsError):
    pass


class CaptureFile:
    """One capture file being written. `commit()` makes it visible; `abandon()` removes it."""

    def __init__(self, folder: Path, name: str, secrets: Iterable[str] = ()) -> None:
        self.path = folder / name
        if self.path.exists():
            raise CaptureExists(f"{self.path} exists; captures are never rewritten")
        folder.mkdir(parents=True, exist_ok=True)
        self.temp = folder / f".{name}.part"
        self._secrets = secrets
        self._handle: IO[bytes] | None = self.temp.open("wb")
        self.pages = 0
        self.bytes = 0

    def write_page(
        self,
        *,
        fetched_at: datetime,
        account_id: str,
        endpoint: str,
        object_id: str,
        params: dict[str, Any] | None,
        response: Any,
    ) -> None:
        """Append one page in the contract's envelope; the response is redacted, not reshaped."""
        assert self._handle is not None, "capture already closed"
        envelope = {
            "fetched_at": iso_z(fetched_at),
            "account_id": account_id,
            "endpoint": endpoint,
            "object_id": object_id,
            "params": safe_params(params),
            "response": redact_json(response, self._secrets),
        }
        line = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        self._handle.write(line)
        self.pages += 1
        self.bytes += len(line)

    def commit(self) -> Path | None:
        """Flush, fsync and publish under the final name; a file with no page is not published."""
        if self._handle is None:
            return None
        handle, self._handle = self._handle, None
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        if not self.pages:
            self.temp.unlink(missing_ok=True)
            return None
        try:
            os.link(self.temp, self.path)  # fails if the name exists: never rewrite a capture
        except FileExistsError:
            self.temp.unlink(missing_ok=True)
            raise CaptureExists(f"{self.path} exists; captures are never rewritten") from None
        self.temp.unlink()
        _fsync_dir(self.path.parent)
        return self.path

    def abandon(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self.temp.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_export(folder: Path, name: str, data: bytes) -> Path:
    """Write a downloaded export file (a Reporting API CSV) as it came, like a capture: under a
    dot-name, fsynced, then linked to `name` (never over an existing file)."""
    target = folder / name
    if target.exists():
        raise CaptureExists(f"{target} exists; captures are never rewritten")
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{name}.part"
    with temp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temp, target)
    except FileExistsError:
        raise CaptureExists(f"{target} exists; captures are never rewritten") from None
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(folder)
    return target


def remove_stale_parts(landing: Path, platform: str) -> int:
    """Dot-files a killed extraction left in `platform`'s folders (never visible to the scan)."""
    removed = 0
    for part in (landing / platform).glob("*/.*.part"):
        part.unlink(missing_ok=True)
        removed += 1
    return removed
