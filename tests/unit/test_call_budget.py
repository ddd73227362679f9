"""The call budget: every delivery plans at most TAGSTRIP_MAX_CALLS calls, counted up front."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tagstrip.domain import pipeline
from tagstrip.domain.errors import ConfigurationError, InvalidRequest
from tagstrip.domain.models import CallResult, RequestResult, TagRemovalRequest
from tagstrip.domain.outcomes import Accepted, Rejected
from tagstrip.domain.validation import OVER_BUDGET, Validation
from tagstrip.providers import SPECS
from tagstrip.runtime.settings import get_settings
from tagstrip.runtime.wiring import Wiring, validation
from tagstrip.sources.envelopes import adapt_delivery
from tests.sources.helpers import validated
from tests.unit.helpers import BAIDU, ECS, HUAWEI, REDIS

BCC: dict[str, Any] = {"provider": "baidu-bcc", "region": "bj", "resource_ids": ["i-bcc0001"]}
ids = st.lists(
    st.text(alphabet="abcdef0123456789", min_size=4, max_size=10).map(lambda s: f"r-{s}"),
    min_size=1,
    max_size=160,
    unique=True,
)
keys = st.lists(
    st.text(alphabet="abcdefghij0123456789", min_size=1, max_size=10),
    min_size=1,
    max_size=60,
    unique=True,
)


@st.composite
def requests(draw: st.DrawFn) -> TagRemovalRequest:
    """Valid requests of every provider and profile, tags repeated, some with a selector."""
    base = draw(st.sampled_from([ECS, REDIS, HUAWEI, BAIDU, BCC]))
    tag_keys = draw(keys)
    valued = base["provider"] not in ("aliyun-redis",)
    profile = None
    if base is ECS:
        profile = draw(st.sampled_from(["remove-tags", "remove-tags-2018", "untag-resources"]))
        valued = profile != "untag-resources"
    if base is HUAWEI:
        tag_keys = tag_keys[:20]  # a server carries at most 20 tags
    tags = [{"key": k, "value": "v"} if valued else {"key": k} for k in tag_keys]
    tags = tags * draw(st.integers(min_value=1, max_value=3))
    if base is BAIDU:
        tags.append({"key": "Default tag", "value": ""})
    payload: dict[str, Any] = {**base, "tags": tags, "dry_run": True, "api_profile": profile}
    if base is not BAIDU:
        payload["resource_ids"] = draw(ids)
    if base is REDIS and draw(st.booleans()):
        payload |= {"tags": [], "remove_all": True}
    if draw(st.booleans()) and not payload.get("remove_all"):
        payload |= {"tags": [], "selector": {"key_glob": "*"}}
    return validation().request(payload)


@settings(max_examples=200, deadline=None)
@given(request=requests())
def test_the_count_is_the_plan_without_planning(request: TagRemovalRequest) -> None:
    """Counted and planned calls cannot drift apart; a selector counts every resource it reads."""
    plan = validation().plan(request)
    if request.selector is None:
        assert validation().count_calls(request) == len(plan.calls)
    else:
        assert (
            validation().count_calls(request)
            == max(1, len(request.resource_ids))
            >= len(plan.calls)
        )


def ecs(resources: int, tags: int) -> dict[str, Any]:
    return {
        **ECS,
        "resource_ids": [f"i-{n:06d}" for n in range(resources)],
        "tags": [{"key": f"k{n}"} for n in range(tags)],
    }


def refusal(payload: object) -> dict[str, Any]:
    with pytest.raises(InvalidRequest) as caught:
        validation().batch(payload)
    [error] = [error.to_dict() for error in caught.value.errors]
    return error


def test_a_request_within_the_size_limits_may_still_plan_too_many_calls() -> None:
    assert get_settings().max_calls == 1000
    assert len(validation().batch(ecs(resources=500, tags=40))) == 1  # 500 x 2 calls
    error = refusal(ecs(resources=500, tags=41))  # 500 x 3 calls
    assert (error["path"], error["type"]) == ("(root)", "limit_exceeded")
    assert error["message"] == (
        "1500 provider calls planned for one delivery; the limit is 1000 "
        "(set by TAGSTRIP_MAX_CALLS)"
    )


def test_the_budget_is_shared_by_every_request_of_a_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "5")
    assert len(validation().batch([ecs(resources=5, tags=1)])) == 1
    error = refusal([ecs(resources=3, tags=1), ecs(resources=3, tags=1)])
    assert error["message"].startswith("6 provider calls planned for one delivery;")
    assert "the limit is 5 (set by TAGSTRIP_MAX_CALLS)" in error["message"]


def test_a_selector_counts_one_read_per_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its writes are known only once the tags are read, so each resource counts."""
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "50")
    selecting = {**ecs(resources=50, tags=0), "selector": {"key_glob": "*"}}
    assert (
        len(validation().plan(validation().request(selecting)).calls) == 1
    )  # one ListTagResources
    assert len(validation().batch(selecting)) == 1
    more = {**selecting, "resource_ids": [f"i-{n:06d}" for n in range(51)]}
    assert refusal(more)["message"].startswith("51 provider calls")


def result(*outcomes: str, refused: int = 0) -> RequestResult:
    """A request's result: one call per outcome, then `refused` writes over the budget."""
    calls = [CallResult(provider="aliyun-ecs", operation="Any", outcome=o) for o in outcomes]
    calls += [
        CallResult(provider="aliyun-ecs", operation="Any", outcome="failed", error_code=OVER_BUDGET)
    ] * refused
    return RequestResult(
        request_id=None,
        provider="aliyun-ecs",
        status="ok",
        summary="",
        scope="resources",
        calls=calls,
    )


def test_a_selector_may_plan_what_the_rest_of_its_delivery_leaves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counted up front: two reads for the selector, three calls for each explicit request,
    of ten. What a request does not plan passes on to those after it; refused writes were
    never planned."""
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "10")
    selecting = validation().request({**ecs(resources=2, tags=0), "selector": {"key_glob": "*"}})
    explicit = validation().request(ecs(resources=3, tags=1))
    budget = validation().budget([explicit, selecting, explicit])
    assert (budget.left, budget.allowance(explicit), budget.allowance(selecting)) == (2, 5, 4)
    budget.spend(explicit, result("removed", "removed", "removed"))
    assert budget.allowance(selecting) == 4
    budget.spend(selecting, result("read", refused=6))  # one read made: one read unused
    assert budget.allowance(explicit) == 6
    budget.spend(explicit, result("removed", "failed", "removed"))
    assert budget.left == 3


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TAGSTRIP_MAX_CALLS", "0"),
        ("TAGSTRIP_MAX_CALLS", "100001"),
        ("TAGSTRIP_MAX_EVENTS", "0"),
        ("TAGSTRIP_MAX_EVENTS", "10001"),
    ],
)
def test_a_bound_out_of_range_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as caught:
        get_settings()
    assert caught.value.variable == variable


def cloudevent(index: int, request: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"evt-{index}",
        "source": "//tests",
        "type": "tagstrip.request",
        "data": request,
    }


def test_an_array_of_more_events_than_allowed_is_refused_before_any_is_adapted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_EVENTS", "3")
    events = [cloudevent(n, ecs(resources=1, tags=1)) for n in range(3)]
    assert all(isinstance(o, Accepted) for o in validated(adapt_delivery(json.dumps(events))))
    bad = {"specversion": "1.0"}  # adapted, this one would be a rejection of its own
    [outcome] = validated(adapt_delivery(json.dumps([*events, bad])))
    assert isinstance(outcome, Rejected)
    [error] = outcome.error.errors
    assert (error.path, error.type) == ("(root)", "limit_exceeded")
    assert (
        error.message
        == "4 events in one array delivery; the limit is 3 (set by TAGSTRIP_MAX_EVENTS)"
    )


def test_the_events_of_an_array_share_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each event fits alone, together they do not: every event asking for calls is rejected,
    an invalid one keeps its own reason, and the events past the budget are not validated."""
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "4")
    fitting = [cloudevent(n, ecs(resources=2, tags=1)) for n in range(2)]
    assert all(isinstance(o, Accepted) for o in validated(adapt_delivery(json.dumps(fitting))))
    invalid = [cloudevent(n, {"provider": "nowhere"}) for n in (8, 9)]
    delivery = [*fitting, invalid[0], cloudevent(2, ecs(1, 1)), invalid[1]]
    outcomes = validated(adapt_delivery(json.dumps(delivery)))
    assert all(isinstance(o, Rejected) for o in outcomes)
    assert [o.event_id for o in outcomes] == ["evt-0", "evt-1", "evt-8", "evt-2", "evt-9"]
    messages = [str(error) for o in outcomes if isinstance(o, Rejected) for error in o.error.errors]
    budget = "(root): 5 provider calls planned for one delivery; the limit is 4"
    assert [m.startswith(budget) for m in messages] == [True, True, False, True, True]


@dataclass(frozen=True)
class _CountingValidation(Validation):
    """The registry's rules, noting every request whose calls are counted."""

    counted: list[TagRemovalRequest] = field(default_factory=list)

    def count_calls(self, request: TagRemovalRequest) -> int:
        self.counted.append(request)
        return super().count_calls(request)


def test_a_delivery_counts_each_request_once() -> None:
    """The count is asked for at every step (the list, the event, the delivery, each
    request's allowance and spending); it is worked out once per request."""
    settings = get_settings()
    rules = _CountingValidation(SPECS, settings)
    listed = [{**ecs(resources=2, tags=1), "dry_run": True}, {**ecs(1, 1), "dry_run": True}]
    events = [cloudevent(0, listed), cloudevent(1, {**ecs(resources=3, tags=2), "dry_run": True})]
    reports = pipeline.run(adapt_delivery(json.dumps(events)), Wiring(settings, rules))
    assert [report.outcome for report in reports] == ["accepted", "accepted"]
    assert len(rules.counted) == 3
