"""Baidu Cloud tag service delete: rules, native form, calls.

``PUT /v{version}/tag?delete`` with ``{"tags": [{"tagKey", "tagValue"}]}`` deletes tags from
the whole account and unbinds them from every resource. It takes no resource ids. Absent
tags are skipped by the service; the default tag ("Default tag" with an empty value)
cannot be deleted, so tagstrip skips it instead of sending it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from tagstrip.domain.errors import FieldError, InvalidRequest, unknown_fields
from tagstrip.domain.models import (
    Plan,
    PlannedCall,
    ProviderName,
    SkippedTag,
    Tag,
    TagRemovalRequest,
)
from tagstrip.domain.rules import (
    ProviderSpec,
    check_charset,
    check_length,
    chunk_count,
    chunked,
    merge_duplicate_tags,
)

__all__ = ["DEFAULT_TAG", "TAGS_PER_CALL", "BaiduTag", "check_tag_pairs", "is_default_tag"]

DEFAULT_TAG = Tag(key="Default tag", value="")
#: The service documents a per-request limit (TagExceptions.LimitExceeded) but not its size;
#: 20 tags a call is tagstrip's conservative choice, the ceiling of the other vendors.
TAGS_PER_CALL = 20
#: Baidu's tag rules (console and BCC tag docs): up to 65 characters of letters (any
#: script), digits and ``-_ /.``; a value may be empty.
_MAX_LENGTH = 65
_WORDS = "letters, digits, spaces and '-', '_', '/', '.'"
_NATIVE_FIELDS = frozenset({"tags", "version"})


def _tag_char(ch: str) -> bool:
    return ch.isalnum() or ch in "-_ /."


def is_default_tag(tag: Tag) -> bool:
    """Baidu's default tag, which cannot be deleted; any value of its key is left alone."""
    return tag.key == DEFAULT_TAG.key


class BaiduTag(ProviderSpec):
    name: ClassVar[ProviderName] = "baidu-tag"
    profiles = ("v1",)
    accepts = frozenset[str]()
    scope = "account"

    def why_not_applicable(self, field: str) -> str:
        if field == "resource_ids":
            return (
                "the Baidu tag service deletes a tag from the whole account and unbinds it "
                "from every resource, so it takes no resource ids"
            )
        if field == "region":
            return "the Baidu tag service is global (tag.baidubce.com)"
        return "remove it"

    def check_provider_rules(self, request: TagRemovalRequest) -> list[FieldError]:
        if not request.tags and request.selector is None:
            message = "at least one tag or a selector is required"
            return [FieldError(("tags",), message, "missing", "TagExceptions.TagEmpty")]
        return check_tag_pairs(request.tags, "baidu-tag deletes key/value pairs account-wide")

    def plan(self, request: TagRemovalRequest) -> Plan:
        tags, notes = merge_duplicate_tags(request.tags)
        skipped = [
            SkippedTag(tag=tag, reason="the default tag cannot be deleted; not sent")
            for tag in tags
            if tag == DEFAULT_TAG
        ]
        to_send = [tag for tag in tags if tag != DEFAULT_TAG]
        version = self.profile(request)
        calls = [
            self.make_call(
                request,
                operation="DeleteTags",
                api_version=version,
                method="PUT",
                path=f"/{version}/tag",
                params={"delete": ""},
                body={"tags": [{"tagKey": t.key, "tagValue": t.value} for t in chunk]},
                tags=chunk,
            )
            for chunk in chunked(to_send, TAGS_PER_CALL)
        ]
        notes.append("tags that do not exist are skipped by the service")
        summary = (
            f"delete {len(to_send)} tag(s) from the whole account, unbinding them "
            "from every resource that carries them"
        )
        return self.make_plan(request, calls, summary=summary, notes=notes, skipped=skipped)

    def count_calls(self, request: TagRemovalRequest) -> int:
        """The default tag is never sent, so it costs no call."""
        return chunk_count(len(set(request.tags) - {DEFAULT_TAG}), TAGS_PER_CALL)

    def read_calls(self, request: TagRemovalRequest) -> list[PlannedCall]:
        """``GET /v1/tag``: every tag of the account (the answer is not paged)."""
        version = self.profile(request)
        return [
            self.make_call(
                request,
                kind="read",
                operation="ListTags",
                api_version=version,
                method="GET",
                path=f"/{version}/tag",
            )
        ]

    def protected(self, tag: Tag) -> bool:
        return is_default_tag(tag)

    def claims_native(self, payload: Mapping[str, Any]) -> bool:
        tags = payload.get("tags")
        return (
            isinstance(tags, list)
            and bool(tags)
            and all(isinstance(t, dict) and "tagKey" in t for t in tags)
        )

    def native_to_canonical(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        errors = unknown_fields(payload, _NATIVE_FIELDS)
        version = payload.get("version", "1")
        if version != "1":
            message = "the tag service has API version 1 only"
            errors.append(FieldError(("version",), message, "invalid_version"))
        if errors:
            raise InvalidRequest(errors)
        tags = []
        for index, item in enumerate(payload["tags"]):
            extra = set(item) - {"tagKey", "tagValue"}
            if extra:
                message = f"unknown field(s) {sorted(extra)}"
                raise InvalidRequest([FieldError(("tags", index), message, "extra_forbidden")])
            tags.append({"key": item["tagKey"], "value": item.get("tagValue")})
        return {"provider": self.name, "tags": tags}


def check_tag_pairs(tags: Sequence[Tag], why_value: str) -> list[FieldError]:
    """Baidu's key and value rules, for APIs that name a tag by key and value: `why_value`
    tells, when a value is missing, why this API needs one."""
    return [error for index, tag in enumerate(tags) for error in _check_tag(tag, index, why_value)]


def _check_tag(tag: Tag, index: int, why_value: str) -> list[FieldError]:
    key_loc, value_loc = ("tags", index, "key"), ("tags", index, "value")
    if tag.key == "":
        return [
            FieldError(key_loc, "tag key must not be empty", "empty", "TagExceptions.TagKeyEmpty")
        ]
    errors = check_length(
        tag.key,
        key_loc,
        "tag key",
        minimum=1,
        maximum=_MAX_LENGTH,
        provider_code="TagExceptions.TagKeyInvalid",
    )
    errors += check_charset(
        tag.key, key_loc, "tag key", _tag_char, _WORDS, "TagExceptions.TagKeyInvalid"
    )
    if tag.value is None:
        message = f'{why_value}, so a value is required (use "" for a tag with an empty value)'
        return [*errors, FieldError(value_loc, message, "missing")]
    errors += check_length(
        tag.value,
        value_loc,
        "tag value",
        minimum=0,
        maximum=_MAX_LENGTH,
        provider_code="TagExceptions.TagValueInvalid",
    )
    errors += check_charset(
        tag.value, value_loc, "tag value", _tag_char, _WORDS, "TagExceptions.TagValueInvalid"
    )
    return errors
