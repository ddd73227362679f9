"""Plans: complete, within each API's limits, and as few calls as those limits allow."""

from __future__ import annotations

from collections import Counter
from math import ceil
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tagstrip.domain.models import Plan
from tests.unit.helpers import BAIDU, ECS, HUAWEI, REDIS, plan_of

keys = st.text(alphabet="abcdefghij-_0123456789", min_size=1, max_size=12)
resource_ids = st.lists(
    st.text(alphabet="abcdef0123456789", min_size=4, max_size=10).map(lambda s: f"r-{s}"),
    min_size=1,
    max_size=120,
    unique=True,
)


def pairs(plan: Plan) -> Counter[tuple[str, str]]:
    return Counter(
        (rid, tag.key)
        for call in plan.calls
        for rid in call.resource_ids or ["*"]
        for tag in call.tags
    )


@settings(max_examples=60, deadline=None)
@given(
    ids=resource_ids.map(lambda ids: ids[:8]),
    tag_keys=st.lists(keys, min_size=1, max_size=45, unique=True),
    profile=st.sampled_from(["remove-tags", "remove-tags-2018"]),
    repeats=st.integers(min_value=1, max_value=3),
)
def test_ecs_plans_are_minimal(
    ids: list[str], tag_keys: list[str], profile: str, repeats: int
) -> None:
    limit = {"remove-tags": 20, "remove-tags-2018": 5}[profile]
    tags = [{"key": k} for k in tag_keys] * repeats
    plan = plan_of(ECS, resource_ids=ids, tags=tags, api_profile=profile)
    assert len(plan.calls) == len(ids) * ceil(len(tag_keys) / limit)
    assert all(len(call.tags) <= limit and len(call.resource_ids) == 1 for call in plan.calls)
    assert pairs(plan) == Counter((rid, k) for rid in ids for k in tag_keys)


@settings(max_examples=60, deadline=None)
@given(ids=resource_ids, tag_keys=st.lists(keys, min_size=0, max_size=45, unique=True))
def test_redis_plans_are_minimal(ids: list[str], tag_keys: list[str]) -> None:
    plan = plan_of(REDIS, resource_ids=ids, tags=[{"key": k} for k in tag_keys], remove_all=True)
    key_calls = max(1, ceil(len(tag_keys) / 20))
    assert len(plan.calls) == ceil(len(ids) / 50) * key_calls
    assert all(len(c.resource_ids) <= 50 and len(c.tags) <= 20 for c in plan.calls)
    assert pairs(plan) == Counter((rid, k) for rid in ids for k in tag_keys)
    covered = Counter(rid for call in plan.calls for rid in call.resource_ids)
    assert covered == Counter(dict.fromkeys(ids, key_calls))


@settings(max_examples=60, deadline=None)
@given(
    ids=resource_ids.map(lambda ids: ids[:6]),
    tag_keys=st.lists(keys, min_size=1, max_size=20, unique=True),
)
def test_huawei_plans_are_minimal(ids: list[str], tag_keys: list[str]) -> None:
    plan = plan_of(HUAWEI, resource_ids=ids, tags=[{"key": k} for k in tag_keys])
    assert len(plan.calls) == len(ids) * ceil(len(tag_keys) / 10)
    assert all(call.body is not None and len(call.body["tags"]) <= 10 for call in plan.calls)
    assert pairs(plan) == Counter((rid, k) for rid in ids for k in tag_keys)


@pytest.mark.usefixtures("allow_account_scope")
@settings(max_examples=60, deadline=None)
@given(
    tags=st.lists(st.tuples(keys, st.sampled_from(["", "a", "b"])), min_size=1, max_size=70),
    with_default=st.booleans(),
)
def test_baidu_plans_are_minimal(tags: list[tuple[str, str]], with_default: bool) -> None:
    body: list[dict[str, Any]] = [{"key": k, "value": v} for k, v in tags]
    if with_default:
        body.append({"key": "Default tag", "value": ""})
    plan = plan_of(BAIDU, tags=body)
    distinct = set(tags)
    assert len(plan.calls) == ceil(len(distinct) / 20)
    sent = [(t["tagKey"], t["tagValue"]) for c in plan.calls if c.body for t in c.body["tags"]]
    assert sorted(sent) == sorted(distinct)
    assert len(plan.skipped) == int(with_default)


def test_dry_run_is_carried_into_the_plan() -> None:
    assert plan_of(ECS, dry_run=True).dry_run is True
    assert plan_of(ECS).dry_run is False


def test_plan_is_plain_json() -> None:
    plan = plan_of(HUAWEI, id="T-9")
    again = Plan.model_validate_json(plan.model_dump_json())
    assert again == plan
    assert plan.model_dump(mode="json")["request_id"] == "T-9"
