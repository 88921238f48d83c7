"""Print the report's HTML to PDF with Debian's headless Chromium (`make browser` installs it).

The HTML is self-contained, so printing needs no network; a throwaway profile dir keeps concurrent
prints (the schedule and a person running `smm report`) from sharing Chromium's profile lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_ENV = "SMM_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"  # Debian's package, as in tests/ui
PRINT_TIMEOUT_S = 180


class PdfError(RuntimeError):
    pass


def find_chromium() -> str | None:
    """$SMM_CHROMIUM, else Debian's /usr/bin/chromium, else `chromium` on PATH."""
    for candidate in (os.environ.get(CHROMIUM_ENV), DEFAULT_CHROMIUM, shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def print_pdf(html_file: Path, pdf_file: Path) -> None:
    """Write `pdf_file` from `html_file` (A4, no header/footer); PdfError says why it could not."""
    chromium = find_chromium()
    if chromium is None:
        raise PdfError(
            f"no Chromium to print the PDF with (looked at ${CHROMIUM_ENV}, {DEFAULT_CHROMIUM}, PATH); "
            "install Debian's chromium (`make browser`) or set SMM_CHROMIUM"
        )
    tmp_pdf = pdf_file.with_name(f".{pdf_file.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="smm-report-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={tmp_pdf}",
            html_file.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            tmp_pdf.unlink(missing_ok=True)
            raise PdfError(f"Chromium did not finish printing {html_file} in {PRINT_TIMEOUT_S} s") from None
    if done.returncode != 0 or not tmp_pdf.is_file() or tmp_pdf.stat().st_size == 0:
        tmp_pdf.unlink(missing_ok=True)
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise PdfError(f"Chromium could not print {html_file} (exit {done.returncode}): {tail}")
    os.replace(tmp_pdf, pdf_file)
