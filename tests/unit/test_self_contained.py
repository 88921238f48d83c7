"""The repository stands on its own: nothing points outside it, every doc link resolves, every fixture has a source."""

from __future__ import annotations

import fnmatch
import re
import subprocess
from pathlib import Path

from pipelines.ingest.brands import load_brands
from pipelines.runtime.paths import PROJECT_ROOT

# Spelled in pieces so that this file does not match itself.
OUTSIDE_REFERENCES = ("../" + "shared", "shared" + "/fixtures", "shared" + "/docs")
# CI's own scripts may set up a checkout however CI needs; they are not the product.
NOT_CHECKED = (".ci/",)
USER_DOCS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
REAL_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "real"

_FENCE = re.compile(r"^(```|~~~)")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def _repository_files() -> list[Path]:
    """Tracked files plus new ones not yet added (ignored files excluded), as they are on disk."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    names = sorted({n for n in listed.split("\0") if n and not n.startswith(NOT_CHECKED)})
    return [PROJECT_ROOT / n for n in names if (PROJECT_ROOT / n).is_file()]


def _text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None  # binary (images, Parquet)
    return data.decode("utf-8", errors="replace")


def _prose_lines(markdown: str) -> list[str]:
    """The lines outside fenced code blocks: a `# comment` in a shell block is not a heading."""
    lines, fenced = [], False
    for line in markdown.splitlines():
        if _FENCE.match(line.strip()):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {
        _anchor(m.group(1))
        for line in _prose_lines(path.read_text(encoding="utf-8"))
        if (m := _HEADING.match(line))
    }


def test_no_file_points_outside_the_repository() -> None:
    offenders = []
    for path in _repository_files():
        text = _text(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if any(ref in line for ref in OUTSIDE_REFERENCES):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()[:100]}")
    assert not offenders, "references outside the repository:\n" + "\n".join(offenders)


def test_every_relative_link_in_the_user_docs_resolves() -> None:
    broken = []
    for doc in USER_DOCS:
        for line in _prose_lines(doc.read_text(encoding="utf-8")):
            for target in _LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                    continue  # https:, mailto:
                file_part, _, fragment = target.partition("#")
                linked = (doc.parent / file_part).resolve() if file_part else doc
                where = f"{doc.relative_to(PROJECT_ROOT)}: ]({target})"
                if not linked.exists():
                    broken.append(f"{where}: no such file")
                elif not linked.is_relative_to(PROJECT_ROOT):
                    broken.append(f"{where}: outside the repository")
                elif fragment and linked.suffix == ".md" and fragment not in _anchors(linked):
                    broken.append(f"{where}: no heading #{fragment} in {linked.name}")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_link_check_sees_links_and_headings() -> None:
    """Guard against a regex that silently matches nothing."""
    readme_links = [t for line in _prose_lines(USER_DOCS[0].read_text()) for t in _LINK.findall(line)]
    assert "docs/operations.md" in readme_links
    assert "operations-tables-schema-ops" in _anchors(PROJECT_ROOT / "docs" / "marts.md")


def test_every_real_fixture_is_named_in_sources_md() -> None:
    sources = (REAL_FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([^`/]+\.(?:json|jsonl|yaml))`", sources))
    patterns = [n for n in named if "*" in n]
    unnamed = [
        str(path.relative_to(REAL_FIXTURES))
        for path in sorted(REAL_FIXTURES.rglob("*"))
        if path.is_file()
        and path.suffix != ".md"
        and path.name not in named
        and not any(fnmatch.fnmatch(path.name, p) for p in patterns)
    ]
    assert not unnamed, f"real fixtures without a source in SOURCES.md: {unnamed}"
    assert (REAL_FIXTURES / "LICENSES.md").is_file()


def test_the_brands_yml_example_in_the_landing_contract_loads(tmp_path: Path) -> None:
    doc = (PROJECT_ROOT / "docs" / "landing-contract.md").read_text(encoding="utf-8")
    example = doc.split("## brands.yml", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "brands.yml"
    path.write_text(example, encoding="utf-8")
    config = load_brands(path)
    assert config.brands and config.competitor_sets and config.goals
