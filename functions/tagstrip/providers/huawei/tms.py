"""Huawei Cloud Tag Management Service (TMS) batch delete: rules, native form, calls.

``POST /v1.0/resource-tags/batch-delete`` with ``{"project_id", "resources": [{"resource_id",
"resource_type"}], "tags": [{"key", "value"}]}`` removes tags from resources of any service.
TMS is a global service: one endpoint, no region; a regional resource is named by the
``project_id`` in the body, one per call, so a plan makes one series of calls per project.
The current docs allow 50 resources a call, the SDK's description 20: plans keep to 20. Both
allow 10 tags a resource a call. The answer lists the resources it could not untag.

A sweep (``where``) reads the tag index, ``POST /v1.0/resource-instances/filter`` with
``{"project_id"?, "resource_types", "tags": [{"key", "values"}], "offset", "limit"}``
(``resource_types`` and ``tags`` required, ``limit`` 1..200), paged by ``offset`` up to the
answer's ``total_count``; each resource found comes with its type and project, which its
batch delete names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple

from tagstrip.domain.errors import FieldError, InvalidRequest, unknown_fields
from tagstrip.domain.models import Plan, PlannedCall, ProviderName, Tag, TagRemovalRequest
from tagstrip.domain.rules import (
    RESOURCE_ID_PATTERN,
    ProviderSpec,
    check_resource_ids,
    check_unique_keys,
    chunk_count,
    chunked,
    merge_duplicate_tags,
)
from tagstrip.providers.huawei.tagrules import (
    SYSTEM_KEY_PREFIX,
    check_tag,
    project_id_errors,
    wire_tag,
)

__all__ = ["API_VERSION", "FILTER_PAGE_SIZE", "RESOURCES_PER_CALL", "TAGS_PER_CALL", "HuaweiTms"]

API_VERSION = "v1.0"
PATH = "/v1.0/resource-tags/batch-delete"
FILTER_PATH = "/v1.0/resource-instances/filter"
#: ListResource: limit is 200 by default and at most (SDK model and docs); the most saves calls.
FILTER_PAGE_SIZE = 200
#: The SDK (3.1.219) says 20 resources a call, the current docs 50: the smaller holds for both.
RESOURCES_PER_CALL = 20
TAGS_PER_CALL = 10
_KEY_MAX, _VALUE_MAX = 36, 43
#: Resource types as TMS spells them: ecs, disk, vpcs, security-groups, DNS-public_zone.
_RESOURCE_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
#: Types of regional services among the docs' examples: their calls need a project id.
REGIONAL_TYPES = frozenset(
    {"ecs", "disk", "vpcs", "security-groups", "eip", "images", "scaling_group", "shared_bandwidth"}
)
_NATIVE_FIELDS = frozenset({"project_id", "resources", "tags"})
#: The vendor's codes (its error-code table) for the rules checked here.
_KEY_INVALID, _VALUE_INVALID, _TAGS_EMPTY = "TMS.0009", "TMS.0010", "TMS.0012"
_PROJECT_INVALID, _TYPE_INVALID = "TMS.2011", "TMS.5027"


class Target(NamedTuple):
    """One resource of a request, with the project its call names (None: a global service)."""

    id: str
    type: str
    project_id: str | None


class HuaweiTms(ProviderSpec):
    name: ClassVar[ProviderName] = "huawei-tms"
    profiles = ("batch-delete-resource-tags",)
    accepts = frozenset({"resource_type", "resource_ids", "project_id", "resources"})
    sweeps = True

    def why_not_applicable(self, field: str) -> str:
        if field == "region":
            return (
                "TMS is a global service; a regional resource is named by its project_id "
                "(set TAGSTRIP_HUAWEI_TMS_ENDPOINT to reach another site)"
            )
        return "remove it"

    def check_provider_rules(self, request: TagRemovalRequest) -> list[FieldError]:
        errors = _check_targets(request) if request.where is None else _check_sweep(request)
        if request.project_id is not None:
            errors += project_id_errors(request.project_id, ("project_id",), _PROJECT_INVALID)
        unique, _ = merge_duplicate_tags(request.tags)
        if not unique and request.selector is None and request.where is None:
            message = "at least one tag or a selector is required"
            errors.append(FieldError(("tags",), message, "missing", _TAGS_EMPTY))
        for index, tag in enumerate(request.tags):
            errors += _check_tag(tag, index)
        return errors + check_unique_keys(request.tags, provider_code=_KEY_INVALID)

    def plan(self, request: TagRemovalRequest) -> Plan:
        tags, notes = merge_duplicate_tags(request.tags)
        notes.append(
            "a resource TMS cannot untag is reported on its own; the call's other resources "
            "are untagged"
        )
        calls = [
            self.make_call(
                request,
                operation="DeleteResourceTag",
                api_version=API_VERSION,
                method="POST",
                path=PATH,
                body=_body(project_id, batch, chunk),
                resource_ids=[target.id for target in batch],
                tags=chunk,
            )
            for project_id, targets in _by_project(request).items()
            for batch in chunked(targets, RESOURCES_PER_CALL)
            for chunk in chunked(tags, TAGS_PER_CALL)
        ]
        targets = _targets(request)
        summary = f"unbind {len(tags)} tag(s) from {len(targets)} resource(s) through TMS"
        return self.make_plan(request, calls, summary=summary, notes=notes)

    def count_calls(self, request: TagRemovalRequest) -> int:
        tag_chunks = chunk_count(len(set(request.tags)), TAGS_PER_CALL)
        return sum(
            chunk_count(len(targets), RESOURCES_PER_CALL) * tag_chunks
            for targets in _by_project(request).values()
        )

    def read_calls(self, request: TagRemovalRequest) -> list[PlannedCall]:
        """ShowResourceTag, one resource a call (the answer is not paged); a sweep's is one
        ListResource query of the index, its pages following ``offset``."""
        if request.where is not None:
            tag = request.where.tag
            body: dict[str, Any] = (
                {} if request.project_id is None else {"project_id": request.project_id}
            )
            body |= {
                "resource_types": request.where.resource_types,
                "tags": [{"key": tag.key, "values": [] if tag.value is None else [tag.value]}],
                "offset": 0,
                "limit": FILTER_PAGE_SIZE,
            }
            call = self.make_call(
                request,
                kind="read",
                operation="ListResource",
                api_version=API_VERSION,
                method="POST",
                path=FILTER_PATH,
                body=body,
                resource_ids=[],
            )
            return [call]
        return [
            self.make_call(
                request,
                kind="read",
                operation="ShowResourceTag",
                api_version="v2.0",
                method="GET",
                path=f"/v2.0/resources/{target.id}/tags",
                params={"resource_type": target.type}
                | ({} if target.project_id is None else {"project_id": target.project_id}),
                resource_ids=[target.id],
            )
            for target in _targets(request)
        ]

    def protected(self, tag: Tag) -> bool:
        return tag.key.startswith(SYSTEM_KEY_PREFIX)

    def claims_native(self, payload: Mapping[str, Any]) -> bool:
        resources = payload.get("resources")
        return (
            isinstance(resources, list)
            and "tags" in payload
            and any(isinstance(item, Mapping) and "resource_type" in item for item in resources)
        )

    def native_to_canonical(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        errors = unknown_fields(payload, _NATIVE_FIELDS)
        resources: list[Any] = []
        for index, item in enumerate(payload["resources"]):
            if not isinstance(item, Mapping) or set(item) != {"resource_id", "resource_type"}:
                message = "each resource is an object with resource_id and resource_type only"
                errors.append(FieldError(("resources", index), message, "invalid_resource"))
            else:
                resources.append({"id": item["resource_id"], "type": item["resource_type"]})
        if errors:
            raise InvalidRequest(errors)
        canonical = {"provider": self.name, "resources": resources, "tags": payload["tags"]}
        if "project_id" in payload:
            canonical["project_id"] = payload["project_id"]
        return canonical


def _targets(request: TagRemovalRequest) -> list[Target]:
    """The request's resources, from either form. The write phase of a selector narrows
    `resources` to the `resource_ids` that lose tags (a caller may not give both)."""
    if not request.resources:
        kind = request.resource_type or ""
        return [Target(rid, kind, request.project_id) for rid in request.resource_ids]
    chosen = set(request.resource_ids)
    return [
        Target(item.id, item.type, item.project_id or request.project_id)
        for item in request.resources
        if not chosen or item.id in chosen
    ]


def _by_project(request: TagRemovalRequest) -> dict[str | None, list[Target]]:
    """One project a call: the targets grouped by project, in the order given."""
    groups: dict[str | None, list[Target]] = {}
    for target in _targets(request):
        groups.setdefault(target.project_id, []).append(target)
    return groups


def _body(project_id: str | None, batch: list[Target], tags: list[Tag]) -> dict[str, Any]:
    body: dict[str, Any] = {} if project_id is None else {"project_id": project_id}
    body["resources"] = [{"resource_id": t.id, "resource_type": t.type} for t in batch]
    body["tags"] = [wire_tag(tag) for tag in tags]
    return body


def _check_sweep(request: TagRemovalRequest) -> list[FieldError]:
    """The index query needs the resource types, TMS types, and the project_id when one
    of them is a regional service's; the tag must be one TMS can hold."""
    where = request.where
    if where is None:
        return []
    errors: list[FieldError] = []
    if not where.resource_types:
        message = "TMS's index is queried by resource type: list them (ecs, disk, vpcs, ...)"
        errors.append(FieldError(("where", "resource_types"), message, "missing", _TYPE_INVALID))
    for index, kind in enumerate(where.resource_types):
        errors += _check_target(
            Target("", kind, request.project_id), ("where", "resource_types", index), None
        )
    tag_errors = _check_tag(where.tag, 0)
    return errors + [
        FieldError(("where", "tag", *error.loc[2:]), error.message, error.type, error.provider_code)
        for error in tag_errors
    ]


def _check_targets(request: TagRemovalRequest) -> list[FieldError]:
    """Either `resources`, or `resource_type` with `resource_ids`; each well formed, each
    resource once, and a project wherever a regional type needs one."""
    if request.resources and (request.resource_ids or request.resource_type is not None):
        message = "give either resources or resource_type with resource_ids, not both"
        field = "resource_ids" if request.resource_ids else "resource_type"
        return [FieldError((field,), message, "conflicting_fields")]
    if not request.resources:
        id_errors = check_resource_ids(request.resource_ids, what="resource id")
        if request.resource_type is None:
            message = "resource_type is required with resource_ids (or list resources instead)"
            return [*id_errors, FieldError(("resource_type",), message, "missing", _TYPE_INVALID)]
        return id_errors + _check_target(
            Target("", request.resource_type, request.project_id), ("resource_type",), None
        )
    errors: list[FieldError] = []
    first_places: dict[str, int] = {}
    for index, item in enumerate(request.resources):
        target = Target(item.id, item.type, item.project_id or request.project_id)
        errors += _check_target(target, ("resources", index, "type"), ("resources", index))
        if item.project_id is not None:
            loc = ("resources", index, "project_id")
            errors += project_id_errors(item.project_id, loc, _PROJECT_INVALID)
        if index > first_places.setdefault(item.id, index):
            message = f"{item.id!r} is listed more than once"
            errors.append(FieldError(("resources", index, "id"), message, "duplicate_resource_id"))
    return errors


def _check_target(
    target: Target, type_loc: tuple[str | int, ...], item_loc: tuple[str | int, ...] | None
) -> list[FieldError]:
    errors: list[FieldError] = []
    if item_loc is not None and not RESOURCE_ID_PATTERN.fullmatch(target.id):
        message = (
            f"{target.id!r} is not a valid resource id (letters, digits, '-', '_', '.'; "
            "at most 128 characters)"
        )
        errors.append(FieldError((*item_loc, "id"), message, "invalid_resource_id"))
    if not _RESOURCE_TYPE.fullmatch(target.type):
        message = (
            f"{target.type!r} is not a TMS resource type (case-sensitive, e.g. ecs, disk, vpcs)"
        )
        errors.append(FieldError(type_loc, message, "invalid_resource_type", _TYPE_INVALID))
    elif target.type in REGIONAL_TYPES and target.project_id is None:
        message = f"{target.type} resources are regional: TMS needs their project_id"
        loc = ("project_id",) if item_loc is None else (*item_loc, "project_id")
        errors.append(FieldError(loc, message, "missing", _PROJECT_INVALID))
    return errors


def _check_tag(tag: Tag, index: int) -> list[FieldError]:
    return check_tag(
        tag,
        index,
        key_max=_KEY_MAX,
        value_max=_VALUE_MAX,
        key_code=_KEY_INVALID,
        value_code=_VALUE_INVALID,
    )
