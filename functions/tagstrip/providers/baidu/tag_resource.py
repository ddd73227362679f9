"""Baidu Cloud tag service, per resource: unbind one tag from listed resources of any type.

``PUT /v1/resource`` with ``{"tagKey", "tagValue", "serviceType", "resources": [{"resourceId",
"serviceType", "region"}]}`` unbinds one tag from resources of one service type (BCC, CDS,
EIP, BLB, ...): the tag stays defined in the account and on every other resource, unlike
``baidu-tag``, which deletes it account-wide. Each resource's ``serviceType`` must equal the
top-level one, so a plan makes one call per tag and per slice of resources. Reads (for a
selector) use ``GET /v1/tag/tagResources``, every tag of one service type in one region,
unpaged. A sweep (``where``) queries the same index by tag key (and value) in the request's
region, for every service type at once: each resource it finds keeps its service type and
region (`resource_ref`), which its unbind call needs. The index answers only that key's
bindings, so a sweep removes tags of that key alone (a selector matches among them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from tagstrip.domain.errors import FieldError, InvalidRequest, unknown_fields
from tagstrip.domain.models import Plan, PlannedCall, ProviderName, Tag, TagRemovalRequest
from tagstrip.domain.rules import (
    ProviderSpec,
    check_resource_ids,
    chunk_count,
    chunked,
    merge_duplicate_tags,
)
from tagstrip.providers.baidu.tag import check_tag_pairs, is_default_tag

__all__ = ["API_VERSION", "RESOURCES_PER_CALL", "BaiduTagResource", "resource_ref"]

API_VERSION = "v1"
#: Not documented: 20 resources a call is tagstrip's conservative choice, the smallest
#: ceiling the other vendors' tag services document (Huawei TMS's SDK model).
RESOURCES_PER_CALL = 20
#: Service types as the tag service spells them: BCC, CDS, EIP, BLB, SECURITY_GROUP, DCC_BCC.
_SERVICE_TYPE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
#: Baidu region codes (bj, gz, su, fsh, hkg, hk02) and "global" for global services.
_REGION = re.compile(r"[a-z][a-z0-9-]{1,31}")
_NATIVE_FIELDS = frozenset({"tagKey", "tagValue", "serviceType", "resources"})
_RESOURCE_FIELDS = frozenset({"resourceId", "serviceType", "region"})


def resource_ref(service_type: str, region: str, resource_id: str) -> str:
    """How a sweep names a resource it found: ``BCC:bj:i-...``, the service type and region
    its unbind call must state travelling with its id (neither holds ``:``)."""
    return f"{service_type}:{region}:{resource_id}"


def _split_ref(ref: str) -> tuple[str, str, str]:
    service_type, region, resource_id = ref.split(":", 2)
    return service_type, region, resource_id


class BaiduTagResource(ProviderSpec):
    name: ClassVar[ProviderName] = "baidu-tag-resource"
    profiles = (API_VERSION,)
    accepts = frozenset({"region", "resource_type", "resource_ids"})
    sweeps = True

    def check_provider_rules(self, request: TagRemovalRequest) -> list[FieldError]:
        if request.where is not None:
            return _check_sweep(request) + check_tag_pairs(
                request.tags, "baidu-tag-resource unbinds one key/value pair a call"
            )
        errors = _check_service_type(request.resource_type)
        errors += _check_region(request.region)
        errors += check_resource_ids(request.resource_ids, what="resource id")
        if not request.tags and request.selector is None:
            message = "at least one tag or a selector is required"
            errors.append(FieldError(("tags",), message, "missing", "TagExceptions.TagEmpty"))
        return errors + check_tag_pairs(
            request.tags, "baidu-tag-resource unbinds one key/value pair a call"
        )

    def plan(self, request: TagRemovalRequest) -> Plan:
        tags, notes = merge_duplicate_tags(request.tags)
        groups = _by_service(request)
        calls = [
            self.make_call(
                request,
                operation="DeleteAssociationsByTag",
                api_version=API_VERSION,
                method="PUT",
                path=f"/{API_VERSION}/resource",
                body={
                    "tagKey": tag.key,
                    "tagValue": tag.value,
                    "serviceType": service_type,
                    "resources": [
                        {"resourceId": ids[name], "serviceType": service_type, "region": region}
                        for name in chunk
                    ],
                },
                resource_ids=chunk,
                tags=[tag],
            )
            for tag in tags
            for (service_type, region), ids in groups.items()
            for chunk in chunked(list(ids), RESOURCES_PER_CALL)
        ]
        notes += [
            "the service unbinds one tag a call, from up to "
            f"{RESOURCES_PER_CALL} resources of one service type",
            "the tags stay defined in the account and on every other resource "
            "(baidu-tag deletes a tag from the whole account)",
        ]
        count = len(request.resource_ids)
        kinds = "/".join(dict.fromkeys(service_type for service_type, _ in groups))
        regions = ", ".join(dict.fromkeys(region for _, region in groups))
        where = f"{count} {kinds} resource(s) in {regions}"
        summary = f"unbind {len(tags)} tag(s) from {where} only"
        return self.make_plan(request, calls, summary=summary, notes=notes)

    def count_calls(self, request: TagRemovalRequest) -> int:
        resources = chunk_count(len(request.resource_ids), RESOURCES_PER_CALL)
        return len(set(request.tags)) * resources

    def read_calls(self, request: TagRemovalRequest) -> list[PlannedCall]:
        """``GET /v1/tag/tagResources``: every tag bound to a resource of this service type
        in this region, with its resources (not paged), so one read covers the request.
        A sweep's is one query by ``where.tag`` (no value: any value) in the request's region,
        of its one service type or, with several, of all (sorted out by `swept`): one call
        however many types are named."""
        params = {"region": request.region or "", "resourceType": request.resource_type or ""}
        if request.where is not None:
            tag, kinds = request.where.tag, request.where.resource_types
            params = {"tagKey": tag.key, "region": request.region or ""}
            if tag.value is not None:
                params["tagValue"] = tag.value
            if len(kinds) == 1:
                params["resourceType"] = kinds[0]
        return [
            self.make_call(
                request,
                kind="read",
                operation="TagsResources",
                api_version=API_VERSION,
                method="GET",
                path=f"/{API_VERSION}/tag/tagResources",
                params=params,
                resource_ids=request.resource_ids,
            )
        ]

    def swept(self, request: TagRemovalRequest, resource_id: str) -> bool:
        kinds = request.where.resource_types if request.where else []
        return not kinds or _split_ref(resource_id)[0] in kinds

    def protected(self, tag: Tag) -> bool:
        return is_default_tag(tag)

    def claims_native(self, payload: Mapping[str, Any]) -> bool:
        return {"tagKey", "serviceType", "resources"} <= set(payload)

    def native_to_canonical(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        errors = unknown_fields(payload, _NATIVE_FIELDS)
        service_type = payload["serviceType"]
        resources = payload["resources"]
        if not isinstance(resources, list) or not resources:
            message = "resources must be a non-empty list of {resourceId, serviceType, region}"
            raise InvalidRequest([*errors, FieldError(("resources",), message, "list_type")])
        for index, item in enumerate(resources):
            errors += _check_native_resource(item, index, service_type, resources[0])
        if errors:
            raise InvalidRequest(errors)
        return {
            "provider": self.name,
            "resource_type": service_type,
            "region": resources[0]["region"],
            "resource_ids": [item["resourceId"] for item in resources],
            "tags": [{"key": payload["tagKey"], "value": payload.get("tagValue")}],
        }


def _check_native_resource(
    item: object, index: int, service_type: object, first: object
) -> list[FieldError]:
    """One entry of the native ``resources``: its fields, its service type (the top-level
    one, as the service requires) and its region (one per request, as in canonical form)."""
    loc = ("resources", index)
    if not isinstance(item, dict) or not {"resourceId", "region"} <= set(item):
        message = "each resource is an object with resourceId, serviceType and region"
        return [FieldError(loc, message, "model_type")]
    errors = unknown_fields(item, _RESOURCE_FIELDS, loc)
    if item.get("serviceType", service_type) != service_type:
        message = f"must equal the top-level serviceType {service_type!r}"
        errors.append(FieldError((*loc, "serviceType"), message, "service_type_mismatch"))
    if isinstance(first, dict) and item["region"] != first.get("region"):
        message = "all resources of one request are in one region; send one request a region"
        errors.append(FieldError((*loc, "region"), message, "region_mismatch"))
    return errors


def _check_service_type(
    service_type: str | None, loc: tuple[str | int, ...] = ("resource_type",)
) -> list[FieldError]:
    if service_type is None:
        message = "the service type of the resources is required (e.g. BCC, CDS, EIP)"
        return [FieldError(loc, message, "missing")]
    if _SERVICE_TYPE.fullmatch(service_type):
        return []
    message = (
        f"{service_type!r} is not a Baidu service type: upper-case letters, digits and '_', "
        "as the tag service spells them (BCC, CDS, EIP, BLB, SECURITY_GROUP)"
    )
    return [FieldError(loc, message, "invalid_resource_type")]


def _check_region(region: str | None) -> list[FieldError]:
    if region is None:
        message = 'region is required (a Baidu region code such as bj, or "global")'
        return [FieldError(("region",), message, "missing")]
    if _REGION.fullmatch(region):
        return []
    message = f'{region!r} is not a Baidu region code (lowercase, e.g. bj, gz, hk02, "global")'
    return [FieldError(("region",), message, "invalid_region")]


def _check_sweep(request: TagRemovalRequest) -> list[FieldError]:
    """A sweep queries one region's index by where.tag's key, which answers that key's
    bindings alone; its service types are where.resource_types."""
    where = request.where
    if where is None:
        return []
    errors = _check_region(request.region)
    if request.resource_type is not None:
        message = "a sweep names its service types in where.resource_types"
        errors.append(FieldError(("resource_type",), message, "conflicting_fields"))
    errors += [
        error
        for index, kind in enumerate(where.resource_types)
        for error in _check_service_type(kind, ("where", "resource_types", index))
    ]
    message = (
        "the tag index lists only where.tag's key: a sweep removes tags of that key "
        f"({where.tag.key!r})"
    )
    errors += [
        FieldError(("tags", index, "key"), message, "not_applicable")
        for index, tag in enumerate(request.tags)
        if tag.key != where.tag.key
    ]
    return errors


def _by_service(request: TagRemovalRequest) -> dict[tuple[str, str], dict[str, str]]:
    """The resources by the service type and region their calls state (the request's, or
    for a sweep each found resource's own): each resource's name in the results, mapped to
    its id in the call."""
    if request.where is None:
        key = (request.resource_type or "", request.region or "")
        return {key: {rid: rid for rid in request.resource_ids}}
    groups: dict[tuple[str, str], dict[str, str]] = {}
    for ref in request.resource_ids:
        service_type, region, resource_id = _split_ref(ref)
        groups.setdefault((service_type, region), {})[ref] = resource_id
    return groups
