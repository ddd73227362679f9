"""Alibaba Cloud state: ECS resources and R-kvstore (Redis) instances, per region.

Behaviour follows the tag API docs: ECS ``RemoveTags`` removes by key and value (no value:
the key whatever its value) from one resource of a lowercase type; ``UntagResources`` (ECS
and Redis) removes keys from many resources, or every tag with ``All`` when no key is given.
A tag left on no resource is gone from the region's tag list (`tags_in_use`).
``ListTagResources`` (both products) pages its answer with an opaque ``NextToken``; the page
size is not documented (50 is assumed), and `list_page_size` lets tests force paging.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from tagstrip_testkit.fakecloud.backends.common import Resource, TagRef, one_page, remove_matching
from tagstrip_testkit.fakecloud.errors import aliyun as err

__all__ = [
    "ALIYUN_REGIONS",
    "AliyunEcsBackend",
    "AliyunRedisBackend",
    "RegionalBackend",
    "ecs_type_for_id",
]

ALIYUN_REGIONS = (
    "cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen", "cn-qingdao", "cn-zhangjiakou",
    "cn-huhehaote", "cn-wulanchabu", "cn-chengdu", "cn-guangzhou", "cn-nanjing", "cn-fuzhou",
    "cn-hongkong", "ap-southeast-1", "ap-southeast-3", "ap-southeast-5", "ap-southeast-6",
    "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-south-1", "us-west-1",
    "us-east-1", "eu-central-1", "eu-west-1", "me-east-1", "me-central-1",
)  # fmt: skip
#: RemoveTags takes these types only, lowercase; the docs' ids carry these prefixes.
REMOVE_TAGS_TYPES = {
    "instance": "i-", "disk": "d-", "snapshot": "s-", "image": "m-", "securitygroup": "sg-",
}  # fmt: skip
#: UntagResources (ECS) takes more types.
UNTAG_TYPES = frozenset(REMOVE_TAGS_TYPES) | {
    "volume", "eni", "ddh", "ddhcluster", "keypair", "launchtemplate", "reservedinstance",
    "snapshotpolicy", "elasticityassurance", "capacityreservation", "command", "invocation",
}  # fmt: skip
_OTHER_PREFIXES = {"eni-": "eni", "lt-": "launchtemplate", "dh-": "ddh", "kp-": "keypair"}
REDIS_RESOURCE_TYPE = "INSTANCE"
UNTAG_MAX_RESOURCES, UNTAG_MAX_KEYS = 50, 20
TAG_TEXT_MAX = 128
_RESERVED_KEY_PREFIXES = ("aliyun", "acs:")
_TYPE_SPELLING = re.compile(r"[a-z]+")
_ID_SPELLING = re.compile(r"[a-z]+-[A-Za-z0-9]+")
#: Scope is listed in the Redis error table but not documented as a parameter; the fake
#: accepts the tag categories Alibaba uses elsewhere and refuses anything else.
REDIS_SCOPES = ("custom", "system")
#: ListTagResources of ECS takes a few types that the untag APIs do not.
LIST_TYPES = UNTAG_TYPES | {"activation", "managedinstance"}
LIST_MAX_RESOURCES = 50


_PREFIX_TYPES = {prefix: kind for kind, prefix in REMOVE_TAGS_TYPES.items()} | _OTHER_PREFIXES


def ecs_type_for_id(resource_id: str) -> str | None:
    """The ECS resource type a doc-style id prefix names (``s-946ntx4wr`` -> snapshot)."""
    matching = [prefix for prefix in _PREFIX_TYPES if resource_id.startswith(prefix)]
    return _PREFIX_TYPES[max(matching, key=len)] if matching else None


def _has_url(text: str) -> bool:
    return "http://" in text or "https://" in text


def _key_is_valid(key: str) -> bool:
    return (
        0 < len(key) <= TAG_TEXT_MAX
        and not key.startswith(_RESERVED_KEY_PREFIXES)
        and not _has_url(key)
    )


def _value_is_valid(value: str) -> bool:
    return len(value) <= TAG_TEXT_MAX and not _has_url(value)


def _check_untag(resource_ids: Sequence[str], tags: Sequence[TagRef], remove_all: bool) -> None:
    """Rules UntagResources shares between ECS and Redis: counts, key rules, duplicates."""
    if not resource_ids or not (tags or remove_all):
        raise err.MissParameterTagOrResourceId()
    if len(resource_ids) > UNTAG_MAX_RESOURCES:
        raise err.NumberExceedResourceIds()
    if len(tags) > UNTAG_MAX_KEYS:
        raise err.NumberExceedTags()
    if not all(_key_is_valid(tag.key) for tag in tags):
        raise err.InvalidTagKeyMalformed()
    if not all(tag.value is None or _value_is_valid(tag.value) for tag in tags):
        raise err.InvalidTagValueMalformed()
    if len({tag.key for tag in tags}) != len(tags):
        raise err.DuplicateTagKey()


class RegionalBackend(ABC):
    """Resources by region; a region must be known (seeded or a real Alibaba region)."""

    #: Whether resources differ in type (ECS) or are all of one kind (Redis instances).
    typed = True

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.regions: dict[str, dict[str, Resource]] = {region: {} for region in ALIYUN_REGIONS}
        #: Tag entries per ListTagResources page (undocumented; 50 assumed).
        self.list_page_size = 50

    def add_region(self, region: str) -> None:
        self.regions.setdefault(region, {})

    def resources(self, region: str) -> dict[str, Resource]:
        if region not in self.regions:
            raise err.InvalidRegionIdNotFound()
        return self.regions[region]

    def tags_of(self, region: str, resource_id: str) -> dict[str, str]:
        return dict(self.resources(region)[resource_id].tags)

    def tags_in_use(self, region: str) -> dict[str, set[str]]:
        """The region's tag list: every key with the values some resource still carries."""
        in_use: dict[str, set[str]] = {}
        for resource in self.resources(region).values():
            for key, value in resource.tags.items():
                in_use.setdefault(key, set()).add(value)
        return in_use

    @abstractmethod
    def check_list_type(self, resource_type: str) -> None:
        """Refuse a ResourceType that ListTagResources of this product does not take."""

    def list_tag_resources(
        self,
        region: str,
        resource_type: str,
        resource_ids: Sequence[str],
        next_token: str | None = None,
    ) -> tuple[list[dict[str, str]], str | None]:
        """ListTagResources by ``ResourceId.N``: one page of ``TagResource`` entries and the
        token of the next page. Like a tag index, an unknown id simply has no entries."""
        resources = self.resources(region)
        self.check_list_type(resource_type)
        if not resource_ids:
            raise err.MissParameterTagOrResourceId()
        if len(resource_ids) > LIST_MAX_RESOURCES:
            raise err.NumberExceedResourceIds()
        entries = [
            {"ResourceId": rid, "ResourceType": resource_type, "TagKey": key, "TagValue": value}
            for rid in dict.fromkeys(resource_ids)
            if (resource := resources.get(rid)) is not None and resource.type == resource_type
            for key, value in resource.tags.items()
        ]
        return one_page(entries, next_token, self.list_page_size, err.InvalidNextToken)

    def state(self) -> list[dict[str, Any]]:
        return [
            {"region": region, **resource.to_dict(with_type=self.typed)}
            for region, resources in self.regions.items()
            for resource in resources.values()
        ]


class AliyunEcsBackend(RegionalBackend):
    """ECS resources of every type, keyed by region then id."""

    def check_list_type(self, resource_type: str) -> None:
        _check_type(resource_type, LIST_TYPES)

    def reset(self) -> None:
        super().reset()
        #: Highest Tag.N of RemoveTags: 20 in the current doc, 5 in the 2018 edition.
        self.remove_tags_limit = 20

    def add_resource(
        self,
        region: str,
        resource_id: str,
        tags: dict[str, str] | None = None,
        *,
        resource_type: str | None = None,
        taggable: bool = True,
    ) -> Resource:
        kind = resource_type or ecs_type_for_id(resource_id)
        if kind not in UNTAG_TYPES:
            raise ValueError(f"{resource_id!r}: give resource_type (one of {sorted(UNTAG_TYPES)})")
        self.add_region(region)
        resource = Resource(resource_id, kind, dict(tags or {}), taggable=taggable)
        self.regions[region][resource_id] = resource
        return resource

    def remove_tags(
        self, region: str, resource_type: str, resource_id: str, tags: Sequence[TagRef]
    ) -> dict[str, str]:
        """RemoveTags: unbind matching tags from one resource; absent tags are no error."""
        resources = self.resources(region)
        _check_type(resource_type, REMOVE_TAGS_TYPES)
        resource = _find(resources, resource_id, resource_type)
        if not resource.taggable:
            raise err.InvalidResourceIdNotSupported()
        return remove_matching(resource.tags, tags)

    def untag_resources(
        self,
        region: str,
        resource_type: str,
        resource_ids: Sequence[str],
        tags: Sequence[TagRef],
        *,
        remove_all: bool = False,
    ) -> dict[str, dict[str, str]]:
        """UntagResources: remove keys (or every tag with `remove_all`) from many resources."""
        resources = self.resources(region)
        _check_type(resource_type, UNTAG_TYPES)
        _check_untag(resource_ids, tags, remove_all)
        found = [_find(resources, rid, resource_type) for rid in resource_ids]
        return {resource.id: _untag(resource, tags) for resource in found}


class AliyunRedisBackend(RegionalBackend):
    """ApsaraDB for Redis instances, keyed by region then instance id."""

    typed = False

    def check_list_type(self, resource_type: str) -> None:
        if resource_type != REDIS_RESOURCE_TYPE:
            raise err.InvalidParameterResourceType()

    def add_resource(
        self, region: str, resource_id: str, tags: dict[str, str] | None = None
    ) -> Resource:
        self.add_region(region)
        resource = Resource(resource_id, REDIS_RESOURCE_TYPE, dict(tags or {}))
        self.regions[region][resource_id] = resource
        return resource

    def untag_resources(
        self,
        region: str,
        resource_type: str,
        resource_ids: Sequence[str],
        tags: Sequence[TagRef],
        *,
        remove_all: bool = False,
        scope: str | None = None,
    ) -> dict[str, dict[str, str]]:
        """UntagResources: keys are removed whatever their value; `All` only without keys."""
        resources = self.resources(region)
        if resource_type != REDIS_RESOURCE_TYPE:
            raise err.InvalidParameterResourceType()
        if scope is not None and scope not in REDIS_SCOPES:
            raise err.InvalidParameterScope()
        _check_untag(resource_ids, tags, remove_all)
        if not all(_ID_SPELLING.fullmatch(rid) for rid in resource_ids):
            raise err.InvalidParameterResourceId()
        missing = [rid for rid in resource_ids if rid not in resources]
        if missing:
            raise err.InvalidDbInstanceIdNotFound()
        by_key = [TagRef(tag.key) for tag in tags]
        return {rid: _untag(resources[rid], by_key) for rid in resource_ids}


def _check_type(resource_type: str, valid: frozenset[str] | dict[str, str]) -> None:
    """Unknown but well-spelled types are 404 "not in our records"; misspelled ones are 400."""
    if resource_type in valid:
        return
    if _TYPE_SPELLING.fullmatch(resource_type):
        raise err.ResourceTypeNotInRecords()
    raise err.ResourceTypeInvalid()


def _find(resources: dict[str, Resource], resource_id: str, resource_type: str) -> Resource:
    resource = resources.get(resource_id)
    if resource is None or resource.type != resource_type:
        raise err.InvalidResourceIdNotFound()
    return resource


def _untag(resource: Resource, tags: Sequence[TagRef]) -> dict[str, str]:
    """Remove the named keys, or every tag when none is named (``All`` took effect)."""
    return remove_matching(resource.tags, tags or [TagRef(key) for key in resource.tags])
