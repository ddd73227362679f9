"""ApsaraDB for Redis ``UntagResources`` (API version 2015-01-01): rules, native form, calls.

Removes tags by key from many instances per call: up to 20 ``TagKey.N`` and 50
``ResourceId.N``. ``All=true`` removes every tag, but only when no key is given.
A tag left on no instance is deleted by the service.
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
    merge_duplicate_tags,
)
from tagstrip.providers.aliyun.rpc import (
    check_alibaba_tag,
    is_reserved,
    key_only,
    list_tag_resources,
    numbered_values,
    require_strings,
    untag_resources,
    untag_resources_count,
)

__all__ = ["API_VERSION", "RESOURCES_PER_CALL", "TAGS_PER_CALL", "AliyunRedis"]

API_VERSION = "2015-01-01"
RESOURCE_TYPE = "INSTANCE"
TAGS_PER_CALL = 20
#: Inferred from TagResources ("up to 50 instances per request"); not stated for UntagResources.
RESOURCES_PER_CALL = 50
_LIMITS = (RESOURCES_PER_CALL, TAGS_PER_CALL)
_MISSING = "MissParameter.TagOrResourceId"

_NATIVE_NAMES = re.compile(r"Action|Version|RegionId|ResourceType|All|ResourceId\.\d+|TagKey\.\d+")
_RESOURCE_PARAM = re.compile(r"ResourceId\.(?P<n>\d+)")
_KEY_PARAM = re.compile(r"TagKey\.(?P<n>\d+)")


class AliyunRedis(ProviderSpec):
    name: ClassVar[ProviderName] = "aliyun-redis"
    profiles = ("untag-resources",)
    accepts = frozenset({"region", "resource_type", "resource_ids", "remove_all"})

    def check_provider_rules(self, request: TagRemovalRequest) -> list[FieldError]:
        errors = check_region(request.region)
        if request.resource_type not in (None, RESOURCE_TYPE):
            message = f"{request.resource_type!r} is not valid; the only resource type is INSTANCE"
            code = "InvalidParameter.ResourceType"
            errors.append(FieldError(("resource_type",), message, "invalid_resource_type", code))
        if not request.resource_ids:
            message = "at least one Redis instance id is required"
            errors.append(FieldError(("resource_ids",), message, "missing", _MISSING))
        else:
            errors += check_resource_ids(
                request.resource_ids,
                what="Redis instance id",
                provider_code="InvalidParameter.ResourceId",
            )
        if not request.tags and not request.remove_all and request.selector is None:
            message = "give tag keys to remove, a selector, or remove_all=true to remove every tag"
            errors.append(FieldError(("tags",), message, "missing", _MISSING))
        if request.remove_all and request.selector is not None:
            message = "remove_all removes every tag, a selector chooses some: give one of them"
            errors.append(FieldError(("remove_all",), message, "conflicting_fields"))
        for index, tag in enumerate(request.tags):
            errors += check_alibaba_tag(tag, index) + key_only(tag, index, "Redis")
        return errors

    def plan(self, request: TagRemovalRequest) -> Plan:
        keys, notes = merge_duplicate_tags(request.tags)
        if request.remove_all and keys:
            notes.append(
                "remove_all (All=true) has no effect because tag keys are given: "
                "only the listed keys are removed"
            )
        calls = untag_resources(
            self,
            request,
            keys,
            resource_type=RESOURCE_TYPE,
            api_version=API_VERSION,
            limits=_LIMITS,
        )
        what = f"{len(keys)} tag key(s)" if keys else "every tag"
        where = f"Redis instance(s) {', '.join(request.resource_ids)} in {request.region}"
        notes.append("a tag left on no instance is deleted by the service")
        return self.make_plan(request, calls, summary=f"unbind {what} from {where}", notes=notes)

    def count_calls(self, request: TagRemovalRequest) -> int:
        return untag_resources_count(len(request.resource_ids), len(set(request.tags)), _LIMITS)

    def read_calls(self, request: TagRemovalRequest) -> list[PlannedCall]:
        return list_tag_resources(
            self, request, resource_type=RESOURCE_TYPE, api_version=API_VERSION
        )

    def protected(self, tag: Tag) -> bool:
        return is_reserved(tag)

    def removal_tag(self, request: TagRemovalRequest, tag: Tag) -> Tag:
        """UntagResources removes by key."""
        return Tag(key=tag.key)

    def claims_native(self, payload: Mapping[str, Any]) -> bool:
        if any(name.startswith("ResourceARN") for name in payload):
            return False  # the Tag API's UntagResources names resources by ARN
        if payload.get("Action") == "UntagResources":
            return bool(payload.get("ResourceType", RESOURCE_TYPE) == RESOURCE_TYPE)
        return any(_RESOURCE_PARAM.fullmatch(k) or _KEY_PARAM.fullmatch(k) for k in payload)

    def native_to_canonical(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        errors = require_strings({k: v for k, v in payload.items() if k != "All"}, _NATIVE_NAMES)
        all_flag = payload.get("All", False)
        if isinstance(all_flag, str) and all_flag.lower() in ("true", "false"):
            all_flag = all_flag.lower() == "true"
        if not isinstance(all_flag, bool):
            message = "All must be true or false"
            errors.append(FieldError(("All",), message, "bool_type"))
        if payload.get("Action", "UntagResources") != "UntagResources":
            message = "Action must be UntagResources"
            errors.append(FieldError(("Action",), message, "invalid_action"))
        if errors:
            raise InvalidRequest(errors)
        resources = numbered_values(
            payload,
            _RESOURCE_PARAM,
            limit=RESOURCES_PER_CALL,
            code="NumberExceed.ResourceIds",
            what="ResourceId.N",
        )
        keys = numbered_values(
            payload, _KEY_PARAM, limit=TAGS_PER_CALL, code="NumberExceed.Tags", what="TagKey.N"
        )
        _refuse_duplicate_keys(keys)
        canonical: dict[str, Any] = {
            "provider": self.name,
            "resource_ids": [fields[""] for fields in resources.values()],
            "tags": [{"key": fields[""]} for fields in keys.values()],
            "remove_all": all_flag,
        }
        for native, field in (("RegionId", "region"), ("ResourceType", "resource_type")):
            if native in payload:
                canonical[field] = payload[native]
        return canonical


def _refuse_duplicate_keys(keys: dict[int, dict[str, str]]) -> None:
    """The service answers Duplicate.TagKey when one key is listed twice."""
    seen: dict[str, int] = {}
    errors = []
    for n, fields in keys.items():
        key = fields[""]
        if key in seen:
            message = f"TagKey.{n} repeats TagKey.{seen[key]} ({key!r})"
            errors.append(
                FieldError((f"TagKey.{n}",), message, "duplicate_key", "Duplicate.TagKey")
            )
        seen.setdefault(key, n)
    if errors:
        raise InvalidRequest(errors)
