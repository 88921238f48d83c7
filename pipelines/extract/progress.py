"""What an extraction shows while it runs: plain lines, or a progress bar per platform on a terminal.

Plain lines suit a log, a pipe and Dagster's event log: one when a platform starts (how many
accounts), one per account as it finishes (the platform's pages and records so far) and the
platform's summary line. On a terminal a tqdm bar per platform counts accounts done, with pages,
records and retries updated at every page; the account and summary lines print above the bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from pipelines.extract.http import CallStats


class Progress:
    """Plain lines through `echo`."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo

    def platform_started(self, platform: str, accounts: int) -> None:
        self.echo(f"{platform}: {accounts} account{'' if accounts == 1 else 's'} to fetch")

    def page(self, platform: str, stats: CallStats) -> None:
        """A page arrived: too frequent for a line of its own."""

    def account_done(self, platform: str, account_id: str, stats: CallStats) -> None:
        self.echo(f"  {platform} {account_id}: {stats.pages} pages, {stats.records} records so far")

    def platform_done(self, line: str) -> None:
        self.echo(line)


class BarProgress(Progress):
    """A tqdm bar per platform on `stream` (a terminal); lines are written above the bar."""

    def __init__(self, stream: IO[str]) -> None:
        from tqdm import tqdm  # only a terminal needs it

        self._tqdm = tqdm
        self._stream = stream
        self._bar: Any = None
        super().__init__(lambda text: tqdm.write(text, file=stream))

    def platform_started(self, platform: str, accounts: int) -> None:
        self._close()
        self._bar = self._tqdm(
            total=accounts, desc=platform, unit="account", file=self._stream, leave=False, dynamic_ncols=True
        )

    def page(self, platform: str, stats: CallStats) -> None:
        if self._bar is not None:
            self._bar.set_postfix(
                pages=stats.pages, records=stats.records, retries=stats.retries, refresh=True
            )

    def account_done(self, platform: str, account_id: str, stats: CallStats) -> None:
        if self._bar is not None:
            self.page(platform, stats)
            self._bar.update(1)

    def platform_done(self, line: str) -> None:
        self._close()
        self.echo(line)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def for_stream(stream: IO[str], echo: Callable[[str], None]) -> Progress:
    """A bar when `stream` is a terminal, plain lines through `echo` otherwise."""
    isatty = getattr(stream, "isatty", None)
    return BarProgress(stream) if callable(isatty) and isatty() else Progress(echo)
