"""Huawei Cloud state: ECS servers and their tags per project, and TMS's view of resources.

Batch delete is idempotent (an absent tag is no error) and removes by key, and by value
too when one is given. Key and value rules are the seed document's; the per-call limit of
10 tags is the vendor's API definition. A server carries at most 20 tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from tagstrip_testkit.fakecloud.backends.common import Resource, TagRef, remove_matching
from tagstrip_testkit.fakecloud.errors import huawei as err

__all__ = ["MAX_TAGS_PER_SERVER", "HuaweiEcsBackend", "HuaweiTmsBackend", "TmsTarget"]

MAX_TAGS_PER_SERVER = 20
KEY_MAX, VALUE_MAX = 128, 255
SERVER_TYPE = "server"


def _key_char(ch: str) -> bool:
    return (ch.isascii() and (ch.isalnum() or ch in "-_")) or "\u4e00" <= ch <= "\u9fff"


def _value_char(ch: str) -> bool:
    return _key_char(ch) or ch == "."


def _tag_problem(tag: TagRef) -> str | None:
    """Why the seed document's rules refuse `tag`, or None."""
    if not 0 < len(tag.key) <= KEY_MAX:
        return f"tag key must be 1 to {KEY_MAX} characters"
    if not all(_key_char(ch) for ch in tag.key):
        return f"tag key {tag.key!r} contains a character that is not allowed"
    if tag.value is not None and len(tag.value) > VALUE_MAX:
        return f"tag value must be at most {VALUE_MAX} characters"
    if tag.value is not None and not all(_value_char(ch) for ch in tag.value):
        return f"tag value {tag.value!r} contains a character that is not allowed"
    return None


class HuaweiEcsBackend:
    """Servers keyed by (project id, server id)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.servers: dict[tuple[str, str], Resource] = {}
        #: Tags one batch call may carry (the API definition says 1 to 10).
        self.tags_per_call = 10

    def add_server(
        self, project_id: str, server_id: str, tags: dict[str, str] | None = None
    ) -> Resource:
        if len(tags or {}) > MAX_TAGS_PER_SERVER:
            raise ValueError(f"a server carries at most {MAX_TAGS_PER_SERVER} tags")
        server = Resource(server_id, SERVER_TYPE, dict(tags or {}))
        self.servers[(project_id, server_id)] = server
        return server

    def show_server_tags(self, project_id: str, server_id: str) -> dict[str, str]:
        return dict(self._server(project_id, server_id).tags)

    def batch_delete_server_tags(
        self, project_id: str, server_id: str, tags: Sequence[TagRef]
    ) -> dict[str, str]:
        """Remove matching tags; tags the server does not carry are silently skipped."""
        server = self._server(project_id, server_id)
        if not 0 < len(tags) <= self.tags_per_call:
            raise err.IllegalRequest(f"tags must hold 1 to {self.tags_per_call} items")
        problems = [problem for tag in tags if (problem := _tag_problem(tag))]
        if problems:
            raise err.IllegalRequest(problems[0])
        if len({tag.key for tag in tags}) != len(tags):
            raise err.IllegalRequest("tag keys must be unique")
        return remove_matching(server.tags, tags)

    def state(self) -> list[dict[str, Any]]:
        return [
            {"project_id": project_id, **server.to_dict(with_type=False)}
            for (project_id, _), server in self.servers.items()
        ]

    def _server(self, project_id: str, server_id: str) -> Resource:
        server = self.servers.get((project_id, server_id))
        if server is None:
            raise err.ServerNotFound(server_id)
        return server


#: Resource types the fake's TMS knows: the docs' examples; every one but cdn is regional.
TMS_GLOBAL_TYPES = frozenset({"cdn"})
TMS_TYPES = TMS_GLOBAL_TYPES | {
    "ecs",
    "disk",
    "vpcs",
    "security-groups",
    "eip",
    "images",
    "scaling_group",
    "shared_bandwidth",
}
TMS_KEY_MAX, TMS_VALUE_MAX = 36, 43
#: ListResource's limit: 1 to 200 (200 when not given).
FILTER_LIMIT_MAX = 200


class TmsTarget(NamedTuple):
    """Where TMS finds a resource: its project (None for a global service), type and id."""

    project_id: str | None
    type: str
    id: str


class HuaweiTmsBackend:
    """Resources of every service as TMS sees them, keyed by (project, type, id).

    DeleteResourceTag checks the whole request first (a bad key, type or project refuses it
    all), then untags resource by resource: one it does not find is listed as failed with
    TMS.0005 while the others lose their tags. Removal is by key, and by value too when one
    is given; an absent tag is no error. ListResource filters by type, project and tag
    (a key with any of its values, any value when none is listed), paged by offset/limit.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.resources: dict[TmsTarget, Resource] = {}
        #: Resources one call may name: the SDK says 20 (the current docs 50).
        self.resources_per_call = 20
        self.tags_per_call = 10
        #: The most resources a ListResource page holds, whatever limit asks (200 per the
        #: docs); smaller in tests, to page through a small seed.
        self.list_page_size = FILTER_LIMIT_MAX

    def add_resource(
        self, project_id: str | None, resource_type: str, resource_id: str, tags: dict[str, str]
    ) -> Resource:
        if resource_type not in TMS_TYPES:
            raise ValueError(f"the fake TMS knows no resource type {resource_type!r}")
        resource = Resource(resource_id, resource_type, dict(tags))
        self.resources[TmsTarget(project_id, resource_type, resource_id)] = resource
        return resource

    def show_resource_tag(self, target: TmsTarget) -> dict[str, str]:
        self._check_target(target)
        resource = self.resources.get(target)
        if resource is None:
            raise err.TmsResourceNotFound()
        return dict(resource.tags)

    def delete_resource_tag(
        self, targets: Sequence[TmsTarget], tags: Sequence[TagRef]
    ) -> tuple[dict[str, dict[str, str]], list[TmsTarget]]:
        """Tags removed by resource id, and the targets that were not found."""
        if not 0 < len(targets) <= self.resources_per_call:
            raise err.TmsBadRequest(f"resources must hold 1 to {self.resources_per_call} items")
        if not tags:
            raise err.TmsTagsEmpty()
        if len(tags) > self.tags_per_call:
            raise err.TmsBadRequest(f"tags must hold 1 to {self.tags_per_call} items")
        for target in targets:
            self._check_target(target)
        for tag in tags:
            _check_tms_tag(tag)
        removed: dict[str, dict[str, str]] = {}
        missing: list[TmsTarget] = []
        for target in targets:
            resource = self.resources.get(target)
            if resource is None:
                missing.append(target)
            else:
                removed[target.id] = remove_matching(resource.tags, tags)
        return removed, missing

    def list_resources(
        self,
        project_id: str | None,
        types: Sequence[str],
        tags: Sequence[tuple[str, Sequence[str]]],
        offset: int,
        limit: int,
    ) -> tuple[list[tuple[TmsTarget, Resource]], int]:
        """One page of the resources of `types` carrying every tag, and how many match."""
        if not types:
            raise err.TmsBadRequest("resource_types is required")
        if not tags:
            raise err.TmsTagsEmpty()
        if offset < 0 or not 0 < limit <= FILTER_LIMIT_MAX:
            raise err.TmsBadRequest(f"limit is 1 to {FILTER_LIMIT_MAX}, offset not negative")
        for kind in types:
            self._check_target(TmsTarget(project_id, kind, ""))
        for key, values in tags:
            _check_tms_tag(TagRef(key, None))
            for value in values:
                _check_tms_tag(TagRef(key, value))
        found = [
            (target, resource)
            for target, resource in self.resources.items()
            if target.type in types
            and (target.type in TMS_GLOBAL_TYPES or target.project_id == project_id)
            and all(
                key in resource.tags and (not values or resource.tags[key] in values)
                for key, values in tags
            )
        ]
        return found[offset : offset + min(limit, self.list_page_size)], len(found)

    def state(self) -> list[dict[str, Any]]:
        return [
            {"project_id": target.project_id, **resource.to_dict()}
            for target, resource in self.resources.items()
        ]

    def _check_target(self, target: TmsTarget) -> None:
        if target.type not in TMS_TYPES:
            raise err.TmsInvalidResourceType()
        if target.type not in TMS_GLOBAL_TYPES and not target.project_id:
            raise err.TmsInvalidProjectId()


def _check_tms_tag(tag: TagRef) -> None:
    """DeleteResourceTag's own limits: a shorter key and value than ECS allows."""
    if not tag.key:
        raise err.TmsEmptyTag()
    if len(tag.key) > TMS_KEY_MAX or not all(_key_char(ch) for ch in tag.key):
        raise err.TmsKeyInvalid()
    if tag.value is not None and (
        len(tag.value) > TMS_VALUE_MAX or not all(_value_char(ch) for ch in tag.value)
    ):
        raise err.TmsValueInvalid()
