"""The sandbox: a local HTTP server (127.0.0.1 only) that answers like the platform APIs.

It serves a generated world (world.py) through one module per platform, and on top of that
behaves like a real API under load: a token check (the platform's own auth error body), a
configurable rate limit (after `burst` requests one is refused, and every request for the next
`retry_after` seconds too), occasional 5xx or HTML error pages, and a broken cursor on demand. It
can also serve scripted pages (the real payloads in tests/fixtures/real/) so the connectors'
paginators are proven on real paging objects. Counters say what was served, for tests.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pipelines.sandbox.api import ga4, graph, linkedin, tiktok, vk, x, youtube, youtube_reporting
from pipelines.sandbox.api.common import ApiRequest, PagingOptions, Reply
from pipelines.sandbox.api.world import World

PLATFORM_PREFIXES: tuple[tuple[str, str], ...] = (
    ("/method/", "vk"),
    ("/v2/", "tiktok"),
    ("/2/", "x"),
    ("/youtube/v3/", "youtube"),
    ("/rest/", "linkedin"),
    ("/v1beta/", "ga4"),
    (youtube_reporting.PREFIX, "youtube_reporting"),
)
_GRAPH_PATH = re.compile(r"^/v\d+\.\d+/")
MODULES: dict[str, ModuleType] = {
    "vk": vk,
    "tiktok": tiktok,
    "x": x,
    "facebook": graph,
    "instagram": graph,
    "youtube": youtube,
    "linkedin": linkedin,
    "ga4": ga4,
    "youtube_reporting": youtube_reporting,
}
_LIVE_HOSTS = re.compile(
    r"https://(?:graph\.facebook\.com|api\.x\.com|api\.twitter\.com|www\.googleapis\.com)"
)


def tokens_from_env() -> dict[str, str]:
    """The token each platform accepts: the one in its SMM_* variable when set, else any token."""
    from pipelines.extract.credentials import CREDENTIALS

    return {p: os.environ[c.token_env] for p, c in CREDENTIALS.items() if os.environ.get(c.token_env)}


@dataclass
class SandboxSettings:
    tokens: dict[str, str] = field(default_factory=dict)  # platform -> the only token accepted
    page_size: int = 10
    burst: int = 0  # 0: no rate limit
    retry_after: int = 1
    fail_every: int = 0  # every Nth data request answers 503 (0: never)
    html_every: int = 0  # every Nth data request answers an HTML page with status 200
    repeat_cursor: bool = False
    youtube_quota: int = 0  # YouTube requests allowed before `quotaExceeded` (0: no quota)
    ga4_key: str | None = None  # the service-account key (JSON text) whose JWTs it accepts; None: its own
    ga4_tokens_per_hour: int = 40_000  # each GA4 property's hourly token allowance


@dataclass
class SandboxCounters:
    requests: int = 0
    pages: Counter = field(default_factory=Counter)  # platform -> data pages served
    rate_limited: int = 0
    early: int = 0  # requests that came back before the rate-limit window closed
    faults: int = 0
    auth_rejected: int = 0
    lookups: Counter = field(default_factory=Counter)  # platform -> answers the extractor does not capture
    token_exchanges: int = 0  # OAuth token requests answered (GA4's service-account sign-in)


@dataclass
class Script:
    """Pages served in order for one path: page i+1 is asked for with `cursor_param=cursors[i+1]`.

    A page given as a `Reply` is sent as it is (a redirect, an error)."""

    pages: list[tuple[str | None, Any]]
    cursor_param: str


class Sandbox:
    def __init__(self, world: World, settings: SandboxSettings | None = None) -> None:
        self.world = world
        self.settings = settings or SandboxSettings()
        self.counters = SandboxCounters()
        self._scripts: dict[str, Script] = {}
        self._lock = threading.Lock()
        self._blocked_until = 0.0
        self._since_limit = 0
        self._data_requests = 0
        self._youtube_calls = 0
        self.ga4_key = self.settings.ga4_key or ga4.new_service_account_key()
        self.ga4_tokens = ga4.TokenIssuer(self.ga4_key)
        self.ga4_quota = ga4.PropertyQuota(self.settings.ga4_tokens_per_hour)
        self.youtube_reporting = youtube_reporting.ReportingState()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle
    def start(self, port: int = 0) -> str:
        """Serve in a background thread on 127.0.0.1; returns the base URL."""
        sandbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                sandbox._handle(self)

            def do_POST(self) -> None:
                sandbox._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # request lines would carry tokens in query strings

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="smm-sandbox", daemon=True)
        self._thread.start()
        return self.base_url

    @property
    def base_url(self) -> str:
        assert self._server is not None, "sandbox not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def write_ga4_key(self, path: Path) -> Path:
        """The service-account key file to point SMM_GA4_CREDENTIALS at (readable by its owner only)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.write_text(self.ga4_key, encoding="utf-8")
        return path

    def script(self, path: str, pages: list[tuple[str | None, Any]], cursor_param: str) -> None:
        """Serve `pages` at `path`: the first without `cursor_param`, the others by their cursor."""
        self._scripts[path] = Script(pages, cursor_param)

    # ---------------------------------------------------------------- one request
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        host = handler.headers.get("Host") or "127.0.0.1"
        form = (
            dict(parse_qsl(raw.decode("utf-8", "replace")))
            if "x-www-form-urlencoded" in (handler.headers.get("Content-Type") or "")
            else {}
        )
        request = ApiRequest(
            method=handler.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
            base_url=f"http://{host}",
            form=form,
        )
        try:
            reply = self.answer(request)
        except Exception as exc:  # a sandbox bug answers 500, not a dropped connection
            reply = Reply(500, {"error": {"message": f"sandbox error: {type(exc).__name__}: {exc}"}})
        if isinstance(reply.body, str):
            payload = reply.body.encode("utf-8")
            content_type = reply.headers.pop("Content-Type", "text/html; charset=utf-8")
        else:
            payload = json.dumps(_point_here(reply.body, request.base_url), ensure_ascii=False).encode(
                "utf-8"
            )
            content_type = "application/json; charset=UTF-8"
        handler.send_response(reply.status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def answer(self, request: ApiRequest) -> Reply:
        if request.path == ga4.TOKEN_PATH and request.method == "POST":
            # Google's token host, not an API: outside the API's rate limits and faults.
            with self._lock:
                self.counters.token_exchanges += 1
            if request.form.get("grant_type") == "refresh_token":  # a channel owner's (Reporting API)
                return self.youtube_reporting.refresh(request)
            return self.ga4_tokens.exchange(request)
        platform = next((p for prefix, p in PLATFORM_PREFIXES if request.path.startswith(prefix)), None)
        if platform is None and _GRAPH_PATH.match(request.path) and request.path not in self._scripts:
            # One host serves Facebook and Instagram: the id says which (and so which token counts).
            platform = graph.platform_of(request, self.world)
            if platform is None:
                return graph.route(request, self.world, self._paging())
        with self._lock:
            self.counters.requests += 1
        if platform is None and request.path not in self._scripts:
            return Reply(404, {"error": {"message": f"unknown path {request.path}"}})
        module = MODULES.get(platform) if platform else None
        if module is not None and not self._token_ok(platform, module.token(request)):
            with self._lock:
                self.counters.auth_rejected += 1
            return module.auth_error(request)
        fault = self._fault(request, module)
        if fault is not None:
            return fault
        if platform == "youtube" and self.settings.youtube_quota:
            with self._lock:
                self._youtube_calls += 1
                if self._youtube_calls > self.settings.youtube_quota:
                    return youtube.quota_exceeded()
        if request.path in self._scripts:
            reply = self._scripted(request)
        elif platform == "ga4":
            reply = ga4.route(request, self.world, self.ga4_quota)
        elif platform == "youtube_reporting":
            reply = youtube_reporting.route(
                request, self.world.reports, self.youtube_reporting, self._paging()
            )
        else:
            assert module is not None
            reply = module.route(
                request, self.world, PagingOptions(self.settings.page_size, self.settings.repeat_cursor)
            )
        with self._lock:
            if reply.is_page:
                self.counters.pages[platform or "scripted"] += 1
            elif reply.status == 200 and platform:
                self.counters.lookups[platform] += 1
        return reply

    def _paging(self) -> PagingOptions:
        return PagingOptions(self.settings.page_size, self.settings.repeat_cursor)

    def _token_ok(self, platform: str, token: str | None) -> bool:
        if platform == "ga4":  # an access token this sandbox issued, not a configured one
            return self.ga4_tokens.valid(token)
        if platform == "youtube_reporting":
            return self.youtube_reporting.valid(token)
        expected = self.settings.tokens.get(platform)
        return bool(token) and (expected is None or token == expected)

    def _fault(self, request: ApiRequest, module: ModuleType | None) -> Reply | None:
        """Rate limiting and injected server faults, decided before the request is served."""
        s = self.settings
        now = time.monotonic()
        with self._lock:
            if now < self._blocked_until:
                self.counters.early += 1
                self.counters.rate_limited += 1
                return self._limited(request, module)
            if s.burst:
                self._since_limit += 1
                if self._since_limit > s.burst:
                    self._since_limit = 0
                    self._blocked_until = now + s.retry_after
                    self.counters.rate_limited += 1
                    return self._limited(request, module)
            self._data_requests += 1
            n = self._data_requests
            if s.fail_every and n % s.fail_every == 0:
                self.counters.faults += 1
                return Reply(503, {"error": {"message": "Service temporarily unavailable"}})
            if s.html_every and n % s.html_every == 0:
                self.counters.faults += 1
                return Reply(200, "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>")
        return None

    def _limited(self, request: ApiRequest, module: ModuleType | None) -> Reply:
        if module is not None:
            return module.rate_limited(request, self.settings.retry_after)
        return Reply(
            429, {"error": {"message": "Too Many Requests"}}, {"Retry-After": str(self.settings.retry_after)}
        )

    def _scripted(self, request: ApiRequest) -> Reply:
        script = self._scripts[request.path]
        wanted = request.query.get(script.cursor_param)
        for cursor, page in script.pages:
            if cursor == wanted:
                return page if isinstance(page, Reply) else Reply(200, page, is_page=True)
        return Reply(400, {"error": {"message": f"unknown {script.cursor_param} {wanted!r}"}})


def _point_here(body: Any, base_url: str) -> Any:
    """Paging links to the live API rewritten to this sandbox, so a client following them stays here."""
    if isinstance(body, str):
        return _LIVE_HOSTS.sub(base_url, body)
    if isinstance(body, dict):
        return {k: _point_here(v, base_url) for k, v in body.items()}
    if isinstance(body, list):
        return [_point_here(v, base_url) for v in body]
    return body
