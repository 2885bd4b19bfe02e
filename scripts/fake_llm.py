"""A fake OpenAI-compatible endpoint on loopback, for install checks and benchmarks (standard library only).

    python scripts/fake_llm.py [--port 0] [--delay-ms 0]

Prints ``http://127.0.0.1:PORT/v1`` on its first line once it listens. ``POST /v1/chat/completions``
answers, after ``--delay-ms``, with one event whose evidence is the first sentence of the article
found between triple quotes in the last user message (``{"events": []}`` when there is none);
``GET /v1/models`` lists one model. Every answer is valid for the ``quotes`` strategy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ARTICLE = re.compile(r'"""\s*(.*?)\s*"""', re.S)


def answer_for(messages: list[dict[str, Any]]) -> str:
    """The fake model's answer: the article's first sentence as the evidence of one event."""
    users = [m for m in messages if m.get("role") == "user"]
    found = _ARTICLE.search(str(users[-1].get("content", ""))) if users else None
    if not found:
        return json.dumps({"events": []})
    first = re.split(r"(?<=[.!?])\s", found.group(1).strip(), maxsplit=1)[0]
    return json.dumps({"events": [{"event_type": "Other", "evidence": [first]}]})


class Handler(BaseHTTPRequestHandler):
    delay_s = 0.0

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
        else:
            self._send(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        time.sleep(self.delay_s)
        content = answer_for(request.get("messages", []))
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
    args = parser.parse_args()
    Handler.delay_s = args.delay_ms / 1000
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
