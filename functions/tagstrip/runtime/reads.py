"""The read phase of a selector or a sweep, run: every read call sent (following the
vendor's paging), in parallel up to the deployment's concurrency, and the writes planned from
what was read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tagstrip.domain import readphase
from tagstrip.domain.models import CallResult, Plan, PlannedCall, ResourceRef, Tag
from tagstrip.domain.readphase import Exchange
from tagstrip.domain.rules import ProviderSpec
from tagstrip.domain.selection import decide
from tagstrip.domain.validation import OVER_BUDGET
from tagstrip.runtime.concurrency import run_concurrently

__all__ = ["resolve"]


def resolve(
    plan: Plan,
    spec: ProviderSpec,
    exchange: Exchange,
    concurrency: int,
    allowance: int | None = None,
) -> tuple[Plan, list[CallResult]]:
    """Run the reads of `plan` (a `plan_reads` plan) and plan the writes they call for.

    A sweep's reads are the tag index's pages, as many as it holds: each read chain stops
    at `allowance` calls, its next page reported failed for the budget (`OVER_BUDGET`) and
    nothing planned from a listing left incomplete."""
    request = plan.selection
    if request is None:
        raise ValueError("resolve() needs the plan of a request with a selector or a sweep")
    sweep = request.where is not None
    chains = run_concurrently(
        [_chain(call, exchange, sweep, allowance) for call in plan.calls], concurrency
    )
    views = [
        decide(request, owner, tags, spec.protected)
        for chain in chains
        for owner, tags in chain.found.items()
        if not sweep or (owner is not None and spec.swept(request, owner))
    ]
    refs = {rid: ref for chain in chains for rid, ref in chain.refs.items()}
    writes = readphase.plan_writes(plan, spec, request, views, refs)
    return writes, [r for c in chains for r in c.results]


@dataclass
class _Chain:
    """The pages of one read: every call's result, and the tags (and the resources' types
    and projects, where the index names them) of a read that completed."""

    results: list[CallResult] = field(default_factory=list)
    found: dict[str | None, list[Tag]] = field(default_factory=dict)
    refs: dict[str, ResourceRef] = field(default_factory=dict)


def _chain(
    first: PlannedCall, exchange: Exchange, sweep: bool, limit: int | None
) -> Callable[[], _Chain]:
    """The pages of one read; a sweep's pages name the resources, a selector's only those
    it asked for."""

    def read() -> _Chain:
        chain = _Chain()
        found: dict[str | None, list[Tag]] = {}
        refs: dict[str, ResourceRef] = {}
        if not sweep:
            found = {rid: [] for rid in first.resource_ids} or {None: []}
        call: PlannedCall | None = first
        while call is not None:
            if sweep and limit is not None and len(chain.results) >= limit:
                chain.results.append(_over_budget(call, limit))
                return chain
            result, page = exchange(call)
            chain.results.append(result)
            if page is None:  # failed, or the resource is gone: nothing safe to plan from
                return chain
            for owner, tags in page.tags.items():
                if sweep or owner in found:
                    found.setdefault(owner, []).extend(tags)
            refs.update(page.refs)
            call = page.next_call
        chain.found, chain.refs = found, refs
        return chain

    return read


def _over_budget(call: PlannedCall, limit: int) -> CallResult:
    """The next index page of a sweep that has read all the calls it may make."""
    message = (
        f"not sent: the tag index has more pages than the {limit} calls this request may "
        "make; nothing is removed from a partial listing (narrow where, or raise the budget)"
    )
    return CallResult(
        provider=call.provider,
        operation=call.operation,
        outcome="failed",
        error_code=OVER_BUDGET,
        error_message=message,
    )
