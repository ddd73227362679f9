"""UntagResources planning: every shape covered in the fewest calls, within both limits.

The expected count is the lower bound that holds for any plan (each resource needs
ceil(T/B) calls, each key ceil(R/A) calls), computed here and not by the planner; for tiny
limits an exhaustive search confirms that no plan does better.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations

import pytest

from tagstrip.domain.covering import Call, cover

#: The default request limits (TAGSTRIP_MAX_RESOURCES, TAGSTRIP_MAX_TAGS).
MAX_RESOURCES, MAX_TAGS = 500, 200


def ceil(a: int, b: int) -> int:
    return -(-a // b)


def lower_bound(resources: int, keys: int, limits: tuple[int, int]) -> int:
    per_call, keys_per_call = limits
    in_calls, key_in_calls = ceil(keys, keys_per_call), ceil(resources, per_call)
    return max(ceil(resources * in_calls, per_call), ceil(keys * key_in_calls, keys_per_call))


def indexes(runs: list[range]) -> list[int]:
    return [index for run in runs for index in run]


def check(resources: int, keys: int, limits: tuple[int, int]) -> list[Call]:
    """The plan, once checked: the bound's count, no call empty or over a limit, indexes in
    order and in range, and every (resource, key) pair in some call."""
    calls = cover(resources, keys, limits)
    shape = (resources, keys, limits)
    assert len(calls) == lower_bound(resources, keys, limits), shape
    got = [0] * resources
    for resource_runs, key_runs in calls:
        ids, tags = indexes(resource_runs), indexes(key_runs)
        assert 0 < len(ids) <= limits[0], shape
        assert 0 < len(tags) <= limits[1], shape
        assert ids == sorted(set(ids)), shape
        assert tags == sorted(set(tags)), shape
        assert ids[0] >= 0, shape
        assert ids[-1] < resources, shape
        assert tags[0] >= 0, shape
        assert tags[-1] < keys, shape
        mask = sum((1 << run.stop) - (1 << run.start) for run in key_runs)
        for index in ids:
            got[index] |= mask
    assert got == [(1 << keys) - 1] * resources, shape
    return calls


@pytest.mark.parametrize(
    ("limits", "most_resources", "most_keys"),
    [
        ((50, 20), 200, 60),
        ((5, 4), 50, 40),  # the request limits scaled down: 10 x A resources, 10 x B keys
        ((3, 7), 30, 70),
        ((7, 3), 70, 30),
        ((1, 1), 8, 8),
    ],
)
def test_every_shape_is_covered_in_the_fewest_calls(
    limits: tuple[int, int], most_resources: int, most_keys: int
) -> None:
    for resources in range(1, most_resources + 1):
        for keys in range(1, most_keys + 1):
            check(resources, keys, limits)


def test_shapes_up_to_the_request_limits() -> None:
    for resources in [*range(1, MAX_RESOURCES, 9), MAX_RESOURCES - 1, MAX_RESOURCES]:
        for keys in [*range(1, MAX_TAGS, 4), MAX_TAGS - 1, MAX_TAGS]:
            check(resources, keys, (50, 20))


def exact_minimum(resources: int, keys: int, limits: tuple[int, int]) -> int:
    """The fewest calls by exhaustive search: the first uncovered (resource, key) pair is
    covered by some call, which may as well be full, so try each full call holding it."""
    width, height = min(limits[0], resources), min(limits[1], keys)
    full_calls = [
        sum(1 << (r * keys + k) for r in rows for k in columns)
        for rows in combinations(range(resources), width)
        for columns in combinations(range(keys), height)
    ]

    @cache
    def coverable(left: int, calls: int) -> bool:
        if not left:
            return True
        if left.bit_count() > calls * width * height:
            return False
        pair = (left & -left).bit_length() - 1
        return any(coverable(left & ~c, calls - 1) for c in full_calls if c >> pair & 1)

    fewest = 0
    while not coverable((1 << (resources * keys)) - 1, fewest):
        fewest += 1
    return fewest


@pytest.mark.parametrize(
    ("limits", "most_resources", "most_keys"),
    [((2, 2), 5, 5), ((3, 2), 7, 4), ((2, 3), 4, 7), ((3, 3), 5, 5)],
)
def test_the_bound_is_the_true_minimum_for_small_limits(
    limits: tuple[int, int], most_resources: int, most_keys: int
) -> None:
    for resources in range(1, most_resources + 1):
        for keys in range(1, most_keys + 1):
            shape = (resources, keys, limits)
            assert exact_minimum(resources, keys, limits) == len(check(*shape)), shape


def test_75_resources_and_30_keys_take_3_calls_not_4() -> None:
    assert check(75, 30, (50, 20)) == [
        ([range(0, 25), range(50, 75)], [range(0, 20)]),
        ([range(0, 50)], [range(0, 10), range(20, 30)]),
        ([range(25, 75)], [range(10, 30)]),
    ]


def test_the_grid_when_it_is_the_fewest() -> None:
    assert check(100, 40, (50, 20)) == [
        ([range(0, 50)], [range(0, 20)]),
        ([range(0, 50)], [range(20, 40)]),
        ([range(50, 100)], [range(0, 20)]),
        ([range(50, 100)], [range(20, 40)]),
    ]


def test_one_list_within_its_limit_gives_balanced_chunks_of_the_other() -> None:
    assert check(30, 45, (50, 20)) == [
        ([range(0, 30)], [range(0, 15)]),
        ([range(0, 30)], [range(15, 30)]),
        ([range(0, 30)], [range(30, 45)]),
    ]
    assert check(120, 20, (50, 20)) == [
        ([range(0, 40)], [range(0, 20)]),
        ([range(40, 80)], [range(0, 20)]),
        ([range(80, 120)], [range(0, 20)]),
    ]


def test_nothing_to_cover_needs_no_call() -> None:
    assert cover(0, 5, (50, 20)) == []
    assert cover(5, 0, (50, 20)) == []
