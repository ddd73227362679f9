"""Tag and project rules every Huawei API here shares: the key and value characters of the
tag service, the ``_sys_`` prefix of system tags and the form of a project id."""

from __future__ import annotations

from tagstrip.domain.errors import FieldError, Location
from tagstrip.domain.models import Tag
from tagstrip.domain.rules import RESOURCE_ID_PATTERN, check_charset, check_length

__all__ = [
    "KEY_WORDS",
    "SYSTEM_KEY_PREFIX",
    "VALUE_WORDS",
    "check_tag",
    "key_char",
    "project_id_errors",
    "value_char",
    "wire_tag",
]

SYSTEM_KEY_PREFIX = "_sys_"
KEY_WORDS = "letters, digits, '-', '_' and CJK characters U+4E00..U+9FFF"
VALUE_WORDS = "letters, digits, '.', '-', '_' and CJK characters U+4E00..U+9FFF"


def key_char(ch: str) -> bool:
    return (ch.isascii() and (ch.isalnum() or ch in "-_")) or "\u4e00" <= ch <= "\u9fff"


def value_char(ch: str) -> bool:
    return key_char(ch) or ch == "."


def check_tag(
    tag: Tag,
    index: int,
    *,
    key_max: int,
    value_max: int,
    key_code: str | None = None,
    value_code: str | None = None,
) -> list[FieldError]:
    """One tag against the shared character and ``_sys_`` rules; the lengths and the error
    codes are each API's own."""
    key_loc = ("tags", index, "key")
    errors = check_length(
        tag.key, key_loc, "tag key", minimum=1, maximum=key_max, provider_code=key_code
    )
    errors += check_charset(tag.key, key_loc, "tag key", key_char, KEY_WORDS, key_code)
    if tag.key.startswith(SYSTEM_KEY_PREFIX):
        message = f"tag key {tag.key!r} is a Huawei system tag ('_sys_' prefix); never removed"
        errors.append(FieldError(key_loc, message, "reserved_key", key_code))
    if tag.value is not None:
        value_loc = ("tags", index, "value")
        errors += check_length(
            tag.value,
            value_loc,
            "tag value",
            minimum=0,
            maximum=value_max,
            provider_code=value_code,
        )
        errors += check_charset(
            tag.value, value_loc, "tag value", value_char, VALUE_WORDS, value_code
        )
    return errors


def project_id_errors(
    project_id: str, loc: Location, provider_code: str | None = None
) -> list[FieldError]:
    """A project id is pasted from the console: letters and digits, no separators."""
    if RESOURCE_ID_PATTERN.fullmatch(project_id):
        return []
    message = f"{project_id!r} is not a Huawei project id (letters and digits, as in the console)"
    return [FieldError(loc, message, "invalid_project_id", provider_code)]


def wire_tag(tag: Tag) -> dict[str, str]:
    """A tag as Huawei bodies carry it: without a value, the key whatever its value."""
    return {"key": tag.key} if tag.value is None else {"key": tag.key, "value": tag.value}
