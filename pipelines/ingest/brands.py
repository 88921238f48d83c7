"""brands.yml: what to track. Loaded strictly; a malformed file names the line and field.

The config tables written from it (one Parquet dataset each under lake/config/) are what dbt
joins against: brands, their accounts per platform, aliases, competitor sets, goals and alert settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl
import yaml

from pipelines.schemas import PLATFORMS

# `listening` is a source of mentions and `ga4` a brand's site analytics (accounts.ga4): neither is a
# social platform of the marts.
SITE_ANALYTICS = "ga4"
SOCIAL_PLATFORMS = tuple(p for p in PLATFORMS if p not in ("listening", SITE_ANALYTICS))
ACCOUNT_PLATFORMS = (*SOCIAL_PLATFORMS, SITE_ANALYTICS)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
GOAL_METRICS = ("followers", "engagements", "mentions", "posts", "sessions", "conversions")
# Goals on these are measured on the brand's GA4 property: social sessions and their key events.
SITE_GOAL_METRICS = ("sessions", "conversions")
_GA4_PROPERTY = re.compile(r"^properties/[0-9]+$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class BrandsFileError(ValueError):
    """brands.yml is malformed; the message names the file, line and field."""


@dataclass(frozen=True)
class BusinessHours:
    days: tuple[str, ...]
    start: str
    end: str


@dataclass(frozen=True)
class Brand:
    id: str
    name: str
    own: bool
    aliases: tuple[str, ...]
    timezone: str
    business_hours: BusinessHours | None
    accounts: dict[str, str]


@dataclass(frozen=True)
class Goal:
    """An absolute `target`, or a relative `change` on the baseline (the metric over the same number of
    days just before `start`; +0.15 = 15 % more). Exactly one of the two is set."""

    brand: str
    platform: str
    metric: str
    target: float | None
    start: date
    end: date
    change: float | None = None


@dataclass(frozen=True)
class MentionRule:
    """A baseline rule on daily mention counts (domain.md "Monitoring and alerts")."""

    min_count: int = 5
    mad_factor: float = 3.0
    baseline_days: int = 28


@dataclass(frozen=True)
class AlertSettings:
    """brands.yml `alerts`; every field has the landing contract's default."""

    webhook_env: str = "SMM_ALERT_WEBHOOK_URL"
    negative_mentions: MentionRule = MentionRule()
    # The mention-spike rule; when brands.yml does not set `mentions`, it is negative_mentions' values.
    mentions: MentionRule = MentionRule()


@dataclass(frozen=True)
class BrandsConfig:
    brands: tuple[Brand, ...]
    competitor_sets: dict[str, tuple[str, ...]]
    goals: tuple[Goal, ...] = field(default_factory=tuple)
    alerts: AlertSettings = AlertSettings()


class _Reader:
    """Walks the YAML node tree so every error can cite a line."""

    def __init__(self, path: Path):
        self.path = path
        # Scalars are built by the safe constructor straight from their nodes: serialising each one
        # and loading it again took 0.5 s for a 280-brand file, on every read of it.
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node | None, what: str) -> BrandsFileError:
        line = f":{node.start_mark.line + 1}" if node is not None else ""
        return BrandsFileError(f"{self.path}{line}: {what}")

    def mapping(self, node: yaml.Node, where: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{where} must be a mapping")
        result: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if key.value in result:
                raise self.fail(key, f"{where}: duplicate key {key.value!r}")
            result[key.value] = value
        return result

    def sequence(self, node: yaml.Node, where: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{where} must be a list")
        return list(node.value)

    def scalar(self, node: yaml.Node, where: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{where} must be a single value")
        try:
            return self.constructor.construct_object(node)
        except yaml.YAMLError as exc:
            raise self.fail(node, f"{where}: {getattr(exc, 'problem', exc)}") from None

    def text(self, node: yaml.Node, where: str) -> str:
        value = self.scalar(node, where)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise self.fail(node, f"{where} must not be empty")
        return str(value)

    def required(self, fields: dict[str, yaml.Node], name: str, parent: yaml.Node, where: str) -> yaml.Node:
        if name not in fields:
            raise self.fail(parent, f"{where}: missing field {name!r}")
        return fields[name]


# libyaml's parser when PyYAML has it (wheels do): 3× faster on a 280-brand file, same nodes and marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_brands(path: Path) -> BrandsConfig:
    """Parse and validate brands.yml. Raises BrandsFileError naming the line and field."""
    if not path.is_file():
        raise BrandsFileError(
            f"{path}: brands file not found; set SMM_BRANDS_FILE or put brands.yml in the landing dir"
        )
    reader = _Reader(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise BrandsFileError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except UnicodeDecodeError:
        raise BrandsFileError(f"{path}: not UTF-8 text") from None
    if root is None:
        raise BrandsFileError(f"{path}: file is empty; it needs a 'brands' list")
    top = reader.mapping(root, "top level")
    brands = tuple(
        _brand(reader, node, f"brands[{i}]")
        for i, node in enumerate(reader.sequence(reader.required(top, "brands", root, "top level"), "brands"))
    )
    ids = [b.id for b in brands]
    for brand_id in ids:
        if ids.count(brand_id) > 1:
            raise reader.fail(top["brands"], f"brands: duplicate brand id {brand_id!r}")
    if not brands:
        raise reader.fail(top["brands"], "brands: at least one brand is needed")
    sets = _competitor_sets(reader, top.get("competitor_sets"), set(ids))
    goals = _goals(reader, top.get("goals"), set(ids), {b.id for b in brands if SITE_ANALYTICS in b.accounts})
    alerts = _alerts(reader, top.get("alerts"))
    return BrandsConfig(brands=brands, competitor_sets=sets, goals=goals, alerts=alerts)


def _brand(reader: _Reader, node: yaml.Node, where: str) -> Brand:
    fields = reader.mapping(node, where)
    brand_id = reader.text(reader.required(fields, "id", node, where), f"{where}.id")
    where = f"brand {brand_id!r}"
    tz_node = reader.required(fields, "timezone", node, where)
    timezone = reader.text(tz_node, f"{where}.timezone")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise reader.fail(tz_node, f"{where}.timezone: unknown IANA timezone {timezone!r}") from None
    own_node = fields.get("own")
    own = reader.scalar(own_node, f"{where}.own") if own_node is not None else False
    if not isinstance(own, bool):
        raise reader.fail(own_node, f"{where}.own must be true or false")
    aliases: list[str] = []
    if "aliases" in fields:
        for i, alias in enumerate(reader.sequence(fields["aliases"], f"{where}.aliases")):
            aliases.append(reader.text(alias, f"{where}.aliases[{i}]"))
    accounts: dict[str, str] = {}
    if "accounts" in fields:
        for platform, value in reader.mapping(fields["accounts"], f"{where}.accounts").items():
            if platform not in ACCOUNT_PLATFORMS:
                raise reader.fail(value, f"{where}.accounts: unknown platform {platform!r}")
            accounts[platform] = reader.text(value, f"{where}.accounts.{platform}")
            if platform == SITE_ANALYTICS and not _GA4_PROPERTY.match(accounts[platform]):
                raise reader.fail(
                    value,
                    f"{where}.accounts.ga4: expected a GA4 property as properties/<number>, "
                    f"got {accounts[platform]!r}",
                )
    return Brand(
        id=brand_id,
        name=reader.text(reader.required(fields, "name", node, where), f"{where}.name"),
        own=own,
        aliases=tuple(aliases),
        timezone=timezone,
        business_hours=_business_hours(reader, fields.get("business_hours"), where),
        accounts=accounts,
    )


def _business_hours(reader: _Reader, node: yaml.Node | None, where: str) -> BusinessHours | None:
    if node is None:
        return None
    where = f"{where}.business_hours"
    fields = reader.mapping(node, where)
    days = []
    for day in reader.sequence(reader.required(fields, "days", node, where), f"{where}.days"):
        value = reader.text(day, f"{where}.days").lower()[:3]
        if value not in WEEKDAYS:
            raise reader.fail(day, f"{where}.days: {value!r} is not a weekday ({', '.join(WEEKDAYS)})")
        days.append(value)
    bounds = []
    for name in ("start", "end"):
        value_node = reader.required(fields, name, node, where)
        value = reader.scalar(value_node, f"{where}.{name}")
        # YAML 1.1 reads an unquoted 09:00 as a sexagesimal integer (540): accept it.
        text = f"{value // 60:02d}:{value % 60:02d}" if isinstance(value, int) else str(value)
        if not _HHMM.match(text):
            raise reader.fail(value_node, f"{where}.{name}: expected HH:MM, got {value!r}")
        bounds.append(text)
    if bounds[0] >= bounds[1]:
        raise reader.fail(node, f"{where}: start {bounds[0]} must be before end {bounds[1]}")
    return BusinessHours(days=tuple(days), start=bounds[0], end=bounds[1])


def _competitor_sets(
    reader: _Reader, node: yaml.Node | None, brand_ids: set[str]
) -> dict[str, tuple[str, ...]]:
    sets: dict[str, tuple[str, ...]] = {}
    if node is None:
        return sets
    for i, item in enumerate(reader.sequence(node, "competitor_sets")):
        where = f"competitor_sets[{i}]"
        fields = reader.mapping(item, where)
        set_id = reader.text(reader.required(fields, "id", item, where), f"{where}.id")
        members = []
        for member in reader.sequence(reader.required(fields, "brands", item, where), f"{where}.brands"):
            brand = reader.text(member, f"{where}.brands")
            if brand not in brand_ids:
                raise reader.fail(member, f"{where}.brands: unknown brand {brand!r}")
            members.append(brand)
        if set_id in sets:
            raise reader.fail(item, f"{where}: duplicate competitor set id {set_id!r}")
        sets[set_id] = tuple(members)
    return sets


def _goals(
    reader: _Reader, node: yaml.Node | None, brand_ids: set[str], site_brands: set[str] | None = None
) -> tuple[Goal, ...]:
    """`site_brands`: the brands with a GA4 property, the only ones a sessions/conversions goal can use."""
    goals: list[Goal] = []
    if node is None:
        return ()
    for i, item in enumerate(reader.sequence(node, "goals")):
        where = f"goals[{i}]"
        fields = reader.mapping(item, where)
        values = {
            name: reader.scalar(reader.required(fields, name, item, where), f"{where}.{name}")
            for name in ("brand", "platform", "metric", "start", "end")
        }
        target, change = _goal_amount(reader, fields, item, where)
        if values["brand"] not in brand_ids:
            raise reader.fail(fields["brand"], f"{where}.brand: unknown brand {values['brand']!r}")
        if values["platform"] not in (*SOCIAL_PLATFORMS, "all"):
            raise reader.fail(
                fields["platform"], f"{where}.platform: unknown platform {values['platform']!r}"
            )
        if values["metric"] not in GOAL_METRICS:
            raise reader.fail(fields["metric"], f"{where}.metric: expected one of {list(GOAL_METRICS)}")
        if (
            values["metric"] in SITE_GOAL_METRICS
            and site_brands is not None
            and values["brand"] not in site_brands
        ):
            raise reader.fail(
                fields["metric"],
                f"{where}.metric: {values['metric']} is measured on the brand's GA4 property, "
                f"but brand {values['brand']!r} has no accounts.ga4",
            )
        for name in ("start", "end"):
            if not isinstance(values[name], date):
                raise reader.fail(fields[name], f"{where}.{name}: expected a date YYYY-MM-DD")
        if values["end"] < values["start"]:
            raise reader.fail(item, f"{where}: end is before start")
        goals.append(
            Goal(
                values["brand"],
                values["platform"],
                values["metric"],
                target,
                values["start"],
                values["end"],
                change,
            )
        )
    return tuple(goals)


def _goal_amount(
    reader: _Reader, fields: dict[str, yaml.Node], item: yaml.Node, where: str
) -> tuple[float | None, float | None]:
    """(target, change): a goal states exactly one, a positive target or a change above -1 (-100 %)."""
    if ("target" in fields) == ("change" in fields):
        raise reader.fail(
            item, f"{where}: state either 'target' (an absolute value) or 'change' (e.g. +0.15)"
        )
    name = "target" if "target" in fields else "change"
    value = reader.scalar(fields[name], f"{where}.{name}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise reader.fail(fields[name], f"{where}.{name}: expected a number, got {value!r}")
    if name == "target":
        if value <= 0:
            raise reader.fail(fields[name], f"{where}.target: expected a positive number")
        return float(value), None
    if value <= -1:
        raise reader.fail(fields[name], f"{where}.change: expected a fraction above -1 (+0.15 = 15 % more)")
    return None, float(value)


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Fewer than 7 dates of history never alert (domain.md), so a shorter window could never fire.
_MIN_BASELINE_DAYS = 7


def _alerts(reader: _Reader, node: yaml.Node | None) -> AlertSettings:
    if node is None:
        return AlertSettings()
    fields = reader.mapping(node, "alerts")
    for key, value in fields.items():
        if key not in ("webhook_env", "negative_mentions", "mentions"):
            raise reader.fail(
                value, f"alerts: unknown field {key!r} (expected webhook_env, negative_mentions, mentions)"
            )
    webhook_env = AlertSettings.webhook_env
    if "webhook_env" in fields:
        webhook_env = reader.text(fields["webhook_env"], "alerts.webhook_env")
        if not _ENV_NAME.match(webhook_env):
            raise reader.fail(
                fields["webhook_env"],
                f"alerts.webhook_env: {webhook_env!r} is not an environment variable name "
                "(name the variable that holds the URL, not the URL)",
            )
    negative = _mention_rule(
        reader, fields.get("negative_mentions"), "alerts.negative_mentions", MentionRule()
    )
    mentions = _mention_rule(reader, fields.get("mentions"), "alerts.mentions", negative)
    return AlertSettings(webhook_env=webhook_env, negative_mentions=negative, mentions=mentions)


def _mention_rule(reader: _Reader, node: yaml.Node | None, where: str, default: MentionRule) -> MentionRule:
    if node is None:
        return default
    fields = reader.mapping(node, where)
    values: dict[str, float] = {}
    for key, value_node in fields.items():
        value = reader.scalar(value_node, f"{where}.{key}")
        if key not in ("min_count", "mad_factor", "baseline_days"):
            raise reader.fail(
                value_node, f"{where}: unknown field {key!r} (expected min_count, mad_factor, baseline_days)"
            )
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if key == "mad_factor" and not (is_number and value >= 0):
            raise reader.fail(value_node, f"{where}.mad_factor: expected a number >= 0, got {value!r}")
        if key == "min_count" and not (is_number and value == int(value) and value >= 1):
            raise reader.fail(value_node, f"{where}.min_count: expected a whole number >= 1, got {value!r}")
        if key == "baseline_days" and not (is_number and value == int(value) and value >= _MIN_BASELINE_DAYS):
            raise reader.fail(
                value_node,
                f"{where}.baseline_days: expected a whole number >= {_MIN_BASELINE_DAYS} "
                f"(fewer than {_MIN_BASELINE_DAYS} days of history never alert), got {value!r}",
            )
        values[key] = value
    return MentionRule(
        min_count=int(values.get("min_count", default.min_count)),
        mad_factor=float(values.get("mad_factor", default.mad_factor)),
        baseline_days=int(values.get("baseline_days", default.baseline_days)),
    )


def alert_settings_table(config: BrandsConfig) -> pl.DataFrame:
    """The `alerts` settings as dbt's fct_alerts reads them: one row per brand × alert kind.

    The file's settings apply to every brand; follower drops use the negative-mention window with the
    domain's fixed factor 3, response slumps the domain's fixed 10 inbound items and 50 %.
    """
    alerts = config.alerts
    rules = {
        "negative_wave": (
            alerts.negative_mentions.min_count,
            alerts.negative_mentions.mad_factor,
            alerts.negative_mentions.baseline_days,
        ),
        "mention_spike": (
            alerts.mentions.min_count,
            alerts.mentions.mad_factor,
            alerts.mentions.baseline_days,
        ),
        "follower_drop": (None, 3.0, alerts.negative_mentions.baseline_days),
        "response_slump": (10, None, None),
    }
    return pl.DataFrame(
        [
            {"brand_id": b.id, "kind": kind, "min_count": n, "mad_factor": f, "baseline_days": d}
            for b in config.brands
            for kind, (n, f, d) in rules.items()
        ],
        schema={
            "brand_id": pl.String,
            "kind": pl.String,
            "min_count": pl.Int64,
            "mad_factor": pl.Float64,
            "baseline_days": pl.Int64,
        },
    )


def config_tables(config: BrandsConfig) -> dict[str, pl.DataFrame]:
    """The brands file as the five config tables dbt reads (lake/config/<name>/)."""
    brands = pl.DataFrame(
        [
            {
                "brand_id": b.id,
                "brand_name": b.name,
                "is_own": b.own,
                "timezone": b.timezone,
                "business_days": ",".join(b.business_hours.days) if b.business_hours else "",
                "business_start": b.business_hours.start if b.business_hours else None,
                "business_end": b.business_hours.end if b.business_hours else None,
            }
            for b in config.brands
        ],
        schema={
            "brand_id": pl.String,
            "brand_name": pl.String,
            "is_own": pl.Boolean,
            "timezone": pl.String,
            "business_days": pl.String,
            "business_start": pl.String,
            "business_end": pl.String,
        },
    )
    accounts = pl.DataFrame(
        [
            {"brand_id": b.id, "platform": p, "account_id": a}
            for b in config.brands
            for p, a in b.accounts.items()
        ],
        schema={"brand_id": pl.String, "platform": pl.String, "account_id": pl.String},
    )
    aliases = pl.DataFrame(
        [{"brand_id": b.id, "alias": a} for b in config.brands for a in b.aliases],
        schema={"brand_id": pl.String, "alias": pl.String},
    )
    own = {b.id for b in config.brands if b.own}
    sets_rows = []
    for set_id, members in config.competitor_sets.items():
        owner = next((m for m in members if m in own), members[0] if members else None)
        sets_rows += [
            {"competitor_set_id": set_id, "brand_id": m, "is_set_owner": m == owner} for m in members
        ]
    sets = pl.DataFrame(
        sets_rows, schema={"competitor_set_id": pl.String, "brand_id": pl.String, "is_set_owner": pl.Boolean}
    )
    goals = pl.DataFrame(
        [
            {
                "goal_id": f"{g.brand}:{g.platform}:{g.metric}:{g.start}:{g.end}",
                "brand_id": g.brand,
                "platform": g.platform,
                "metric": g.metric,
                "target": g.target,
                "change": g.change,
                "start_date": g.start,
                "end_date": g.end,
            }
            for g in config.goals
        ],
        schema={
            "goal_id": pl.String,
            "brand_id": pl.String,
            "platform": pl.String,
            "metric": pl.String,
            "target": pl.Float64,
            "change": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
    )
    return {
        "brands": brands,
        "brand_accounts": accounts,
        "brand_aliases": aliases,
        "competitor_sets": sets,
        "goals": goals,
        "alert_settings": alert_settings_table(config),
    }
