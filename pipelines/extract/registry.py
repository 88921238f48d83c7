"""The connectors, in the order a run visits them. Adding a platform adds its module here."""

from __future__ import annotations

from pipelines.extract import facebook, ga4, instagram, linkedin, tiktok, vk, x, youtube
from pipelines.extract.base import Connector

# Platforms whose credential is one token (the Dagster resource in defs/extract binds one field each).
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
    )
}
# GA4 signs in with a service-account key file (SMM_GA4_CREDENTIALS); the Dagster resource has no
# field for it yet, so it is listed apart until it has. `smm extract` runs every one of these.
ALL_CONNECTORS: dict[str, Connector] = {**CONNECTORS, ga4.CONNECTOR.platform: ga4.CONNECTOR}
# Platforms with a connector still to come (read from exports or by hand until then).
PLANNED = ("telegram",)
