"""The generator's main loop: advance the world one UTC day at a time and write what the extractors and
exports would have landed that day.

Memory stays bounded: per account only the rolling state of `world.Account`; per set the day's pending
mentions; files are streamed line by line and closed at the end of each day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from random import Random

from pipelines.sandbox.generator import (
    brands_yml,
    facebook,
    ga4,
    instagram,
    linkedin,
    telegram,
    tiktok,
    vk,
    x,
    youtube,
)
from pipelines.sandbox.generator.catalog import PLATFORMS, CompetitorSet, build_catalog
from pipelines.sandbox.generator.defects import DELETED_POST, DefectInjector
from pipelines.sandbox.generator.fetch import FETCH_HOURS, Fetch
from pipelines.sandbox.generator.listening import ListeningExports
from pipelines.sandbox.generator.mentions import SetMentions
from pipelines.sandbox.generator.report import GeneratorReport
from pipelines.sandbox.generator.sink import Sink
from pipelines.sandbox.generator.timeutil import DAY, HOUR, day_start
from pipelines.sandbox.generator.world import KEEP, Account, Post, World

PRE_DAYS = KEEP // DAY  # simulate this many days before the start so day one has a full listing window
DELETE_PLATFORMS = ("facebook", "instagram", "vk", "tiktok", "x", "youtube", "telegram", "linkedin")
_ENGAGEMENT = ("likes", "comments", "shares", "saves")


def generate(
    out: Path,
    *,
    days: int = 90,
    seed: int = 7,
    scale: int = 1,
    start: date = date(2026, 1, 1),
    progress: Callable[[str], None] | None = None,
) -> GeneratorReport:
    """Write a deterministic sample landing directory into `out` (created if missing; own files overwritten).

    Same arguments ⇒ byte-identical files. `scale` multiplies brands (groups of four with their own
    competitor set), accounts and posts.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    brands, sets = build_catalog(scale)
    world = World(brands, seed, start, days)
    report = GeneratorReport(
        str(out), seed, days, scale, start.isoformat(), brands=len(brands), accounts=len(world.accounts)
    )
    sink = Sink(out, report, DefectInjector(seed))
    streams = [SetMentions(cset, world, seed, start, days) for cset in sets]
    listening = ListeningExports(sink, sets, seed, start, days)
    last = start + timedelta(days=days - 1)
    goal_start = start + timedelta(days=days // 3)
    export_t = day_start(last) + 23 * HOUR + 40 * 60
    exports = {
        s.own.id: telegram.DesktopExport(sink, world.by_brand[s.own.id]["telegram"], export_t + s.group)
        for s in sets
    }
    flow_actual: dict[str, int] = {s.own.id: 0 for s in sets}
    sites = {s.own.id: ga4.SiteTraffic(s.own, s.own.ga4_property or "", seed) for s in sets}
    ig_start: dict[str, int] = {}
    fetch_rng = Random(f"{seed}/fetch")

    def retire(acc: Account, post: Post) -> None:
        if acc.platform == "telegram" and acc.own:
            exports[acc.brand.id].add(post)

    def emit(platform: str, entity: str, envelope: dict) -> None:
        sink.capture(platform, entity, envelope)

    prev_t = day_start(start) - 2 * HOUR  # the previous night's run
    yt_prev = day_start(start) - 18 * HOUR
    for offset in range(-PRE_DAYS, days):
        d = start + timedelta(days=offset)
        for acc in world.accounts:
            world.prune(acc, day_start(d), retire)
            world.advance_followers(acc, d)
            posts = world.plan_posts(acc, d, DELETE_PLATFORMS[acc.brand.group % len(DELETE_PLATFORMS)])
            for post in posts:
                if acc.own and goal_start <= d <= last:
                    flow_actual[acc.brand.id] += sum(post.finals.get(m, 0) for m in _ENGAGEMENT)
            if acc.own:
                sites[acc.brand.id].add_links(acc, posts)
        # Every post of the brands' local yesterday exists now: its site visits can be counted.
        for site in sites.values():
            site.close_day(d - timedelta(days=1), start, days)
        if offset >= -1:
            for stream in streams:
                stream.plan_day(d)
        if offset < 0:
            continue
        if offset == 0:
            for s in sets:
                ig_start[s.own.id] = world.by_brand[s.own.id]["instagram"].followers_at(day_start(d))
        sink.start_day(d)
        for slot, hour in enumerate(FETCH_HOURS):
            t = day_start(d) + hour * HOUR + fetch_rng.randint(0, 20)
            f = Fetch(t, slot, prev_t, fetch_rng)
            for acc in world.accounts:
                world.advance_fetch(acc, t)
            for brand in brands:
                accounts = world.by_brand[brand.id]
                for platform in PLATFORMS:
                    _capture(accounts[platform], f, emit, report)
            for cset, stream in zip(sets, streams, strict=True):
                _searches(world, cset, stream, f, emit, yt_prev)
            if f.morning:
                youtube.channel_basic_a3(
                    [world.by_brand[s.own.id]["youtube"] for s in sets], day_start(d) + 6 * HOUR, sink
                )
                yt_prev = t
                for s in sets:
                    sites[s.own.id].captures(f, emit, world.by_brand[s.own.id]["facebook"])
            prev_t = t
        # The last day's listening export also carries a negative wave about each own brand, so the
        # demo and the test landing end on a negative-wave alert (domain.md "Monitoring and alerts").
        alert_wave = {d} if d == last else set()
        listening.day(d, {s.cset.id: s.wave_days | alert_wave for s in streams})
        if progress is not None:
            progress(f"{d.isoformat()} ({offset + 1}/{days} days)")
    sink.close()
    listening.close()
    report.negative_waves = {s.own.id: last.isoformat() for s in sets}
    for s in sets:
        acc = world.by_brand[s.own.id]["telegram"]
        for post in sorted(acc.posts, key=lambda p: p.published):
            exports[s.own.id].add(post)
        exports[s.own.id].close()
    goals = []
    # "+15% conversions from social": over the second half, against the same number of days before it.
    conversion_start = start + timedelta(days=days // 2)
    for s in sets:
        # "+20% followers this quarter" (pro rata for shorter runs), and engagements 10% above what happens.
        goals.append(
            brands_yml.Goal(
                s.own.id,
                "instagram",
                "followers",
                _round_up(ig_start[s.own.id] * (1 + 0.2 * days / 90), 100),
                start,
                last,
            )
        )
        goals.append(
            brands_yml.Goal(
                s.own.id, "all", "engagements", _round_up(flow_actual[s.own.id] * 1.1, 100), goal_start, last
            )
        )
        goals.append(
            brands_yml.Goal(s.own.id, "all", "conversions", None, conversion_start, last, change=0.15)
        )
    header = (
        f"Sample brands for the generated landing data (seed {seed}, {days} days from {start.isoformat()}, "
        f"scale {scale}).\nGenerated by pipelines.sandbox.generator: deterministic, fictional brands."
    )
    sink.write_text("brands.yml", brands_yml.render(brands, sets, goals, header))
    report.deleted_posts = [(dp.platform, dp.post_id) for dp in world.deleted]
    report.defects[DELETED_POST] = len(world.deleted)
    return report


def _round_up(value: float, step: int) -> int:
    return max(step, -(-int(value) // step) * step)


def _capture(acc: Account, f: Fetch, emit: Callable[[str, str, dict], None], report: GeneratorReport) -> None:
    platform = acc.platform
    if platform == "facebook":
        facebook.captures(acc, f, emit)
    elif platform == "instagram":
        instagram.captures(acc, f, emit)
    elif platform == "x":
        x.captures(acc, f, emit)
    elif platform == "linkedin":
        linkedin.captures(acc, f, emit)
    elif platform == "youtube":
        youtube.captures(acc, f, emit)
    elif platform == "tiktok":
        tiktok.captures(acc, f, emit)
    elif platform == "vk":
        vk.captures(acc, f, emit, report)
    else:
        telegram.captures(acc, f, emit)


def _own_hits(
    world: World, cset: CompetitorSet, platform: str, prev: int, t: int
) -> list[tuple[Account, Post]]:
    """The set's own posts that name their brand and appeared since the previous search."""
    hits = []
    for brand in cset.brands:
        acc = world.by_brand[brand.id][platform]
        hits.extend((acc, p) for p in acc.posts if p.names_brand and prev < p.published <= t and p.listed(t))
    return hits


def _searches(
    world: World,
    cset: CompetitorSet,
    stream: SetMentions,
    f: Fetch,
    emit: Callable[[str, str, dict], None],
    yt_prev: int,
) -> None:
    own = world.by_brand[cset.own.id]
    x.search_capture(
        own["x"], cset, stream.due("x", f.prev, f.t), _own_hits(world, cset, "x", f.prev, f.t), f, emit
    )
    vk.search_capture(
        own["vk"], cset, stream.due("vk", f.prev, f.t), _own_hits(world, cset, "vk", f.prev, f.t), f, emit
    )
    if f.morning:  # YouTube search quota: once a day
        since = Fetch(f.t, f.slot, yt_prev, f.rng)
        youtube.search_capture(
            own["youtube"],
            cset,
            stream.due("youtube", yt_prev, f.t),
            _own_hits(world, cset, "youtube", yt_prev, f.t),
            since,
            emit,
        )
