"""Selectors in two phases: read the resources' tags, then plan the removals from what was read.

`plan_reads` is the plan of a request with a selector or a sweep (``where``): the first read
call of each resource (or batch of resources), or the tag-index query of a sweep, with the
request kept in `Plan.selection`. The executor sends those
calls (`tagstrip.runtime.reads`), sorts every resource's tags with `decide`, and hands what
is left to remove to `plan_writes`, which asks the provider spec for the write calls: its
per-call limits and value rules apply as for explicit tags, and a resource where nothing
matches costs no write call at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tagstrip.domain.errors import ProviderError
from tagstrip.domain.models import (
    CallResult,
    Plan,
    PlannedCall,
    ResourceRef,
    ResourceTags,
    Tag,
)
from tagstrip.domain.models import TagRemovalRequest as Request
from tagstrip.domain.rules import ProviderSpec
from tagstrip.domain.selection import describe
from tagstrip.domain.sweep import describe_where, named_tags

__all__ = ["Exchange", "TagPage", "plan_reads", "plan_writes", "unexpected_answer"]


@dataclass(frozen=True)
class TagPage:
    """What one read call returned: the tags by resource id (None: the account), the call
    that fetches the next page when the vendor said there is one, and for a tag index that
    names each resource's type and project, those (its writes need them)."""

    tags: dict[str | None, list[Tag]]
    next_call: PlannedCall | None = None
    refs: dict[str, ResourceRef] = field(default_factory=dict)


def unexpected_answer(call: PlannedCall, status: int, problem: object) -> ProviderError:
    """A read answered in a shape tagstrip cannot read: a failure, never guessed around."""
    message = f"unexpected answer to {call.operation}: {problem}"
    return ProviderError(message, provider=call.provider, status_code=status)


#: Sends one call (with the executor's retries) and returns its result and, for a read
#: that succeeded, the page it read.
Exchange = Callable[[PlannedCall], tuple[CallResult, TagPage | None]]


def plan_reads(spec: ProviderSpec, request: Request) -> Plan:
    """The read phase of a request with a selector or a sweep; its writes are planned by
    `resolve`."""
    notes = [
        "the tags are read first: only tags the resource carries are removed, explicit "
        "tags it lacks are reported absent, and nothing is written where nothing matches",
        "the vendor's reserved or system tags are never removed",
    ]
    if request.where is not None:
        notes.insert(0, "the resources are what the vendor's tag index lists, read page by page")
    summary = f"read the tags of {_targets(request)}, then remove {_what(request)}"
    plan = spec.make_plan(request, spec.read_calls(request), summary=summary, notes=notes)
    return plan.model_copy(update={"selection": request})


def plan_writes(
    reads: Plan,
    spec: ProviderSpec,
    request: Request,
    views: list[ResourceTags],
    refs: Mapping[str, ResourceRef] | None = None,
) -> Plan:
    """The writes of a read phase (`views`: what it found): one spec plan per set of
    resources that lose the same tags, merged into one plan. `refs`: the types and projects
    a sweep's index gave, passed on as the writes' `resources`."""
    refs = refs or {}
    groups: dict[tuple[Tag, ...], list[str]] = {}
    for view in views:
        if view.remove:
            tags = tuple(dict.fromkeys(spec.removal_tag(request, tag) for tag in view.remove))
            groups.setdefault(tags, []).extend([view.resource_id] if view.resource_id else [])
    plans = [
        spec.plan(
            request.model_copy(
                update={"tags": list(tags), "resource_ids": ids}
                | ({"resources": [refs[rid] for rid in ids if rid in refs]} if refs else {})
            )
        )
        for tags, ids in groups.items()
    ]
    removing = sum(len(view.remove) for view in views)
    summary = f"remove {removing} tag(s): {_what(request)}, from {_targets(request)}"
    return reads.model_copy(
        update={
            "summary": summary,
            "calls": [call for plan in plans for call in plan.calls],
            "skipped": [item for plan in plans for item in plan.skipped],
            "notes": list(dict.fromkeys(reads.notes + [n for p in plans for n in p.notes])),
            "selection": None,
            "resources": views,
        }
    )


def _what(request: Request) -> str:
    """Which tags the request removes, in plain words."""
    named = ", ".join(map(str, dict.fromkeys(named_tags(request))))
    if request.selector is None:
        return named
    what = f"those {describe(request.selector)}"
    return f"{what}, and {named}" if named else what


def _targets(request: Request) -> str:
    if request.where is not None:
        where = f" in {request.region}" if request.region else ""
        return describe_where(request.where) + where
    if not request.resource_ids:
        return "the whole account"
    where = f" in {request.region}" if request.region else ""
    return f"{', '.join(request.resource_ids)}{where}"
