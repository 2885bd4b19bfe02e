"""A stand-in for ``vllm run-batch -i REQUESTS -o OUTPUT --model M`` (tests only, standard library).

It reads the request lines and writes one output line per request in vLLM's format
(``{"id", "custom_id", "response": {"status_code": 200, "request_id", "body"}, "error": null}``),
each answering with the smallest JSON value the request's ``response_format`` schema allows
(every required property; the first value of an enum; ``true`` for a boolean). The test of the
docs/batch.md's vLLM example defines a shell function ``vllm`` that runs this module.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _value(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return _value(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return _value(schema["anyOf"][0], defs)
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: _value(props[name], defs) for name in schema.get("required", [])}
    return {"boolean": True, "integer": 0, "number": 0, "string": "", "array": []}.get(str(kind))


def answer(body: dict[str, Any]) -> str:
    """The content answering one request body."""
    schema = body["response_format"]["json_schema"]["schema"]
    return json.dumps(_value(schema, schema.get("$defs", {})))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["run-batch"])
    parser.add_argument("-i", required=True)
    parser.add_argument("-o", required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args(argv)
    with open(args.i, encoding="utf-8") as requests, open(args.o, "w", encoding="utf-8") as output:
        for number, line in enumerate(requests, 1):
            request = json.loads(line)
            body = {
                "id": f"cmpl-{number}",
                "object": "chat.completion",
                "created": 0,
                "model": args.model,
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": answer(request["body"])},
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            }
            response = {"status_code": 200, "request_id": f"vllm-batch-{number}", "body": body}
            record = {"id": f"vllm-{number}", "custom_id": request["custom_id"], "response": response}
            output.write(json.dumps({**record, "error": None}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
