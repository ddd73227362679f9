"""Tag and project rules every Huawei API here shares: the key and value characters of the
tag service, the ``_sys_`` prefix of system tags and the form of a project id."""

from __future__ import annotations

from tagstrip.domain.errors import FieldError, Location
from tagstrip.domain.models import Tag
from tagstrip.domain.rules import RESOURCE_ID_PATTERN

__all__ = [
    "KEY_WORDS",
    "SYSTEM_KEY_PREFIX",
    "VALUE_WORDS",
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
