"""Alibaba Cloud Resource Management Tag ``UntagResources`` (API version 2018-08-28).

One API for every taggable product: resources are named by ARN
(``arn:acs:<product>:<region>:<account>:<type>/<id>``), up to 50 ``ResourceARN.N`` and 10
``TagKey.N`` a call. Unlike the products' own UntagResources it has no ``All`` flag: every
key is listed, so a request without keys needs a selector (the tags are read first with
``ListTagResources``). A call goes to the region of its resources, and every ARN of a call
must name that region (or ``*``, the caller's current region); the answer lists the
resources it could not untag in ``FailedResources``, each with its own code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from tagstrip.domain.covering import cover_size
from tagstrip.domain.errors import FieldError, InvalidRequest
from tagstrip.domain.models import Plan, PlannedCall, ProviderName, Tag, TagRemovalRequest
from tagstrip.domain.rules import (
    ProviderSpec,
    check_region,
    chunked,
    merge_duplicate_tags,
)
from tagstrip.providers.aliyun.rpc import (
    LIST_RESOURCES_PER_CALL,
    check_alibaba_tag,
    covering_calls,
    is_reserved,
    key_only,
    numbered_values,
    require_strings,
)

__all__ = [
    "API_VERSION",
    "KEYS_PER_CALL",
    "LIST_PAGE_SIZE",
    "RESOURCES_PER_CALL",
    "AliyunTag",
    "Arn",
]

API_VERSION = "2018-08-28"
RESOURCES_PER_CALL = 50
KEYS_PER_CALL = 10
_LIMITS = (RESOURCES_PER_CALL, KEYS_PER_CALL)
#: ListTagResources: PageSize is 50 by default, 1000 at most; the most saves calls.
LIST_PAGE_SIZE = 1000
_ANY = "*"

_ARN = re.compile(
    r"arn:acs:(?P<product>[a-z][a-z0-9-]{0,63}):(?P<region>[a-z]{2,}(?:-[a-z0-9]+)*|\*)"
    r":(?P<account>[0-9]{1,32}|\*):(?P<type>[A-Za-z][A-Za-z0-9_-]{0,63})"
    r"/(?P<id>[A-Za-z0-9][A-Za-z0-9_.-]{0,127})"
)
_NATIVE_NAMES = re.compile(
    r"Action|Version|RegionId|ResourceARN|TagKey|ResourceARN\.\d+|TagKey\.\d+"
)
_RESOURCE_PARAM = re.compile(r"ResourceARN\.(?P<n>\d+)")
_KEY_PARAM = re.compile(r"TagKey\.(?P<n>\d+)")
_FORMAT_ERROR = "InvalidResourceARN.FormatError"
_PRODUCT_TYPE = re.compile(r"[a-z][a-z0-9-]{0,63}:[A-Za-z][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Arn:
    """An Alibaba Cloud resource name; region and account may be ``*`` (the caller's)."""

    product: str
    region: str
    account: str
    type: str
    id: str

    @classmethod
    def parse(cls, text: str) -> Arn | None:
        match = _ARN.fullmatch(text)
        return cls(**match.groupdict()) if match else None

    def same_resource(self, other: Arn) -> bool:
        """Whether both name one resource, a ``*`` region or account matching any."""
        return (
            (self.product, self.type, self.id) == (other.product, other.type, other.id)
            and _either(self.region, other.region)
            and _either(self.account, other.account)
        )


def _either(one: str, other: str) -> bool:
    return one == other or _ANY in (one, other)


class AliyunTag(ProviderSpec):
    name: ClassVar[ProviderName] = "aliyun-tag"
    profiles = ("untag-resources",)
    accepts = frozenset({"region", "resource_ids"})
    sweeps = True

    def why_not_applicable(self, field: str) -> str:
        if field == "remove_all":
            return (
                "the Tag API has no All flag: list the keys, or give a selector to read the "
                "resources' tags first"
            )
        if field == "resource_type":
            return "each ARN names its product and type"
        return "remove it"

    def check_provider_rules(self, request: TagRemovalRequest) -> list[FieldError]:
        if request.where is not None:
            return _check_sweep(request) + self._check_keys(request)
        errors = [] if request.region is None else check_region(request.region)
        errors += _check_arns(request.resource_ids, request.region)
        return errors + self._check_keys(request)

    def _check_keys(self, request: TagRemovalRequest) -> list[FieldError]:
        errors = []
        if not request.tags and request.selector is None and request.where is None:
            message = (
                "give the tag keys to remove, or a selector (the Tag API has no All flag: "
                "the resources' tags are then read first)"
            )
            errors.append(FieldError(("tags",), message, "missing", "MissingParameter.TagKey"))
        for index, tag in enumerate(request.tags):
            errors += check_alibaba_tag(
                tag,
                index,
                key_code="InvalidParameter.TagKey",
                reserved_code="NoPermission.SystemTag",
            )
            errors += key_only(tag, index, "the Tag API")
        return errors

    def plan(self, request: TagRemovalRequest) -> Plan:
        keys, notes = merge_duplicate_tags(request.tags)
        calls = [
            self._call(request, region, "UntagResources", arns, key_chunk)
            for region, group in _by_region(request).items()
            for arns, key_chunk in covering_calls(group, keys, _LIMITS)
        ]
        notes.append(
            "the Tag API calls each product's own untag API: the caller needs that product's "
            "untag permission too (ecs:UntagResources, ...)"
        )
        notes.append("a tag left on no resource is deleted by the service")
        where = f"{len(request.resource_ids)} resource(s) in {', '.join(_by_region(request))}"
        return self.make_plan(
            request, calls, summary=f"unbind {len(keys)} tag key(s) from {where}", notes=notes
        )

    def count_calls(self, request: TagRemovalRequest) -> int:
        keys = len(set(request.tags))
        return sum(cover_size(len(group), keys, _LIMITS) for group in _by_region(request).values())

    def read_calls(self, request: TagRemovalRequest) -> list[PlannedCall]:
        """``ListTagResources`` of up to 50 ARNs a call, per region; pages follow NextToken.
        A sweep's is one query of the region by its ``Tags`` filter (a JSON object)."""
        if request.where is not None:
            region = request.region or ""
            call = self._call(request, region, "ListTagResources", [], [])
            tag = request.where.tag
            params = {
                **call.params,
                "Tags": json.dumps({tag.key: tag.value or ""}, ensure_ascii=False),
            }
            return [call.model_copy(update={"params": params})]
        return [
            self._call(request, region, "ListTagResources", chunk, [])
            for region, group in _by_region(request).items()
            for chunk in chunked(group, LIST_RESOURCES_PER_CALL)
        ]

    def swept(self, request: TagRemovalRequest, resource_id: str) -> bool:
        """``ListTagResources`` has no resource-type filter: the ARN's ``product:type`` is
        compared with ``where.resource_types`` here."""
        kinds = request.where.resource_types if request.where else []
        arn = Arn.parse(resource_id)
        return not kinds or (arn is not None and f"{arn.product}:{arn.type}" in kinds)

    def protected(self, tag: Tag) -> bool:
        return is_reserved(tag)

    def removal_tag(self, request: TagRemovalRequest, tag: Tag) -> Tag:
        """UntagResources removes by key."""
        return Tag(key=tag.key)

    def claims_native(self, payload: Mapping[str, Any]) -> bool:
        return any(name == "ResourceARN" or _RESOURCE_PARAM.fullmatch(name) for name in payload)

    def native_to_canonical(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        flat = {k: v for k, v in payload.items() if k not in ("ResourceARN", "TagKey")}
        errors = require_strings(flat, _NATIVE_NAMES)
        errors += [
            FieldError((name,), f"{name} must be a list of strings", "list_type")
            for name in ("ResourceARN", "TagKey")
            if name in payload and not _is_string_list(payload[name])
        ]
        if payload.get("Action", "UntagResources") != "UntagResources":
            message = "Action must be UntagResources"
            errors.append(FieldError(("Action",), message, "invalid_action"))
        if payload.get("Version", API_VERSION) != API_VERSION:
            message = f"the Tag API's UntagResources is version {API_VERSION}"
            errors.append(FieldError(("Version",), message, "invalid_version"))
        if errors:
            raise InvalidRequest(errors)
        arns = _listed(payload, "ResourceARN", _RESOURCE_PARAM, RESOURCES_PER_CALL, "ResourceIds")
        keys = _listed(payload, "TagKey", _KEY_PARAM, KEYS_PER_CALL, "Tags")
        canonical: dict[str, Any] = {
            "provider": self.name,
            "resource_ids": arns,
            "tags": [{"key": key} for key in keys],
        }
        if "RegionId" in payload:
            canonical["region"] = payload["RegionId"]
        return canonical

    def _call(
        self,
        request: TagRemovalRequest,
        region: str,
        operation: str,
        arns: list[str],
        keys: list[Tag],
    ) -> PlannedCall:
        params = {
            "RegionId": region,
            **{f"ResourceARN.{n}": arn for n, arn in enumerate(arns, start=1)},
            **{f"TagKey.{n}": tag.key for n, tag in enumerate(keys, start=1)},
        }
        if operation == "ListTagResources":
            params["PageSize"] = str(LIST_PAGE_SIZE)
        return self.make_call(
            request.model_copy(update={"region": region}),
            kind="read" if operation == "ListTagResources" else "write",
            operation=operation,
            api_version=API_VERSION,
            method="POST",
            path="/",
            params=params,
            resource_ids=arns,
            tags=keys,
        )


def _check_sweep(request: TagRemovalRequest) -> list[FieldError]:
    """A sweep queries one region's index by key and value (the ``Tags`` filter matches
    both), for resource types named as in the ARN."""
    where = request.where
    if where is None:
        return []
    errors = check_region(request.region, provider_code="MissingParameter.RegionId")
    if where.tag.value is None:
        message = (
            "the Tag API's index (ListTagResources Tags) matches a key and its value: give "
            'the value ("" for an empty one)'
        )
        errors.append(FieldError(("where", "tag", "value"), message, "missing"))
    errors += [
        FieldError(
            ("where", "resource_types", index),
            f"{kind!r} is not a product:type as in an ARN (ecs:instance, oss:bucket)",
            "invalid_resource_type",
        )
        for index, kind in enumerate(where.resource_types)
        if not _PRODUCT_TYPE.fullmatch(kind)
    ]
    return errors


def _check_arns(arns: Sequence[str], region: str | None) -> list[FieldError]:
    """Well-formed, listed once, and each in the request's region (or one that names it)."""
    if not arns:
        message = "at least one resource ARN is required (arn:acs:<product>:<region>:...)"
        return [FieldError(("resource_ids",), message, "missing", "MissingParameter.ResourceIds")]
    errors = []
    first_places: dict[str, int] = {}
    for index, text in enumerate(arns):
        loc = ("resource_ids", index)
        arn = Arn.parse(text)
        if arn is None:
            message = (
                f"{text!r} is not a resource ARN: expected "
                "arn:acs:<product>:<region>:<account>:<type>/<id> (region and account may be *)"
            )
            errors.append(FieldError(loc, message, "invalid_arn", _FORMAT_ERROR))
        elif region is None and arn.region == _ANY:
            message = f"{text!r} names no region (*): give region, where the call is sent"
            errors.append(FieldError(loc, message, "missing_region", "InvalidResourceARN.Region"))
        elif region is not None and arn.region not in (_ANY, region):
            message = (
                f"{text!r} is in {arn.region}, but the request's region is {region}: a call "
                "untags resources of the region it is sent to (omit region to group the ARNs "
                "by their own regions)"
            )
            errors.append(FieldError(loc, message, "region_mismatch", "InvalidResourceARN.Region"))
        if index > first_places.setdefault(text, index):
            errors.append(FieldError(loc, f"{text!r} is listed more than once", "duplicate_arn"))
    return errors


def _by_region(request: TagRemovalRequest) -> dict[str, list[str]]:
    """The ARNs by the region their calls go to: the request's, else each ARN's own."""
    groups: dict[str, list[str]] = {}
    for text in request.resource_ids:
        arn = Arn.parse(text)
        region = request.region or (arn.region if arn else "") or ""
        groups.setdefault(region, []).append(text)
    return groups


def _is_string_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _listed(
    payload: Mapping[str, Any], name: str, pattern: re.Pattern[str], limit: int, counted: str
) -> list[str]:
    """A list given flattened (``Name.N``, N 1..limit) or as a JSON list of at most `limit`."""
    code = f"NumberExceed.{counted}"
    if name in payload:
        values: list[str] = payload[name]
        if any(pattern.fullmatch(other) for other in payload):
            message = f"give {name} as a list or as {name}.N, not both"
            raise InvalidRequest([FieldError((name,), message, "conflicting_fields")])
        if len(values) > limit:
            message = f"{name} holds {len(values)} items; the limit is {limit}"
            raise InvalidRequest([FieldError((name,), message, "too_many", code)])
        return values
    numbered = numbered_values(payload, pattern, limit=limit, code=code, what=f"{name}.N")
    return [fields[""] for fields in numbered.values()]
