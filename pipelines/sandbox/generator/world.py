"""The simulated world, kept memory-light: per account only its current audience, the last days of
hourly follower changes and the posts still inside the listing/report window.

Grain of the simulation:
- followers: per account per UTC hour (gained, lost), so any platform's notion of "a day" (brand-local,
  UTC, Pacific) sums exactly and snapshots at fetch time agree with the daily series;
- posts: published at local daytime, lifetime counters revealed along a saturating curve
  `final × (1 − e^(−age/τ))`, with occasional unlikes (a small, real drop between snapshots);
- comments on own posts (Facebook, Instagram, YouTube, VK): explicit customer comments and the brand's
  replies after business-hours-aware delays (≈70% answered, some never).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from pipelines.sandbox.generator import ids, texts
from pipelines.sandbox.generator.catalog import Brand
from pipelines.sandbox.generator.profiles import PROFILES, Profile, draw_finals, pick_kind, sround
from pipelines.sandbox.generator.timeutil import DAY, HOUR, day_start, local_dt, local_time

WINDOW = 7 * DAY  # listings return posts published within the last 7 days
KEEP = 10 * DAY  # state kept after publishing (YouTube's report lag reaches back further than the window)
COMMENT_PLATFORMS = ("facebook", "instagram", "youtube", "vk")
SLOW_METRICS = frozenset({"views", "impressions", "reach"})
REPLY_RATE = 0.72

# Share of a day's follows by local hour (people follow in the evening, hardly at night).
_DIURNAL_RAW = (
    1,
    0.6,
    0.4,
    0.3,
    0.3,
    0.5,
    1,
    2,
    3,
    3.5,
    3.5,
    3.5,
    4,
    4,
    3.5,
    3.5,
    4,
    4.5,
    5,
    5.5,
    5.5,
    4.5,
    3,
    2,
)
DIURNAL = tuple(w / sum(_DIURNAL_RAW) for w in _DIURNAL_RAW)
_WEEKDAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def poisson(rng: Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


@dataclass(slots=True, eq=False)
class Comment:
    """A comment on an own post; `parent` set for replies (the brand's answers)."""

    id: str
    created: int
    author_id: str
    author_name: str
    username: str
    text: str
    parent: Comment | None
    own: bool
    likes: int
    num: int = 0  # VK numeric comment id


@dataclass(slots=True, eq=False)
class Post:
    """One published item (post, tweet, video, message) with its lifetime counter curve."""

    id: str
    published: int
    kind: str
    text: str
    lang: str
    finals: dict[str, int]
    tau_fast: float
    tau_slow: float
    followers: int
    num: int = 0  # VK wall id, Telegram message id, Facebook post object id
    unlikes: int = 0
    deleted_at: int | None = None
    hidden_at: int | None = None
    reply_to: tuple[str, str, str] | None = None  # X reply: (tweet id, user id, conversation id)
    comments: list[Comment] | None = None
    names_brand: bool = False  # the text names the brand itself (search finds it: own posts are not mentions)
    pinned: bool = False
    repost_of: tuple[int, int] | None = None  # VK copy_history (owner id, post id)
    reply_to_msg: int | None = None  # Telegram reply header
    _t: int = -1
    _sf: float = 0.0
    _ss: float = 0.0

    def listed(self, t: int) -> bool:
        """Returned by the account's listing at `t`: published, inside the window, not deleted."""
        return self.published <= t < self.published + WINDOW and (
            self.deleted_at is None or t < self.deleted_at
        )

    def _curve(self, t: int) -> None:
        if t != self._t:
            age = t - self.published if t > self.published else 0
            self._sf = 1.0 - math.exp(-age / self.tau_fast)
            self._ss = 1.0 - math.exp(-age / self.tau_slow)
            self._t = t

    def value(self, metric: str, t: int) -> int:
        """The lifetime counter as the platform reports it at `t`."""
        if metric == "comments" and self.comments is not None:
            return sum(1 for c in self.comments if c.created <= t)
        final = self.finals.get(metric, 0)
        if not final:
            return 0
        self._curve(t)
        value = int(final * (self._ss if metric in SLOW_METRICS else self._sf))
        if metric == "likes":
            value = max(0, value - self.unlikes)
        return value

    def comments_at(self, t: int) -> list[Comment]:
        return [c for c in self.comments or () if c.created <= t]


@dataclass(slots=True, eq=False)
class Account:
    """One brand account on one platform with its small rolling state."""

    platform: str
    id: str
    brand: Brand
    profile: Profile
    rng: Random
    followers: int
    initial_followers: int
    hours: deque[tuple[int, int, int, int]] = field(default_factory=lambda: deque(maxlen=24 * 12))
    posts: list[Post] = field(default_factory=list)
    seq: int = 0
    comment_seq: int = 0
    total_posts: int = 0
    lifetime: dict[str, int] = field(default_factory=dict)

    @property
    def own(self) -> bool:
        return self.brand.own

    def followers_at(self, t: int) -> int:
        """Followers as a snapshot at `t` reports them: every completed hour counted."""
        for start, _, _, after in reversed(self.hours):
            if start + HOUR <= t:
                return after
        return self.initial_followers

    def gained_lost(self, start: int, end: int) -> tuple[int, int]:
        """Followers gained and lost in hours starting in [start, end)."""
        gained = lost = 0
        for h, g, lo, _ in self.hours:
            if start <= h < end:
                gained += g
                lost += lo
        return gained, lost

    def posts_published_by(self, t: int) -> int:
        """The account's post count at `t` (media_count, videoCount, wall count…): deleted posts excluded."""
        not_yet = sum(1 for p in self.posts if p.published > t and p.reply_to is None)
        return self.total_posts - not_yet - self.deleted_by(t)

    def deleted_by(self, t: int) -> int:
        return sum(
            1 for p in self.posts if p.deleted_at is not None and p.deleted_at <= t
        ) + self.lifetime.get("deleted_posts", 0)

    def listed(self, t: int) -> list[Post]:
        """Posts the listing returns at `t`, newest first (on X the timeline includes the brand's replies)."""
        items = [p for p in self.posts if p.listed(t)]
        items.sort(key=lambda p: p.published, reverse=True)
        return items


@dataclass
class Deleted:
    platform: str
    post_id: str
    brand_id: str


class World:
    """All accounts; advanced one UTC day at a time by the runner."""

    def __init__(self, brands: list[Brand], seed: int, start: date, days: int) -> None:
        self.seed = seed
        self.start = start
        self.days = days
        self.accounts: list[Account] = []
        self.by_brand: dict[str, dict[str, Account]] = {}
        for brand in brands:
            per: dict[str, Account] = {}
            for platform, account_id in brand.accounts.items():
                profile = PROFILES[platform]
                rng = Random(f"{seed}/account/{platform}/{account_id}")
                size = brand.size * rng.uniform(0.92, 1.08)
                followers = round(profile.followers * size)
                account = Account(
                    platform,
                    account_id,
                    brand,
                    profile,
                    rng,
                    followers,
                    followers,
                    total_posts=profile.history_posts + rng.randint(-20, 20),
                )
                per[platform] = account
                self.accounts.append(account)
            self.by_brand[brand.id] = per
        last = start + timedelta(days=days - 1)
        # One own post per group is deleted two days after publishing, about five days before the end.
        self.delete_day = max(start - timedelta(days=1), last - timedelta(days=5))
        self.deleted: list[Deleted] = []
        self._negative_wave: dict[str, date] = {}

    # ------------------------------------------------------------------ followers
    def advance_followers(self, account: Account, d: date) -> None:
        """Simulate the 24 UTC hours of `d`: Poisson follows/unfollows shaped by the local hour."""
        rng = account.rng
        profile = account.profile
        base = day_start(d)
        offset = int(local_dt(base, account.brand.timezone).utcoffset().total_seconds()) // HOUR
        mood = math.exp(rng.gauss(0.0, 0.35))
        if rng.random() < 0.03:  # a campaign day
            mood *= 3.0
        gain_day = account.followers * profile.gain_rate * mood
        loss_day = account.followers * profile.loss_rate * math.exp(rng.gauss(0.0, 0.25))
        for h in range(24):
            w = DIURNAL[(h + offset) % 24]
            gained = poisson(rng, gain_day * w)
            lost = min(account.followers, poisson(rng, loss_day * w))
            account.followers += gained - lost
            account.hours.append((base + h * HOUR, gained, lost, account.followers))

    # ------------------------------------------------------------------ posts
    def plan_posts(self, account: Account, d: date, group_deleted_platform: str) -> list[Post]:
        """The day's posts of one account (0–3), plus the group's deleted post on its day."""
        rng = account.rng
        profile = account.profile
        count = min(3, poisson(rng, profile.posts_per_day))
        if (
            account.own
            and d == self.delete_day - timedelta(days=1)
            and account.platform == group_deleted_platform
        ):
            # An older post inside the listing window is what lets the warehouse tell "deleted" from
            # "aged out of the listing": make sure the deleted post's account has one.
            count = max(count, 1)
        tz = account.brand.timezone
        times = sorted(
            local_time(d, rng.randint(8, 21), rng.randint(0, 59), tz) + rng.randint(0, 59)
            for _ in range(count)
        )
        created = [self._new_post(account, t, pick_kind(profile, rng)) for t in times]
        if account.own and d == self.delete_day and account.platform == group_deleted_platform:
            post = self._new_post(account, local_time(d, 10, 7, tz) + 13, "photo")
            post.deleted_at = post.published + 2 * DAY
            created.append(post)
            self.deleted.append(Deleted(account.platform, post.id, account.brand.id))
        created.sort(key=lambda p: p.published)
        return created

    def _new_post(self, account: Account, t: int, kind: str) -> Post:
        rng = account.rng
        brand = account.brand
        account.seq += 1
        account.total_posts += 1
        seq, index = account.seq, brand.index
        platform = account.platform
        lang = brand.langs[0] if rng.random() < 0.6 else brand.langs[rng.randrange(len(brand.langs))]
        hashtag = f"#{brand.handle}" if rng.random() < 0.3 else None
        # Searches (X, VK, YouTube) find the brand's own posts that name it: they are posts, not mentions.
        names_brand = hashtag is not None and platform in ("x", "vk", "youtube")
        text = texts.own_post_text(rng, lang, hashtag)
        if names_brand and platform == "youtube":
            text = f"{brand.name}: {text}"
        followers = account.followers
        finals = draw_finals(platform, kind, followers, rng)
        tau = account.profile.tau_hours * HOUR * rng.uniform(0.6, 1.5)
        num = 0
        if platform == "facebook":
            post_id, num = ids.facebook_post(account.id, index, seq)
        elif platform == "instagram":
            post_id = ids.instagram_media(index, seq)
        elif platform == "x":
            post_id = ids.snowflake(t, rng.getrandbits(22))
        elif platform == "linkedin":
            post_id = ids.linkedin_share(index, seq)
        elif platform == "youtube":
            post_id = ids.youtube_video(index, seq)
        elif platform == "tiktok":
            post_id = ids.tiktok_video(index, seq)
        elif platform == "vk":
            num = 9000 + seq
            post_id = f"{account.id}_{num}"
        else:  # telegram: message ids count every message the channel ever posted
            num = account.total_posts
            post_id = f"{account.id}_{num}"
        post = Post(
            post_id, t, kind, text, lang, finals, tau, tau * 2.2, followers, num=num, names_brand=names_brand
        )
        if platform == "facebook" and account.own and rng.random() < 0.02:
            post.hidden_at = t + rng.randint(6 * HOUR, 2 * DAY)
        if platform == "vk":
            post.pinned = rng.random() < 0.03
            if rng.random() < 0.04:
                post.repost_of = (-rng.randint(10_000_000, 99_999_999), rng.randint(100, 90_000))
        if platform == "telegram" and seq > 3 and rng.random() < 0.05:
            post.reply_to_msg = num - rng.randint(1, 3)
        if account.own and platform in COMMENT_PLATFORMS:
            post.comments = self._comment_threads(account, post)
        account.posts.append(post)
        return post

    def add_reply_tweet(
        self,
        account: Account,
        t: int,
        text: str,
        lang: str,
        finals: dict[str, int],
        reply_to: tuple[str, str, str],
    ) -> Post:
        """An own reply on X (a response, not a published post)."""
        rng = account.rng
        post = Post(
            ids.snowflake(t, rng.getrandbits(22)),
            t,
            "reply",
            text,
            lang,
            finals,
            2 * HOUR,
            4 * HOUR,
            account.followers,
            reply_to=reply_to,
        )
        account.posts.append(post)
        return post

    # ------------------------------------------------------------------ comments and responses
    def _comment_threads(self, account: Account, post: Post) -> list[Comment]:
        rng = account.rng
        brand = account.brand
        customers = min(30, sround(rng, post.finals.get("comments", 0) / (1 + REPLY_RATE)))
        events: list[tuple[int, int, str, Comment | None]] = []  # (time, order, kind, parent)
        customer_comments: list[Comment] = []
        for _ in range(customers):
            created = post.published + 60 + int(min(4 * DAY, rng.expovariate(1 / (8 * HOUR))))
            lang = post.lang if rng.random() < 0.7 else brand.langs[rng.randrange(len(brand.langs))]
            name, username = texts.person(rng, lang)
            text = texts.comment_text(rng, lang, texts.sentiment_roll(rng, 0.15))
            author_id = self._customer_id(account.platform, rng)
            comment = Comment("", created, author_id, name, username, text, None, False, rng.randint(0, 4))
            customer_comments.append(comment)
            if rng.random() < REPLY_RATE:
                delay = response_delay(rng, created, brand)
                reply_at = created + delay
                if reply_at < post.published + WINDOW - HOUR:
                    reply = Comment(
                        "",
                        reply_at,
                        account.id,
                        brand.name,
                        brand.handle,
                        texts.reply_text(rng, lang),
                        comment,
                        True,
                        rng.randint(0, 2),
                    )
                    events.append((reply_at, 1, "reply", reply))
            events.append((created, 0, "comment", comment))
        events.sort(key=lambda e: (e[0], e[1]))
        result: list[Comment] = []
        for _, _, _, c in events:
            assert c is not None
            account.comment_seq += 1
            c.id, c.num = self._comment_id(account, post, c)
            result.append(c)
        return result

    def _comment_id(self, account: Account, post: Post, comment: Comment) -> tuple[str, int]:
        seq, index = account.comment_seq, account.brand.index
        if account.platform == "facebook":
            return ids.facebook_comment(post.num, index, seq), 0
        if account.platform == "instagram":
            return ids.instagram_comment(index, seq), 0
        if account.platform == "youtube":
            if comment.parent is None:
                return ids.youtube_thread(index, seq), 0
            return ids.youtube_reply(comment.parent.id, seq), 0
        num = 20000 + seq  # vk: comment ids are per wall
        return f"{account.id}_{num}", num

    @staticmethod
    def _customer_id(platform: str, rng: Random) -> str:
        if platform == "facebook":
            return str(rng.randint(10**14, 10**15 - 1))
        if platform == "instagram":
            return str(rng.randint(17841400000000001 + 10**9, 17841499999999999))
        if platform == "youtube":
            return ids.youtube_channel(str(rng.getrandbits(48)))
        return str(rng.randint(100_000, 800_000_000))  # vk user id (positive)

    # ------------------------------------------------------------------ window upkeep
    def advance_fetch(self, account: Account, t: int) -> None:
        """Once per fetch: a few people take back a like (small real drops between snapshots)."""
        rng = account.rng
        for post in account.posts:
            if post.published + 6 * HOUR < t and post.listed(t):
                likes = post.finals.get("likes", 0)
                # Unlikes are a small fraction of likes: rare on a post with a handful of likes.
                if rng.random() < (0.07 if likes >= 50 else 0.0015 * likes):
                    post.unlikes += 1 if rng.random() < 0.8 else min(3, 1 + likes // 400)

    def prune(self, account: Account, now: int, on_retire: Callable[[Account, Post], None]) -> None:
        """Forget posts older than KEEP; their final counters move into the account's lifetime totals."""
        keep: list[Post] = []
        for post in account.posts:
            if post.published + KEEP <= now:
                on_retire(account, post)
                if post.deleted_at is not None:
                    account.lifetime["deleted_posts"] = account.lifetime.get("deleted_posts", 0) + 1
                for metric in sorted({*post.finals, "comments"}):
                    account.lifetime[metric] = account.lifetime.get(metric, 0) + post.value(metric, now)
            else:
                keep.append(post)
        account.posts = keep


def is_business(t: int, brand: Brand) -> bool:
    hours = brand.business_hours
    if hours is None:
        return False
    local = local_dt(t, brand.timezone)
    hhmm = local.strftime("%H:%M")
    return _WEEKDAY[local.weekday()] in hours.days and hours.start <= hhmm < hours.end


def next_opening(t: int, brand: Brand) -> int:
    """The next start of business hours after `t` (brand-local, DST-aware)."""
    hours = brand.business_hours
    assert hours is not None
    local = local_dt(t, brand.timezone)
    h, m = (int(x) for x in hours.start.split(":"))
    for k in range(8):
        d = local.date() + timedelta(days=k)
        if _WEEKDAY[d.weekday()] not in hours.days:
            continue
        opening = local_time(d, h, m, brand.timezone)
        if opening > t:
            return opening
    return t + DAY


def response_delay(rng: Random, created: int, brand: Brand) -> int:
    """Seconds until the brand answers: fast in business hours, next morning (or on-duty) outside."""
    roll = rng.random()
    if is_business(created, brand):
        if roll < 0.55:
            minutes = rng.uniform(3, 45)
        elif roll < 0.85:
            minutes = rng.uniform(45, 240)
        elif roll < 0.95:
            minutes = rng.uniform(240, 1440)
        else:
            minutes = rng.uniform(1440, 2880)
    elif roll < 0.35:
        minutes = rng.uniform(5, 120)  # someone on duty answers out of hours
    elif roll < 0.85:
        minutes = (next_opening(created, brand) - created) / 60 + rng.uniform(5, 90)
    else:
        minutes = rng.uniform(1440, 2880)
    return min(int(minutes * 60), 2 * DAY)
