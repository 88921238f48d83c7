"""One extraction run: every selected platform, every configured account, one summary.

A platform without its token variable is skipped with a note. An invalid token stops that account
with one line naming the variable to renew; a spent daily quota stops that platform; any other
failure fails that endpoint of that account. Everything else goes on.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines.extract.base import AccountContext, Connector
from pipelines.extract.capture import remove_stale_parts
from pipelines.extract.errors import AuthFailed, ExtractError, QuotaExceeded
from pipelines.extract.http import CallStats, PlatformClient, RetrySettings
from pipelines.extract.lock import extract_lock
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
    progress: Callable[[str], None] = lambda _: None,
    env: Mapping[str, str] | None = None,
) -> ExtractSummary:
    """Fetch every selected platform into `landing`; cursors under `data_dir/extract/`.

    Raises ExtractLocked when another extraction of one of these platforms holds the data dir."""
    env = dict(os.environ) if env is None else env
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
        progress: Callable[[str], None],
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
        accounts = [
            (b, b.accounts[connector.platform])
            for b in self.brands.brands
            if connector.platform in b.accounts and (b.own or not connector.own_only)
        ]
        if not token:
            result.skipped = f"{connector.token_env} is not set"
        elif not accounts:
            result.skipped = "no account in brands.yml" + (" of an own brand" if connector.own_only else "")
        if result.skipped:
            self.progress(result.line())
            return
        remove_stale_parts(self.landing, connector.platform)
        auth = connector.make_auth(token)
        secrets = RunSecrets(token, auth)
        client = PlatformClient(
            base_url=connector.resolved_base_url(self.env),
            auth=auth,
            classify=connector.classify,
            headers=connector.headers,
            retry=self.retry,
        )
        for index, (brand, account_id) in enumerate(accounts):
            if not self._account(client, secrets, brand, account_id, [a for _, a in accounts[index:]]):
                break
        result.stats = client.stats
        self.state.save()
        self.progress(result.line())

    def _account(
        self, client: PlatformClient, secrets: Iterable[str], brand: Brand, account_id: str, rest: list[str]
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
        )
        go_on = True
        try:
            connector.extract_account(ctx)
        except AuthFailed as exc:
            result.failures.append(
                f"{connector.platform} {account_id}: token rejected ({_say(str(exc), secrets)}); "
                f"renew {connector.token_env}"
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
            if self.since is None and self.until is None:  # a --since/--until backfill moves no cursor
                for entity in ctx.succeeded_entities():
                    self.state.mark(entity, account_id, self.summary.started_at)
        self.progress(
            f"  {connector.platform} {account_id}: {client.stats.pages} pages, {client.stats.records} records so far"
        )
        return go_on


def _say(text: str, secrets: Iterable[str]) -> str:
    return redact_text(text, secrets)
