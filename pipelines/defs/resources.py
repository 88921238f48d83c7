"""The one resource every step shares: where the landing, lake and warehouse are."""

from __future__ import annotations

import dagster as dg

from pipelines.runtime.paths import Paths, resolve_paths


class WarehousePaths(dg.ConfigurableResource):
    """Landing, data and brands-file locations; empty means SMM_* environment variables, else defaults."""

    landing_dir: str = ""
    data_dir: str = ""
    brands_file: str = ""

    def resolve(self) -> Paths:
        return resolve_paths(self.landing_dir or None, self.data_dir or None, self.brands_file or None)
