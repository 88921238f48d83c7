"""Each platform's error bodies mean what the platform documents: retry, renew the token, or fail."""

from __future__ import annotations

import json
import time

import pytest
from requests import Response

from pipelines.extract import graph, tiktok, vk, x, youtube
from pipelines.extract.errors import ApiError, AuthFailed, QuotaExceeded, RateLimited, Transient
from pipelines.extract.http import parse_body


def _response(status: int, body: object, headers: dict[str, str] | None = None) -> Response:
    response = Response()
    response.status_code = status
    response._content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    response.headers.update(headers or {"Content-Type": "application/json"})
    return response


def _vk_error(code: int, message: str) -> dict:
    return {
        "error": {
            "error_code": code,
            "error_msg": message,
            "request_params": [{"key": "v", "value": "5.199"}],
        }
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_vk_error(6, "Too many requests per second"), RateLimited),
        (_vk_error(9, "Flood control"), RateLimited),
        (_vk_error(5, "User authorization failed: access_token has expired."), AuthFailed),
        (_vk_error(10, "Internal server error"), Transient),
        (_vk_error(15, "Access denied: wall is disabled"), ApiError),
    ],
)
def test_vk_errors_arrive_with_status_200_and_are_told_apart(body, expected):
    with pytest.raises(expected, match=f"VK error {body['error']['error_code']}"):
        vk.classify(_response(200, body), body)


def test_vk_real_pages_are_not_errors(real_fixtures):
    for name in ("vknet__wall_get_extended.json", "vknet__newsfeed_search_next_from.json"):
        body = json.loads((real_fixtures / "vk" / name).read_text())
        vk.classify(_response(200, body), body)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("rate_limit_exceeded", RateLimited),
        ("access_token_invalid", AuthFailed),
        ("internal_error", Transient),
        ("invalid_params", ApiError),
    ],
)
def test_tiktok_error_code_other_than_ok_is_an_error(code, expected):
    body = {"data": {}, "error": {"code": code, "message": "m", "log_id": "2026"}}
    with pytest.raises(expected):
        tiktok.classify(_response(429 if code == "rate_limit_exceeded" else 200, body), body)
    ok = {"data": {"user": {"open_id": "o"}}, "error": {"code": "ok", "message": "", "log_id": "1"}}
    tiktok.classify(_response(200, ok), ok)


def test_x_rate_limit_reset_becomes_the_wait():
    reset = int(time.time()) + 30
    response = _response(429, {"title": "Too Many Requests"}, {"x-rate-limit-reset": str(reset)})
    with pytest.raises(RateLimited):
        x.classify(response, {"title": "Too Many Requests"})
    assert 28 <= int(response.headers["Retry-After"]) <= 31


def test_x_real_pages_are_not_errors(real_fixtures):
    for name in (
        "tweepy__test_client_search_recent_tweets.body.json",
        "tweepy__test_client_get_user.body.json",
    ):
        body = json.loads((real_fixtures / "x" / name).read_text())
        x.classify(_response(200, body), body)


def test_html_page_or_truncated_body_with_status_200_is_transient():
    with pytest.raises(Transient, match="HTML page"):
        parse_body(_response(200, "<html><body>Bad gateway</body></html>", {"Content-Type": "text/html"}))
    with pytest.raises(Transient, match="invalid JSON"):
        parse_body(_response(200, '{"response": {"items": [', {"Content-Type": "application/json"}))


def _graph_error(code: int, message: str) -> dict:
    return {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Abc"}}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (4, RateLimited),
        (17, RateLimited),
        (32, RateLimited),
        (613, RateLimited),
        (190, AuthFailed),
        (100, ApiError),
    ],
)
def test_graph_error_codes(code, expected):
    body = _graph_error(code, "m")
    with pytest.raises(expected, match=f"Graph error {code}"):
        graph.classify(_response(400, body), body)


def test_graph_business_use_case_usage_sets_the_wait():
    body = _graph_error(80001, "There have been too many calls to this Page account.")
    usage = '{"104": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 2}]}'
    response = _response(400, body, {"X-Business-Use-Case-Usage": usage})
    with pytest.raises(RateLimited):
        graph.classify(response, body)
    assert response.headers["Retry-After"] == "120"


def test_graph_real_pages_are_not_errors(real_fixtures):
    for name in (
        "facebook/pyfacebook__user_posts_fields_p1.json",
        "instagram/pyfacebook__ig_user_media_p1.json",
    ):
        body = json.loads((real_fixtures / name).read_text())
        graph.classify(_response(200, body), body)


def _youtube_error(status: int, reason: str, message: str) -> dict:
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "youtube.quota", "reason": reason}],
        }
    }


@pytest.mark.parametrize(
    ("reason", "message", "expected"),
    [
        (
            "quotaExceeded",
            "The request cannot be completed because you have exceeded your quota.",
            QuotaExceeded,
        ),
        (
            "rateLimitExceeded",
            "The request cannot be completed because you have exceeded your quota.",
            RateLimited,
        ),
        ("badRequest", "API key not valid. Please pass a valid API key.", AuthFailed),
        ("videoNotFound", "The video identified by the videoId parameter could not be found.", ApiError),
    ],
)
def test_youtube_reasons(reason, message, expected):
    body = _youtube_error(403, reason, message)
    with pytest.raises(expected, match=reason):
        youtube.classify(_response(403, body), body)


def test_youtube_real_pages_are_not_errors(real_fixtures):
    for name in (
        "pyyoutube__search_videos_by_channel.json",
        "pyyoutube__videos_list_all_parts_statistics.json",
    ):
        body = json.loads((real_fixtures / "youtube" / name).read_text())
        youtube.classify(_response(200, body), body)
