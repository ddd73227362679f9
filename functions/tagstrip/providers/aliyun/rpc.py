"""Alibaba Cloud RPC-style input shared by ECS and Redis: flattened lists and tag rules.

RPC APIs flatten lists into numbered parameters (``Tag.1.Key``, ``ResourceId.2``); the
helpers here read them back, checking the index range the API documents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from tagstrip.domain.covering import cover, cover_size
from tagstrip.domain.errors import FieldError, InvalidRequest
from tagstrip.domain.models import PlannedCall, Tag, TagRemovalRequest
from tagstrip.domain.rules import ProviderSpec, check_length, chunk_count, chunked

__all__ = [
    "LIST_RESOURCES_PER_CALL",
    "RESERVED_KEY_PREFIXES",
    "check_alibaba_tag",
    "covering_calls",
    "is_reserved",
    "key_only",
    "list_tag_resources",
    "numbered_values",
    "require_strings",
    "untag_resources",
    "untag_resources_count",
]

#: Keys Alibaba reserves for itself; tagstrip never removes them.
RESERVED_KEY_PREFIXES = ("acs:", "aliyun")
_TAG_KEY_CODE = "InvalidTagKey.Malformed"
_TAG_VALUE_CODE = "InvalidTagValue.Malformed"
_LIMIT = 128
#: ListTagResources takes ResourceId.1 to ResourceId.50.
LIST_RESOURCES_PER_CALL = 50

T = TypeVar("T")


def require_strings(payload: Mapping[str, Any], allowed: re.Pattern[str]) -> list[FieldError]:
    """RPC parameters are strings with known names; anything else is reported."""
    errors = []
    for name, value in payload.items():
        if not allowed.fullmatch(name):
            errors.append(FieldError((name,), f"unknown parameter {name!r}", "extra_forbidden"))
        elif not isinstance(value, str):
            message = f"must be a string, got {type(value).__name__}"
            errors.append(FieldError((name,), message, "string_type"))
    return errors


def numbered_values(
    payload: Mapping[str, Any],
    pattern: re.Pattern[str],
    *,
    limit: int,
    code: str,
    what: str,
) -> dict[int, dict[str, str]]:
    """Group ``Name.N[.Field]`` parameters by N, refusing N outside 1..limit.

    `pattern` has groups ``n`` and optionally ``field``. Returns {N: {field: value}}, with
    field "" for flat lists such as ``ResourceId.N``.
    """
    found: dict[int, dict[str, str]] = {}
    errors = []
    for name, value in payload.items():
        match = pattern.fullmatch(name)
        if match is None:
            continue
        n = int(match["n"])
        if not 1 <= n <= limit:
            message = f"{what} index {n} is out of range: valid values of N are 1 to {limit}"
            errors.append(FieldError((name,), message, "too_many", code))
            continue
        field = match.groupdict().get("field") or ""
        found.setdefault(n, {})[field] = str(value)
    if errors:
        raise InvalidRequest(errors)
    return dict(sorted(found.items()))


def check_alibaba_tag(
    tag: Tag,
    index: int,
    *,
    key_code: str = _TAG_KEY_CODE,
    reserved_code: str = _TAG_KEY_CODE,
) -> list[FieldError]:
    """Alibaba's tag rules: key 1..128 characters, value up to 128, no URLs, no reserved keys.
    The codes are the API's own (the Tag API names a system key apart)."""
    key_loc = ("tags", index, "key")
    errors = check_length(
        tag.key, key_loc, "tag key", minimum=1, maximum=_LIMIT, provider_code=key_code
    )
    if tag.key.startswith(RESERVED_KEY_PREFIXES):
        message = (
            f"tag key {tag.key!r} is reserved by Alibaba Cloud (keys starting with "
            "'acs:' or 'aliyun' are system tags); tagstrip never removes them"
        )
        errors.append(FieldError(key_loc, message, "reserved_key", reserved_code))
    errors += _no_url(tag.key, key_loc, "tag key", key_code)
    if tag.value is not None:
        value_loc = ("tags", index, "value")
        errors += check_length(
            tag.value,
            value_loc,
            "tag value",
            minimum=0,
            maximum=_LIMIT,
            provider_code=_TAG_VALUE_CODE,
        )
        errors += _no_url(tag.value, value_loc, "tag value", _TAG_VALUE_CODE)
    return errors


def key_only(tag: Tag, index: int, api: str) -> list[FieldError]:
    """APIs that remove by key refuse a value rather than ignore it: the caller would
    otherwise believe a key-value pair decides what is removed."""
    if tag.value is None:
        return []
    message = (
        f"{api} removes tags by key only; omit the value (a key is removed whatever its value)"
    )
    return [FieldError(("tags", index, "value"), message, "value_not_supported")]


def _no_url(text: str, loc: tuple[str | int, ...], what: str, code: str) -> list[FieldError]:
    if "http://" in text or "https://" in text:
        message = f"{what} must not contain 'http://' or 'https://'"
        return [FieldError(loc, message, "invalid_character", code)]
    return []


def is_reserved(tag: Tag) -> bool:
    """Alibaba's system tags (``acs:`` and ``aliyun`` keys): tagstrip never removes them."""
    return tag.key.startswith(RESERVED_KEY_PREFIXES)


def untag_resources(
    spec: ProviderSpec,
    request: TagRemovalRequest,
    keys: list[Tag],
    *,
    resource_type: str,
    api_version: str,
    limits: tuple[int, int],
) -> list[PlannedCall]:
    """``UntagResources`` (ECS and Redis alike): the fewest calls of at most ``limits`` =
    (resources, keys) that remove every key from every resource (see
    `tagstrip.domain.covering`); no key means ``All=true``, one call per chunk of resources."""
    resource_ids = request.resource_ids
    shapes: list[tuple[list[str], list[Tag]]]
    if keys:
        shapes = covering_calls(resource_ids, keys, limits)
    else:
        shapes = [(chunk, []) for chunk in chunked(resource_ids, limits[0])]
    return [
        spec.make_call(
            request,
            operation="UntagResources",
            api_version=api_version,
            method="POST",
            path="/",
            params={
                "RegionId": str(request.region),
                "ResourceType": resource_type,
                **{f"ResourceId.{n}": rid for n, rid in enumerate(resource_chunk, start=1)},
                **{f"TagKey.{n}": tag.key for n, tag in enumerate(key_chunk, start=1)},
                **({} if key_chunk else {"All": "true"}),
            },
            resource_ids=resource_chunk,
            tags=key_chunk,
        )
        for resource_chunk, key_chunk in shapes
    ]


def untag_resources_count(resources: int, keys: int, limits: tuple[int, int]) -> int:
    """How many calls `untag_resources` makes for that many resources and (unique) keys."""
    return cover_size(resources, keys, limits) if keys else chunk_count(resources, limits[0])


def covering_calls(
    resource_ids: Sequence[str], keys: Sequence[Tag], limits: tuple[int, int]
) -> list[tuple[list[str], list[Tag]]]:
    """The resources and keys of each call of the fewest that pair every resource with
    every key, at most ``limits`` = (resources, keys) a call."""
    return [
        (_pick(resource_ids, resource_runs), _pick(keys, key_runs))
        for resource_runs, key_runs in cover(len(resource_ids), len(keys), limits)
    ]


def _pick(items: Sequence[T], runs: list[range]) -> list[T]:
    """The items at the indexes of `runs`, in order."""
    return [item for run in runs for item in items[run.start : run.stop]]


def list_tag_resources(
    spec: ProviderSpec, request: TagRemovalRequest, *, resource_type: str, api_version: str
) -> list[PlannedCall]:
    """``ListTagResources`` for up to 50 resources a call; later pages follow ``NextToken``."""
    return [
        spec.make_call(
            request,
            kind="read",
            operation="ListTagResources",
            api_version=api_version,
            method="POST",
            path="/",
            params={
                "RegionId": str(request.region),
                "ResourceType": resource_type,
                **{f"ResourceId.{n}": rid for n, rid in enumerate(chunk, start=1)},
            },
            resource_ids=chunk,
        )
        for chunk in chunked(request.resource_ids, LIST_RESOURCES_PER_CALL)
    ]
