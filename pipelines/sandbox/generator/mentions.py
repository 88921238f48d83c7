"""Mentions found by the platform searches (X recent search, VK newsfeed.search, YouTube search).

Per competitor set and UTC day: posts by the public naming one brand (about 10% two brands) by any alias
(Latin, accent-less, Cyrillic, @handle, #hashtag), a little chatter naming none, and a two-day negative
wave about the own brand late in the period. People who address the own brand's @handle on X (or reply
to its tweets) are inbound: the brand answers most of them with a reply tweet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from pipelines.sandbox.generator import ids, texts
from pipelines.sandbox.generator.catalog import Brand, CompetitorSet
from pipelines.sandbox.generator.profiles import reply_finals, sround
from pipelines.sandbox.generator.timeutil import HOUR, day_start
from pipelines.sandbox.generator.world import DIURNAL, World, poisson, response_delay

DAILY = {"x": 11.0, "vk": 7.0, "youtube": 1.2}  # mentions per set per day, before the wave
X_REPLY_RATE = 0.65
PAIR_SHARE = 0.1
CHATTER_SHARE = 0.05


@dataclass(slots=True)
class Author:
    id: str
    username: str
    name: str
    followers: int
    lang: str


@dataclass(slots=True, eq=False)
class Mention:
    platform: str
    id: str
    created: int
    author: Author
    text: str
    lang: str
    sentiment: str
    brand_ids: tuple[str, ...]
    finals: dict[str, int]
    tau: float
    reply_to: tuple[str, str, str] | None = None  # X: (tweet id, user id, conversation id)
    num: int = 0  # VK post id on the author's wall
    title: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def value(self, metric: str, t: int) -> int:
        final = self.finals.get(metric, 0)
        age = max(0, t - self.created)
        return int(final * (1.0 - math.exp(-age / self.tau)))


def _lang_for(rng: Random, brand: Brand) -> str:
    return brand.langs[0] if rng.random() < 0.55 else brand.langs[rng.randrange(len(brand.langs))]


def hour_of_day(rng: Random) -> int:
    roll = rng.random()
    for h, w in enumerate(DIURNAL):
        roll -= w
        if roll <= 0:
            return h
    return 23


class SetMentions:
    """The mention stream of one competitor set, generated a day ahead and handed out per fetch."""

    def __init__(self, cset: CompetitorSet, world: World, seed: int, start: date, days: int) -> None:
        self.cset = cset
        self.world = world
        self.rng = Random(f"{seed}/mentions/{cset.id}")
        rng = self.rng
        self.own = cset.own
        self.wave_start = start + timedelta(days=max(0, int(days * 0.6) + rng.randint(-3, 3)))
        self.wave_days = {self.wave_start, self.wave_start + timedelta(days=1)}
        self.x_authors = [self._author(rng, "x", i) for i in range(160)]
        self.vk_authors = [self._author(rng, "vk", i) for i in range(120)]
        self.yt_channels = [self._author(rng, "youtube", i) for i in range(40)]
        self.pending: dict[str, list[Mention]] = {"x": [], "vk": [], "youtube": []}
        self.total_weight = sum(b.size for b in cset.brands if not b.own)

    def _author(self, rng: Random, platform: str, i: int) -> Author:
        brand = self.cset.brands[rng.randrange(len(self.cset.brands))]
        lang = _lang_for(rng, brand)
        name, username = texts.person(rng, lang)
        followers = int(min(250_000, max(5, math.exp(rng.gauss(math.log(260), 1.3)))))
        if platform == "x":
            return Author(str(rng.randint(10**8, 1_800_000_000_000_000_000)), username, name, followers, lang)
        if platform == "vk":
            if rng.random() < 0.15:  # a community (public page) writing about coffee places
                return Author(
                    str(-rng.randint(10_000_000, 229_999_999)),
                    f"club_{username}",
                    f"{name} — кофе",
                    followers * 8,
                    lang,
                )
            return Author(str(rng.randint(1_000_000, 800_000_000)), username, name, followers, lang)
        return Author(
            ids.youtube_channel(f"{self.cset.id}:{i}"), username, f"{name} vlog", followers * 3, lang
        )

    def _brands(self, rng: Random, d: date) -> tuple[Brand, ...]:
        """Which brands a mention names: the own brand ~40% of single mentions, competitors by size."""
        if rng.random() < 0.4 or (d in self.wave_days and rng.random() < 0.6):
            first = self.own
        else:
            roll = rng.random() * self.total_weight
            first = self.cset.brands[-1]
            for brand in self.cset.brands:
                if not brand.own:
                    roll -= brand.size
                    if roll <= 0:
                        first = brand
                        break
        if rng.random() < PAIR_SHARE:
            others = [b for b in self.cset.brands if b is not first]
            return first, others[rng.randrange(len(others))]
        return (first,)

    def plan_day(self, d: date) -> None:
        """Generate the day's mentions on X, VK and YouTube (and the own brand's X replies)."""
        rng = self.rng
        wave = 2.5 if d in self.wave_days else 1.0
        base = day_start(d)
        for platform, daily in DAILY.items():
            n = poisson(rng, daily * wave * (0.8 + 0.4 * rng.random()))
            items = []
            for _ in range(n):
                created = base + hour_of_day(rng) * HOUR + rng.randint(0, HOUR - 1)
                items.append(self._mention(platform, created, d))
            items.sort(key=lambda m: m.created)
            self.pending[platform].extend(items)

    def _mention(self, platform: str, created: int, d: date) -> Mention:
        rng = self.rng
        pool = (
            self.x_authors if platform == "x" else self.vk_authors if platform == "vk" else self.yt_channels
        )
        author = pool[rng.randrange(len(pool))]
        lang = author.lang if rng.random() < 0.8 else texts.LANGS[rng.randrange(len(texts.LANGS))]
        if rng.random() < CHATTER_SHARE:
            brands: tuple[Brand, ...] = ()
            sentiment = "neutral"
            text = texts.pick(rng, texts.CHATTER[lang])
        else:
            brands = self._brands(rng, d)
            negative = 0.7 if (self.own in brands and d in self.wave_days) else 0.2
            sentiment = texts.sentiment_roll(rng, negative)
            inbound = platform == "x" and brands[0] is self.own and rng.random() < 0.35
            names = [f"@{b.handle}" if inbound and b is self.own else b.name_in(lang, rng) for b in brands]
            text = texts.mention_text(rng, lang, sentiment, names)
        mention = Mention(
            platform,
            "",
            created,
            author,
            text,
            lang,
            sentiment,
            tuple(b.id for b in brands),
            {},
            HOUR * rng.uniform(1.5, 5),
        )
        f = author.followers
        if platform == "x":
            mention.id = ids.snowflake(created, rng.getrandbits(22))
            likes = sround(rng, f * rng.uniform(0.002, 0.03))
            mention.finals = {
                "likes": likes,
                "shares": sround(rng, likes * rng.uniform(0, 0.2)),
                "comments": sround(rng, rng.uniform(0, 2)),
                "quotes": int(rng.random() < 0.05),
                "saves": sround(rng, likes * 0.05),
                "impressions": round(f * rng.uniform(0.05, 0.6)) + likes * 10,
            }
            if brands and brands[0] is self.own and f"@{self.own.handle}" in text:
                self._inbound_x(mention)
        elif platform == "vk":
            mention.num = rng.randint(100, 60_000)
            mention.id = f"{author.id}_{mention.num}"
            views = round(f * rng.uniform(0.2, 1.2)) + rng.randint(5, 200)
            likes = sround(rng, views * rng.uniform(0.01, 0.06))
            mention.finals = {
                "views": views,
                "likes": likes,
                "shares": sround(rng, likes * rng.uniform(0, 0.15)),
                "comments": sround(rng, likes * rng.uniform(0, 0.2)),
            }
        else:
            mention.id = ids.youtube_video(10**6 + self.cset.group, rng.getrandbits(40))
            named = brands[0].name if brands else "coffee"
            mention.title = (
                {
                    "en": f"{named} review",
                    "ru": f"Обзор: {named}",
                    "uk": f"Огляд кав'ярні {named}",
                    "ro": f"Recenzie {named}",
                }[lang]
                if brands
                else text
            )
            mention.extra["channel_title"] = author.name
        return mention

    def _inbound_x(self, mention: Mention) -> None:
        """An X post addressing the own account: sometimes a reply to its tweet; most get answered."""
        rng = self.rng
        own_x = self.world.by_brand[self.own.id]["x"]
        recent = [
            p
            for p in own_x.posts
            if p.reply_to is None
            and p.published < mention.created - 600
            and p.published > mention.created - 3 * 86400
        ]
        if recent and rng.random() < 0.5:
            target = recent[rng.randrange(len(recent))]
            mention.reply_to = (target.id, own_x.id, target.id)
            if not mention.text.startswith(f"@{self.own.handle}"):
                mention.text = f"@{self.own.handle} {mention.text}"
        if rng.random() < X_REPLY_RATE:
            at = mention.created + response_delay(rng, mention.created, self.own)
            text = f"@{mention.author.username} {texts.reply_text(rng, mention.lang)}"
            self.world.add_reply_tweet(
                own_x,
                at,
                text,
                mention.lang,
                reply_finals(rng),
                (
                    mention.id,
                    mention.author.id,
                    mention.id if mention.reply_to is None else mention.reply_to[2],
                ),
            )
            own_x.lifetime["reply_tweets"] = own_x.lifetime.get("reply_tweets", 0) + 1

    def due(self, platform: str, prev: int, t: int) -> list[Mention]:
        """Mentions a search at `t` returns: created in (prev, t]; older undelivered ones are gone."""
        queue = self.pending[platform]
        cut = 0
        while cut < len(queue) and queue[cut].created <= t:
            cut += 1
        found = [m for m in queue[:cut] if m.created > prev]
        del queue[:cut]
        return found
