"""brands.yml: a brand's GA4 property (`accounts.ga4`) and relative goals (`change`) on site metrics,
as the landing contract's example writes them; malformed ones name the line and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.ingest.brands import BrandsFileError, config_tables, load_brands

# The landing contract's brands.yml example, brands and goals as it writes them.
CONTRACT_EXAMPLE = """\
brands:
  - id: aurora_coffee
    name: Aurora Coffee
    own: true
    timezone: Europe/Kyiv
    accounts: {facebook: "104000000000001", instagram: "17841400000000001", x: "1500000000000000001",
               linkedin: "urn:li:organization:5000001", youtube: "UCaurora000000000000000", tiktok: "aurora_open_id",
               vk: "-123456", telegram: "1234567890", ga4: "properties/312000001"}
  - id: boreal_beans
    name: Boreal Beans
    timezone: Europe/Kyiv
goals:
  - {brand: aurora_coffee, platform: instagram, metric: followers, target: 12000, start: 2026-01-01, end: 2026-03-31}
  - {brand: aurora_coffee, platform: all, metric: conversions, change: +0.15, start: 2026-01-01, end: 2026-03-31}
"""


def _load(tmp_path: Path, text: str = CONTRACT_EXAMPLE):
    path = tmp_path / "brands.yml"
    path.write_text(text, encoding="utf-8")
    return load_brands(path)


def test_contract_example_has_a_property_and_a_relative_conversion_goal(tmp_path: Path) -> None:
    config = _load(tmp_path)
    aurora = config.brands[0]
    assert aurora.accounts["ga4"] == "properties/312000001"
    followers, conversions = config.goals
    assert (followers.target, followers.change) == (12000.0, None)
    assert (conversions.metric, conversions.target, conversions.change) == ("conversions", None, 0.15)
    assert conversions.start == date(2026, 1, 1)


def test_config_tables_carry_the_change_and_the_property(tmp_path: Path) -> None:
    tables = config_tables(_load(tmp_path))
    goals = tables["goals"].sort("metric")
    assert goals.select("metric", "target", "change").rows() == [
        ("conversions", None, 0.15),
        ("followers", 12000.0, None),
    ]
    accounts = tables["brand_accounts"]
    assert accounts.filter(accounts["platform"] == "ga4").rows() == [
        ("aurora_coffee", "ga4", "properties/312000001")
    ]


@pytest.mark.parametrize(
    ("bad", "good", "expected"),
    [
        (
            'ga4: "properties/312000001"',
            'ga4: "UA-1234-1"',
            r"brands.yml:8: .*accounts.ga4: expected a GA4 property",
        ),
        ("change: +0.15,", "", r"brands.yml:14: goals\[1\]: state either 'target' .* or 'change'"),
        ("change: +0.15,", "change: +0.15, target: 10,", r"goals\[1\]: state either"),
        ("change: +0.15,", "change: -1,", r"brands.yml:14: goals\[1\].change: expected a fraction above -1"),
        ("change: +0.15,", "change: lots,", r"goals\[1\].change: expected a number, got 'lots'"),
        (
            "metric: conversions, change: +0.15",
            "metric: sessions, change: +0.15",
            None,
        ),
        (
            ', ga4: "properties/312000001"}',
            "}",
            r"brands.yml:14: goals\[1\].metric: conversions is measured on the brand's GA4 property, "
            r"but brand 'aurora_coffee' has no accounts.ga4",
        ),
    ],
)
def test_malformed_site_settings_name_line_and_field(
    tmp_path: Path, bad: str, good: str, expected: str | None
) -> None:
    assert bad in CONTRACT_EXAMPLE
    text = CONTRACT_EXAMPLE.replace(bad, good)
    if expected is None:  # the variant is valid
        assert _load(tmp_path, text).goals[1].metric == "sessions"
        return
    with pytest.raises(BrandsFileError, match=expected):
        _load(tmp_path, text)
