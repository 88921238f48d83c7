"""The connectors, in the order a run visits them. Adding a platform adds its module here."""

from __future__ import annotations

from pipelines.extract import facebook, instagram, linkedin, tiktok, vk, x, youtube
from pipelines.extract.base import Connector

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
# Platforms with a connector still to come (read from exports or by hand until then).
PLANNED = ("telegram", "ga4")
