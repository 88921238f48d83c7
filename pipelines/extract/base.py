"""What a connector is, and the per-account context it fetches through.

A connector module declares its platform (default base URL, auth, headers, error
rules) and one function that fetches every endpoint of one account through `AccountContext.fetch`,
which writes each page to the account's capture file for that entity as it arrives. A connector
that does not speak HTTP (Telegram's MTProto) opens its own client (`open_client`) and writes its
pages with `AccountContext.write_page`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from dlt.sources.helpers.rest_client.paginators import BasePaginator
from requests.auth import AuthBase

from pipelines.extract.capture import CaptureFile, capture_name
from pipelines.extract.credentials import BASE_URL_ENV, CREDENTIALS, PlatformCredentials
from pipelines.extract.errors import AuthFailed, ExtractError, QuotaExceeded, Unreachable
from pipelines.extract.http import CallStats, Classify, Page, PlatformClient, RetrySettings
from pipelines.extract.state import ExtractState
from pipelines.ingest.brands import Brand, BrandsConfig


class PlatformSession(Protocol):
    """A non-HTTP connector's client for one platform run: what it cost, what to redact, closing."""

    stats: CallStats

    def secret_values(self) -> Iterable[str]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Connector:
    platform: str  # its credential variables are credentials.CREDENTIALS[platform]
    base_url: str  # the live API; SMM_API_BASE_URL replaces it (the sandbox)
    make_auth: Callable[[str], AuthBase]
    classify: Classify
    extract_account: Callable[[AccountContext], None]
    headers: dict[str, str] = field(default_factory=dict)
    own_only: bool = False  # the API reads only the account that granted the token
    # Set by a connector that does not speak HTTP: its client from the environment (`make_auth`,
    # `classify`, `base_url` and `headers` are then unused).
    open_client: Callable[[Mapping[str, str], RetrySettings], PlatformSession] | None = None

    @property
    def credentials(self) -> PlatformCredentials:
        return CREDENTIALS[self.platform]

    @property
    def token_env(self) -> str:
        return self.credentials.token_env

    @property
    def credential_envs(self) -> tuple[str, ...]:
        """Every variable the platform needs; one missing and the platform is skipped."""
        return self.credentials.credential_envs

    def resolved_base_url(self, env: Mapping[str, str] | None = None) -> str:
        override = (os.environ if env is None else env).get(BASE_URL_ENV, "").strip()
        return override.rstrip("/") if override else self.base_url


@dataclass
class AccountContext:
    """One account of one platform in one run: its window, its open capture files, what failed."""

    connector: Connector
    client: PlatformClient | Any  # Any: a non-HTTP connector's own `PlatformSession`
    brand: Brand
    brands: BrandsConfig
    account_id: str
    landing: Path
    run_id: str
    run_started: datetime
    state: ExtractState
    forced_since: datetime | None
    until: datetime
    secrets: Iterable[str]  # iterated at each use: a token obtained mid-run is redacted too
    backfill: bool = False  # --since/--until: no cursor moves
    on_page: Callable[[], None] = lambda: None  # progress: a page was written
    env: Mapping[str, str] | None = None  # the run's environment (None: os.environ), for further credentials
    files: dict[str, CaptureFile] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    attempted: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)

    def succeeded_entities(self) -> list[str]:
        return sorted(self.attempted - self.failed)

    def since(self, entity: str) -> datetime:
        """Start of the incremental window for one entity: --since, else the durable cursor."""
        if self.forced_since is not None:
            return self.forced_since
        return self.state.window_start(entity, self.account_id, self.run_started)

    def fetch(
        self,
        entity: str,
        endpoint: str,
        path: str,
        *,
        object_id: str | None = None,
        params: dict[str, Any] | None = None,
        method: str = "GET",
        json_body: dict[str, Any] | None = None,
        paginator: BasePaginator | None = None,
        data_selector: str = "$",
        headers: dict[str, str] | None = None,
        stop: Callable[[Page], bool] | None = None,
        capture_params: dict[str, Any] | None = None,
    ) -> list[Page]:
        """Fetch every page of one request and append each to this account's `entity` capture.

        `capture_params` replaces the recorded params when the query is written into `path` itself."""
        captured_params = (
            capture_params if capture_params is not None else {**(params or {}), **(json_body or {})}
        )
        self.attempted.add(entity)
        pages: list[Page] = []
        try:
            for page in self.client.pages(
                path,
                method=method,
                params=params,
                json_body=json_body,
                paginator=paginator,
                data_selector=data_selector,
                headers=headers,
                stop=stop,
            ):
                self.write_page(
                    entity,
                    endpoint,
                    fetched_at=page.fetched_at,
                    object_id=object_id,
                    params=captured_params,
                    response=page.body,
                )
                pages.append(page)
        except (AuthFailed, QuotaExceeded, Unreachable):
            self.failed.add(entity)
            raise  # the whole account (or platform) stops
        except ExtractError as exc:
            # This endpoint failed; the pages before the error are kept, the other endpoints go on.
            self.failed.add(entity)
            self.failures.append(f"{entity} ({object_id or self.account_id}): {exc}")
        return pages

    def write_page(
        self,
        entity: str,
        endpoint: str,
        *,
        fetched_at: datetime,
        response: Any,
        params: dict[str, Any] | None = None,
        object_id: str | None = None,
    ) -> None:
        """Append one received page to this account's `entity` capture (opened on its first page)."""
        self.attempted.add(entity)
        capture = self.files.get(entity)
        if capture is None:
            folder = self.landing / self.connector.platform / entity
            capture = CaptureFile(
                folder, capture_name(self.run_started, self.account_id, self.run_id), self.secrets
            )
            self.files[entity] = capture
        capture.write_page(
            fetched_at=fetched_at,
            account_id=self.account_id,
            endpoint=endpoint,
            object_id=object_id or self.account_id,
            params=params,
            response=response,
        )
        self.on_page()

    def commit(self) -> None:
        """Publish every capture file of this account (pages already received are good data)."""
        for capture in self.files.values():
            if (path := capture.commit()) is not None:
                self.written.append(path)

    def competitor_brands(self) -> list[Brand]:
        """Every brand in the competitor sets this (own) brand belongs to, itself first."""
        by_id = {b.id: b for b in self.brands.brands}
        brands = [self.brand]
        for members in self.brands.competitor_sets.values():
            if self.brand.id in members:
                brands += [by_id[m] for m in members if m in by_id and by_id[m] not in brands]
        return brands

    def competitor_names(self) -> list[str]:
        """Names of every brand in the competitor sets this (own) brand belongs to, itself first."""
        return list(dict.fromkeys(b.name for b in self.competitor_brands()))
