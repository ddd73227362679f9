"""The fewest calls that remove every one of T keys from every one of R resources.

APIs such as Alibaba's ``UntagResources`` remove a set of keys from a set of resources in
one call, at most A resources and B keys a call. Cutting the resources into chunks of A and
the keys into chunks of B (the grid, ceil(R/A) * ceil(T/B) calls) wastes calls when both
lists overflow: 75 resources x 30 keys fit in 3 calls of 50 x 20, not 4.

Lower bound, for any plan. A call names at most B keys, so each resource is in at least
k = ceil(T/B) calls, and n calls hold at most n*A resources: n >= ceil(R*k/A). Likewise
each key is in at least m = ceil(R/A) calls: n >= ceil(T*m/B). (The area bound
ceil(R*T/(A*B)) is never larger, as T/B <= k.) `cover` always makes exactly n calls, n the
larger of the two bounds, so every shape is planned minimally, and no call is empty
(dropping one would leave a plan below the bound).

Construction. Put the n calls round a circle and pick d, e with d*e >= n. Each resource is
in a window of d consecutive calls; each key in e calls spaced evenly round the circle
(calls t + floor(i*n/e), i < e), whose gaps are at most ceil(n/e) <= d, so every window
holds one of them: each resource shares a call with each key. For balance, resources and
keys are cut into n runs of consecutive items, sizes differing by at most one, larger runs
first; resource run t takes the window starting at call t*d mod n and key run t the spacing
turned by t. The windows follow one another round the circle and s consecutive calls hold
at most ceil(s*e/n) evenly spaced ones, so a call gets at most ceil(R*d/n) resources and
ceil(T*e/n) keys. Any d with R*d <= n*A and T*ceil(n/d) <= n*B therefore fits, and one
exists: the bounds give floor(n*A/R) >= k and floor(n*B/T) >= m, and n <= k*m (the grid is
a plan), so d = min(n, floor(n*A/R)) has ceil(n/d) <= m. The smallest d is used, naming
each resource in as few calls as possible.

Numbering. Items are numbered so that each call's items are at most two ranges: resource
runs in order of their window's first call; key runs in order of t*w mod p, where
p = n/gcd(n, e) (the spacing repeats after p turns) and w = e/gcd(n, e). Then call c's key
runs sit at places c*w .. c*w + w - 1 (mod p), since w*floor(i*p/w) = -(i*p mod w) (mod p)
and i*p mod w runs through 0..w-1 (w and p are coprime). So R <= A or T <= B give plain
chunks (of balanced sizes), R = m*A with T = k*B gives the grid, and items keep their order
inside each call.
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
