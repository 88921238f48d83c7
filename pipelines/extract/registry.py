"""The connectors, in the order a run visits them. Adding a platform adds its module here."""

from __future__ import annotations

from pipelines.extract import facebook, ga4, instagram, linkedin, telegram, tiktok, vk, x, youtube
from pipelines.extract.base import Connector

# Every connector; its credentials are variables (a token, GA4's service-account key file, Telegram's
# api_id, api_hash and session), each bound to one field of the Dagster resource in defs/extract.
CONNECTORS: dict[str, Connector] = {
    c.platform: c
    for c in (
        vk.CONNECTOR,
        tiktok.CONNECTOR,
        x.CONNECTOR,
        facebook.CONNECTOR,
        instagram.CONNECTOR,
        youtube.CONNECTOR,
        linkedin.CONNECTOR,
        ga4.CONNECTOR,
        telegram.CONNECTOR,
    )
}
# Platforms with a connector still to come (read from exports or by hand until then).
PLANNED: tuple[str, ...] = ()
