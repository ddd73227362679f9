"""HTTP plumbing shared by the entry points: reading JSON bodies safely, answering JSON, the
health check, refusals as answers, and the status that answers a delivery's reports.

Every refusal is an `HttpProblem` with a status, a stable error name and a message; the
entry points turn it into a JSON response, so no input can produce a traceback.

An answer is written as the client reads it (`json_chunks`): a dry run's answer can be ten
times its body, and a worker's threads must not each hold one whole, nor as a tree of
dicts, nor as text. Pydantic models in a payload are written from their fields as they are.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import flask
from pydantic import BaseModel, TypeAdapter
from pydantic_core import PydanticSerializationError

from tagstrip.domain.errors import ConfigurationError, InvalidRequest, Unauthorized
from tagstrip.domain.outcomes import Report

__all__ = [
    "HEALTH_PATHS",
    "JSON_TYPES",
    "Answer",
    "HttpProblem",
    "check_size",
    "guarded",
    "health",
    "http_status",
    "json_chunks",
    "json_response",
    "parse_json",
    "read_body",
    "require_json",
    "retry_after_header",
]

HEALTH_PATHS = frozenset({"/healthz", "/healthz/"})
log = logging.getLogger("tagstrip")

JSON_TYPES = ("application/json", "application/cloudevents+json", "text/json")
_JSON: TypeAdapter[Any] = TypeAdapter(Any)
#: A model holding a longer list is written field by field, the list item by item; a
#: provider call carries at most 50 resources and 20 tags, so one call's result is one piece.
_LONG_LIST = 64
_CHUNK_BYTES = 64 * 1024
#: An answer up to this size is held whole and sent as one body.
_KEPT_BYTES = 4 * _CHUNK_BYTES


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as data, so Flask targets and plain handlers share one code path."""

    status: int
    #: JSON data, in which pydantic models may stand for the objects they serialise to.
    payload: Any
    headers: Mapping[str, str] = field(default_factory=dict)

    def flask(self) -> flask.Response:
        return json_response(self.status, self.payload, self.headers)

    def proxy(self) -> dict[str, Any]:
        """The API-gateway proxy shape that function runtimes' HTTP triggers expect back."""
        headers = {"Content-Type": "application/json", **self.headers}
        body = b"".join(json_chunks(self.payload)).decode()
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
    """`payload` as one body when it is small (nearly every answer); a larger one is written
    as the client reads it, its length, sent up front, counted by writing it once without
    keeping it."""
    kept: list[bytes] = []
    size = 0
    chunks = json_chunks(payload)
    for chunk in chunks:
        kept.append(chunk)
        size += len(chunk)
        if size > _KEPT_BYTES:
            break
    else:
        response = flask.Response(b"".join(kept), status=status, mimetype="application/json")
        response.headers.update(headers or {})
        return response
    length = size + sum(map(len, chunks))
    del kept
    response = flask.Response(json_chunks(payload), status=status, mimetype="application/json")
    response.headers.update(headers or {})
    response.content_length = length
    return response


def json_chunks(payload: Any) -> Iterator[bytes]:
    """`payload` as compact UTF-8 JSON (non-ASCII kept), in pieces of about _CHUNK_BYTES."""
    buffer = bytearray()
    for piece in _pieces(payload):
        buffer += piece
        if len(buffer) >= _CHUNK_BYTES:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def _pieces(value: Any) -> Iterator[bytes]:
    if isinstance(value, BaseModel):
        fields = _fields(value)
        if not any(isinstance(item, list) and len(item) > _LONG_LIST for item in fields.values()):
            yield _JSON.dump_json(value)
            return
        value = fields
    if isinstance(value, Mapping):
        yield b"{"
        for index, (key, item) in enumerate(value.items()):
            yield (b"," if index else b"") + _leaf(key) + b":"
            yield from _pieces(item)
        yield b"}"
    elif isinstance(value, list | tuple):
        yield b"["
        for index, item in enumerate(value):
            if index:
                yield b","
            yield from _pieces(item)
        yield b"]"
    else:
        yield _leaf(value)


def _leaf(value: Any) -> bytes:
    try:
        return _JSON.dump_json(value)
    except PydanticSerializationError:
        # A lone surrogate (sent as a JSON escape, echoed in a field path) has no UTF-8
        # form: it is answered as the escape it came in.
        return json.dumps(value).encode()


def _fields(model: BaseModel) -> dict[str, Any]:
    """What pydantic writes for `model`, in its order: the fields, then the computed fields."""
    names = [*type(model).model_fields, *type(model).model_computed_fields]
    return {name: getattr(model, name) for name in names}


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


def health(method: str) -> Answer:
    """The health check: no cloud, no configuration, just "the process answers"."""
    if method in ("GET", "HEAD"):
        return Answer(200, {"status": "ok"})
    return HttpProblem(405, "method_not_allowed", "use GET", {"Allow": "GET"}).answer()


def guarded(work: Callable[[], Answer]) -> Answer:
    """Run `work`, turning every error tagstrip raises on purpose into its JSON answer."""
    try:
        return work()
    except HttpProblem as problem:
        return _refused(problem.answer(), problem.message)
    except InvalidRequest as exc:
        return _refused(Answer(400, exc.to_dict()), str(exc))
    except Unauthorized as exc:
        refusal = {"error": "unauthorized", "reason": exc.reason, "message": str(exc)}
        return _refused(Answer(401, refusal), str(exc))
    except ConfigurationError as exc:
        body = {"error": "configuration_error", "message": str(exc), "variable": exc.variable}
        return _refused(Answer(500, body), str(exc))


def _refused(answer: Answer, reason: str) -> Answer:
    """One log line for a request refused before it became an event (no secret in it)."""
    error = answer.payload.get("error") if isinstance(answer.payload, dict) else None
    log.log(
        logging.ERROR if answer.status >= 500 else logging.WARNING,
        "refused %d %s",
        answer.status,
        error,
        extra={"http_status": answer.status, "error": error, "reason": reason},
    )
    return answer


def http_status(reports: Sequence[Report]) -> int:
    """503 when anything left undone may succeed on a retry; otherwise 502 when nothing was
    done, 207 when some of it was (the rest failed for good), 200 done or nothing to do."""
    if any(report.transient for report in reports):
        return 503
    statuses = {report.status for report in reports}
    if statuses <= {"failed", "rejected"} and "failed" in statuses:
        return 502
    if "partial" in statuses or ("failed" in statuses and len(statuses) > 1):
        return 207
    return 200


def retry_after_header(wait: float | None) -> dict[str, str]:
    """``Retry-After`` in whole seconds, at least one: a sender told to retry is told when."""
    return {"Retry-After": str(max(1, math.ceil(wait or 0.0)))}
