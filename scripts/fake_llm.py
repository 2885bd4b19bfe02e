"""A fake OpenAI-compatible endpoint on loopback, for install checks and benchmarks (standard library only).

    python scripts/fake_llm.py [--port 0] [--delay-ms 0] [--reject-auth] [--single-slot] [--hostile]

Prints ``http://127.0.0.1:PORT/v1`` on its first line once it listens. ``POST /v1/chat/completions``
answers, after ``--delay-ms``, with one event whose evidence is the first sentence of the article
found between triple quotes in the last user message (``{"events": []}`` when there is none);
``GET /v1/models`` lists one model. Every answer is valid for the ``quotes`` strategy.

``--reject-auth`` answers every POST with 401 and echoes the bearer key in the body, as some
servers do: as it is, and escaped (JSON, URL encoding, Python's repr). ``--single-slot`` works
on one request at a time like llama-cpp-python's server (``/v1/models`` included, and an answer
whose client gave up is still computed to the end);
``GET /stats`` reports the requests seen and the most that were ever in the server at once.

``--hostile`` answers an article holding one of these words as a broken or hostile server would:
``HOSTILE-BIGINT`` a casualty count of 5,000 digits in the answer, ``HOSTILE-DEEP`` a response
nested 5,000 levels deep, ``HOSTILE-HUGE`` a 100 MB answer without a Content-Length (``/stats``
then says how many of its bytes the client took before it hung up: ``hostile_bytes_sent``).
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
from urllib.parse import quote

_ARTICLE = re.compile(r'"""\s*(.*?)\s*"""', re.S)


def _article(messages: list[dict[str, Any]]) -> re.Match[str] | None:
    users = [m for m in messages if m.get("role") == "user"]
    return _ARTICLE.search(str(users[-1].get("content", ""))) if users else None


def answer_for(messages: list[dict[str, Any]]) -> str:
    """The fake model's answer: the article's first sentence as the evidence of one event."""
    found = _article(messages)
    if not found:
        return json.dumps({"events": []})
    first = re.split(r"(?<=[.!?])\s", found.group(1).strip(), maxsplit=1)[0]
    return json.dumps({"events": [{"event_type": "Other", "evidence": [first]}]})


_BIGINT_ANSWER = (
    '{"events": [{"event_type": "Other", "evidence": ["x"], "casualties": [{"kind": "killed", "count": '
    + "9" * 5000
    + ', "quote": "x"}]}]}'
)


def _hostile_kind(request: dict[str, Any]) -> str | None:
    found = _article(request.get("messages", []))
    words = re.findall(r"HOSTILE-(BIGINT|DEEP|HUGE)", found.group(1) if found else "")
    return words[0] if words else None


class Handler(BaseHTTPRequestHandler):
    delay_s = 0.0
    reject_auth = False
    single_slot = False
    hostile = False
    slot = threading.Lock()
    counts: ClassVar[dict[str, int]] = {
        "requests": 0,
        "in_flight": 0,
        "max_in_flight": 0,
        "hostile_bytes_sent": 0,
    }
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

    def _send_huge(self) -> None:
        """100 MB of answer with no Content-Length, until the client hangs up."""
        chunk = b"x" * 65536
        prefix = b'{"id": "chatcmpl-huge", "object": "chat.completion", "choices": [{"index": 0, '
        prefix += b'"finish_reason": "stop", "message": {"role": "assistant", "content": "'
        with contextlib.suppress(OSError):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("connection", "close")
            self.end_headers()
            self.wfile.write(prefix)
            for _ in range(100 * 1024 * 1024 // len(chunk)):
                self.wfile.write(chunk)
                self.wfile.flush()
                with self.counts_lock:
                    self.counts["hostile_bytes_sent"] += len(chunk)
            self.wfile.write(b'"}}]}')
        self.close_connection = True

    def _hostile_answer(self, kind: str, request: dict[str, Any]) -> None:
        if kind == "HUGE":
            self._send_huge()
            return
        body = _completion(request, _BIGINT_ANSWER if kind == "BIGINT" else "{}")
        data = json.dumps(body).encode("utf-8")
        if kind == "DEEP":
            data = data.replace(b'"usage": {', b'"nested": ' + b"[" * 5000 + b"]" * 5000 + b', "usage": {')
        with contextlib.suppress(OSError):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/stats"):
            with self.counts_lock:
                self._send(200, dict(self.counts))
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
            echoes = {"as_json": json.dumps(key), "as_url": quote(key, safe=""), "as_repr": repr(key)}
            error = {"message": message, "type": "invalid_request_error", "param": echoes}
            self._send(401, {"error": error})
            return
        kind = _hostile_kind(request) if self.hostile else None
        if kind is not None:
            self._hostile_answer(kind, request)
            return
        self._enter()  # a request waiting for the slot is in the server already
        with self.slot if self.single_slot else contextlib.nullcontext():
            try:
                time.sleep(self.delay_s)
            finally:
                self._leave()  # before the slot is free again
        self._send(200, _completion(request, answer_for(request.get("messages", []))))


def _completion(request: dict[str, Any], content: str) -> dict[str, Any]:
    return {
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
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--reject-auth", action="store_true", help="401 echoing the key to every POST")
    parser.add_argument("--single-slot", action="store_true", help="one request at a time")
    parser.add_argument("--hostile", action="store_true", help="HOSTILE-* articles get hostile answers")
    args = parser.parse_args()
    Handler.hostile = args.hostile
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
