"""Writes the landing files line by line and keeps the report's accounting.

JSONL captures go to `<platform>/<entity>/<fetch-date>.jsonl`, one file per dataset per day, open only
while that day is generated. Defects are applied here, at the last moment, so the world never sees them.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import IO, Any

import orjson

from pipelines.sandbox.generator import defects as dk
from pipelines.sandbox.generator.report import GeneratorReport


class Sink:
    def __init__(self, out: Path, report: GeneratorReport, injector: dk.DefectInjector) -> None:
        self.out = out
        self.report = report
        self.injector = injector
        self.day: date | None = None
        self._files: dict[tuple[str, str], IO[bytes]] = {}
        self._same_file_dups: dict[tuple[str, str], list[bytes]] = {}
        self._next_file_dups: dict[tuple[str, str], list[bytes]] = {}

    # ------------------------------------------------------------------ JSONL captures
    def start_day(self, d: date) -> None:
        self.close_day()
        self.day = d

    def _file(self, key: tuple[str, str]) -> IO[bytes]:
        handle = self._files.get(key)
        if handle is None:
            assert self.day is not None
            folder = self.out / key[0] / key[1]
            folder.mkdir(parents=True, exist_ok=True)
            handle = open(folder / f"{self.day.isoformat()}.jsonl", "wb", buffering=1 << 16)  # noqa: SIM115
            self._files[key] = handle
            self.report.files_written += 1
            # A retried request from yesterday's run re-appended at the top of today's file.
            for line in self._next_file_dups.pop(key, []):
                self._write(key, handle, line)
                self._defect(dk.DUP_NEXT)
        return handle

    def capture(self, platform: str, entity: str, envelope: dict[str, Any]) -> None:
        key = (platform, entity)
        handle = self._file(key)
        line = orjson.dumps(envelope)
        kind = self.injector.decide(platform)
        if kind in (dk.DUP_SAME, dk.DUP_NEXT):
            self._write(key, handle, line)
            target = self._same_file_dups if kind == dk.DUP_SAME else self._next_file_dups
            target.setdefault(key, []).append(line)
            return
        if kind is not None:
            line = self.injector.render(kind, envelope, line)
            self._defect(kind)
        self._write(key, handle, line)

    def _write(self, key: tuple[str, str], handle: IO[bytes], line: bytes) -> None:
        handle.write(line)
        handle.write(b"\n")
        self.report.lines_written += 1
        self.report.bytes_written += len(line) + 1
        self.report.count(f"{key[0]}/{key[1]}")

    def _defect(self, kind: str) -> None:
        self.report.defects[kind] = self.report.defects.get(kind, 0) + 1

    def close_day(self) -> None:
        for key, handle in self._files.items():
            for line in self._same_file_dups.pop(key, []):
                self._write(key, handle, line)
                self._defect(dk.DUP_SAME)
            handle.close()
        self._files.clear()

    def close(self) -> None:
        """End of run: duplicates still waiting for a next file are dropped (and were never counted)."""
        self.close_day()
        self._next_file_dups.clear()

    # ------------------------------------------------------------------ whole files (exports, brands.yml)
    def write_text(self, relative: str, text: str, *, dataset: str | None = None, records: int = 0) -> None:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.report.files_written += 1
        self.report.bytes_written += len(data)
        if dataset is not None:
            self.report.count(dataset, records)


class CsvFile:
    """A CSV export written row by row (RFC 4180 quoting, `\\r\\n` as the tools emit)."""

    def __init__(self, sink: Sink, relative: str, header: list[str], dataset: str) -> None:
        self.sink = sink
        self.dataset = dataset
        path = sink.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._writer = csv.writer(self._handle)
        self._writer.writerow(header)
        self.rows = 0
        sink.report.files_written += 1
        sink.report.count(dataset, 0)

    def row(self, values: list[Any]) -> None:
        self._writer.writerow(values)
        self.rows += 1
        self.sink.report.lines_written += 1
        self.sink.report.count(self.dataset)

    def close(self) -> None:
        self._handle.close()
        self.sink.report.bytes_written += Path(self._handle.name).stat().st_size


class StreamFile:
    """A text file written in pieces (the Telegram Desktop export), counted when closed."""

    def __init__(self, sink: Sink, relative: str, dataset: str) -> None:
        self.sink = sink
        self.dataset = dataset
        path = sink.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        sink.report.files_written += 1

    def write(self, text: str) -> None:
        self._handle.write(text)

    def record(self, count: int = 1) -> None:
        self.sink.report.count(self.dataset, count)

    def close(self) -> None:
        self._handle.close()
        self.sink.report.bytes_written += Path(self._handle.name).stat().st_size
