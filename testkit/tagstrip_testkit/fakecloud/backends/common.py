"""What every fake backend stores: resources with their tags, and the tags a call names."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

__all__ = ["Resource", "TagRef", "one_page", "remove_matching"]

T = TypeVar("T")
_TOKEN_PREFIX = "fake-page:"


class TagRef(NamedTuple):
    """A tag named by a call; `value` None matches the key whatever its value."""

    key: str
    value: str | None = None

    def matches(self, key: str, value: str) -> bool:
        return key == self.key and (self.value is None or value == self.value)


@dataclass
class Resource:
    """One taggable cloud resource as a fake backend keeps it."""

    id: str
    type: str
    tags: dict[str, str] = field(default_factory=dict)
    #: False for resources the vendor refuses to tag (InvalidResourceId.NotSupported on ECS).
    taggable: bool = True
    #: Baidu: resources unbound together with an instance when a call asks for it.
    related: tuple[str, ...] = ()

    def to_dict(self, *, with_type: bool = True) -> dict[str, Any]:
        """The seed-file form; `with_type` False where the backend has one type only."""
        data: dict[str, Any] = {"id": self.id, "tags": dict(self.tags)}
        if with_type:
            data["type"] = self.type
        if not self.taggable:
            data["taggable"] = False
        if self.related:
            data["related"] = list(self.related)
        return data


def remove_matching(tags: dict[str, str], refs: Iterable[TagRef]) -> dict[str, str]:
    """Remove from `tags` every tag one of `refs` matches; return what was removed."""
    removed = {
        key: value for key, value in tags.items() if any(ref.matches(key, value) for ref in refs)
    }
    for key in removed:
        del tags[key]
    return removed


def one_page(
    items: Sequence[T], token: str | None, size: int, invalid: Callable[[], Exception]
) -> tuple[list[T], str | None]:
    """The page of `items` an opaque `token` names (none: the first), and the next page's
    token (None on the last page). A token the fake did not issue raises `invalid()`."""
    start = _page_start(token, invalid)
    end = start + size
    next_token = base64.urlsafe_b64encode(f"{_TOKEN_PREFIX}{end}".encode()).decode()
    return list(items[start:end]), next_token if end < len(items) else None


def _page_start(token: str | None, invalid: Callable[[], Exception]) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise invalid() from None
    offset = text.removeprefix(_TOKEN_PREFIX)
    if offset == text or not offset.isdigit():
        raise invalid()
    return int(offset)
