"""Social-listening exports (`listening/mentions/<ts>_<tool>.csv`) in two header variants.

Each mention belongs to one tool (YouScan-like Variant A or Talkwalker-like Variant B), so the two exports
never overlap each other; both tools export weekly (06:00 UTC on day 7, 14, …) plus a final export on the
last day at 23:30 UTC. Listening covers sources the API searches do not (Facebook, Instagram, Telegram,
TikTok, LinkedIn, forums, news, blogs) and some X/VK/YouTube posts of its own (never the same posts as the
API searches, so sources add up without double counting).
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from pipelines.sandbox.generator import ids, texts
from pipelines.sandbox.generator.catalog import Brand, CompetitorSet
from pipelines.sandbox.generator.mentions import hour_of_day
from pipelines.sandbox.generator.sink import CsvFile, Sink
from pipelines.sandbox.generator.timeutil import HOUR, day_start, file_stamp, iso_offset, space_utc
from pipelines.sandbox.generator.world import poisson

HEADER_A = [
    "Mention ID",
    "Source",
    "Published",
    "URL",
    "Author",
    "Author Followers",
    "Text",
    "Language",
    "Reach",
    "Engagement",
    "Sentiment",
]
HEADER_B = [
    "url",
    "published",
    "title",
    "content",
    "lang",
    "source_type",
    "author_name",
    "author_followers",
    "reach",
    "engagement",
    "sentiment",
]
DATASET = "listening/mentions"
DAILY = 26.0  # mentions per set per day

SOURCES = (
    ("Facebook", 0.15),
    ("Instagram", 0.2),
    ("Telegram", 0.12),
    ("TikTok", 0.08),
    ("YouTube", 0.05),
    ("LinkedIn", 0.03),
    ("Twitter", 0.1),
    ("VKontakte", 0.1),
    ("Forum", 0.08),
    ("News", 0.09),
)
SOURCE_TYPE_B = {
    "Facebook": "facebook",
    "Instagram": "instagram",
    "Telegram": "telegram",
    "TikTok": "tiktok",
    "YouTube": "youtube",
    "LinkedIn": "linkedin",
    "Twitter": "twitter",
    "VKontakte": "vk",
    "Forum": "forums",
    "News": "news",
}
SENTIMENT_B = {"positive": "1", "neutral": "0", "negative": "-1"}
_NEWS_SITES = ("news.example.com", "kyivfood.example.org", "cafenews.example.net", "stiri.example.ro")


class ListeningExports:
    def __init__(self, sink: Sink, sets: list[CompetitorSet], seed: int, start: date, days: int) -> None:
        self.sink = sink
        self.sets = sets
        self.start = start
        self.last = start + timedelta(days=days - 1)
        self.rngs = {s.id: Random(f"{seed}/listening/{s.id}") for s in sets}
        self.seq = dict.fromkeys((s.id for s in sets), 0)
        self.stamp: int | None = None
        self.files: dict[str, CsvFile] = {}

    def export_time(self, d: date) -> int:
        """When the export that contains day `d`'s mentions is taken."""
        export_day = self.start + timedelta(days=7 * ((d - self.start).days // 7 + 1))
        if export_day > self.last:
            return day_start(self.last) + 23 * HOUR + 30 * 60
        return day_start(export_day) + 6 * HOUR

    def _open(self, stamp: int) -> None:
        self.close()
        self.stamp = stamp
        prefix = f"listening/mentions/{file_stamp(stamp)}"
        self.files = {
            "A": CsvFile(self.sink, f"{prefix}_youscan.csv", HEADER_A, DATASET),
            "B": CsvFile(self.sink, f"{prefix}_talkwalker.csv", HEADER_B, DATASET),
        }

    def close(self) -> None:
        for f in self.files.values():
            f.close()
        self.files = {}

    def day(self, d: date, wave_days: dict[str, set[date]]) -> None:
        stamp = self.export_time(d)
        if stamp != self.stamp:
            self._open(stamp)
        for cset in self.sets:
            rng = self.rngs[cset.id]
            wave = d in wave_days.get(cset.id, set())
            n = poisson(rng, DAILY * (2.0 if wave else 1.0) * (0.8 + 0.4 * rng.random()))
            rows = sorted(
                (day_start(d) + min(22, hour_of_day(rng)) * HOUR + rng.randint(0, HOUR - 1), i)
                for i in range(n)
            )
            for created, _ in rows:
                self._mention(cset, rng, created, wave)

    def _mention(self, cset: CompetitorSet, rng: Random, created: int, wave: bool) -> None:
        self.seq[cset.id] += 1
        seq = self.seq[cset.id]
        source = _pick(rng, SOURCES)
        own_brand = cset.own
        roll = rng.random()
        author_brand: Brand | None = None
        if roll < 0.02:  # the brand's own post, picked up by the tool (not a mention downstream)
            author_brand = cset.brands[rng.randrange(len(cset.brands))]
            lang = author_brand.langs[0]
            text = texts.own_post_text(rng, lang, f"#{author_brand.handle}")
            sentiment = "neutral"
            author, handle, followers = author_brand.name, f"@{author_brand.handle}", 10_000
        else:
            lang = texts.LANGS[rng.randrange(len(texts.LANGS))]
            name, handle = texts.person(rng, lang)
            handle = f"@{handle}"
            author = name
            followers = int(max(3, min(300_000, rng.lognormvariate(5.6, 1.4))))
            if roll < 0.04:
                sentiment, text = "neutral", texts.pick(rng, texts.CHATTER[lang])
            else:
                first = (
                    own_brand if rng.random() < 0.4 or wave else cset.brands[rng.randrange(len(cset.brands))]
                )
                brands = [first]
                if rng.random() < 0.1:
                    others = [b for b in cset.brands if b is not first]
                    brands.append(others[rng.randrange(len(others))])
                negative = 0.65 if wave and own_brand in brands else 0.2
                sentiment = texts.sentiment_roll(rng, negative)
                text = texts.mention_text(rng, lang, sentiment, [b.name_in(lang, rng) for b in brands])
                if rng.random() < 0.01:  # multi-line posts: CSV quoting must survive them
                    text = f"{text}\n{texts.pick(rng, texts.CHATTER[lang])}"
        if source in ("News", "Forum"):
            author = _NEWS_SITES[seq % len(_NEWS_SITES)] if source == "News" else handle.lstrip("@")
            followers = 0 if source == "Forum" else rng.randint(5_000, 250_000)
        reach, engagement = _reach_engagement(rng, source, followers)
        # Tools' sentiment models agree with the text most of the time.
        tool_sentiment = sentiment if rng.random() < 0.85 else "neutral"
        url = _url(source, handle.lstrip("@"), cset.group, seq, created)
        use_b = rng.random() < 0.45
        if use_b:
            title = text.split("\n")[0][:70] if source in ("News", "Forum") else ""
            source_type = SOURCE_TYPE_B[source]
            if source == "Forum" and seq % 3 == 0:
                source_type = "blogs"
            self.files["B"].row(
                [
                    url,
                    iso_offset(created, own_brand.timezone),
                    title,
                    text,
                    lang,
                    source_type,
                    author,
                    followers,
                    reach,
                    engagement,
                    SENTIMENT_B[tool_sentiment],
                ]
            )
        else:
            mention_id = str(3_000_000_000 + cset.group * 10_000_000 + seq)
            self.files["A"].row(
                [
                    mention_id,
                    source,
                    space_utc(created),
                    url,
                    handle if source != "News" else author,
                    followers,
                    text,
                    lang,
                    reach,
                    engagement,
                    tool_sentiment,
                ]
            )


def _pick(rng: Random, weighted: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random() * sum(w for _, w in weighted)
    for value, weight in weighted:
        roll -= weight
        if roll <= 0:
            return value
    return weighted[-1][0]


def _reach_engagement(rng: Random, source: str, followers: int) -> tuple[int, int]:
    if source == "News":
        return rng.randint(3_000, 200_000), rng.randint(0, 40)
    if source == "Forum":
        return rng.randint(150, 5_000), rng.randint(0, 30)
    reach = max(10, int(followers * rng.uniform(0.3, 1.5)))
    return reach, int(reach * rng.uniform(0.005, 0.05))


def _url(source: str, handle: str, group: int, seq: int, created: int) -> str:
    n = 10**12 + group * 10**8 + seq
    return {
        "Twitter": f"https://x.com/{handle}/status/{1_900_000_000_000_000_000 + n}",
        "Facebook": f"https://www.facebook.com/{handle}/posts/{n}",
        "Instagram": f"https://www.instagram.com/p/{ids.etag(f'ig{n}')[:11]}/",
        "VKontakte": f"https://vk.com/wall{n % 10**9}_{seq}",
        "Telegram": f"https://t.me/{handle.replace('.', '_')}/{seq}",
        "YouTube": f"https://www.youtube.com/watch?v={ids.etag(f'yt{n}')[:11]}",
        "TikTok": f"https://www.tiktok.com/@{handle}/video/{7_400_000_000_000_000_000 + n}",
        "LinkedIn": f"https://www.linkedin.com/feed/update/urn:li:activity:{7_200_000_000_000_000_000 + n}/",
        "Forum": f"https://forum.coffeetalk.example/t/{n}",
        "News": f"https://{_NEWS_SITES[seq % len(_NEWS_SITES)]}/{created // 86400}/{n}",
    }[source]
