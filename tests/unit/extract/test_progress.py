"""What `smm extract` prints as it goes: plain lines when stdout is not a terminal (a pipe, a log,
Dagster), a tqdm bar on a terminal; and the summary at the end."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.extract import telegram
from pipelines.extract.progress import BarProgress, Progress, for_stream
from pipelines.extract.registry import CONNECTORS
from tests.unit.extract.telegram_fake import FakeChannel, FakeTelegram, post

OWN, RIVAL = 1234567890, 2234567890
NOW = datetime.now(UTC).replace(microsecond=0)
ENV = {"SMM_TELEGRAM_API_ID": "1", "SMM_TELEGRAM_API_HASH": "f" * 32, "SMM_TELEGRAM_SESSION": "s" * 40}
BRANDS = f"""brands:
  - {{id: aurora, name: Aurora, own: true, timezone: UTC, accounts: {{telegram: "{OWN}"}}}}
  - {{id: boreal, name: Boreal, own: false, timezone: UTC, accounts: {{telegram: "{RIVAL}"}}}}
"""


def _posts(channel_id: int, count: int) -> list:
    return [post(channel_id, i, NOW - timedelta(hours=count - i), views=i) for i in range(1, count + 1)]


@pytest.fixture
def fake_telegram(tmp_path, monkeypatch) -> FakeTelegram:
    """`smm extract` with the Telegram connector on a fake client (250 and 3 posts)."""
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "brands.yml").write_text(BRANDS)
    monkeypatch.setenv("SMM_LANDING_DIR", str(landing))
    monkeypatch.setenv("SMM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SMM_BRANDS_FILE", raising=False)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    fake = FakeTelegram(
        [
            FakeChannel(OWN, "Aurora", "aurora", 10, _posts(OWN, 250)),
            FakeChannel(RIVAL, "Boreal", "b", 2, _posts(RIVAL, 3)),
        ]
    )
    monkeypatch.setitem(CONNECTORS, "telegram", telegram.connector(fake.factory))
    return fake


def test_not_a_terminal_prints_plain_lines_per_account_then_the_summary(fake_telegram):
    result = CliRunner().invoke(main, ["extract", "--platform", "telegram"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    summary_line = "telegram: 2 accounts ok, 0 failed; 6 pages, 255 records, 4 files, 0 retries, 0.0s waited"
    assert lines[:4] == [
        "telegram: 2 accounts to fetch",
        f"  telegram {OWN}: 4 pages, 251 records so far",  # its channel line and 3 lines of ≤100 posts
        f"  telegram {RIVAL}: 6 pages, 255 records so far",
        summary_line,
    ]
    assert re.fullmatch(r"extract run [0-9a-f]{8} → .*landing", lines[4])
    assert lines[5] == f"  {summary_line}"
    assert re.fullmatch(
        r"  total: 6 pages, 255 records, 4 files \(0\.\d MB\), 0 retries, 0\.0s waited; \d+s", lines[6]
    ), lines[6]
    assert len(lines) == 7 and "\r" not in result.output  # no bar frames in a pipe


def test_a_terminal_gets_a_bar_and_the_lines_above_it(fake_telegram):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    progress = for_stream(terminal, echo=lambda _: pytest.fail("plain lines on a terminal"))
    assert isinstance(progress, BarProgress)
    from pipelines.extract.run import extract
    from pipelines.ingest.brands import load_brands
    from pipelines.runtime.paths import resolve_paths

    paths = resolve_paths()
    summary = extract(
        [CONNECTORS["telegram"]],
        load_brands(paths.brands_file),
        paths.landing,
        paths.data,
        progress=progress,
        env=ENV,
    )
    shown = terminal.getvalue()
    assert "\rtelegram:   0%|" in shown and "/2 [" in shown and "pages=1" in shown  # the bar, redrawn
    assert summary.platforms[0].line() in shown


def test_a_pipe_or_a_log_gets_plain_lines():
    said: list[str] = []
    progress = for_stream(io.StringIO(), said.append)
    assert type(progress) is Progress
    progress.platform_started("vk", 1)
    assert said == ["vk: 1 account to fetch"]


def test_a_malformed_telegram_api_id_is_bad_configuration(fake_telegram, monkeypatch):
    monkeypatch.setenv("SMM_TELEGRAM_API_ID", "my-app")
    result = CliRunner().invoke(main, ["extract", "--platform", "telegram"])
    assert result.exit_code == 2, result.output
    assert "SMM_TELEGRAM_API_ID='my-app' is not a number" in result.output
    assert fake_telegram.credentials is None  # nothing was attempted
