"""brands.yml `alerts`: the landing contract's defaults, overrides, and errors that name line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ingest.brands import AlertSettings, BrandsFileError, MentionRule, config_tables, load_brands

BRANDS = """\
brands:
  - id: aurora_coffee
    name: Aurora Coffee
    own: true
    timezone: Europe/Kyiv
  - id: boreal_beans
    name: Boreal Beans
    timezone: Europe/Kyiv
"""


def _load(tmp_path: Path, alerts: str = "") -> AlertSettings:
    path = tmp_path / "brands.yml"
    path.write_text(BRANDS + alerts, encoding="utf-8")
    return load_brands(path).alerts


def test_without_an_alerts_block_the_contract_defaults_apply(tmp_path: Path) -> None:
    alerts = _load(tmp_path)
    assert alerts.webhook_env == "SMM_ALERT_WEBHOOK_URL"
    assert alerts.negative_mentions == MentionRule(min_count=5, mad_factor=3.0, baseline_days=28)
    assert alerts.mentions == alerts.negative_mentions


def test_the_contract_example_block_and_overrides(tmp_path: Path) -> None:
    alerts = _load(
        tmp_path,
        "alerts:\n  webhook_env: PR_SLACK_WEBHOOK\n"
        "  negative_mentions: {min_count: 8, mad_factor: 2.5, baseline_days: 14}\n",
    )
    assert alerts.webhook_env == "PR_SLACK_WEBHOOK"
    assert alerts.negative_mentions == MentionRule(8, 2.5, 14)
    # The spike rule follows the negative-mention settings unless `mentions` says otherwise.
    assert alerts.mentions == MentionRule(8, 2.5, 14)
    other = _load(tmp_path, "alerts:\n  mentions: {min_count: 20}\n")
    assert other.mentions == MentionRule(20, 3.0, 28) and other.negative_mentions == MentionRule()


def test_the_settings_reach_dbt_as_one_row_per_brand_and_kind(tmp_path: Path) -> None:
    path = tmp_path / "brands.yml"
    path.write_text(BRANDS + "alerts:\n  negative_mentions: {min_count: 7}\n", encoding="utf-8")
    table = config_tables(load_brands(path))["alert_settings"]
    assert table.height == 8
    rows = {(r["brand_id"], r["kind"]): r for r in table.to_dicts()}
    assert rows[("boreal_beans", "negative_wave")]["min_count"] == 7
    assert rows[("boreal_beans", "mention_spike")]["min_count"] == 7
    assert rows[("aurora_coffee", "follower_drop")]["mad_factor"] == 3.0
    assert rows[("aurora_coffee", "response_slump")]["min_count"] == 10


@pytest.mark.parametrize(
    ("alerts", "expected"),
    [
        (
            "alerts:\n  webhook_env: https://hooks.slack.com/x\n",
            r"brands.yml:10: alerts.webhook_env: .*not an environment variable name",
        ),
        (
            "alerts:\n  negative_mentions: {min_count: 0}\n",
            r"brands.yml:10: alerts.negative_mentions.min_count",
        ),
        (
            "alerts:\n  negative_mentions: {mad_factor: lots}\n",
            r"brands.yml:10: alerts.negative_mentions.mad_factor",
        ),
        (
            "alerts:\n  negative_mentions: {baseline_days: 5}\n",
            r"brands.yml:10: alerts.negative_mentions.baseline_days: .*>= 7",
        ),
        (
            "alerts:\n  negative_mentions: {min_cout: 3}\n",
            r"brands.yml:10: alerts.negative_mentions: unknown field 'min_cout'",
        ),
        ("alerts:\n  webhook: SMM_X\n", r"brands.yml:10: alerts: unknown field 'webhook'"),
        ("alerts: [SMM_X]\n", r"brands.yml:9: alerts must be a mapping"),
    ],
)
def test_malformed_alert_settings_name_the_line_and_field(tmp_path: Path, alerts: str, expected: str) -> None:
    with pytest.raises(BrandsFileError, match=expected):
        _load(tmp_path, alerts)
