"""The variables each platform's credentials come from: the one list of them.

Dagster's definitions need every platform's variable names when the code location loads (one
resource field per variable, the extract assets' descriptions), while the connectors themselves
import dlt and Telethon (~0.5 s) that only an extraction uses. So the names live here, with no heavy
import, and each connector module takes its platform's entry (`registry.CONNECTORS` is checked
against this list by tests/unit/extract/test_credentials.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformCredentials:
    # The variable an expired or refused credential asks to renew (a token, GA4's key file path).
    token_env: str
    # Further variables the platform needs besides `token_env` (Telegram's api_id and api_hash).
    other_envs: tuple[str, ...] = ()
    # Variables only some endpoints need (YouTube's Reporting API OAuth); unset, those are skipped.
    optional_envs: tuple[str, ...] = ()

    @property
    def credential_envs(self) -> tuple[str, ...]:
        """Every variable the platform needs; one missing and the platform is skipped."""
        return (self.token_env, *self.other_envs)

    @property
    def all_envs(self) -> tuple[str, ...]:
        """Every variable the platform reads, optional ones included."""
        return (*self.credential_envs, *self.optional_envs)


# Replaces every HTTP connector's base URL (the local API sandbox); never a secret.
BASE_URL_ENV = "SMM_API_BASE_URL"
GA4_CREDENTIALS_ENV = "SMM_GA4_CREDENTIALS"  # the path of a service-account key file, not a token
TELEGRAM_API_ID_ENV = "SMM_TELEGRAM_API_ID"
TELEGRAM_API_HASH_ENV = "SMM_TELEGRAM_API_HASH"
TELEGRAM_SESSION_ENV = "SMM_TELEGRAM_SESSION"  # a Telethon StringSession
YOUTUBE_OAUTH_ENV = "SMM_YOUTUBE_OAUTH_CREDENTIALS"  # the channel owner's OAuth JSON (Reporting API)

# In the order a run visits the platforms.
CREDENTIALS: dict[str, PlatformCredentials] = {
    "vk": PlatformCredentials("SMM_VK_TOKEN"),
    "tiktok": PlatformCredentials("SMM_TIKTOK_TOKEN"),
    "x": PlatformCredentials("SMM_X_BEARER_TOKEN"),
    "facebook": PlatformCredentials("SMM_FACEBOOK_TOKEN"),
    "instagram": PlatformCredentials("SMM_INSTAGRAM_TOKEN"),
    "youtube": PlatformCredentials("SMM_YOUTUBE_API_KEY", optional_envs=(YOUTUBE_OAUTH_ENV,)),
    "linkedin": PlatformCredentials("SMM_LINKEDIN_TOKEN"),
    "ga4": PlatformCredentials(GA4_CREDENTIALS_ENV),
    # The session is what an expired sign-in asks to renew.
    "telegram": PlatformCredentials(
        TELEGRAM_SESSION_ENV, other_envs=(TELEGRAM_API_ID_ENV, TELEGRAM_API_HASH_ENV)
    ),
}
