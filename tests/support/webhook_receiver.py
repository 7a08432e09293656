"""A webhook receiver on loopback: a real HTTP server in a thread that records every delivery
(headers and raw body) and answers as the test tells it: `fail_next` 5xx answers first, or hang
(hold the connection without answering) while `hanging` is set."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int          # the status we sent (0: we hung up without answering)

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def delivery(self) -> str:
        return self.headers["x-chatdesk-delivery"]


class WebhookReceiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.fail_next = 0
        self.fail_status = 503
        self.hanging = threading.Event()
        self.released = threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                if receiver.hanging.is_set():
                    receiver.released.wait(60)
                    with receiver.lock:
                        receiver.received.append(Received(headers, body, 0))
                    return
                with receiver.lock:
                    status = receiver.fail_status if receiver.fail_next > 0 else 200
                    receiver.fail_next -= status != 200
                    receiver.received.append(Received(headers, body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}/hooks/chatdesk"

    def start(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.http.shutdown()
        self.http.server_close()

    def ok(self) -> list[Received]:
        """The deliveries we answered 2xx, in arrival order."""
        with self.lock:
            return [r for r in self.received if 200 <= r.answered < 300]

    def events(self) -> list[str]:
        return [r.headers["x-chatdesk-event"] for r in self.ok()]
