"""The read phase of a selector, run: every read call sent (following the vendor's paging),
in parallel up to the deployment's concurrency, and the writes planned from what was read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tagstrip.domain import readphase
from tagstrip.domain.models import CallResult, Plan, PlannedCall, Tag
from tagstrip.domain.readphase import Exchange
from tagstrip.domain.rules import ProviderSpec
from tagstrip.domain.selection import decide
from tagstrip.runtime.concurrency import run_concurrently

__all__ = ["resolve"]


def resolve(
    plan: Plan, spec: ProviderSpec, exchange: Exchange, concurrency: int
) -> tuple[Plan, list[CallResult]]:
    """Run the reads of `plan` (a `plan_reads` plan) and plan the writes they call for."""
    request = plan.selection
    if request is None:
        raise ValueError("resolve() needs the plan of a request with a selector")
    chains = run_concurrently([_chain(call, exchange) for call in plan.calls], concurrency)
    views = [
        decide(request, owner, tags, spec.protected)
        for chain in chains
        for owner, tags in chain.found.items()
    ]
    return readphase.plan_writes(plan, spec, request, views), [r for c in chains for r in c.results]


@dataclass
class _Chain:
    """The pages of one read: every call's result, and the tags of a read that completed."""

    results: list[CallResult] = field(default_factory=list)
    found: dict[str | None, list[Tag]] = field(default_factory=dict)


def _chain(first: PlannedCall, exchange: Exchange) -> Callable[[], _Chain]:
    def read() -> _Chain:
        chain = _Chain()
        found: dict[str | None, list[Tag]] = {rid: [] for rid in first.resource_ids} or {None: []}
        call: PlannedCall | None = first
        while call is not None:
            result, page = exchange(call)
            chain.results.append(result)
            if page is None:  # failed, or the resource is gone: nothing safe to plan from
                return chain
            for owner, tags in page.tags.items():
                if owner in found:
                    found[owner] += tags
            call = page.next_call
        chain.found = found
        return chain

    return read
