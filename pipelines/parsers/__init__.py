"""Parser registry: one module per platform, one `EntityParser` per landing entity.

Adding a platform = one module here with `PARSERS` and `error_of`, its staging folder in dbt,
and its datasets in `pipelines/schemas.py`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from pipelines.parsers import (
    facebook,
    ga4,
    instagram,
    linkedin,
    listening,
    telegram,
    tiktok,
    vk,
    x,
    youtube,
)
from pipelines.parsers.base import Capture, EntityParser, Rejected
from pipelines.schemas import DATASETS, Dataset

_MODULES: dict[str, ModuleType] = {
    "facebook": facebook,
    "instagram": instagram,
    "x": x,
    "linkedin": linkedin,
    "youtube": youtube,
    "tiktok": tiktok,
    "vk": vk,
    "telegram": telegram,
    "ga4": ga4,
    "listening": listening,
}


def parser_for(dataset: Dataset) -> EntityParser:
    return _MODULES[dataset.platform].PARSERS[dataset.entity]


def error_of(dataset: Dataset, response: Any) -> str | None:
    """The API error a response body carries (VK/Graph `error`, TikTok non-ok code), else None."""
    return _MODULES[dataset.platform].error_of(response)


def needs_owner_timezones(dataset: Dataset) -> bool:
    """Whether rows of `dataset` may carry local times read in the owning brand's time zone
    (legacy Telegram exports): the ingest then passes `Capture.owner_timezones`."""
    return dataset.entity in getattr(_MODULES[dataset.platform], "LOCAL_TIME_ENTITIES", ())


def parse_capture(dataset: Dataset, capture: Capture) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse one capture into rows and per-record rejection reasons.

    Raises Rejected when the capture as a whole is unusable (error body, wrong shape).
    Each returned row has exactly the dataset's own columns (capture columns are added later).
    """
    error = error_of(dataset, capture.response)
    if error is not None:
        raise Rejected(f"API error body: {error}")
    parser = parser_for(dataset)
    elements = list(parser.records(capture))
    columns = dataset.columns
    first_key = dataset.key[0]
    rows: list[dict[str, Any]] = []
    rejects: list[str] = []
    for element in elements:
        try:
            row = parser.row(element, capture)
            if row.keys() != columns.keys():
                missing = sorted(columns.keys() - row.keys())
                extra = sorted(row.keys() - columns.keys())
                raise AssertionError(
                    f"{dataset.name} parser row columns differ: missing {missing}, extra {extra}"
                )
            if row[first_key] is None:
                raise Rejected(f"{first_key}: missing")
        except Rejected as exc:
            rejects.append(str(exc))
            continue
        rows.append(row)
    return rows, rejects


def _check_registry() -> None:
    for dataset in DATASETS:
        module = _MODULES[dataset.platform]
        if dataset.entity not in module.PARSERS:
            raise RuntimeError(f"no parser for {dataset.name} in {module.__name__}")


_check_registry()
