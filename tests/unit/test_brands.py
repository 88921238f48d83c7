"""brands.yml: the contract's example loads; malformed files name the line and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.ingest.brands import BrandsFileError, config_tables, load_brands

CONTRACT_EXAMPLE = """\
brands:
  - id: aurora_coffee
    name: Aurora Coffee
    own: true                      # own brand; others are competitors
    aliases: ["Aurora Coffee", "Аврора Кофе", "Аврора Кава", "@auroracoffee", "#auroracoffee"]
    timezone: Europe/Kyiv
    business_hours: {days: [mon, tue, wed, thu, fri], start: "09:00", end: "18:00"}
    accounts: {facebook: "104000000000001", instagram: "17841400000000001", x: "1500000000000000001",
               linkedin: "urn:li:organization:5000001", youtube: "UCaurora000000000000000", tiktok: "aurora_open_id",
               vk: "-123456", telegram: "1234567890"}
  - id: boreal_beans
    name: Boreal Beans
    timezone: Europe/Kyiv
  - id: cedar_roasters
    name: Cedar Roasters
    timezone: Europe/Bucharest
competitor_sets:
  - id: coffee_ua
    brands: [aurora_coffee, boreal_beans, cedar_roasters]
goals:
  - {brand: aurora_coffee, platform: instagram, metric: followers, target: 12000, start: 2026-01-01, end: 2026-03-31}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "brands.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_contract_example_loads(tmp_path: Path) -> None:
    config = load_brands(_write(tmp_path, CONTRACT_EXAMPLE))
    aurora = config.brands[0]
    assert aurora.own and aurora.timezone == "Europe/Kyiv"
    assert aurora.accounts["vk"] == "-123456"
    assert "Аврора Кава" in aurora.aliases
    assert aurora.business_hours is not None and aurora.business_hours.days[0] == "mon"
    assert config.competitor_sets == {"coffee_ua": ("aurora_coffee", "boreal_beans", "cedar_roasters")}
    assert config.goals[0].target == 12000 and config.goals[0].end == date(2026, 3, 31)


def test_config_tables_mark_the_set_owner_and_flatten_accounts(tmp_path: Path) -> None:
    tables = config_tables(load_brands(_write(tmp_path, CONTRACT_EXAMPLE)))
    sets = tables["competitor_sets"]
    assert sets.filter(sets["is_set_owner"])["brand_id"].to_list() == ["aurora_coffee"]
    assert tables["brand_accounts"].height == 8
    assert tables["brands"].filter(tables["brands"]["brand_id"] == "aurora_coffee")[
        "business_days"
    ].item() == ("mon,tue,wed,thu,fri")
    assert tables["goals"]["goal_id"].item().startswith("aurora_coffee:instagram:followers")


@pytest.mark.parametrize(
    ("bad", "good", "expected"),
    [
        (
            "timezone: Europe/Kyiv\n    business_hours",
            "timezone: Mars/Olympus\n    business_hours",
            r"brands.yml:6: brand 'aurora_coffee'.timezone: unknown IANA timezone",
        ),
        (
            'start: "09:00", end: "18:00"',
            'start: "19:00", end: "18:00"',
            r"brands.yml:7: .*start 19:00 must be before",
        ),
        ("metric: followers", "metric: vibes", r"brands.yml:\d+: goals\[0\].metric"),
        (
            "brands: [aurora_coffee, boreal_beans, cedar_roasters]",
            "brands: [aurora_coffee, nobody]",
            r"competitor_sets\[0\].brands: unknown brand 'nobody'",
        ),
        ("    name: Boreal Beans\n", "", r"brand 'boreal_beans': missing field 'name'"),
        ("own: true ", "own: maybe ", r"brands.yml:4: brand 'aurora_coffee'.own must be true or false"),
    ],
)
def test_malformed_file_names_line_and_field(tmp_path: Path, bad: str, good: str, expected: str) -> None:
    assert bad in CONTRACT_EXAMPLE
    with pytest.raises(BrandsFileError, match=expected):
        load_brands(_write(tmp_path, CONTRACT_EXAMPLE.replace(bad, good)))


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(BrandsFileError, match=r"brands.yml:3: not valid YAML"):
        load_brands(_write(tmp_path, "brands:\n  - id: a\n    name: a: b\n"))


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(BrandsFileError, match="SMM_BRANDS_FILE"):
        load_brands(tmp_path / "absent.yml")
