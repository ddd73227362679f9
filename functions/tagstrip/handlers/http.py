"""HTTP plumbing shared by the HTTP entry points: reading JSON bodies safely, answering JSON.

Every refusal is an `HttpProblem` with a status, a stable error name and a message; the
entry points turn it into a JSON response, so no input can produce a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import flask

__all__ = [
    "JSON_TYPES",
    "Answer",
    "HttpProblem",
    "check_size",
    "json_response",
    "parse_json",
    "read_body",
    "require_json",
]

JSON_TYPES = ("application/json", "application/cloudevents+json", "text/json")


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as data, so Flask targets and plain handlers share one code path."""

    status: int
    payload: Any
    headers: Mapping[str, str] = field(default_factory=dict)

    def flask(self) -> flask.Response:
        return json_response(self.status, self.payload, self.headers)

    def proxy(self) -> dict[str, Any]:
        """The API-gateway proxy shape that function runtimes' HTTP triggers expect back."""
        headers = {"Content-Type": "application/json", **self.headers}
        body = json.dumps(self.payload, ensure_ascii=False)
        return {
            "statusCode": self.status,
            "headers": headers,
            "body": body,
            "isBase64Encoded": False,
        }


@dataclass
class HttpProblem(Exception):
    """A request refused before it reached the core, as a status and a JSON body."""

    status: int
    error: str
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def answer(self) -> Answer:
        return Answer(self.status, {"error": self.error, "message": self.message}, self.headers)


def json_response(
    status: int, payload: Any, headers: Mapping[str, str] | None = None
) -> flask.Response:
    response = flask.Response(
        json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json"
    )
    response.headers.update(headers or {})
    return response


def read_body(request: flask.Request, *, max_bytes: int) -> bytes:
    """The raw body, refused with 413 past `max_bytes`.

    The length is checked before reading when the client declares it, and again after
    reading (chunked bodies declare nothing), reading at most one byte past the limit.
    """
    if request.content_length is not None and request.content_length > max_bytes:
        raise _too_large(max_bytes)
    body = request.stream.read(max_bytes + 1)
    check_size(body, max_bytes)
    return body


def check_size(body: bytes, max_bytes: int) -> None:
    if len(body) > max_bytes:
        raise _too_large(max_bytes)


def require_json(mimetype: str) -> None:
    """Refuse with 415 a body that does not say it is JSON."""
    if mimetype.lower() not in JSON_TYPES:
        shown = mimetype or "none"
        message = f"content type {shown!r} is not accepted; send {JSON_TYPES[0]}"
        raise HttpProblem(415, "unsupported_media_type", message)


def _too_large(max_bytes: int) -> HttpProblem:
    return HttpProblem(413, "payload_too_large", f"the body exceeds {max_bytes} bytes")


def parse_json(body: bytes, *, max_depth: int) -> Any:
    """Decode a JSON body, refusing invalid UTF-8, invalid JSON and nesting past `max_depth`."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"the body is not UTF-8 (byte {exc.start})"
        raise HttpProblem(400, "invalid_json", message) from None
    # Nesting cannot exceed the bracket count, so most bodies skip the scan.
    brackets = text.count("[") + text.count("{")
    if brackets > max_depth and (depth := _nesting_depth(text)) > max_depth:
        message = f"the JSON is nested {depth} levels deep; the limit is {max_depth}"
        raise HttpProblem(400, "json_too_deep", message)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"the body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise HttpProblem(400, "invalid_json", message) from None


def _nesting_depth(text: str) -> int:
    """Deepest bracket nesting outside strings, measured before json.loads recurses into it."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest
