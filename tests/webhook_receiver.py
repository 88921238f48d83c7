"""A webhook on localhost for alert-delivery tests: records every POST body; `mode` says how it answers."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """`mode`: ok (200, body recorded), error500, slow (answers after 1 s). `url` carries a token-like
    path, as a Slack webhook URL does, so tests can check it never reaches a log."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.requests = 0
        self.mode = "ok"
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests += 1
                if receiver.mode == "slow":
                    time.sleep(1.0)
                if receiver.mode == "error500":
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.bodies.append(json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T000/B000/s3cr3tT0ken"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
