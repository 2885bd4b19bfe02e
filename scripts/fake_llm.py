"""A fake OpenAI-compatible endpoint on loopback, for install checks and benchmarks (standard library only).

    python scripts/fake_llm.py [--port 0] [--delay-ms 0] [--reject-auth] [--single-slot]

Prints ``http://127.0.0.1:PORT/v1`` on its first line once it listens. ``POST /v1/chat/completions``
answers, after ``--delay-ms``, with one event whose evidence is the first sentence of the article
found between triple quotes in the last user message (``{"events": []}`` when there is none);
``GET /v1/models`` lists one model. Every answer is valid for the ``quotes`` strategy.

``--reject-auth`` answers every POST with 401 and echoes the bearer key in the body, as some
servers do. ``--single-slot`` works on one request at a time like llama-cpp-python's server
(``/v1/models`` included, and an answer whose client gave up is still computed to the end);
``GET /stats`` reports the requests seen, the most that were ever in the server at once, and
(``answered``) how many answers were sent per article, by the article's first sentence.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

_ARTICLE = re.compile(r'"""\s*(.*?)\s*"""', re.S)


def first_sentence(messages: list[dict[str, Any]]) -> str | None:
    """The first sentence of the article between triple quotes in the last user message."""
    users = [m for m in messages if m.get("role") == "user"]
    found = _ARTICLE.search(str(users[-1].get("content", ""))) if users else None
    return re.split(r"(?<=[.!?])\s", found.group(1).strip(), maxsplit=1)[0] if found else None


def answer_for(messages: list[dict[str, Any]]) -> str:
    """The fake model's answer: the article's first sentence as the evidence of one event."""
    first = first_sentence(messages)
    if first is None:
        return json.dumps({"events": []})
    return json.dumps({"events": [{"event_type": "Other", "evidence": [first]}]})


class Handler(BaseHTTPRequestHandler):
    delay_s = 0.0
    reject_auth = False
    single_slot = False
    slot = threading.Lock()
    counts: ClassVar[dict[str, int]] = {"requests": 0, "in_flight": 0, "max_in_flight": 0}
    answered: ClassVar[dict[str, int]] = {}
    counts_lock = threading.Lock()

    def _enter(self) -> None:
        with self.counts_lock:
            self.counts["requests"] += 1
            self.counts["in_flight"] += 1
            self.counts["max_in_flight"] = max(self.counts["max_in_flight"], self.counts["in_flight"])

    def _leave(self) -> None:
        with self.counts_lock:
            self.counts["in_flight"] -= 1

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        with contextlib.suppress(OSError):  # a client that gave up (timed out) is not an error here
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/stats"):
            with self.counts_lock:
                self._send(200, {**self.counts, "answered": dict(self.answered)})
        elif self.path.rstrip("/").endswith("/models"):
            with self.slot if self.single_slot else contextlib.nullcontext():
                self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
        else:
            self._send(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        if self.reject_auth:
            key = self.headers.get("authorization", "").removeprefix("Bearer ")
            message = f"Incorrect API key provided: {key}. You can find your API key in your account."
            self._send(401, {"error": {"message": message, "type": "invalid_request_error"}})
            return
        self._enter()  # a request waiting for the slot is in the server already
        with self.slot if self.single_slot else contextlib.nullcontext():
            try:
                time.sleep(self.delay_s)
            finally:
                self._leave()  # before the slot is free again
        content = answer_for(request.get("messages", []))
        with self.counts_lock:
            first = first_sentence(request.get("messages", [])) or ""
            self.answered[first] = self.answered.get(first, 0) + 1
        self._send(
            200,
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": request.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content},
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            },
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--reject-auth", action="store_true", help="401 echoing the key to every POST")
    parser.add_argument("--single-slot", action="store_true", help="one request at a time")
    args = parser.parse_args()
    Handler.delay_s = args.delay_ms / 1000
    Handler.reject_auth = args.reject_auth
    Handler.single_slot = args.single_slot
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
