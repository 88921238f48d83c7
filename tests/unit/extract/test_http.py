"""The paging engine against the sandbox: real paging objects, retries, waits, broken cursors."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
from dlt.sources.helpers.rest_client.auth import APIKeyAuth, BearerTokenAuth

from pipelines.extract import graph, linkedin, tiktok, vk, x, youtube
from pipelines.extract.errors import ApiError, AuthFailed, RepeatingCursor, Transient, Unreachable
from pipelines.extract.http import PlatformClient, RetrySettings
from pipelines.sandbox.api.common import Reply
from pipelines.sandbox.api.server import Sandbox
from pipelines.sandbox.api.world import World

FAST = RetrySettings(attempts=3, backoff_factor=0.05, max_wait_seconds=5, timeout_seconds=2)
TOKEN = "vk-token-zz9"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(World(day="2026-01-01")) as running:
        yield running


def _vk_client(sandbox: Sandbox, token: str = TOKEN, retry: RetrySettings = FAST) -> PlatformClient:
    return PlatformClient(
        base_url=sandbox.base_url,
        auth=APIKeyAuth(name="access_token", api_key=token, location="query"),
        classify=vk.classify,
        retry=retry,
    )


def _real(real_fixtures, name: str) -> dict:
    return json.loads((real_fixtures / name).read_text())


def _script_vk_search(sandbox: Sandbox, real_fixtures) -> dict:
    first = _real(real_fixtures, "vk/vknet__newsfeed_search_next_from.json")
    last = json.loads(json.dumps(first))
    last["response"].pop("next_from")  # VK's last page: no next_from
    last["response"]["items"] = []
    sandbox.script(
        "/method/newsfeed.search", [(None, first), (first["response"]["next_from"], last)], "start_from"
    )
    return first


def _search(client: PlatformClient) -> list:
    return list(
        client.pages(
            "/method/newsfeed.search",
            params={"q": "coffee", "v": vk.VERSION},
            paginator=vk.search_paginator(),
            data_selector="response.items",
        )
    )


def test_vk_search_follows_the_real_next_from_to_the_last_page(sandbox, real_fixtures):
    first = _script_vk_search(sandbox, real_fixtures)
    client = _vk_client(sandbox)
    pages = _search(client)
    assert len(pages) == sandbox.counters.pages["vk"] == 2
    assert pages[0].body == first
    assert client.stats.records == len(first["response"]["items"])


def test_x_timeline_follows_the_real_next_token(sandbox, real_fixtures):
    first = _real(real_fixtures, "x/tweepy__test_client_get_users_tweets.body.json")
    sandbox.script(
        "/2/users/2244994945/tweets",
        [(None, first), (first["meta"]["next_token"], {"meta": {"result_count": 0}})],
        "pagination_token",
    )
    client = PlatformClient(
        base_url=sandbox.base_url, auth=BearerTokenAuth(token="x-tok"), classify=x.classify, retry=FAST
    )
    pages = list(
        client.pages("/2/users/2244994945/tweets", paginator=x.timeline_paginator(), data_selector="data")
    )
    assert [p.body for p in pages] == [first, {"meta": {"result_count": 0}}]
    assert client.stats.records == len(first["data"])


def test_a_repeating_cursor_stops_with_a_clear_error(sandbox, real_fixtures):
    first = _real(real_fixtures, "vk/vknet__newsfeed_search_next_from.json")
    cursor = first["response"]["next_from"]
    sandbox.script("/method/newsfeed.search", [(None, first), (cursor, first)], "start_from")
    with pytest.raises(RepeatingCursor, match="cursor it already gave"):
        _search(_vk_client(sandbox))
    assert sandbox.counters.pages["vk"] == 2  # stopped before asking a third time


@pytest.mark.parametrize("fault", ["fail_every", "html_every"])
def test_server_errors_and_html_pages_with_status_200_are_retried(sandbox, real_fixtures, fault):
    _script_vk_search(sandbox, real_fixtures)
    setattr(sandbox.settings, fault, 2)  # the second request fails
    client = _vk_client(sandbox)
    assert len(_search(client)) == sandbox.counters.pages["vk"] == 2
    assert client.stats.retries == sandbox.counters.faults == 1


def test_errors_that_persist_are_reported_after_the_last_attempt(sandbox, real_fixtures):
    _script_vk_search(sandbox, real_fixtures)
    sandbox.settings.fail_every = 1
    with pytest.raises(Transient, match=r"HTTP 503 server error \(after 3 attempts\)"):
        _search(_vk_client(sandbox))


def test_rate_limit_waits_at_least_retry_after(sandbox, real_fixtures):
    first = _real(real_fixtures, "x/tweepy__test_client_get_users_tweets.body.json")
    sandbox.script(
        "/2/users/1/tweets",
        [(None, first), (first["meta"]["next_token"], {"meta": {"result_count": 0}})],
        "pagination_token",
    )
    sandbox.settings.burst = 1
    sandbox.settings.retry_after = 1
    client = PlatformClient(
        base_url=sandbox.base_url, auth=BearerTokenAuth(token="x-tok"), classify=x.classify, retry=FAST
    )
    pages = list(client.pages("/2/users/1/tweets", paginator=x.timeline_paginator(), data_selector="data"))
    assert len(pages) == 2
    assert sandbox.counters.rate_limited >= 1
    assert sandbox.counters.early == 0  # X's x-rate-limit-reset was obeyed
    assert client.stats.seconds_waited >= 1.0 * client.stats.retries > 0


def test_vk_invalid_token_is_an_auth_failure_not_retried(sandbox, real_fixtures):
    _script_vk_search(sandbox, real_fixtures)
    sandbox.settings.tokens["vk"] = "the-right-one"
    client = _vk_client(sandbox, token="wrong-token-777")
    with pytest.raises(AuthFailed, match="VK error 5") as caught:
        _search(client)
    assert sandbox.counters.requests == 1
    assert "wrong-token-777" not in str(caught.value)


def test_no_answer_is_bounded_and_names_no_secret():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = PlatformClient(
        base_url=f"http://127.0.0.1:{port}",
        auth=APIKeyAuth(name="access_token", api_key=TOKEN, location="query"),
        classify=vk.classify,
        retry=RetrySettings(attempts=2, backoff_factor=0.01, max_wait_seconds=1, timeout_seconds=1),
    )
    with pytest.raises(Unreachable, match="after 2 attempts") as caught:
        list(client.pages("/method/groups.getById", params={"group_id": "1"}))
    assert TOKEN not in str(caught.value)


def test_graph_follows_the_real_paging_next_and_stops_at_its_absence(sandbox, real_fixtures):
    first = _real(real_fixtures, "facebook/pyfacebook__user_posts_fields_p1.json")
    last = {k: v for k, v in first.items() if k != "paging"}  # no paging.next: the last page
    sandbox.script("/v10.0/4/posts", [(None, first), ("1624385168", last)], "until")
    client = PlatformClient(
        base_url=sandbox.base_url, auth=graph.auth("fb-tok"), classify=graph.classify, retry=FAST
    )
    pages = list(client.pages("/v10.0/4/posts", paginator=graph.list_paginator(), data_selector="data"))
    assert len(pages) == sandbox.counters.pages["scripted"] == 2
    assert pages[1].body == last
    assert client.stats.records == 2 * len(first["data"])


def test_youtube_follows_the_real_next_page_token_and_the_key_stays_out_of_the_page(sandbox, real_fixtures):
    first = _real(real_fixtures, "youtube/pyyoutube__commentThreads_by_video_p1.json")
    last = {k: v for k, v in first.items() if k != "nextPageToken"}
    sandbox.script("/youtube/v3/commentThreads", [(None, first), (first["nextPageToken"], last)], "pageToken")
    client = PlatformClient(
        base_url=sandbox.base_url,
        auth=APIKeyAuth(name="key", api_key="AIza-test-key", location="query"),
        classify=youtube.classify,
        retry=FAST,
    )
    pages = list(
        client.pages(
            "/youtube/v3/commentThreads",
            params={"part": "snippet,replies", "videoId": "v"},
            paginator=youtube.page_token_paginator(),
            data_selector="items",
        )
    )
    assert [p.body for p in pages] == [first, last]


def test_linkedin_pages_by_start_and_count_until_paging_total(sandbox, real_fixtures):
    # LinkedIn's paging object as the contract shows it; the elements are the real share statistics record.
    lines = (
        (real_fixtures / "linkedin" / "airbyte__linkedin_pages_expected_records.jsonl")
        .read_text()
        .splitlines()
    )
    element = next(r["data"] for r in map(json.loads, lines) if r["stream"] == "share_statistics")
    pages = [
        {"paging": {"start": 0, "count": 50, "total": 52}, "elements": [element] * 50},
        {"paging": {"start": 50, "count": 50, "total": 52}, "elements": [element] * 2},
    ]
    sandbox.script("/rest/posts", [("0", pages[0]), ("50", pages[1])], "start")
    client = PlatformClient(
        base_url=sandbox.base_url,
        auth=BearerTokenAuth(token="li-tok"),
        classify=linkedin.classify,
        headers=linkedin.CONNECTOR.headers,
        retry=FAST,
    )
    fetched = list(
        client.pages(
            "/rest/posts",
            params={"q": "author"},
            paginator=linkedin.posts_paginator(),
            data_selector="elements",
        )
    )
    assert [p.body for p in fetched] == pages
    assert client.stats.records == 52


def test_a_redirect_is_refused_so_the_token_never_leaves_for_another_host(sandbox):
    sandbox.script(
        "/method/groups.getById",
        [(None, Reply(302, {}, {"Location": "http://collector.example/steal"}))],
        "unused",
    )
    with pytest.raises(ApiError, match=r"redirect to collector\.example refused"):
        list(_vk_client(sandbox).pages("/method/groups.getById", params={"group_id": "1"}))
    assert sandbox.counters.requests == 1


def test_an_html_error_page_with_status_404_is_not_retried(sandbox):
    sandbox.script("/method/wall.get", [(None, Reply(404, "<html><body>Not Found</body></html>"))], "unused")
    with pytest.raises(ApiError, match="HTTP 404"):
        list(_vk_client(sandbox).pages("/method/wall.get", params={"owner_id": "-1"}))
    assert sandbox.counters.requests == 1


def test_a_page_without_its_paging_field_fails_clearly_without_quoting_the_body(sandbox):
    body = {"data": {"videos": [{"id": "73", "create_time": 1}], "cursor": 1000}, "error": {"code": "ok"}}
    sandbox.script("/v2/video/list/", [(None, body)], "unused")
    client = PlatformClient(
        base_url=sandbox.base_url, auth=BearerTokenAuth(token="tt"), classify=tiktok.classify, retry=FAST
    )
    with pytest.raises(ApiError, match="unexpected page shape") as caught:
        list(
            client.pages(
                "/v2/video/list/",
                method="POST",
                json_body={"max_count": 20},
                paginator=tiktok.videos_paginator(),
                data_selector="data.videos",
            )
        )
    assert "create_time" not in str(caught.value)
