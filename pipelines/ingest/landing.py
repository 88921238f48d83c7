"""Find the landing files each lake dataset reads, refusing anything outside the contract.

Refused (never followed, reported with a reason): unknown platforms or entities, symlinks that
lead outside the landing dir, names containing "..", files of the wrong kind for their entity.
Hidden files (".DS_Store", editor swap files) are skipped silently: they are not data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipelines.schemas import BY_PATH, PLATFORMS, Dataset

_SUFFIX = {"jsonl": (".jsonl",), "csv": (".csv",), "json": (".json",)}
_TOP_LEVEL_FILES = {"brands.yml", "brands.yaml", "README.md"}


@dataclass(frozen=True)
class Refusal:
    """A landing path the pipeline will not read, and why."""

    path: str  # relative to the landing dir
    reason: str


@dataclass
class LandingScan:
    files: dict[str, list[Path]] = field(default_factory=dict)  # dataset name -> sorted files
    refused: list[Refusal] = field(default_factory=list)

    def files_for(self, dataset: Dataset) -> list[Path]:
        return self.files.get(dataset.name, [])


class LandingDirMissing(FileNotFoundError):
    pass


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _refuse_link(path: Path, root: Path) -> str | None:
    if path.is_symlink() and not _inside(path, root):
        return "symlink leads outside the landing dir; not followed"
    return None


def scan_landing(landing: Path, only: Dataset | None = None) -> LandingScan:
    """Map each dataset to its files; collect refusals. Raises LandingDirMissing if absent.

    With `only`, just that dataset's folder is walked, and refusals are those inside its platform's
    folder: an ingest step needs no more, and walking every dataset's files in each of 31 steps cost
    seconds per run.
    """
    root = landing.resolve()
    if not root.is_dir():
        raise LandingDirMissing(
            f"landing dir {landing} does not exist or is not a directory; "
            "set SMM_LANDING_DIR or run `smm generate --out DIR` first"
        )
    scan = LandingScan()
    for top in sorted(root.iterdir()):
        rel = top.relative_to(root).as_posix()
        if top.name.startswith(".") or (only is not None and top.name != only.platform):
            continue
        if reason := _refuse_link(top, root):
            scan.refused.append(Refusal(rel, reason))
            continue
        if top.is_file():
            if top.name not in _TOP_LEVEL_FILES:
                scan.refused.append(
                    Refusal(rel, "file outside <platform>/<entity>/; not part of the contract")
                )
            continue
        if top.name not in PLATFORMS:
            scan.refused.append(
                Refusal(rel, f"unknown platform {top.name!r}; expected one of {list(PLATFORMS)}")
            )
            continue
        for entity_dir in sorted(top.iterdir()):
            if only is not None and entity_dir.name != only.entity and (top.name, entity_dir.name) in BY_PATH:
                continue  # another dataset's folder
            _scan_entity(root, top.name, entity_dir, scan)
    for files in scan.files.values():
        files.sort()
    return scan


def _scan_entity(root: Path, platform: str, entity_dir: Path, scan: LandingScan) -> None:
    rel = entity_dir.relative_to(root).as_posix()
    if entity_dir.name.startswith("."):
        return
    if reason := _refuse_link(entity_dir, root):
        scan.refused.append(Refusal(rel, reason))
        return
    dataset = BY_PATH.get((platform, entity_dir.name))
    if dataset is None or not entity_dir.is_dir():
        known = sorted(e for p, e in BY_PATH if p == platform)
        scan.refused.append(
            Refusal(rel, f"unknown entity {entity_dir.name!r} for {platform}; expected one of {known}")
        )
        return
    for path in sorted(entity_dir.rglob("*")):
        file_rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in path.relative_to(entity_dir).parts):
            continue
        if reason := _refuse_link(path, root):
            scan.refused.append(Refusal(file_rel, reason))
            continue
        if path.is_dir():
            continue
        if ".." in path.name:
            scan.refused.append(Refusal(file_rel, "file name contains '..'; refused"))
            continue
        if not path.name.lower().endswith(_SUFFIX[dataset.file_kind]):
            scan.refused.append(
                Refusal(file_rel, f"{dataset.name} expects {'/'.join(_SUFFIX[dataset.file_kind])} files")
            )
            continue
        scan.files.setdefault(dataset.name, []).append(path)
