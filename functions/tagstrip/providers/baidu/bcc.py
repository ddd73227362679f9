"""Baidu Cloud BCC per-instance tag unbinding: rules, native form, calls.

``PUT /v2/instance/{instanceId}/tag?unbind`` with ``{"changeTags": [{"tagKey", "tagValue"}]}``
unbinds tags from one instance only: the tags stay defined in the account and stay on every
other resource. This is usually what a ticket means, unlike ``baidu-tag``, which deletes a
tag from the whole account. Related disks, EIPs and snapshots are left alone.
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
    chunk_count,
    chunked,
    merge_duplicate_tags,
)
from tagstrip.providers.baidu.tag import TAGS_PER_CALL, check_tag_pairs, is_default_tag

__all__ = ["API_VERSION", "BaiduBcc"]

API_VERSION = "v2"
_NATIVE_FIELDS = frozenset({"changeTags", "instanceId", "region"})


class BaiduBcc(ProviderSpec):
    name: ClassVar[ProviderName] = "baidu-bcc"
    profiles = (API_VERSION,)
    accepts = frozenset({"region", "resource_ids"})

    def check_provider_rules(self, request: TagRemovalRequest) -> list[FieldError]:
        errors = check_region(request.region)
        errors += check_resource_ids(request.resource_ids, what="BCC instance id")
        if not request.tags and request.selector is None:
            message = "at least one tag or a selector is required"
            errors.append(FieldError(("tags",), message, "missing"))
        return errors + check_tag_pairs(
            request.tags, "baidu-bcc unbinds key/value pairs from an instance"
        )

    def plan(self, request: TagRemovalRequest) -> Plan:
        tags, notes = merge_duplicate_tags(request.tags)
        calls = [
            self.make_call(
                request,
                operation="UnbindInstanceTags",
                api_version=API_VERSION,
                method="PUT",
                path=f"/{API_VERSION}/instance/{instance_id}/tag",
                params={"unbind": ""},
                body={"changeTags": [{"tagKey": t.key, "tagValue": t.value} for t in chunk]},
                resource_ids=[instance_id],
                tags=chunk,
            )
            for instance_id in request.resource_ids
            for chunk in chunked(tags, TAGS_PER_CALL)
        ]
        notes.append(
            "the tags stay defined in the account and on every other resource "
            "(related disks, EIPs and snapshots included)"
        )
        where = f"BCC instance(s) {', '.join(request.resource_ids)} in {request.region}"
        summary = f"unbind {len(tags)} tag(s) from {where} only"
        return self.make_plan(request, calls, summary=summary, notes=notes)

    def count_calls(self, request: TagRemovalRequest) -> int:
        return len(request.resource_ids) * chunk_count(len(set(request.tags)), TAGS_PER_CALL)

    def read_calls(self, request: TagRemovalRequest) -> list[PlannedCall]:
        """``GET /v2/instance/{id}``: the instance's details, its tags among them."""
        return [
            self.make_call(
                request,
                kind="read",
                operation="GetInstance",
                api_version=API_VERSION,
                method="GET",
                path=f"/{API_VERSION}/instance/{instance_id}",
                resource_ids=[instance_id],
            )
            for instance_id in request.resource_ids
        ]

    def protected(self, tag: Tag) -> bool:
        return is_default_tag(tag)

    def claims_native(self, payload: Mapping[str, Any]) -> bool:
        return "changeTags" in payload and "instanceId" in payload

    def native_to_canonical(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        errors = unknown_fields(payload, _NATIVE_FIELDS)
        change_tags = payload.get("changeTags")
        if not _is_tag_list(change_tags):
            message = "changeTags must be a list of {tagKey, tagValue} objects"
            errors.append(FieldError(("changeTags",), message, "list_type"))
        if errors or not isinstance(change_tags, list):
            raise InvalidRequest(errors)
        canonical: dict[str, Any] = {
            "provider": self.name,
            "resource_ids": [payload["instanceId"]],
            "tags": [{"key": t.get("tagKey"), "value": t.get("tagValue")} for t in change_tags],
        }
        if "region" in payload:
            canonical["region"] = payload["region"]
        return canonical


def _is_tag_list(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, dict) and set(item) <= {"tagKey", "tagValue"} for item in value
    )
