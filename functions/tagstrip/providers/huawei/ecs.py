"""Huawei Cloud ECS batch tag delete: rules, native form, calls.

``POST /v1/{project_id}/cloudservers/{server_id}/tags/action`` with
``{"action": "delete", "tags": [...]}``. Idempotent: deleting an absent tag succeeds.
A server carries at most 20 tags; the API definition takes at most 10 tags a call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from tagstrip.domain.errors import FieldError, InvalidRequest, unknown_fields
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
from tagstrip.providers.huawei.tagrules import (
    SYSTEM_KEY_PREFIX,
    check_tag,
    project_id_errors,
    wire_tag,
)

__all__ = ["API_VERSION", "MAX_TAGS_PER_SERVER", "TAGS_PER_CALL", "HuaweiEcs"]

API_VERSION = "v1"
MAX_TAGS_PER_SERVER = 20
#: The vendor's API definition allows 1..10 tags per batch-delete call.
TAGS_PER_CALL = 10
_KEY_MAX, _VALUE_MAX = 128, 255
_NATIVE_FIELDS = frozenset({"action", "tags", "project_id", "server_id", "region"})


class HuaweiEcs(ProviderSpec):
    name: ClassVar[ProviderName] = "huawei-ecs"
    profiles = ("batch-delete-server-tags",)
    accepts = frozenset({"region", "resource_type", "resource_ids", "project_id"})

    def check_provider_rules(self, request: TagRemovalRequest) -> list[FieldError]:
        errors = check_region(request.region)
        errors += _check_project_id(request.project_id)
        if request.resource_type not in (None, "server"):
            message = f"huawei-ecs removes tags from servers only; got {request.resource_type!r}"
            errors.append(FieldError(("resource_type",), message, "invalid_resource_type"))
        errors += check_resource_ids(request.resource_ids, what="server id")
        unique, _ = merge_duplicate_tags(request.tags)
        if not unique and request.selector is None:
            message = "at least one tag or a selector is required"
            errors.append(FieldError(("tags",), message, "missing"))
        elif len(unique) > MAX_TAGS_PER_SERVER:
            message = (
                f"{len(unique)} tags given, but a Huawei ECS server carries at most "
                f"{MAX_TAGS_PER_SERVER}"
            )
            errors.append(FieldError(("tags",), message, "too_many"))
        for index, tag in enumerate(request.tags):
            errors += _check_tag(tag, index)
        return errors + check_unique_keys(request.tags)

    def plan(self, request: TagRemovalRequest) -> Plan:
        tags, notes = merge_duplicate_tags(request.tags)
        notes.append("deleting a tag the server does not carry succeeds (the API is idempotent)")
        calls = [
            self.make_call(
                request,
                operation="BatchDeleteServerTags",
                api_version=API_VERSION,
                method="POST",
                path=f"/v1/{request.project_id}/cloudservers/{server_id}/tags/action",
                body={"action": "delete", "tags": [wire_tag(tag) for tag in chunk]},
                resource_ids=[server_id],
                tags=chunk,
            )
            for server_id in request.resource_ids
            for chunk in chunked(tags, TAGS_PER_CALL)
        ]
        where = f"server(s) {', '.join(request.resource_ids)} in {request.region}"
        return self.make_plan(
            request, calls, summary=f"unbind {len(tags)} tag(s) from {where}", notes=notes
        )

    def count_calls(self, request: TagRemovalRequest) -> int:
        return len(request.resource_ids) * chunk_count(len(set(request.tags)), TAGS_PER_CALL)

    def read_calls(self, request: TagRemovalRequest) -> list[PlannedCall]:
        """ShowServerTags, one server a call (the answer is not paged)."""
        return [
            self.make_call(
                request,
                kind="read",
                operation="ShowServerTags",
                api_version=API_VERSION,
                method="GET",
                path=f"/v1/{request.project_id}/cloudservers/{server_id}/tags",
                resource_ids=[server_id],
            )
            for server_id in request.resource_ids
        ]

    def protected(self, tag: Tag) -> bool:
        return tag.key.startswith(SYSTEM_KEY_PREFIX)

    def claims_native(self, payload: Mapping[str, Any]) -> bool:
        return "action" in payload and "server_id" in payload

    def native_to_canonical(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        errors = unknown_fields(payload, _NATIVE_FIELDS)
        if payload.get("action") != "delete":
            message = "action must be 'delete' (lowercase letters only)"
            errors.append(FieldError(("action",), message, "invalid_action"))
        tags = payload.get("tags")
        if not isinstance(tags, list):
            errors.append(FieldError(("tags",), "tags must be a list of objects", "list_type"))
        if errors:
            raise InvalidRequest(errors)
        canonical: dict[str, Any] = {
            "provider": self.name,
            "tags": tags,
            "resource_ids": [payload["server_id"]],
        }
        for field in ("project_id", "region"):
            if field in payload:
                canonical[field] = payload[field]
        return canonical


def _check_project_id(project_id: str | None) -> list[FieldError]:
    if project_id is None:
        return [FieldError(("project_id",), "project_id is required for huawei-ecs", "missing")]
    return project_id_errors(project_id, ("project_id",))


def _check_tag(tag: Tag, index: int) -> list[FieldError]:
    return check_tag(tag, index, key_max=_KEY_MAX, value_max=_VALUE_MAX)
