"""A fake OpenAI-compatible endpoint on loopback, for install checks, benchmarks and conformance tests.

    python scripts/fake_llm.py [--port 0] [--delay-ms 0] [--reject-auth] [--single-slot]
                               [--script ok,refusal,...] [--hostile] [--answers answers.json]

Standard library only. Prints ``http://127.0.0.1:PORT/v1`` on its first line once it listens.

``POST /v1/chat/completions`` answers, after ``--delay-ms``, the way a model that follows the
request's JSON Schema would (``answer_for``): the schema is read from where each endpoint kind
sends it (a forced tool's ``parameters``; ``response_format`` of type ``json_schema``; or the
``schema`` llama-cpp-python takes beside ``{"type": "json_object"}``) and filled minimally: the
required properties, an enum's first value, and for every free string the first sentence of the
article (found between triple quotes or ``BEGIN ARTICLE``/``END ARTICLE`` lines in a user
message, else the whole first user message), so the answer is grounded whatever the strategy.
A request with tools is answered with a tool call, any other with JSON content. Every answer is
a valid ``CreateChatCompletionResponse`` of OpenAI's API description.

``--script`` answers the first requests with faults, one per request, then normally:
``refusal`` (a refusal, no content), ``no-choices`` (an empty choice list), ``length`` (the
answer cut off, ``finish_reason: length``), ``bad-json`` (invalid JSON in the tool call's
arguments or the content), ``ok``. ``--answers`` (a JSON list of objects) scripts what the model
answers to the first requests, one per request, instead of the filled schema (then the filled
schema again), sent the way the request's kind is answered; a fault of ``--script`` applies to it
as to any answer. ``GET /v1/models`` lists one model.

``--reject-auth`` answers every POST with 401 and echoes the bearer key in the body, as some
servers do: as it is, and escaped (JSON, URL encoding, Python's repr). ``--single-slot`` works
on one request at a time like llama-cpp-python's server (``/v1/models`` included, and an answer
whose client gave up is still computed to the end); ``GET /stats`` reports the requests seen, the
most that were ever in the server at once, and (``answered``) how many answers were sent per
article, by the article's first sentence.

``--hostile`` answers an article holding one of these words as a broken or hostile server would:
``HOSTILE-BIGINT`` a casualty count of 5,000 digits in the answer, ``HOSTILE-DEEP`` a response
nested 5,000 levels deep, ``HOSTILE-HUGE`` a 100 MB answer without a Content-Length (``/stats``
then says how many of its bytes the client took before it hung up: ``hostile_bytes_sent``).

In a test, ``start(Options(...))`` runs the server in a thread of the test's process;
``Options.check_request`` / ``check_response`` (a body -> list of problems) then judge every
request (a request with problems is answered 400, as OpenAI would) and every answer, and the
server keeps the bodies and the problems (``server.seen``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

_ARTICLE = re.compile(r'"""\s*(.*?)\s*"""|BEGIN ARTICLE \S+\n(.*?)\nEND ARTICLE', re.S)
FAULTS = ("ok", "refusal", "no-choices", "length", "bad-json")
REFUSAL = "I'm sorry, but I cannot help with that request."

Check = Callable[[dict[str, Any]], list[str]]


# ------------------------------------------------------------------ the fake model
def _first_sentence(messages: list[dict[str, Any]]) -> str:
    """The first sentence of the article: between triple quotes or BEGIN/END ARTICLE lines in the
    last user message that has them (earlier ones may be worked examples), else the whole first
    user message (a prompt that sends the bare article)."""
    users = [m["content"] for m in messages if m.get("role") == "user" and isinstance(m.get("content"), str)]
    found = next((m for m in map(_ARTICLE.search, reversed(users)) if m), None)
    text = (found.group(1) or found.group(2) or "") if found else (users[0] if users else "")
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]


def request_schema(request: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON Schema the request asks the answer to follow, where its endpoint kind puts it."""
    for tool in request.get("tools") or []:
        parameters = tool.get("function", {}).get("parameters")
        if isinstance(parameters, dict):
            return parameters
    response_format = request.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        schema = response_format.get("json_schema", {}).get("schema")
        return schema if isinstance(schema, dict) else None
    schema = response_format.get("schema")  # llama-cpp-python: json_object with a schema
    return schema if isinstance(schema, dict) else None


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def fill(schema: dict[str, Any], root: dict[str, Any], quote: str, *, top: bool = True) -> Any:
    """A minimal instance of ``schema``: required properties, first enum values, ``quote`` for strings.

    An optional property takes its default when it has one; an optional array without one gets
    one item at the top of the answer (the answer's list of records) and is left out deeper.
    """
    schema = _resolve(schema, root)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, root).get("type") != "null"]
            return fill(options[0], root, quote, top=top) if options else None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        out: dict[str, Any] = {}
        for name, prop in schema.get("properties", {}).items():
            if name in required:
                out[name] = fill(prop, root, quote, top=False)
            elif "default" in prop:
                out[name] = prop["default"]
            elif top and _resolve(prop, root).get("type") == "array":
                out[name] = fill(prop, root, quote, top=False)
        return out
    if kind == "array":
        item = schema.get("items", {})
        return [fill(item, root, quote, top=False) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind == "string":
        return quote or "none"
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    return None


def answer_for(request: dict[str, Any]) -> str:
    """The fake model's answer (JSON text): the request's schema filled with the article's words.

    Without a schema, one event whose evidence is the article's first sentence.
    """
    messages = request.get("messages", [])
    quote = _first_sentence(messages)
    schema = request_schema(request)
    if schema is not None:
        return json.dumps(fill(schema, schema, quote))
    return json.dumps({"events": [{"event_type": "Other", "evidence": [quote]}] if quote else []})


def _forced_tool(request: dict[str, Any]) -> str | None:
    tools = request.get("tools") or []
    if not tools:
        return None
    choice = request.get("tool_choice")
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return str(choice["function"].get("name"))
    return str(tools[0].get("function", {}).get("name"))


def completion_for(
    request: dict[str, Any], fault: str = "ok", *, number: int = 0, scripted: Any = None
) -> dict[str, Any]:
    """The ``CreateChatCompletionResponse`` answering ``request``, with ``fault`` (one of ``FAULTS``);
    ``scripted``: the object to answer instead of the filled schema."""
    text = answer_for(request) if scripted is None else json.dumps(scripted)
    finish = "stop"
    if fault == "length":
        text, finish = text[: max(1, len(text) // 2)], "length"
    elif fault == "bad-json":
        text = text[:-1] + ",,"
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
    tool = _forced_tool(request)
    if fault == "refusal":
        message["content"], message["refusal"] = None, REFUSAL
    elif tool is not None:
        message["content"] = None
        message["tool_calls"] = [
            {"id": f"call_{number}", "type": "function", "function": {"name": tool, "arguments": text}}
        ]
    choices = [{"index": 0, "finish_reason": finish, "message": message, "logprobs": None}]
    return {
        "id": f"chatcmpl-fake-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(request.get("model", "fake")),
        "choices": [] if fault == "no-choices" else choices,
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


# ------------------------------------------------------------------ hostile answers
_BIGINT_ANSWER = (
    '{"events": [{"event_type": "Other", "evidence": ["x"], "casualties": [{"kind": "killed", "count": '
    + "9" * 5000
    + ', "quote": "x"}]}]}'
)


def _hostile_kind(request: dict[str, Any]) -> str | None:
    users = [m.get("content") for m in request.get("messages", []) if m.get("role") == "user"]
    words = re.findall(r"HOSTILE-(BIGINT|DEEP|HUGE)", " ".join(str(u) for u in users))
    return words[0] if words else None


# ------------------------------------------------------------------ the server
@dataclasses.dataclass
class Options:
    delay_s: float = 0.0
    reject_auth: bool = False
    single_slot: bool = False
    #: Faults for the first requests, one per request (then ``ok``).
    script: list[str] = dataclasses.field(default_factory=list)
    #: What the model answers to the first requests, one object per request (then the filled schema).
    answers: list[Any] = dataclasses.field(default_factory=list)
    check_request: Check | None = None
    check_response: Check | None = None
    #: Articles holding HOSTILE-BIGINT, HOSTILE-DEEP or HOSTILE-HUGE get hostile answers.
    hostile: bool = False


@dataclasses.dataclass
class Seen:
    """What a server received and what its checks found."""

    requests: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    answers: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, options: Options) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.options = options
        self.seen = Seen()
        self.slot = threading.Lock()
        self.lock = threading.Lock()
        self.counts = {"requests": 0, "in_flight": 0, "max_in_flight": 0, "hostile_bytes_sent": 0}
        self.answered: dict[str, int] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class Handler(BaseHTTPRequestHandler):
    server: FakeServer

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
                with self.server.lock:
                    self.server.counts["hostile_bytes_sent"] += len(chunk)
            self.wfile.write(b'"}}]}')
        self.close_connection = True

    def _hostile_answer(self, kind: str, request: dict[str, Any]) -> None:
        if kind == "HUGE":
            self._send_huge()
            return
        content = _BIGINT_ANSWER if kind == "BIGINT" else "{}"
        body = {
            "id": "chatcmpl-hostile",
            "object": "chat.completion",
            "created": 0,
            "model": request.get("model", "fake"),
            "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
        data = json.dumps(body).encode("utf-8")
        if kind == "DEEP":
            data = data.replace(b'"usage": {', b'"nested": ' + b"[" * 5000 + b"]" * 5000 + b', "usage": {')
        with contextlib.suppress(OSError):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def _one_slot(self) -> contextlib.AbstractContextManager[Any]:
        return self.server.slot if self.server.options.single_slot else contextlib.nullcontext()

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/stats"):
            with self.server.lock:
                self._send(200, {**self.server.counts, "answered": dict(self.server.answered)})
        elif self.path.rstrip("/").endswith("/models"):
            with self._one_slot():
                self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
        else:
            self._send(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        server, options = self.server, self.server.options
        length = int(self.headers.get("content-length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        if options.reject_auth:
            key = self.headers.get("authorization", "").removeprefix("Bearer ")
            message = f"Incorrect API key provided: {key}. You can find your API key in your account."
            echoes = {"as_json": json.dumps(key), "as_url": quote(key, safe=""), "as_repr": repr(key)}
            error = {"message": message, "type": "invalid_request_error", "param": echoes}
            self._send(401, {"error": error})
            return
        kind = _hostile_kind(request) if options.hostile else None
        if kind is not None:
            self._hostile_answer(kind, request)
            return
        with server.lock:
            number = len(server.seen.requests)
            server.seen.requests.append(request)
            server.counts["requests"] += 1  # a request waiting for the slot is in the server already
            server.counts["in_flight"] += 1
            server.counts["max_in_flight"] = max(server.counts["max_in_flight"], server.counts["in_flight"])
        with self._one_slot():
            try:
                time.sleep(options.delay_s)
            finally:
                with server.lock:
                    server.counts["in_flight"] -= 1  # before the slot is free again
        problems = options.check_request(request) if options.check_request else []
        if problems:
            with server.lock:
                server.seen.problems.extend(f"request {number}: {p}" for p in problems)
            error = {"message": "; ".join(problems)[:2000], "type": "invalid_request_error"}
            self._send(400, {"error": {**error, "param": None, "code": None}})
            return
        fault = options.script[number] if number < len(options.script) else "ok"
        scripted = options.answers[number] if number < len(options.answers) else None
        answer = completion_for(request, fault, number=number, scripted=scripted)
        found = options.check_response(answer) if options.check_response else []
        first = _first_sentence(request.get("messages") or [])
        with server.lock:
            server.seen.answers.append(answer)
            server.answered[first] = server.answered.get(first, 0) + 1
            server.seen.problems.extend(f"answer {number}: {p}" for p in found)
        self._send(200, answer)


def start(options: Options, port: int = 0) -> tuple[FakeServer, threading.Thread]:
    """The server listening on loopback, served by a daemon thread; ``server.shutdown()`` stops it."""
    server = FakeServer(port, options)
    thread = threading.Thread(target=server.serve_forever, name="fake-llm", daemon=True)
    thread.start()
    return server, thread


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--reject-auth", action="store_true", help="401 echoing the key to every POST")
    parser.add_argument("--single-slot", action="store_true", help="one request at a time")
    parser.add_argument("--script", default="", help=f"faults for the first requests: {', '.join(FAULTS)}")
    parser.add_argument(
        "--answers",
        type=argparse.FileType("r", encoding="utf-8"),
        help="a JSON list: what the model answers to the first requests, one object each",
    )
    parser.add_argument("--hostile", action="store_true", help="HOSTILE-* articles get hostile answers")
    args = parser.parse_args()
    answers = json.load(args.answers) if args.answers else []
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        parser.error("--answers must hold a JSON list of objects")
    script = [f for f in args.script.split(",") if f]
    unknown = sorted(set(script) - set(FAULTS))
    if unknown:
        parser.error(f"unknown fault(s) {', '.join(unknown)}: {', '.join(FAULTS)}")
    options = Options(
        delay_s=args.delay_ms / 1000,
        reject_auth=args.reject_auth,
        single_slot=args.single_slot,
        script=script,
        answers=answers,
        hostile=args.hostile,
    )
    server = FakeServer(args.port, options)
    print(server.base_url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
