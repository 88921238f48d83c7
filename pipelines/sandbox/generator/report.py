"""What one generator run wrote, for the CLI to print and tests to check against the files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class GeneratorReport:
    """Counts of one run.

    lines_written: JSONL capture lines plus CSV data rows (headers excluded).
    datasets: "platform/entity" → records written (JSONL lines incl. defective ones, CSV rows, export messages).
    defects: defect kind → lines injected (plus `deleted_post`: posts that vanish from listings).
    deleted_posts: (platform, post_id) of every post deleted on purpose.
    negative_waves: own brand id → the local date (YYYY-MM-DD) its listening export ends on a negative wave.
    """

    out: str
    seed: int
    days: int
    scale: int
    start: str
    brands: int = 0
    accounts: int = 0
    files_written: int = 0
    lines_written: int = 0
    bytes_written: int = 0
    datasets: dict[str, int] = field(default_factory=dict)
    defects: dict[str, int] = field(default_factory=dict)
    variants: dict[str, int] = field(default_factory=dict)
    deleted_posts: list[tuple[str, str]] = field(default_factory=list)
    negative_waves: dict[str, str] = field(default_factory=dict)

    def count(self, dataset: str, records: int = 1) -> None:
        self.datasets[dataset] = self.datasets.get(dataset, 0) + records

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable, keys sorted where they are names."""
        return {
            "out": self.out,
            "seed": self.seed,
            "days": self.days,
            "scale": self.scale,
            "start": self.start,
            "brands": self.brands,
            "accounts": self.accounts,
            "files_written": self.files_written,
            "lines_written": self.lines_written,
            "bytes_written": self.bytes_written,
            "datasets": dict(sorted(self.datasets.items())),
            "defects": dict(sorted(self.defects.items())),
            "variants": dict(sorted(self.variants.items())),
            "deleted_posts": [[platform, post_id] for platform, post_id in self.deleted_posts],
            "negative_waves": dict(sorted(self.negative_waves.items())),
        }
