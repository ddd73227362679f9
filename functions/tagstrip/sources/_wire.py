"""Decoding steps shared by the envelope adapters.

Each step fails with an `InvalidRequest` (or, inside a wire model, a pydantic error) located
at the field that holds the bad bytes, so a caller sees `message.data: not valid base64`
rather than a traceback. Wire models use `JsonText` / `Base64Json` for nested payloads.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from tagstrip.domain.errors import FieldError, InvalidRequest, Location

__all__ = [
    "Base64Json",
    "EmbeddedJson",
    "JsonText",
    "document",
    "loads",
    "validate_wire",
]

M = TypeVar("M")


def loads(raw: bytes | str) -> Any:
    """Parse JSON text, raising ValueError with a plain reason (bad UTF-8, bad JSON, too deep)."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise ValueError(f"not valid JSON ({exc.msg} at {where})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def document(raw: bytes | str, loc: Location = ()) -> Any:
    """A JSON body parsed, or InvalidRequest located at `loc`."""
    try:
        return loads(raw)
    except ValueError as exc:
        raise InvalidRequest([FieldError(loc, str(exc), "json_invalid")]) from None


def _json_text(value: object) -> Any:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "expected a string holding JSON")
    try:
        return loads(value)
    except ValueError as exc:
        raise PydanticCustomError("json_invalid", "{reason}", {"reason": str(exc)}) from None


def _base64_json(value: object) -> Any:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "expected a base64 string")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise PydanticCustomError("base64_invalid", "not valid base64") from None
    try:
        return loads(raw)
    except ValueError as exc:
        reason = f"decoded base64 is {exc}"
        raise PydanticCustomError("json_invalid", "{reason}", {"reason": reason}) from None


#: A string field whose content is JSON (MNS `Message`, `messageBody`); parsed in place.
JsonText = Annotated[Any, BeforeValidator(_json_text)]


def _embedded_json(value: object) -> Any:
    if not isinstance(value, str):
        return value
    return _json_text(value) if value.strip() else None


#: A field some senders give as an object and others as JSON text (Huawei CTS `request`).
EmbeddedJson = Annotated[Any, BeforeValidator(_embedded_json)]
#: A base64 string whose bytes are UTF-8 JSON (Pub/Sub `message.data`); decoded in place.
Base64Json = Annotated[Any, BeforeValidator(_base64_json)]


def validate_wire(adapter: TypeAdapter[M], data: object, loc: Location = ()) -> M:
    """`data` validated by a wire model, or InvalidRequest with every error under `loc`."""
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        raise InvalidRequest(
            FieldError(loc + tuple(error["loc"]), error["msg"], error["type"]) for error in errors
        ) from None
