"""Sweeps: "remove tag X from everything that carries it", through the vendor's tag index.

A request with ``where`` names no resources: its read phase queries the tag index for the
resources carrying ``where.tag`` (each provider spec builds those reads and reads their
pages), and its removals are planned from what the index returned, as for a selector
(`tagstrip.domain.readphase`). What is removed: the request's ``tags``, or the selector's
matches, or by default ``where.tag`` itself. Pure functions: no I/O here.
"""

from __future__ import annotations

from tagstrip.domain.errors import FieldError
from tagstrip.domain.models import Tag, TagRemovalRequest, Where

__all__ = ["check_where", "describe_where", "named_tags"]

#: Resource types as the three tag services spell them (ecs:instance, vpcs, SECURITY_GROUP).
_TYPE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-:.")


def check_where(request: TagRemovalRequest, *, sweeps: bool, provider: str) -> list[FieldError]:
    """The faults of a request's ``where`` that no provider accepts; [] without one."""
    where = request.where
    if where is None:
        return []
    if not sweeps:
        message = (
            f"{provider} has no tag index to sweep; use aliyun-tag, huawei-tms or "
            "baidu-tag-resource, or list the resources in resource_ids"
        )
        return [FieldError(("where",), message, "not_applicable")]
    errors = [
        FieldError((name,), f"give where or {name}, not both", "conflicting_fields")
        for name, given in (
            ("resource_ids", request.resource_ids),
            ("resources", request.resources),
        )
        if given
    ]
    if not where.tag.key:
        errors.append(FieldError(("where", "tag", "key"), "the key must not be empty", "empty"))
    errors += [
        FieldError(
            ("where", "resource_types", index), f"{kind!r} is not a resource type", "invalid"
        )
        for index, kind in enumerate(where.resource_types)
        if not kind or len(kind) > 64 or not set(kind) <= _TYPE_CHARS
    ]
    first_places: dict[str, int] = {}
    errors += [
        FieldError(("where", "resource_types", index), f"{kind!r} is listed twice", "duplicate")
        for index, kind in enumerate(where.resource_types)
        if index > first_places.setdefault(kind, index)
    ]
    return errors


def named_tags(request: TagRemovalRequest) -> list[Tag]:
    """The tags a request names for removal: its ``tags``, or for a sweep with neither tags
    nor a selector, the tag it sweeps for."""
    if request.tags or request.where is None or request.selector is not None:
        return list(request.tags)
    return [request.where.tag]


def describe_where(where: Where) -> str:
    """The sweep in plain words, for plan summaries."""
    kinds = f" of type {', '.join(where.resource_types)}" if where.resource_types else ""
    return f"every resource{kinds} tagged {where.tag}"
