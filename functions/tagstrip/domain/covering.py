"""The fewest calls that remove every one of T keys from every one of R resources.

APIs such as Alibaba's ``UntagResources`` remove a set of keys from a set of resources in
one call, at most A resources and B keys a call. Cutting both lists into chunks (the grid)
wastes calls when both overflow; `cover` plans the lower bound exactly, each call's items
in at most two ranges. Why it always fits: docs/covering.md.
"""

from __future__ import annotations

from itertools import accumulate
from math import gcd

__all__ = ["Call", "cover", "cover_size"]

#: One call: its resources and its keys, as ascending ranges of indexes.
Call = tuple[list[range], list[range]]


def cover(resources: int, keys: int, limits: tuple[int, int]) -> list[Call]:
    """The fewest calls, each within `limits` = (resources, keys) a call, that together pair
    every resource index in ``range(resources)`` with every key index in ``range(keys)``."""
    per_call, keys_per_call = limits
    n = cover_size(resources, keys, limits)
    if not n:
        return []
    d = next(
        d
        for d in range(1, n + 1)
        if resources * d <= n * per_call and keys * _ceil(n, d) <= n * keys_per_call
    )
    e = _ceil(n, d)
    p, w = n // gcd(n, e), e // gcd(n, e)
    resource_calls = _windows(_placed(resources, n, d, n), [(c - d + 1) % n for c in range(n)], d)
    key_calls = _windows(_placed(keys, n, w, p), [c * w % p for c in range(n)], w)
    return list(zip(resource_calls, key_calls, strict=True))


def cover_size(resources: int, keys: int, limits: tuple[int, int]) -> int:
    """How many calls `cover` makes: the larger of the two lower bounds (none for nothing)."""
    per_call, keys_per_call = limits
    if not resources or not keys:
        return 0
    k, m = _ceil(keys, keys_per_call), _ceil(resources, per_call)
    return max(_ceil(resources * k, per_call), _ceil(keys * m, keys_per_call))


def _placed(count: int, runs: int, step: int, places: int) -> list[int]:
    """Items at each place round a circle of `places`: `count` items cut into `runs` runs
    (sizes differing by at most one, larger first), run t put at place t*step mod places."""
    size, larger = divmod(count, runs)
    totals = [0] * places
    for t in range(runs):
        totals[t * step % places] += size + (t < larger)
    return totals


def _windows(totals: list[int], firsts: list[int], width: int) -> list[list[range]]:
    """Per call, the items at `width` consecutive places (cyclically) from its first place, as
    ascending ranges; items are numbered place by place."""
    bounds = list(accumulate(totals, initial=0))
    places, count = len(totals), bounds[-1]
    calls = []
    for first in firsts:
        last = first + width
        if last <= places:
            calls.append([range(bounds[first], bounds[last])])
        elif bounds[last - places] == bounds[first]:
            calls.append([range(count)])
        else:
            wrapped = (range(bounds[last - places]), range(bounds[first], count))
            calls.append([part for part in wrapped if part])
    return calls


def _ceil(a: int, b: int) -> int:
    return -(-a // b)
