"""Where things live, from the environment, with working defaults.

SMM_LANDING_DIR  raw landing files (default: the generated sample, ./data/sample_landing)
SMM_DATA_DIR     lake, quarantine, warehouse, validation (default: ./data)
SMM_BRANDS_FILE  brands.yml (default: $SMM_LANDING_DIR/brands.yml)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


@dataclass(frozen=True)
class Paths:
    landing: Path
    data: Path
    brands_file: Path

    @property
    def lake(self) -> Path:
        return self.data / "lake"

    @property
    def quarantine(self) -> Path:
        return self.data / "quarantine"

    @property
    def warehouse(self) -> Path:
        return self.data / "warehouse"

    @property
    def published_db(self) -> Path:
        return self.warehouse / "smm.duckdb"

    @property
    def published_parquet(self) -> Path:
        return self.warehouse / "parquet"

    @property
    def build_dir(self) -> Path:
        """Private to the pipeline: readers never open anything here."""
        return self.data / "build"

    @property
    def build_db(self) -> Path:
        return self.build_dir / "smm_build.duckdb"

    @property
    def last_build_db(self) -> Path:
        """The build file of the current publication, kept whole (staging, intermediate, seeds): the
        next incremental build seeds its tables from it, and partial runs start from a copy of it."""
        return self.build_dir / "last_build.duckdb"

    @property
    def parse_cache(self) -> Path:
        """Parsed landing files kept between runs (parse_cache.py); safe to delete, costs one full parse."""
        return self.data / "cache" / "parsed"

    @property
    def runs_dir(self) -> Path:
        return self.data / "runs"

    @property
    def validation(self) -> Path:
        return self.data / "validation"


def resolve_paths(
    landing: str | None = None, data: str | None = None, brands_file: str | None = None
) -> Paths:
    """Paths from explicit values, else the environment, else defaults; always absolute."""
    landing_dir = Path(landing or os.environ.get("SMM_LANDING_DIR") or "data/sample_landing").resolve()
    data_dir = Path(data or os.environ.get("SMM_DATA_DIR") or "data").resolve()
    brands = brands_file or os.environ.get("SMM_BRANDS_FILE") or str(landing_dir / "brands.yml")
    return Paths(landing=landing_dir, data=data_dir, brands_file=Path(brands).resolve())
