"""VK API 5.199: group (members), wall, comments (own community), search (newsfeed.search).

Community owner ids are negative; `groups.getById` takes the positive id. A few group captures come back
in the pre-5.139 shape (`response` is a bare array), as older API versions still answer.
"""

from __future__ import annotations

from pipelines.sandbox.generator import ids
from pipelines.sandbox.generator.catalog import CompetitorSet
from pipelines.sandbox.generator.common import Emit
from pipelines.sandbox.generator.fetch import Fetch, envelope
from pipelines.sandbox.generator.mentions import Mention
from pipelines.sandbox.generator.report import GeneratorReport
from pipelines.sandbox.generator.texts import vk_escaped
from pipelines.sandbox.generator.world import Account, Comment, Post

P = "vk"
LEGACY_SHAPE_RATE = 0.02


def captures(acc: Account, f: Fetch, emit: Emit, report: GeneratorReport) -> None:
    t = f.t
    group_id = -int(acc.id)
    group = {
        "id": group_id,
        "name": acc.brand.name,
        "screen_name": acc.brand.handle,
        "is_closed": 0,
        "type": "page",
        "members_count": acc.followers_at(t),
    }
    if f.rng.random() < LEGACY_SHAPE_RATE:
        response: dict = {"response": [group]}
        report.variants["vk_group_legacy_shape"] = report.variants.get("vk_group_legacy_shape", 0) + 1
        version = "5.131"
    else:
        response = {"response": {"groups": [group], "profiles": []}}
        version = "5.199"
    emit(
        P,
        "group",
        envelope(
            f,
            acc.id,
            "groups.getById",
            acc.id,
            {"group_id": str(group_id), "fields": "members_count", "v": version},
            response,
        ),
    )
    posts = acc.listed(t)
    emit(
        P,
        "wall",
        envelope(
            f,
            acc.id,
            "wall.get",
            acc.id,
            {"owner_id": acc.id, "count": 100, "filter": "owner", "v": "5.199"},
            {
                "response": {
                    "count": acc.posts_published_by(t),
                    "items": [_wall_item(acc, p, t) for p in posts],
                }
            },
        ),
    )
    if not acc.own:
        return
    for p in posts:
        comments = p.comments_at(t)
        if comments:
            emit(
                P,
                "comments",
                envelope(
                    f,
                    acc.id,
                    "wall.getComments",
                    p.id,
                    {
                        "owner_id": acc.id,
                        "post_id": str(p.num),
                        "need_likes": 1,
                        "count": 100,
                        "sort": "asc",
                        "v": "5.199",
                    },
                    {
                        "response": {
                            "count": len(comments),
                            "items": [_comment(acc, p, c) for c in comments],
                            "current_level_count": len(comments),
                            "can_post": True,
                            "show_reply_button": True,
                            "groups_can_post": True,
                        }
                    },
                ),
            )


def _wall_item(acc: Account, p: Post, t: int) -> dict:
    owner = int(acc.id)
    item: dict = {
        "id": p.num,
        "owner_id": owner,
        "from_id": owner,
        "date": p.published,
        "post_type": "post",
        "text": vk_escaped(p.text),
    }
    if p.pinned:
        item["is_pinned"] = 1
    if p.repost_of is not None:
        item["text"] = ""
        item["copy_history"] = [
            {
                "id": p.repost_of[1],
                "owner_id": p.repost_of[0],
                "from_id": p.repost_of[0],
                "date": p.published - 86400,
                "post_type": "post",
                "text": vk_escaped(p.text),
            }
        ]
    elif p.kind in ("photo", "video", "link"):
        item["attachments"] = [_attachment(p, owner)]
    item["comments"] = {"count": p.value("comments", t), "can_post": 1, "groups_can_post": True}
    item["likes"] = {"count": p.value("likes", t), "user_likes": 0, "can_like": 1, "can_publish": 1}
    item["reposts"] = {"count": p.value("shares", t), "user_reposted": 0}
    item["views"] = {"count": p.value("views", t)}
    item["post_source"] = {"type": "vk"}
    return item


def _attachment(p: Post, owner: int) -> dict:
    if p.kind == "photo":
        return {
            "type": "photo",
            "photo": {"id": 457239000 + p.num, "owner_id": owner, "date": p.published, "text": ""},
        }
    if p.kind == "video":
        return {
            "type": "video",
            "video": {"id": 456239000 + p.num, "owner_id": owner, "title": p.text[:40], "duration": 45},
        }
    return {"type": "link", "link": {"url": "https://example.com/blog", "title": "Coffee origins"}}


def _comment(acc: Account, p: Post, c: Comment) -> dict:
    owner = int(acc.id)
    item: dict = {
        "id": c.num,
        "from_id": owner if c.own else int(c.author_id),
        "post_id": p.num,
        "owner_id": owner,
        "parents_stack": [],
        "date": c.created,
        "text": vk_escaped(c.text),
        "likes": {"count": c.likes, "user_likes": 0, "can_like": 1},
    }
    if c.parent is not None:
        item["reply_to_user"] = int(c.parent.author_id)
        item["reply_to_comment"] = c.parent.num
    item["thread"] = {
        "count": 0,
        "items": [],
        "can_post": True,
        "show_reply_button": True,
        "groups_can_post": True,
    }
    return item


def search_capture(
    own_vk: Account,
    cset: CompetitorSet,
    found: list[Mention],
    own_hits: list[tuple[Account, Post]],
    f: Fetch,
    emit: Emit,
) -> None:
    """newsfeed.search for the set's names since the previous run: public posts and the brands' own ones."""
    t = f.t
    rows: list[tuple[int, dict]] = []
    for m in found:
        owner = int(m.author.id)
        rows.append(
            (
                m.created,
                {
                    "id": m.num,
                    "owner_id": owner,
                    "from_id": owner,
                    "date": m.created,
                    "post_type": "post",
                    "text": vk_escaped(m.text),
                    "comments": {"count": m.value("comments", t)},
                    "likes": {"count": m.value("likes", t)},
                    "reposts": {"count": m.value("shares", t)},
                    "views": {"count": m.value("views", t)},
                },
            )
        )
    for acc, p in own_hits:
        item = _wall_item(acc, p, t)
        rows.append(
            (
                p.published,
                {
                    k: item[k]
                    for k in (
                        "id",
                        "owner_id",
                        "from_id",
                        "date",
                        "post_type",
                        "text",
                        "comments",
                        "likes",
                        "reposts",
                        "views",
                    )
                },
            )
        )
    rows.sort(key=lambda r: r[0], reverse=True)
    q = " OR ".join(cset.brands[i].name for i in range(len(cset.brands)))
    response: dict = {"items": [r[1] for r in rows], "count": len(rows), "total_count": len(rows)}
    if rows:
        response["next_from"] = f"{len(rows)}/{ids.etag(str(f.t))[:12]}"
    emit(
        P,
        "search",
        envelope(
            f,
            own_vk.id,
            "newsfeed.search",
            own_vk.id,
            {"q": q, "start_time": f.prev, "end_time": t, "count": 200, "extended": 0, "v": "5.199"},
            {"response": response},
        ),
    )
