"""Alibaba Cloud ECS tag removal (API version 2014-05-26): rules, native form, calls.

``RemoveTags`` takes one resource per call. The current doc allows ``Tag.N`` with N 1..20;
the 2018 edition allows 1..5 and states that a tag without a value is removed by key
whatever its value. Both editions are profiles, so nothing of the older doc is lost.

``UntagResources``, which the vendor recommends over the deprecated RemoveTags, is the
opt-in ``untag-resources`` profile: keys only, up to 50 ``ResourceId.N`` and 20 ``TagKey.N``
a call, so many resources cost one call instead of one each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from tagstrip.domain.errors import FieldError, InvalidRequest
from tagstrip.domain.models import Plan, PlannedCall, ProviderName, Tag, TagRemovalRequest
from tagstrip.domain.rules import (
    ProviderSpec,
    check_region,
    check_resource_ids,
    check_unique_keys,
    chunk_count,
    chunked,
    merge_duplicate_tags,
)
from tagstrip.providers.aliyun.rpc import (
    check_alibaba_tag,
    is_reserved,
    list_tag_resources,
    numbered_values,
    require_strings,
    untag_resources,
    untag_resources_count,
)

__all__ = [
    "API_VERSION",
    "RESOURCE_TYPES",
    "TAGS_PER_CALL",
    "UNTAG_KEYS_PER_CALL",
    "UNTAG_RESOURCES_PER_CALL",
    "UNTAG_RESOURCE_TYPES",
    "AliyunEcs",
]

API_VERSION = "2014-05-26"
RESOURCE_TYPES = ("disk", "instance", "image", "securitygroup", "snapshot")
#: Tag.N upper bound per profile: the current doc says 20, the 2018 edition 5.
TAGS_PER_CALL = {"remove-tags": 20, "remove-tags-2018": 5}
UNTAG_RESOURCES = "untag-resources"
UNTAG_RESOURCES_PER_CALL = 50
UNTAG_KEYS_PER_CALL = 20
_UNTAG_LIMITS = (UNTAG_RESOURCES_PER_CALL, UNTAG_KEYS_PER_CALL)
#: UntagResources takes more resource types than RemoveTags, still lowercase only.
UNTAG_RESOURCE_TYPES = (
    *RESOURCE_TYPES,
    "volume",
    "eni",
    "ddh",
    "ddhcluster",
    "keypair",
    "launchtemplate",
    "reservedinstance",
    "snapshotpolicy",
    "elasticityassurance",
    "capacityreservation",
    "command",
    "invocation",
)

_NATIVE_NAMES = re.compile(
    r"Action|Version|RegionId|ResourceId|ResourceType|Tag\.\d+\.(Key|Value|key|value)"
)
_TAG_PARAM = re.compile(r"Tag\.(?P<n>\d+)\.(?P<field>Key|Value|key|value)")


class AliyunEcs(ProviderSpec):
    name: ClassVar[ProviderName] = "aliyun-ecs"
    profiles = (*TAGS_PER_CALL, UNTAG_RESOURCES)
    accepts = frozenset({"region", "resource_type", "resource_ids"})

    def check_provider_rules(self, request: TagRemovalRequest) -> list[FieldError]:
        untag = self.profile(request) == UNTAG_RESOURCES
        errors = check_region(request.region)
        errors += _check_resource_type(
            request.resource_type, UNTAG_RESOURCE_TYPES if untag else RESOURCE_TYPES
        )
        errors += check_resource_ids(request.resource_ids, what="ECS resource id")
        if not request.tags and request.selector is None:
            message = (
                "at least one tag or a selector is required "
                "(RemoveTags without Tag.N removes nothing)"
            )
            errors.append(FieldError(("tags",), message, "missing"))
        for index, tag in enumerate(request.tags):
            errors += check_alibaba_tag(tag, index)
            if untag and tag.value is not None:
                message = (
                    "the untag-resources profile removes tags by key only: omit the value "
                    "(the key is removed whatever its value) or use the remove-tags profile"
                )
                errors.append(FieldError(("tags", index, "value"), message, "value_not_supported"))
        return errors + check_unique_keys(request.tags)

    def plan(self, request: TagRemovalRequest) -> Plan:
        if self.profile(request) == UNTAG_RESOURCES:
            return self._plan_untag_resources(request)
        tags, notes = merge_duplicate_tags(request.tags)
        calls = [
            self.make_call(
                request,
                operation="RemoveTags",
                api_version=API_VERSION,
                method="POST",
                path="/",
                params=_params(request, resource_id, chunk),
                resource_ids=[resource_id],
                tags=chunk,
            )
            for resource_id in request.resource_ids
            for chunk in chunked(tags, TAGS_PER_CALL[self.profile(request)])
        ]
        where = f"{request.resource_type} {', '.join(request.resource_ids)} in {request.region}"
        return self.make_plan(
            request, calls, summary=f"unbind {len(tags)} tag(s) from {where}", notes=notes
        )

    def count_calls(self, request: TagRemovalRequest) -> int:
        resources, tags = len(request.resource_ids), len(set(request.tags))
        profile = self.profile(request)
        if profile == UNTAG_RESOURCES:
            return untag_resources_count(resources, tags, _UNTAG_LIMITS)
        return resources * chunk_count(tags, TAGS_PER_CALL[profile])

    def _plan_untag_resources(self, request: TagRemovalRequest) -> Plan:
        keys, notes = merge_duplicate_tags(request.tags)
        calls = untag_resources(
            self,
            request,
            keys,
            resource_type=str(request.resource_type),
            api_version=API_VERSION,
            limits=_UNTAG_LIMITS,
        )
        notes.append("a tag left on no resource is deleted by the service")
        where = f"{request.resource_type} {', '.join(request.resource_ids)} in {request.region}"
        return self.make_plan(
            request, calls, summary=f"unbind {len(keys)} tag key(s) from {where}", notes=notes
        )

    def read_calls(self, request: TagRemovalRequest) -> list[PlannedCall]:
        return list_tag_resources(
            self, request, resource_type=str(request.resource_type), api_version=API_VERSION
        )

    def protected(self, tag: Tag) -> bool:
        return is_reserved(tag)

    def removal_tag(self, request: TagRemovalRequest, tag: Tag) -> Tag:
        """RemoveTags names the value read, so a value changed since is left alone;
        UntagResources removes by key."""
        return Tag(key=tag.key) if self.profile(request) == UNTAG_RESOURCES else tag

    def claims_native(self, payload: Mapping[str, Any]) -> bool:
        if payload.get("Action") == "RemoveTags":
            return True
        return "ResourceId" in payload and any(_TAG_PARAM.fullmatch(k) for k in payload)

    def native_to_canonical(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        errors = require_strings(payload, _NATIVE_NAMES)
        if payload.get("Action", "RemoveTags") != "RemoveTags":
            errors.append(FieldError(("Action",), "Action must be RemoveTags", "invalid_action"))
        if payload.get("Version", API_VERSION) != API_VERSION:
            message = f"RemoveTags exists in API version {API_VERSION} only"
            errors.append(FieldError(("Version",), message, "invalid_version"))
        if errors:
            raise InvalidRequest(errors)
        limit = max(TAGS_PER_CALL.values())
        numbered = numbered_values(
            payload, _TAG_PARAM, limit=limit, code="InvalidTagCount", what="Tag.N"
        )
        canonical: dict[str, Any] = {
            "provider": self.name,
            "tags": [_native_tag(n, fields) for n, fields in numbered.items()],
        }
        for native, field in (("RegionId", "region"), ("ResourceType", "resource_type")):
            if native in payload:
                canonical[field] = payload[native]
        if "ResourceId" in payload:
            canonical["resource_ids"] = [payload["ResourceId"]]
        return canonical


def _check_resource_type(resource_type: str | None, types: tuple[str, ...]) -> list[FieldError]:
    valid = ", ".join(types)
    if resource_type is None:
        message = f"resource_type is required; valid values: {valid}"
        return [FieldError(("resource_type",), message, "missing")]
    if resource_type not in types:
        hint = " (values must be lowercase)" if resource_type.lower() in types else ""
        message = f"{resource_type!r} is not an ECS resource type{hint}; valid values: {valid}"
        return [
            FieldError(
                ("resource_type",), message, "invalid_resource_type", "InvalidResourceType.NotFound"
            )
        ]
    return []


def _params(request: TagRemovalRequest, resource_id: str, tags: list[Tag]) -> dict[str, str]:
    params = {
        "RegionId": str(request.region),
        "ResourceId": resource_id,
        "ResourceType": str(request.resource_type),
    }
    for n, tag in enumerate(tags, start=1):
        params[f"Tag.{n}.Key"] = tag.key
        if tag.value is not None:
            params[f"Tag.{n}.Value"] = tag.value
    return params


def _native_tag(n: int, fields: dict[str, str]) -> dict[str, str]:
    """One ``Tag.N``; deprecated lowercase ``key``/``value`` alias ``Key``/``Value``."""
    errors = []
    tag: dict[str, str] = {}
    for canonical, current, deprecated in (("key", "Key", "key"), ("value", "Value", "value")):
        if current in fields and deprecated in fields and fields[current] != fields[deprecated]:
            message = f"Tag.{n}.{current} and its deprecated alias Tag.{n}.{deprecated} disagree"
            errors.append(FieldError((f"Tag.{n}.{current}",), message, "conflicting_alias"))
        if current in fields or deprecated in fields:
            tag[canonical] = fields.get(current, fields.get(deprecated, ""))
    if "key" not in tag:
        message = f"Tag.{n}.Value is given without Tag.{n}.Key"
        errors.append(FieldError((f"Tag.{n}.Key",), message, "missing"))
    if errors:
        raise InvalidRequest(errors)
    return tag
