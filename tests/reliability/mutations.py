"""Ways real landing files go wrong, applied to valid captures.

Each mutation takes the bytes of one valid landing unit (a JSONL envelope line, a whole CSV export,
a whole JSON export) and a `random.Random` (hypothesis' shrinkable one in property tests, a seeded
one for the fuzzed landing dir) and returns hostile bytes of the same kind.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from random import Random
from typing import Any

# Byte-level mutations break the syntax, so they are applied after the structural ones.
BYTE_LEVEL = ("truncate", "invalid_utf8")
STRUCTURAL = (
    "wrong_type",
    "drop_key",
    "rename_key",
    "null",
    "huge_string",
    "odd_unicode",
    "duplicate_older",
    "impossible_timestamp",
    "negative_counter",
)
KINDS = STRUCTURAL + BYTE_LEVEL

ODD_UNICODE = (
    "\u202eevil",
    "zero\u200bwidth\u200d",
    "\ufeffbom",
    "nul\x00byte",
    "🙂👍🏽🇺🇦",
    "e\u0301\u0301\u0301",
    "\U0010ffff",
    "ǅİß",
    "line\u2028sep",
    "tab\tcr\rlf\n",
    "'; drop table marts.dim_posts; --",
    "ー" * 50,
)
INVALID_UTF8 = (b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xfe\xfe")
IMPOSSIBLE_TIMES = (
    "2026-02-30T10:00:00Z",
    "2026-13-01T00:00:00+0000",
    "2026-03-01T25:61:61Z",
    "0000-00-00T00:00:00Z",
    "1899-12-31T23:59:59Z",
    "9999-12-31T23:59:59Z",
    "+275760-09-13T00:00:00Z",
    "2026-03-01T10:00:00+99:00",
    "yesterday",
    "",
    "20261301",
    1e20,
    -1,
    99999999999999999,
    "1700000000",
)
OTHER_TYPES = (12345, -7, 3.5, "text", True, False, None, [], {}, [1, "a"], {"k": 1}, 2**70, "12e999")
_TIME_HINTS = ("time", "_at", "date", "published", "created", "timestamp", "day")


def _paths(obj: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    yield path, obj
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _paths(value, (*path, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            yield from _paths(value, (*path, index))


def _set(obj: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    parent = obj
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return obj


def _pick(rnd: Random, items: list) -> Any:
    return items[rnd.randrange(len(items))] if items else None


def _shift_earlier(value: Any) -> Any:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return "2020-01-01T00:00:00Z"
    return (parsed - timedelta(days=1)).isoformat().replace("+00:00", "Z")


def mutate_tree(obj: Any, kind: str, rnd: Random) -> tuple[Any, list[Any]]:
    """One structural mutation of a parsed JSON value; returns (new value, extra values to append)."""
    nodes = list(_paths(obj))
    leaves = [(p, v) for p, v in nodes if p and not isinstance(v, dict | list)]
    if kind == "wrong_type":
        path, value = _pick(rnd, [(p, v) for p, v in nodes if p]) or ((), obj)
        choices = [c for c in OTHER_TYPES if type(c) is not type(value)]
        return _set(obj, path, json.loads(json.dumps(_pick(rnd, choices)))), []
    if kind in ("drop_key", "rename_key"):
        dicts = [(p, v) for p, v in nodes if isinstance(v, dict) and v]
        picked = _pick(rnd, dicts)
        if picked is None:
            return obj, []
        _, target = picked
        key = _pick(rnd, list(target))
        value = target.pop(key)
        if kind == "rename_key":
            target[_pick(rnd, [key.upper(), f"{key}_v2", key.replace("_", ""), f" {key}"])] = value
        return obj, []
    if kind == "null":
        path, _ = _pick(rnd, [(p, v) for p, v in nodes if p]) or ((), obj)
        return _set(obj, path, None), []
    if kind == "huge_string":
        path, _ = _pick(rnd, leaves) or ((), obj)
        return _set(obj, path, _pick(rnd, ["A", "ж", "🙂"]) * rnd.choice([5_000, 50_000, 200_000])), []
    if kind == "odd_unicode":
        strings = [(p, v) for p, v in leaves if isinstance(v, str)] or leaves
        path, _ = _pick(rnd, strings) or ((), obj)
        return _set(obj, path, _pick(rnd, list(ODD_UNICODE))), []
    if kind == "impossible_timestamp":
        timed = [
            (p, v)
            for p, v in leaves
            if isinstance(p[-1], str) and any(h in p[-1].lower() for h in _TIME_HINTS)
        ]
        path, _ = _pick(rnd, timed or leaves) or ((), obj)
        return _set(obj, path, _pick(rnd, list(IMPOSSIBLE_TIMES))), []
    if kind == "negative_counter":
        numbers = [(p, v) for p, v in leaves if isinstance(v, int | float) and not isinstance(v, bool)]
        numeric_text = [(p, v) for p, v in leaves if isinstance(v, str) and v.strip().lstrip("-").isdigit()]
        path, value = _pick(rnd, numbers or numeric_text) or (None, None)
        if path is None:
            return obj, []
        negative = -abs(float(value) if "." in str(value) else int(value)) - 1
        return _set(obj, path, str(negative) if isinstance(value, str) else negative), []
    if kind == "duplicate_older":
        if isinstance(obj, dict) and "fetched_at" in obj:
            older = json.loads(json.dumps(obj))
            older["fetched_at"] = _shift_earlier(obj["fetched_at"])
            return obj, [older]
        lists = [(p, v) for p, v in nodes if isinstance(v, list) and v]
        picked = _pick(rnd, lists)
        if picked is not None:
            picked[1].append(json.loads(json.dumps(_pick(rnd, picked[1]))))
        return obj, []
    raise ValueError(kind)


def mutate_bytes(raw: bytes, kind: str, rnd: Random) -> bytes:
    if kind == "truncate":
        return raw[: rnd.randrange(len(raw))] if raw else raw
    if kind == "invalid_utf8":
        at = rnd.randrange(len(raw) + 1)
        return raw[:at] + _pick(rnd, list(INVALID_UTF8)) + raw[at:]
    raise ValueError(kind)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def mutate_json(raw: bytes, kinds: list[str], rnd: Random, *, lines: bool) -> bytes:
    """A JSONL envelope line (lines=True) or a whole JSON export, with `kinds` applied in order."""
    structural = [k for k in kinds if k not in BYTE_LEVEL]
    out = raw
    if structural:
        obj = json.loads(raw)
        extra: list[Any] = []
        for kind in structural:
            obj, more = mutate_tree(obj, kind, rnd)
            extra += more
        out = b"\n".join([_dumps(obj), *(_dumps(e) for e in extra)]) if lines else _dumps(obj)
    for kind in (k for k in kinds if k in BYTE_LEVEL):
        out = mutate_bytes(out, kind, rnd)
    return out


def mutate_csv(raw: bytes, kinds: list[str], rnd: Random) -> bytes:
    """A whole CSV export with `kinds` applied to its header or cells."""
    structural = [k for k in kinds if k not in BYTE_LEVEL]
    out = raw
    if structural:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        header, body = rows[0], rows[1:] or [[""] * len(rows[0])]
        for kind in structural:
            row = _pick(rnd, body)
            col = rnd.randrange(len(header))
            if kind == "drop_key":
                header.pop(col)  # the header loses a column the rows still have
            elif kind == "rename_key":
                header[col] = _pick(rnd, [header[col].upper(), f"{header[col]} (v2)", ""])
            elif kind in ("null", "wrong_type"):
                if col < len(row):
                    row[col] = "" if kind == "null" else _pick(rnd, ["abc", "1.5e999", "[1]", "true", "NaN"])
            elif kind == "huge_string":
                if col < len(row):
                    row[col] = "A" * rnd.choice([5_000, 50_000, 200_000])
            elif kind == "odd_unicode":
                if col < len(row):
                    row[col] = _pick(rnd, list(ODD_UNICODE))
            elif kind == "duplicate_older":
                body.append(list(row))
            elif kind == "impossible_timestamp":
                dated = [i for i, h in enumerate(header) if any(x in h.lower() for x in _TIME_HINTS)] or [col]
                i = _pick(rnd, dated)
                if i < len(row):
                    row[i] = str(_pick(rnd, list(IMPOSSIBLE_TIMES)))
            elif kind == "negative_counter":
                numeric = [i for i, v in enumerate(row) if v.replace(".", "", 1).isdigit()]
                if numeric:
                    i = _pick(rnd, numeric)
                    row[i] = f"-{row[i]}" if row[i] != "0" else "-1"
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(body)
        out = buffer.getvalue().encode("utf-8", "surrogatepass")
    for kind in (k for k in kinds if k in BYTE_LEVEL):
        out = mutate_bytes(out, kind, rnd)
    return out


def mutate_unit(raw: bytes, file_kind: str, kinds: list[str], rnd: Random) -> bytes:
    """Mutate one landing unit of a dataset's file kind (jsonl line, csv file, json document)."""
    if file_kind == "csv":
        return mutate_csv(raw, kinds, rnd)
    return mutate_json(raw, kinds, rnd, lines=file_kind == "jsonl")
