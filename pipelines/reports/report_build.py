"""Write a brand report: `report.html`, `report.pdf` and one CSV per table and chart, in one folder.

Default folder: `$SMM_DATA_DIR/reports/<brand>/<period end>/`. The numbers are read from the published
warehouse through one read-only connection, closed before anything is written, so a publish that
swaps the file in meanwhile does not disturb the report (it shows the publication it opened).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from pipelines.reports.report_html import Chart, Page, Section, Table, render_page
from pipelines.reports.report_pdf import PdfError, print_pdf
from pipelines.reports.report_scope import ReportError, ReportScope, open_published, resolve_scope
from pipelines.reports.report_sections import build_sections

HTML_NAME = "report.html"
PDF_NAME = "report.pdf"


@dataclass(frozen=True)
class ReportFiles:
    scope: ReportScope
    folder: Path
    html: Path
    pdf: Path | None
    csvs: list[Path]


def default_folder(reports_root: Path, scope: ReportScope) -> Path:
    return reports_root / scope.brand_id / scope.period.end.isoformat()


def _publication(con) -> str:
    rows = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'ops' and table_name = 'publication'"
    ).fetchall()
    if not rows[0][0]:
        return "the published warehouse"
    run = con.execute("select run_id, published_at from ops.publication").fetchall()
    if not run:
        return "the published warehouse"
    return f"the publication of run {run[0][0]} ({run[0][1]:%Y-%m-%d %H:%M} UTC)"


def _page(scope: ReportScope, sections: list[Section], source: str) -> Page:
    period = scope.period
    adjective = {"week": "Weekly", "month": "Monthly"}[period.kind]
    competitors = ", ".join(scope.competitors) or "no competitors"
    return Page(
        title=f"{scope.brand_name}: {adjective} report, {period.start:%d %b %Y} – {period.end:%d %b %Y}",
        subtitle=[
            f"Brand {scope.brand_id}; local dates in {scope.timezone}. Compared with the previous "
            f"{period.kind} ({period.previous_label()}) and with the competitor set "
            f"{scope.competitor_set_id or '(none)'}: {competitors}.",
        ],
        sections=sections,
        footer=[
            f"Built from {source} on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Every number of this page is "
            "in the CSV files beside it; metric definitions: docs/metrics.md.",
        ],
    )


def _writable_folder(folder: Path) -> None:
    """Create `folder` and prove it takes files, or say which directory refuses and why."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{uuid.uuid4().hex[:8]}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ReportError(
            f"cannot write the report to {folder}: {exc.strerror or exc}; choose another --out"
        ) from None


def _write_atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _csv(frame: pl.DataFrame, path: Path) -> None:
    _write_atomic(path, lambda tmp: frame.write_csv(tmp))


def write_report(
    published_db: Path,
    reports_root: Path,
    *,
    brand: str | None = None,
    kind: str = "week",
    end: date | None = None,
    out: Path | None = None,
    pdf: bool = True,
) -> ReportFiles:
    """Render the report of `brand` (default: the own brand) for the period; ReportError says why not.

    PdfError (report_pdf) is raised after the HTML and CSVs are written when Chromium cannot print.
    """
    con = open_published(published_db)
    try:
        scope = resolve_scope(con, brand, kind, end)
        folder = out if out is not None else default_folder(reports_root, scope)
        _writable_folder(folder)  # before any rendering: a folder that refuses files fails at once
        sections = build_sections(con, scope)
        source = _publication(con)
    finally:
        con.close()
    try:
        csvs: list[Path] = []
        for block in (b for section in sections for b in section.blocks):
            if isinstance(block, Table):
                csvs.append(folder / f"{block.name}.csv")
                _csv(block.frame, csvs[-1])
            elif isinstance(block, Chart):
                csvs.append(folder / f"chart-{block.name}.csv")
                _csv(block.data, csvs[-1])
        html_file = folder / HTML_NAME
        page = render_page(_page(scope, sections, source))
        _write_atomic(html_file, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"cannot write the report to {folder}: {exc.strerror or exc}") from None
    pdf_file = None
    if pdf:
        pdf_file = folder / PDF_NAME
        try:
            print_pdf(html_file, pdf_file)
        except PdfError as exc:
            raise PdfError(f"{exc}; the HTML and CSVs are written in {folder}") from None
    return ReportFiles(scope, folder, html_file, pdf_file, csvs)
