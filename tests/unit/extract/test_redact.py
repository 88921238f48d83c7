"""Secrets never reach a capture: Graph paging links, YouTube keys, echoed token values."""

from __future__ import annotations

import json

from pipelines.extract.redact import REDACTED, redact_json, redact_text, safe_params


def test_graph_paging_links_lose_their_access_token_and_nothing_else(real_fixtures):
    body = json.loads((real_fixtures / "facebook" / "pyfacebook__user_posts_fields_p1.json").read_text())
    redacted = redact_json(body)
    assert "access_token=access_token" in body["paging"]["next"]
    assert f"access_token={REDACTED}&pretty=0" in redacted["paging"]["next"]
    assert redacted["paging"]["next"].replace(REDACTED, "access_token") == body["paging"]["next"]
    assert redacted["data"] == body["data"]


def test_youtube_key_and_literal_tokens_are_replaced():
    url = "https://www.googleapis.com/youtube/v3/search?part=snippet&key=AIzaSecret&pageToken=CAUQAA"
    assert redact_text(url) == url.replace("AIzaSecret", REDACTED)
    assert redact_text("echo: tok-123 here", ["tok-123"]) == f"echo: {REDACTED} here"
    assert redact_json({"nested": [{"t": "Bearer tok-123"}]}, ["tok-123"]) == {
        "nested": [{"t": f"Bearer {REDACTED}"}]
    }


def test_params_never_carry_credentials():
    assert safe_params({"q": "coffee", "access_token": "t", "key": "k", "v": "5.199"}) == {
        "q": "coffee",
        "v": "5.199",
    }
