"""The extract assets' resource: where to write, and one secret per platform bound with `dg.EnvVar`."""

from __future__ import annotations

import os

import dagster as dg

from pipelines.defs.resources import WarehousePaths
from pipelines.extract.credentials import BASE_URL_ENV, CREDENTIALS


def _field(token_env: str) -> str:
    """SMM_X_BEARER_TOKEN -> x_bearer_token: the resource field holding that variable's secret."""
    return token_env.removeprefix("SMM_").lower()


class PlatformApis(WarehousePaths):
    """Platform tokens (empty: that platform is skipped with a note) and the base URL override."""

    vk_token: str = ""
    tiktok_token: str = ""
    x_bearer_token: str = ""
    facebook_token: str = ""
    instagram_token: str = ""
    youtube_api_key: str = ""
    youtube_oauth_credentials: str = ""  # the channel owner's OAuth JSON (Reporting API)
    linkedin_token: str = ""
    ga4_credentials: str = ""  # the path of a service-account key file
    telegram_api_id: str = ""
    telegram_api_hash: str = ""
    telegram_session: str = ""  # a Telethon StringSession
    api_base_url: str = ""

    def extract_env(self) -> dict[str, str]:
        """The variables the extractor reads, from this resource's values (never logged)."""
        env = {name: getattr(self, _field(name)) for c in CREDENTIALS.values() for name in c.all_envs}
        env = {name: value for name, value in env.items() if value}
        if self.api_base_url:
            env[BASE_URL_ENV] = self.api_base_url
        return env


def platform_apis() -> PlatformApis:
    """The resource with `dg.EnvVar` for every secret that is set.

    A `dg.EnvVar` of an unset variable fails the run when the resource is built; a platform without
    credentials must be skipped instead, so only the variables present when the code location loads
    are bound (set a token, then reload the location)."""
    secrets = {
        _field(name): dg.EnvVar(name)
        for c in CREDENTIALS.values()
        for name in c.all_envs
        if os.environ.get(name)
    }
    base_url = {"api_base_url": dg.EnvVar(BASE_URL_ENV)} if os.environ.get(BASE_URL_ENV) else {}
    return PlatformApis(**secrets, **base_url)
