"""Baidu Cloud state: the account's tags and the resources they are bound to.

The tag service deletes tags account-wide, unbinding them from every resource; absent tags
are skipped and the default tag ("Default tag" with an empty value) is never deleted.
BCC unbinds tags from one instance (and, when asked, from its related resources). The tag
service also unbinds one tag from listed resources of one service type (``PUT /v1/resource``):
a resource that does not exist there (id, type, region) or lacks the tag is left as it is,
and the tag stays defined in the account.
Reads: the account's tag list (``GET /v1/tag``, optionally by key and value), the resources
bound to each tag (``GET /v1/tag/tagResources``, by key, value, region and service type) and
one BCC instance's details with its tags (``GET /v2/instance/{id}``).
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
        #: Resources one unbind call may name before TagExceptions.LimitExceeded (not
        #: documented either).
        self.resources_per_request = 20
        #: Each resource's region code (bj, gz, ...; "global" for global services).
        self.regions: dict[str, str] = {}

    def add_tag(self, key: str, value: str = "") -> None:
        self.tags.add((key, value))

    def add_resource(
        self,
        resource_id: str,
        tags: dict[str, str] | None = None,
        *,
        resource_type: str = "bcc",
        related: Iterable[str] = (),
        region: str = "bj",
    ) -> Resource:
        resource = Resource(resource_id, resource_type, dict(tags or {}), related=tuple(related))
        self.resources[resource_id] = resource
        self.regions[resource_id] = region
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

    def unbind_resources(
        self, tag: TagRef, service_type: str, resources: Sequence[tuple[str, str]]
    ) -> dict[str, dict[str, str]]:
        """Unbind one tag from resources named by (id, region), all of `service_type`;
        returns what was removed, by resource."""
        self._check([tag])
        if len(resources) > self.resources_per_request:
            raise err.LimitExceeded()
        bound = {
            rid: self.resources[rid]
            for rid, region in resources
            if self._is(rid, service_type, region)
        }
        return {rid: remove_matching(resource.tags, [tag]) for rid, resource in bound.items()}

    def tag_resources(
        self, key: str | None, value: str | None, region: str | None, service_type: str | None
    ) -> list[tuple[tuple[str, str], list[Resource]]]:
        """Each tag matching `key` and `value` with the resources carrying it in `region` of
        `service_type` (None: any); a tag bound to none of them is left out."""
        found = []
        for pair in self.list_tags(key, value):
            carriers = [
                resource
                for rid, resource in self.resources.items()
                if resource.tags.get(pair[0]) == pair[1] and self._is(rid, service_type, region)
            ]
            if carriers:
                found.append((pair, carriers))
        return found

    def service_type(self, resource: Resource) -> str:
        """How the tag service spells a resource's type: BCC, CDS, SECURITY_GROUP."""
        return resource.type.upper()

    def _is(self, resource_id: str, service_type: str | None, region: str | None) -> bool:
        resource = self.resources.get(resource_id)
        return (
            resource is not None
            and service_type in (None, self.service_type(resource))
            and region in (None, self.regions[resource_id])
        )

    def state(self) -> dict[str, Any]:
        return {
            "tags_per_request": self.tags_per_request,
            "resources_per_request": self.resources_per_request,
            "tags": [{"key": key, "value": value} for key, value in sorted(self.tags)],
            "resources": [
                resource.to_dict() | {"region": self.regions[rid]}
                for rid, resource in self.resources.items()
            ],
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
