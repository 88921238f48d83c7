"""LinkedIn Marketing API (`/rest/...`): networkSizes, posts (start/count paging with `paging.total`),
organizationalEntityShareStatistics (per share `List(...)` or lifetime), organizationalEntityFollowerStatistics.

Requests without `LinkedIn-Version` are refused as the live API refuses them.
"""

from __future__ import annotations

import copy
from urllib.parse import unquote

from pipelines.sandbox.api.common import ApiRequest, PagingOptions, Reply, int_param, page_slice
from pipelines.sandbox.api.world import World

P = "linkedin"


def _error(status: int, code: str, message: str, service_code: int) -> Reply:
    return Reply(
        status, {"status": status, "serviceErrorCode": service_code, "code": code, "message": message}
    )


def token(request: ApiRequest) -> str | None:
    return request.bearer()


def auth_error(request: ApiRequest) -> Reply:
    return _error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)


def rate_limited(request: ApiRequest, retry_after: int) -> Reply:
    reply = _error(
        429, "TOO_MANY_REQUESTS", "Resource level throttle limit for calls to this resource is reached.", 101
    )
    reply.headers["Retry-After"] = str(retry_after)
    return reply


def route(request: ApiRequest, world: World, paging: PagingOptions) -> Reply:
    if not request.headers.get("linkedin-version"):
        return _error(
            400,
            "VERSION_MISSING",
            "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
            100,
        )
    path, q = unquote(request.path), request.query
    if path.startswith("/rest/networkSizes/"):
        found = world.get(P, "organization", path.removeprefix("/rest/networkSizes/"))
        return Reply(200, found.response, is_page=True) if found else _not_found(path)
    if path == "/rest/posts":
        found = world.get(P, "posts", q.get("author", ""))
        if found is None:
            return _not_found(path)
        body = copy.deepcopy(found.response)
        size = min(int_param(q, "count", 10), paging.page_size)
        start = int_param(q, "start", 0)
        body["elements"], _ = page_slice(body.get("elements", []), start, size)
        body["paging"] = {**body.get("paging", {}), "start": start, "count": size}
        return Reply(200, body, is_page=True)
    org = q.get("organizationalEntity", "")
    if path == "/rest/organizationalEntityShareStatistics":
        if "shares" not in q:
            found = world.get(P, "share_statistics", org)
            return Reply(200, found.response, is_page=True) if found else _not_found(path)
        wanted = set(q["shares"].removeprefix("List(").removesuffix(")").split(","))
        found = world.get(P, "share_statistics", f"{org}|shares")
        body = (
            copy.deepcopy(found.response)
            if found
            else {"paging": {"start": 0, "count": 10, "links": []}, "elements": []}
        )
        body["elements"] = [e for e in body.get("elements", []) if e.get("share") in wanted]
        return Reply(200, body, is_page=True)
    if path == "/rest/organizationalEntityFollowerStatistics":
        found = world.get(P, "follower_statistics", org)
        return Reply(200, found.response, is_page=True) if found else _not_found(path)
    return _not_found(path)


def _not_found(path: str) -> Reply:
    return _error(404, "NOT_FOUND", f"No resource found at {path}", 100)
