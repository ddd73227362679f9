"""Baidu Cloud state: the account's tags and the resources they are bound to.

The tag service deletes tags account-wide, unbinding them from every resource; absent tags
are skipped and the default tag ("Default tag" with an empty value) is never deleted.
BCC unbinds tags from one instance (and, when asked, from its related resources).
Reads: the account's tag list (``GET /v1/tag``, optionally by key and value) and one BCC
instance's details with its tags (``GET /v2/instance/{id}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tagstrip_testkit.fakecloud.backends.common import Resource, TagRef, remove_matching
from tagstrip_testkit.fakecloud.errors import baidu as err

__all__ = ["DEFAULT_TAG", "BaiduBackend"]

DEFAULT_TAG = ("Default tag", "")
TAG_TEXT_MAX = 65


def _tag_char(ch: str) -> bool:
    return ch.isalnum() or ch in "-_ /."


def _text_is_valid(text: str) -> bool:
    return len(text) <= TAG_TEXT_MAX and all(_tag_char(ch) for ch in text)


class BaiduBackend:
    """The account's tag list and its resources (BCC instances, disks, ...)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.tags: set[tuple[str, str]] = {DEFAULT_TAG}
        self.resources: dict[str, Resource] = {}
        #: Tags one delete call may carry before TagExceptions.LimitExceeded (not documented).
        self.tags_per_request = 20

    def add_tag(self, key: str, value: str = "") -> None:
        self.tags.add((key, value))

    def add_resource(
        self,
        resource_id: str,
        tags: dict[str, str] | None = None,
        *,
        resource_type: str = "bcc",
        related: Iterable[str] = (),
    ) -> Resource:
        resource = Resource(resource_id, resource_type, dict(tags or {}), related=tuple(related))
        self.resources[resource_id] = resource
        self.tags.update(resource.tags.items())
        return resource

    def delete_tags(self, tags: Sequence[TagRef]) -> list[tuple[str, str]]:
        """Delete tags from the account and every resource; returns the tags deleted."""
        self._check(tags)
        if len(tags) > self.tags_per_request:
            raise err.LimitExceeded()
        pairs = {(tag.key, tag.value or "") for tag in tags}
        deleted = sorted((pairs & self.tags) - {DEFAULT_TAG})
        self.tags -= set(deleted)
        refs = [TagRef(key, value) for key, value in deleted]
        for resource in self.resources.values():
            remove_matching(resource.tags, refs)
        return deleted

    def list_tags(self, key: str | None = None, value: str | None = None) -> list[tuple[str, str]]:
        """The account's tags; a missing key or value means any, an empty value only ""."""
        return sorted((k, v) for k, v in self.tags if key in (None, k) and value in (None, v))

    def instance(self, instance_id: str) -> Resource:
        """A BCC instance (other resource types are not instances: NoSuchObject)."""
        resource = self.resources.get(instance_id)
        if resource is None or resource.type != "bcc":
            raise err.NoSuchObject()
        return resource

    def unbind_instance_tags(
        self, instance_id: str, tags: Sequence[TagRef], *, related: bool = False
    ) -> dict[str, dict[str, str]]:
        """Unbind tags from one instance (and its related resources); the tags stay defined."""
        instance = self.resources.get(instance_id)
        if instance is None:
            raise err.NoSuchObject()
        self._check(tags)
        refs = [TagRef(tag.key, tag.value or "") for tag in tags]
        targets = [instance_id, *(instance.related if related else ())]
        return {
            rid: remove_matching(self.resources[rid].tags, refs)
            for rid in targets
            if rid in self.resources
        }

    def state(self) -> dict[str, Any]:
        return {
            "tags_per_request": self.tags_per_request,
            "tags": [{"key": key, "value": value} for key, value in sorted(self.tags)],
            "resources": [resource.to_dict() for resource in self.resources.values()],
        }

    @staticmethod
    def _check(tags: Sequence[TagRef]) -> None:
        if not tags:
            raise err.TagEmpty()
        if any(not tag.key for tag in tags):
            raise err.TagKeyEmpty()
        if not all(_text_is_valid(tag.key) for tag in tags):
            raise err.TagKeyInvalid()
        if not all(_text_is_valid(tag.value or "") for tag in tags):
            raise err.TagValueInvalid()
