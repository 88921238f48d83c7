"""Columnar fast path for JSONL datasets: a file's records gathered into typed columns, the per-field
rules applied as polars expressions over whole columns instead of a parser call per record.

The per-record parsers (pipelines/parsers/) stay the reference: they own every rule and produce every
quarantine reason. This path only *accepts* a line when it is certain the reference would load every
record of that line, and load it exactly as computed here. Any other line — bad JSON, an envelope or
error body the reference rejects, a value of another type than declared, a record any rule would
reject — is handed to the reference parser as if this path did not exist. So rows, quarantine and
counts are the reference's by construction, and tests/unit/test_columnar_differential.py checks that
they are. (The few texts `platform_text` would change go through `platform_text` itself.)

What is shared with the reference, per line (cheap: one call per API response page): orjson decoding,
the envelope (`parse._envelope`), the platform's `error_of` and the entity's `records`. What is
replaced, per record (where the time went): the `row` function. Each record contributes only its raw
values, checked for their JSON type in Python (`type(v) is int`); timestamps, time windows, the
checks for text to repair and derived columns are polars expressions over the columns. Why not polars `str.json_decode` or
DuckDB's JSON reader: see DECISIONLOG (2026-12-05, columnar ingest): the first coerces silently (1.5
and true read as the integer 1, 12 and "12" as the same string), so it cannot tell what the reference
would reject; the second can (each value's JSON text) but was no faster than the reference on our
captures, and it reads duplicate keys, NaN, trailing commas and deep nesting differently from orjson.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, partial
from typing import Any

import polars as pl

from pipelines.parsers import error_of, parser_for
from pipelines.parsers.base import (
    _ENTITY,
    _MOJIBAKE_HINT,
    _MOJIBAKE_PAIR,
    EARLIEST,
    LATEST,
    Capture,
    Rejected,
    platform_text,
)
from pipelines.schemas import UTC_TS, Dataset

_INT64 = 2**63


class Uncertain(Exception):
    """This record's value is not one the fast path reads with certainty: its line goes to the parser."""


# ------------------------------------------------------------------ reading one raw value

# How a field's raw value `v` is taken, as Python source (see `_compile_reader`): each mirrors a
# converter of parsers/base.py on the JSON types it is certain about and raises U on any other.
_READS = {
    # to_str: strings as they are, integer ids spelled as strings.
    "ident": "if v is not None and type(v) is not str:\n    if type(v) is int: v = str(v)\n    else: raise U",
    # to_int on a JSON integer (numeric strings and 12.0, which it also reads, go to the parser).
    "integer": "if v is not None and (type(v) is not int or not -I < v < I): raise U",
    # to_count: an integer that cannot be negative.
    "count": "if v is not None and (type(v) is not int or not 0 <= v < I): raise U",
    # A string for a column expression to check (a timestamp, a text).
    "string": "if v is not None and type(v) is not str: raise U",
    # to_bool: booleans, and the 0/1 flags VK uses.
    "boolean": "if v is not None and type(v) is not bool:\n    if type(v) is int and v in (0, 1): v = bool(v)\n"
    "    else: raise U",
    # A value compared with strings only (a message kind): anything else compares unequal.
    "loose": "if type(v) is not str: v = None",
    # A rule over a whole sub-tree: the field's own function.
    "custom": "v = reads[{index}](v)",
}


@dataclass(frozen=True)
class Field:
    """One value of each record: where it is (`path`, read like `base.dig`), how it is taken
    (`kind`, one of _READS; `read` for "custom"), the column it becomes (`dtype`), the condition on
    that column under which the parser gives the same value (`check`) and the value (`convert`)."""

    path: tuple[str, ...]
    kind: str
    dtype: pl.DataType
    read: Callable[[Any], Any] | None = None
    check: Callable[[str], pl.Expr] | None = None
    convert: Callable[[str], pl.Expr] | None = None
    # The parser's own function for the (few) values `check` is false on, instead of failing the line.
    fix: Callable[[str], Any] | None = None
    # The paths a path-less custom field reads in the record (for the differential test's edge values).
    reads: tuple[tuple[str, ...], ...] = ()


def ident(*path: str) -> Field:
    return Field(path, "ident", pl.String())


def integer(*path: str) -> Field:
    return Field(path, "integer", pl.Int64())


def count(*path: str) -> Field:
    return Field(path, "count", pl.Int64())


def boolean(*path: str) -> Field:
    return Field(path, "boolean", pl.Boolean())


def loose(*path: str) -> Field:
    return Field(path, "loose", pl.String())


def timestamp(*path: str) -> Field:
    """`to_ts`: an ISO time (no offset = UTC) in the window; "" is NULL."""
    return Field(path, "string", pl.String(), check=_ts_ok, convert=_ts)


def text(*path: str, html_escaped: bool) -> Field:
    """`platform_text` of a string: the few texts it may change (an entity to unescape, a mojibake
    hint) go through `platform_text` itself, the rest are unchanged. An int id here is the parser's."""
    return Field(
        path,
        "string",
        pl.String(),
        check=partial(_text_unchanged, html_escaped=html_escaped),
        fix=partial(platform_text, field=".".join(path), html_escaped=html_escaped),
    )


def epoch_seconds(*path: str) -> Field:
    """`from_epoch_seconds` on a JSON integer."""
    return Field(path, "integer", pl.Int64(), check=_epoch_ok, convert=_epoch)


def epoch_millis(*path: str) -> Field:
    """`from_epoch_millis` on a JSON integer."""
    return Field(path, "integer", pl.Int64(), check=_epoch_millis_ok, convert=_epoch_millis)


def custom(
    read: Callable[[Any], Any], dtype: pl.DataType, *path: str, reads: tuple[tuple[str, ...], ...] = ()
) -> Field:
    """A value whose rule needs the whole sub-tree (a sum over reactions, the first reference of a kind;
    no path: the record itself): `read` mirrors the parser on inputs it is certain about and raises
    `Uncertain` otherwise."""
    return Field(path, "custom", dtype, read, reads=reads)


def _compile_reader(fields: list[Field]) -> Callable[[Any], tuple[Any, ...]]:
    """One function taking a record to the tuple of its fields' values (raising Uncertain).

    Generated once per spec so that a record costs a few dict lookups and type tests, not a call per
    field: this loop is what the columnar path spends most of its time in. Objects on a field's path
    are read like `base.dig`: missing or null gives None, anything but an object is uncertain."""
    lines = ["def read(record):", "    if type(record) is not dict: raise U"]
    objects = {(): "record"}
    reads = [f.read for f in fields]
    for f in fields:
        for depth in range(1, len(f.path)):
            prefix = f.path[:depth]
            if prefix not in objects:
                name = objects[prefix] = f"o{len(objects)}"
                parent = objects[prefix[:-1]]
                get = f"{parent}.get({prefix[-1]!r})"
                lines += [
                    f"    {name} = {get}"
                    if parent == "record"
                    else f"    {name} = None if {parent} is None else {get}",
                    f"    if {name} is not None and type({name}) is not dict: raise U",
                ]
    values = []
    for index, f in enumerate(fields):
        if f.path:
            parent = objects[f.path[:-1]]
            get = f"{parent}.get({f.path[-1]!r})"
            lines.append(
                f"    v = {get}" if parent == "record" else f"    v = None if {parent} is None else {get}"
            )
        else:
            lines.append("    v = record")
        lines += ["    " + line for line in _READS[f.kind].format(index=index).splitlines()]
        lines.append(f"    v{index} = v")
        values.append(f"v{index}")
    lines.append(f"    return ({', '.join(values)},)")
    namespace: dict[str, Any] = {"U": Uncertain, "I": _INT64, "reads": reads}
    exec("\n".join(lines), namespace)  # the source is built above from the spec's own paths
    return namespace["read"]


# ------------------------------------------------------------------ column rules

# datetime.fromisoformat reads exactly these as DuckDB/chrono do (`Z`, `+0000`, `+05:30`, no offset).
_TS_BODY = (
    r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]{1,6})?"
)
_TS_OFFSET = r"(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])"
# repair_mojibake leaves a text alone unless both its hint and its pair pattern match. The pair
# pattern opens with a lookahead (a speed-up Rust's regex lacks) on the chars its alternatives start with.
_PAIR = re.sub(r"^\(\?=\[[^\]]*\]\)", "", _MOJIBAKE_PAIR.pattern)


_EARLIEST, _LATEST = pl.lit(EARLIEST, dtype=UTC_TS), pl.lit(LATEST, dtype=UTC_TS)


def _in_window(ts: pl.Expr) -> pl.Expr:
    return (ts >= _EARLIEST) & (ts < _LATEST)


def _ts(alias: str) -> pl.Expr:
    text = pl.col(alias).replace("", None)
    # One format for all: `Z` spelled as an offset, a time without offset read as UTC.
    aware = (
        pl.when(text.str.contains(f"{_TS_OFFSET}$"))
        .then(text.str.replace(r"Z$", "+00:00"))
        .otherwise(text + "+00:00")
    )
    return aware.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", time_unit="us", strict=False).dt.convert_time_zone(
        "UTC"
    )


def _ts_ok(alias: str) -> pl.Expr:
    text = pl.col(_raw(alias)).replace("", None)
    shape = text.str.contains(f"^{_TS_BODY}{_TS_OFFSET}?$")
    return text.is_null() | (shape & _in_window(pl.col(alias)).fill_null(False))


def _text_unchanged(alias: str, *, html_escaped: bool) -> pl.Expr:
    text = pl.col(alias)
    unchanged = ~(text.str.contains(_MOJIBAKE_HINT.pattern) & text.str.contains(_PAIR))
    if html_escaped:
        unchanged &= ~text.str.contains(_ENTITY.pattern)
    return text.is_null() | unchanged


def _epoch(alias: str) -> pl.Expr:
    return pl.from_epoch(pl.col(alias), time_unit="s").dt.replace_time_zone("UTC").cast(UTC_TS)


def _epoch_ok(alias: str) -> pl.Expr:
    seconds = pl.col(_raw(alias))
    return seconds.is_null() | ((seconds.abs() <= 10**11) & _in_window(pl.col(alias)).fill_null(False))


def _epoch_millis(alias: str) -> pl.Expr:
    return pl.from_epoch(pl.col(alias), time_unit="ms").dt.replace_time_zone("UTC").cast(UTC_TS)


def _epoch_millis_ok(alias: str) -> pl.Expr:
    millis = pl.col(_raw(alias))
    return millis.is_null() | ((millis.abs() <= 10**14) & _in_window(pl.col(alias)).fill_null(False))


def _raw(alias: str) -> str:
    """A converted field's value as read (its check looks at both)."""
    return f"{alias}__raw"


def present(col: str) -> pl.Expr:
    """`required_str`: neither missing nor empty."""
    return pl.col(col).is_not_null() & (pl.col(col) != "")


def first_nonempty(first: str | pl.Expr, then: str | pl.Expr) -> pl.Expr:
    """Python's `first or then` on optional strings."""
    a = pl.col(first) if isinstance(first, str) else first
    b = pl.col(then) if isinstance(then, str) else then
    return pl.when(a.is_not_null() & (a != "")).then(a).otherwise(b)


# ------------------------------------------------------------------ what a dataset declares


@dataclass(frozen=True)
class FastSpec:
    """How one JSONL dataset reads on the fast path.

    `fields`: the raw values read from each record (an object, else the line is the parser's), by
    alias. `columns`: the dataset's own columns as expressions over those aliases and `account_id`,
    `object_id` (the capture's). `checks`: conditions that must hold for the parser to load the record
    exactly so (the field reads already checked the JSON types).
    """

    fields: dict[str, Field]
    columns: dict[str, pl.Expr]
    checks: tuple[pl.Expr, ...] = ()

    @cached_property
    def reader(self) -> Callable[[Any], tuple[Any, ...]]:
        return _compile_reader(list(self.fields.values()))

    def plan(self, dataset: Dataset) -> tuple[list[pl.Expr], list[pl.Expr]]:
        """The expressions taking the gathered columns to rows (built once per dataset): conversions,
        then the dataset's columns, the capture columns and `_ok` (every check of the record)."""
        if (cached := _PLANS.get(dataset.name)) is not None:
            return cached
        converted = {a: f.convert for a, f in self.fields.items() if f.convert is not None}
        checks = [f.check(a) for a, f in self.fields.items() if f.check and not f.fix] + list(self.checks)
        convert = [
            *(pl.col(alias).alias(_raw(alias)) for alias in converted),
            *(to_value(alias).alias(alias) for alias, to_value in converted.items()),
        ]
        select = [
            *(self.columns[name].cast(dtype).alias(name) for name, dtype in dataset.columns.items()),
            pl.col("fetched_at"),
            pl.col("fetched_at").dt.date().alias("fetch_date"),
            pl.col("account_id").alias("capture_account_id"),
            pl.col("object_id").alias("capture_object_id"),
            pl.col("source_file"),
            pl.col("source_line"),
            pl.all_horizontal(pl.lit(True), *checks).fill_null(False).alias("_ok"),
        ]
        _PLANS[dataset.name] = convert, select
        return convert, select


_PLANS: dict[str, tuple[list[pl.Expr], list[pl.Expr]]] = {}


# ------------------------------------------------------------------ running it


class Gatherer:
    """Records of one batch of lines, taken a line at a time (the decoded response is dropped as soon
    as its values are read), turned into rows by `rows()`."""

    def __init__(self, dataset: Dataset, spec: FastSpec):
        self.dataset = dataset
        self.spec = spec
        self._records = parser_for(dataset).records
        self._values: list[tuple[Any, ...]] = []
        self._line_of: list[int] = []  # per record: its line's index in _lines
        self._lines: list[tuple[int, datetime, str | None, str | None]] = []

    def add(self, line_no: int, capture: Capture) -> bool:
        """Take the line's records; False when the line is the parser's (nothing was taken)."""
        if error_of(self.dataset, capture.response) is not None:
            return False
        read = self.spec.reader
        try:
            gathered = [read(record) for record in self._records(capture)]
        except (Rejected, Uncertain):
            return False
        self._values.extend(gathered)
        self._line_of.extend([len(self._lines)] * len(gathered))
        self._lines.append((line_no, capture.fetched_at, capture.account_id, capture.object_id))
        return True

    def rows(self, rel: str) -> tuple[pl.DataFrame, list[int]]:
        """The rows of every line whose records all pass the column checks (dataset columns + capture
        columns, in line and record order), and the lines that did not (for the parser)."""
        spec = self.spec
        columns = list(zip(*self._values, strict=True)) if self._values else [() for _ in spec.fields]
        values = pl.DataFrame(
            [
                pl.Series(alias, column, dtype=f.dtype)
                for (alias, f), column in zip(spec.fields.items(), columns, strict=True)
            ]
        )
        values = _fixed(spec, values)
        lines = pl.DataFrame(
            [
                pl.Series("source_line", [line[0] for line in self._lines], dtype=pl.Int64),
                pl.Series("fetched_at", [line[1] for line in self._lines], dtype=UTC_TS),
                pl.Series("account_id", [line[2] for line in self._lines], dtype=pl.String),
                pl.Series("object_id", [line[3] for line in self._lines], dtype=pl.String),
            ]
        )
        capture = lines[pl.Series(self._line_of, dtype=pl.Int64)] if self._line_of else lines.head(0)
        convert, select = spec.plan(self.dataset)
        frame = (
            pl.concat([values, capture], how="horizontal")
            .lazy()
            .with_columns(*convert, source_file=pl.lit(rel, pl.String))
            .select(select)
            .collect()
        )
        failed = frame.filter(~pl.col("_ok"))["source_line"].unique().sort().to_list()
        if failed:
            frame = frame.filter(~pl.col("source_line").is_in(failed))
        return frame.drop("_ok"), failed


def _fixed(spec: FastSpec, values: pl.DataFrame) -> pl.DataFrame:
    """Fields with a `fix`: the values their check is false on replaced by the parser's own result."""
    for alias, f in spec.fields.items():
        if f.fix is None or f.check is None or not values.height:
            continue
        column = values[alias]
        todo = values.select(~f.check(alias).fill_null(True)).to_series().arg_true()
        if todo.len():
            fixed = pl.Series([f.fix(value) for value in column.gather(todo).to_list()], dtype=column.dtype)
            values = values.with_columns(column.scatter(todo, fixed))
    return values
