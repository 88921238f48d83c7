"""One extraction run: every selected platform, every configured account, one summary.

A platform without its token variable (or another variable it needs) is skipped with a note. An
invalid token stops that account with one line naming the variable to renew; a spent daily quota
stops that platform; any other failure fails that endpoint of that account. Everything else goes on.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines.extract.base import AccountContext, Connector, PlatformSession
from pipelines.extract.capture import remove_stale_parts
from pipelines.extract.errors import AuthFailed, ExtractError, QuotaExceeded
from pipelines.extract.http import CallStats, PlatformClient, RetrySettings
from pipelines.extract.lock import extract_lock
from pipelines.extract.progress import Progress
from pipelines.extract.redact import RunSecrets, redact_text
from pipelines.extract.state import ExtractState
from pipelines.ingest.brands import Brand, BrandsConfig


@dataclass
class PlatformResult:
    platform: str
    skipped: str | None = None  # why the platform was not attempted
    accounts_ok: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line each, secrets removed
    files: list[Path] = field(default_factory=list)
    bytes: int = 0
    stats: CallStats = field(default_factory=CallStats)

    def line(self) -> str:
        if self.skipped:
            return f"{self.platform}: skipped — {self.skipped}"
        s = self.stats
        return (
            f"{self.platform}: {len(self.accounts_ok)} accounts ok, {len(self.failures)} failed; "
            f"{s.pages} pages, {s.records} records, {len(self.files)} files, "
            f"{s.retries} retries, {s.seconds_waited:.1f}s waited"
        )


@dataclass
class ExtractSummary:
    run_id: str
    started_at: datetime
    platforms: list[PlatformResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(p.failures for p in self.platforms)

    def total_line(self) -> str:
        """Every platform together, with the run's duration."""
        stats = CallStats()
        for platform in self.platforms:
            stats.add(platform.stats)
        files = sum(len(p.files) for p in self.platforms)
        size = sum(p.bytes for p in self.platforms)
        took = (datetime.now(UTC) - self.started_at).total_seconds()
        return (
            f"total: {stats.pages} pages, {stats.records} records, {files} files ({size / 1e6:.1f} MB), "
            f"{stats.retries} retries, {stats.seconds_waited:.1f}s waited; {took:.0f}s"
        )


def new_run_id() -> str:
    return uuid.uuid4().hex[:8]


def extract(
    connectors: Sequence[Connector],
    brands: BrandsConfig,
    landing: Path,
    data_dir: Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    retry: RetrySettings | None = None,
    progress: Progress | Callable[[str], None] = lambda _: None,
    env: Mapping[str, str] | None = None,
) -> ExtractSummary:
    """Fetch every selected platform into `landing`; cursors under `data_dir/extract/`.

    `progress` is a `Progress` (a bar on a terminal) or a function taking plain lines.
    Raises ExtractLocked when another extraction of one of these platforms holds the data dir."""
    env = dict(os.environ) if env is None else env
    progress = progress if isinstance(progress, Progress) else Progress(progress)
    started = datetime.now(UTC).replace(microsecond=0)
    summary = ExtractSummary(run_id=new_run_id(), started_at=started)
    retry = retry or RetrySettings.from_env()
    for connector in connectors:
        with extract_lock(data_dir, connector.platform):
            run = _PlatformRun(
                connector, brands, landing, data_dir, summary, since, until, retry, progress, env
            )
            summary.platforms.append(run.result)
            run.go()
    return summary


class _PlatformRun:
    """One platform of one extraction: its accounts in brands.yml order, one summary line."""

    def __init__(
        self,
        connector: Connector,
        brands: BrandsConfig,
        landing: Path,
        data_dir: Path,
        summary: ExtractSummary,
        since: datetime | None,
        until: datetime | None,
        retry: RetrySettings,
        progress: Progress,
        env: Mapping[str, str],
    ) -> None:
        self.connector, self.brands, self.landing = connector, brands, landing
        self.summary, self.since, self.until, self.retry = summary, since, until, retry
        self.progress, self.env = progress, env
        self.result = PlatformResult(connector.platform)
        self.state = ExtractState(data_dir, connector.platform)

    def go(self) -> None:
        connector, result = self.connector, self.result
        token = self.env.get(connector.token_env, "").strip()
        missing = [name for name in connector.credential_envs if not self.env.get(name, "").strip()]
        accounts = [
            (b, b.accounts[connector.platform])
            for b in self.brands.brands
            if connector.platform in b.accounts and (b.own or not connector.own_only)
        ]
        if missing:
            names = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
            result.skipped = f"{names} {'is' if len(missing) == 1 else 'are'} not set"
        elif not accounts:
            result.skipped = "no account in brands.yml" + (" of an own brand" if connector.own_only else "")
        if result.skipped:
            self.progress.platform_done(result.line())
            return
        remove_stale_parts(self.landing, connector.platform)
        client: PlatformClient | PlatformSession
        session = connector.open_client(self.env, self.retry) if connector.open_client else None
        if session is not None:
            client = session
            secrets = RunSecrets(token, session)
        else:
            auth = connector.make_auth(token)
            secrets = RunSecrets(token, auth)
            client = PlatformClient(
                base_url=connector.resolved_base_url(self.env),
                auth=auth,
                classify=connector.classify,
                headers=connector.headers,
                retry=self.retry,
            )
        self.progress.platform_started(connector.platform, len(accounts))
        try:
            for index, (brand, account_id) in enumerate(accounts):
                if not self._account(client, secrets, brand, account_id, [a for _, a in accounts[index:]]):
                    break
        finally:
            if session is not None:
                session.close()
        result.stats = client.stats
        self.state.save()
        self.progress.platform_done(result.line())

    def _account(
        self,
        client: PlatformClient | PlatformSession,
        secrets: Iterable[str],
        brand: Brand,
        account_id: str,
        rest: list[str],
    ) -> bool:
        """Fetch one account; False when the platform must stop (its quota is spent)."""
        connector, result = self.connector, self.result
        ctx = AccountContext(
            connector=connector,
            client=client,
            brand=brand,
            brands=self.brands,
            account_id=account_id,
            landing=self.landing,
            run_id=self.summary.run_id,
            run_started=self.summary.started_at,
            state=self.state,
            forced_since=self.since,
            until=self.until or self.summary.started_at,
            secrets=secrets,
            backfill=self.since is not None or self.until is not None,
            on_page=lambda: self.progress.page(connector.platform, client.stats),
            env=self.env,
        )
        go_on = True
        try:
            connector.extract_account(ctx)
        except AuthFailed as exc:
            # A connector with several credentials names the one to renew on the error (`renew`).
            result.failures.append(
                f"{connector.platform} {account_id}: token rejected ({_say(str(exc), secrets)}); "
                f"renew {getattr(exc, 'renew', None) or connector.token_env}"
            )
        except QuotaExceeded as exc:
            result.failures.append(
                f"{connector.platform}: daily quota exceeded ({_say(str(exc), secrets)}); "
                f"stopped for today, not fetched: {', '.join(rest)}"
            )
            go_on = False
        except ExtractError as exc:
            result.failures.append(f"{connector.platform} {account_id}: {_say(str(exc), secrets)}")
        except (KeyError, TypeError, ValueError) as exc:
            # A page that parsed but lacks what the connector reads next (an id, a date): fail this account.
            result.failures.append(
                f"{connector.platform} {account_id}: unexpected response shape ({type(exc).__name__}: "
                f"{_say(str(exc), secrets)[:200]})"
            )
        else:
            if not ctx.failures:
                result.accounts_ok.append(account_id)
        finally:
            for failure in ctx.failures:
                result.failures.append(f"{connector.platform} {account_id} {_say(failure, secrets)}")
            ctx.commit()
            result.files += ctx.written
            result.bytes += sum(path.stat().st_size for path in ctx.written)
            if not ctx.backfill:  # a --since/--until backfill moves no cursor
                for entity in ctx.succeeded_entities():
                    self.state.mark(entity, account_id, self.summary.started_at)
        self.progress.account_done(connector.platform, account_id, client.stats)
        return go_on


def _say(text: str, secrets: Iterable[str]) -> str:
    return redact_text(text, secrets)
