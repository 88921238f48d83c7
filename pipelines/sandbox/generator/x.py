"""X API v2: user, tweets (the account's timeline, replies included), mentions (recent search)."""

from __future__ import annotations

from collections.abc import Callable

from pipelines.sandbox.generator.catalog import CompetitorSet
from pipelines.sandbox.generator.common import Emit
from pipelines.sandbox.generator.fetch import Fetch, envelope
from pipelines.sandbox.generator.mentions import Mention
from pipelines.sandbox.generator.texts import x_escaped
from pipelines.sandbox.generator.timeutil import iso_ms_z
from pipelines.sandbox.generator.world import Account, Post

P = "x"
TWEET_FIELDS = "created_at,public_metrics,conversation_id,in_reply_to_user_id,referenced_tweets,lang"


def captures(acc: Account, f: Fetch, emit: Emit) -> None:
    t = f.t
    emit(
        P,
        "user",
        envelope(
            f,
            acc.id,
            "/2/users/:id",
            acc.id,
            {"user.fields": "public_metrics,created_at"},
            {"data": _user(acc, t)},
        ),
    )
    tweets = acc.listed(t)
    emit(
        P,
        "tweets",
        envelope(
            f,
            acc.id,
            "/2/users/:id/tweets",
            acc.id,
            {"tweet.fields": TWEET_FIELDS, "max_results": 100, "start_time": iso_ms_z(t - 7 * 86400)},
            _page([_own_tweet(acc, p, t) for p in tweets]),
        ),
    )


def _user(acc: Account, t: int) -> dict:
    return {
        "id": acc.id,
        "name": acc.brand.name,
        "username": acc.brand.handle,
        "created_at": "2014-03-11T09:21:44.000Z",
        "public_metrics": {
            "followers_count": acc.followers_at(t),
            "following_count": 210 + acc.brand.index % 50,
            "tweet_count": acc.posts_published_by(t) + acc.lifetime.get("reply_tweets", 0),
            "listed_count": 12 + acc.brand.index % 7,
        },
    }


def _page(data: list[dict]) -> dict:
    if not data:
        return {"meta": {"result_count": 0}}  # X omits `data` on an empty page
    return {
        "data": data,
        "meta": {"result_count": len(data), "newest_id": data[0]["id"], "oldest_id": data[-1]["id"]},
    }


def _metrics(value: Callable[[str, int], int], t: int) -> dict:
    return {
        "retweet_count": value("shares", t),
        "reply_count": value("comments", t),
        "like_count": value("likes", t),
        "quote_count": value("quotes", t),
        "bookmark_count": value("saves", t),
        "impression_count": value("impressions", t),
    }


def _own_tweet(acc: Account, p: Post, t: int) -> dict:
    tweet = {
        "id": p.id,
        "text": x_escaped(p.text),
        "created_at": iso_ms_z(p.published),
        "lang": p.lang,
        "author_id": acc.id,
        "edit_history_tweet_ids": [p.id],
        "conversation_id": p.id if p.reply_to is None else p.reply_to[2],
        "public_metrics": _metrics(p.value, t),
    }
    if p.reply_to is not None:
        tweet["in_reply_to_user_id"] = p.reply_to[1]
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": p.reply_to[0]}]
    return tweet


def _mention_tweet(m: Mention, t: int) -> dict:
    tweet = {
        "id": m.id,
        "text": x_escaped(m.text),
        "created_at": iso_ms_z(m.created),
        "lang": m.lang,
        "author_id": m.author.id,
        "edit_history_tweet_ids": [m.id],
        "conversation_id": m.id if m.reply_to is None else m.reply_to[2],
        "public_metrics": _metrics(m.value, t),
    }
    if m.reply_to is not None:
        tweet["in_reply_to_user_id"] = m.reply_to[1]
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": m.reply_to[0]}]
    return tweet


def query(cset: CompetitorSet) -> str:
    terms = []
    for brand in cset.brands:
        terms.extend(f'"{a}"' if " " in a else a for a in brand.aliases)
    return f"({' OR '.join(terms)}) -is:retweet"


def search_capture(
    own_x: Account,
    cset: CompetitorSet,
    found: list[Mention],
    own_hits: list[tuple[Account, Post]],
    f: Fetch,
    emit: Emit,
) -> None:
    """One recent-search page: public mentions plus the set's own tweets that name a brand."""
    t = f.t
    rows: list[tuple[int, dict]] = [(m.created, _mention_tweet(m, t)) for m in found]
    users: dict[str, dict] = {}
    for m in found:
        users.setdefault(
            m.author.id,
            {
                "id": m.author.id,
                "name": m.author.name,
                "username": m.author.username,
                "public_metrics": {
                    "followers_count": m.author.followers,
                    "following_count": 150 + m.author.followers % 700,
                    "tweet_count": 300 + m.author.followers % 5000,
                    "listed_count": m.author.followers // 900,
                },
            },
        )
    for acc, p in own_hits:
        rows.append((p.published, _own_tweet(acc, p, t)))
        users.setdefault(acc.id, _user(acc, t))
    rows.sort(key=lambda r: r[0], reverse=True)
    response = _page([r[1] for r in rows])
    if rows:
        response["includes"] = {"users": list(users.values())}
    emit(
        P,
        "mentions",
        envelope(
            f,
            own_x.id,
            "/2/tweets/search/recent",
            own_x.id,
            {
                "query": query(cset),
                "start_time": iso_ms_z(f.prev),
                "expansions": "author_id",
                "tweet.fields": TWEET_FIELDS,
                "user.fields": "public_metrics",
                "max_results": 100,
            },
            response,
        ),
    )
