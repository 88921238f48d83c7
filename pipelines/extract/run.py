"""One extraction run: every selected platform, every configured account, one summary.

A platform without its token variable is skipped with a note. An invalid token stops that account
with one line naming the variable to renew; a spent daily quota stops that platform; any other
failure fails that endpoint of that account. Everything else goes on.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines.extract.base import AccountContext, Connector
from pipelines.extract.capture import remove_stale_parts
from pipelines.extract.errors import AuthFailed, ExtractError, QuotaExceeded
from pipelines.extract.http import CallStats, PlatformClient, RetrySettings
from pipelines.extract.lock import extract_lock
from pipelines.extract.redact import redact_text
from pipelines.extract.state import ExtractState
from pipelines.ingest.brands import BrandsConfig


@dataclass
class PlatformResult:
    platform: str
    skipped: str | None = None  # why the platform was not attempted
    accounts_ok: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line each, secrets removed
    files: list[Path] = field(default_factory=list)
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
    env: dict[str, str] | None = None,
) -> ExtractSummary:
    """Fetch every selected platform into `landing`; cursors under `data_dir/extract/`.

    Raises ExtractLocked when another extraction holds the data dir."""
    env = dict(os.environ) if env is None else env
    with extract_lock(data_dir):
        return _extract(connectors, brands, landing, data_dir, since, until, retry, progress, env)


def _extract(
    connectors: Sequence[Connector],
    brands: BrandsConfig,
    landing: Path,
    data_dir: Path,
    since: datetime | None,
    until: datetime | None,
    retry: RetrySettings | None,
    progress: Callable[[str], None],
    env: dict[str, str],
) -> ExtractSummary:
    started = datetime.now(UTC).replace(microsecond=0)
    summary = ExtractSummary(run_id=new_run_id(), started_at=started)
    state = ExtractState(data_dir)
    retry = retry or RetrySettings.from_env()
    for connector in connectors:
        result = PlatformResult(connector.platform)
        summary.platforms.append(result)
        token = env.get(connector.token_env, "").strip()
        accounts = [
            (b, b.accounts[connector.platform])
            for b in brands.brands
            if connector.platform in b.accounts and (b.own or not connector.own_only)
        ]
        if not token:
            result.skipped = f"{connector.token_env} is not set"
        elif not accounts:
            result.skipped = "no account in brands.yml" + (" of an own brand" if connector.own_only else "")
        if result.skipped:
            progress(result.line())
            continue
        remove_stale_parts(landing, connector.platform)
        client = PlatformClient(
            base_url=connector.resolved_base_url(env),
            auth=connector.make_auth(token),
            classify=connector.classify,
            headers=connector.headers,
            retry=retry,
        )
        secrets = (token,)
        for index, (brand, account_id) in enumerate(accounts):
            ctx = AccountContext(
                connector=connector,
                client=client,
                brand=brand,
                brands=brands,
                account_id=account_id,
                landing=landing,
                run_id=summary.run_id,
                run_started=started,
                state=state,
                forced_since=since,
                until=until or started,
                secrets=secrets,
            )
            stop_platform = False
            try:
                connector.extract_account(ctx)
            except AuthFailed as exc:
                result.failures.append(
                    f"{connector.platform} {account_id}: token rejected ({_say(exc, secrets)}); "
                    f"renew {connector.token_env}"
                )
            except QuotaExceeded as exc:
                rest = [a for _, a in accounts[index:]]
                result.failures.append(
                    f"{connector.platform}: daily quota exceeded ({_say(exc, secrets)}); "
                    f"stopped for today, not fetched: {', '.join(rest)}"
                )
                stop_platform = True
            except ExtractError as exc:
                result.failures.append(f"{connector.platform} {account_id}: {_say(exc, secrets)}")
            else:
                if not ctx.failures:
                    result.accounts_ok.append(account_id)
            finally:
                for failure in ctx.failures:
                    result.failures.append(f"{connector.platform} {account_id} {_say_text(failure, secrets)}")
                ctx.commit()
                result.files += ctx.written
                for entity in ctx.succeeded_entities():
                    state.mark(connector.platform, entity, account_id, started)
            progress(
                f"  {connector.platform} {account_id}: {client.stats.pages} pages, "
                f"{client.stats.records} records so far"
            )
            if stop_platform:
                break
        result.stats = client.stats
        progress(result.line())
    state.save()
    return summary


def _say(exc: ExtractError, secrets: tuple[str, ...]) -> str:
    return redact_text(str(exc), secrets)


def _say_text(text: str, secrets: tuple[str, ...]) -> str:
    return redact_text(text, secrets)
