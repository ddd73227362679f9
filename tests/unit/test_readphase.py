"""The read phase on its own: paging, failed reads, grouping and skipped writes."""

from __future__ import annotations

from typing import Any

from tagstrip.domain.models import CallResult, PlannedCall, Tag
from tagstrip.domain.readphase import TagPage
from tagstrip.providers import spec_for
from tagstrip.runtime.reads import resolve
from tagstrip.runtime.wiring import validation
from tests.unit.helpers import REDIS

IDS = ["r-bp1a", "r-bp1b", "r-bp1c"]


def tags(**pairs: str) -> list[Tag]:
    return [Tag(key=key, value=value) for key, value in pairs.items()]


class Cloud:
    """Answers read calls from a table of pages: (call's NextToken or "") -> page."""

    def __init__(self, pages: dict[str, TagPage | None]) -> None:
        self.pages, self.sent = pages, list[PlannedCall]()

    def exchange(self, call: PlannedCall) -> tuple[CallResult, TagPage | None]:
        self.sent.append(call)
        page = self.pages[call.params.get("NextToken", "")]
        outcome = "read" if page is not None else "failed"
        result = CallResult(provider=call.provider, operation=call.operation, outcome=outcome)
        return result, page


def next_page(first: PlannedCall, token: str) -> PlannedCall:
    return first.model_copy(update={"params": {**first.params, "NextToken": token}})


def run(cloud_pages: Any, **selector: Any) -> tuple[Any, Cloud]:
    request = validation().request(
        {**REDIS, "resource_ids": IDS, "tags": [], "selector": selector or {"key_glob": "tmp-*"}}
    )
    reads = validation().plan(request)
    cloud = Cloud(cloud_pages(reads.calls[0]))
    plan, results = resolve(reads, spec_for("aliyun-redis"), cloud.exchange, concurrency=4)
    return (plan, results), cloud


def test_pages_are_followed_and_equal_removals_share_a_call() -> None:
    def pages(first: PlannedCall) -> dict[str, TagPage | None]:
        return {
            "": TagPage({"r-bp1a": tags(**{"tmp-1": "x", "owner": "me"})}, next_page(first, "t2")),
            "t2": TagPage({"r-bp1b": tags(**{"tmp-1": "y"}), "r-bp1c": tags(env="prod")}),
        }

    (plan, results), cloud = run(pages)
    assert [call.params.get("NextToken") for call in cloud.sent] == [None, "t2"]
    assert [result.outcome for result in results] == ["read", "read"]
    [untag] = plan.calls  # r-bp1a and r-bp1b lose the same key; r-bp1c loses nothing
    assert untag.resource_ids == ["r-bp1a", "r-bp1b"]
    assert untag.params["TagKey.1"] == "tmp-1"
    assert [view.resource_id for view in plan.resources] == IDS
    assert plan.resources[2].remove == []
    assert plan.selection is None


def test_a_failed_page_plans_nothing_for_its_resources() -> None:
    def pages(first: PlannedCall) -> dict[str, TagPage | None]:
        return {"": TagPage({"r-bp1a": tags(**{"tmp-1": "x"})}, next_page(first, "t2")), "t2": None}

    (plan, results), _ = run(pages)
    assert [result.outcome for result in results] == ["read", "failed"]
    assert plan.calls == []
    assert plan.resources == []


def test_nothing_matches_no_write() -> None:
    (plan, _), _ = run(lambda first: {"": TagPage({"r-bp1a": tags(env="prod")})})
    assert plan.calls == []
    assert plan.summary.startswith("remove 0 tag(s)")
    assert [view.current for view in plan.resources] == [tags(env="prod"), [], []]


def test_protected_and_kept_tags_never_reach_a_call() -> None:
    current = tags(**{"acs:rm:rgId": "rg-1", "aliyun-x": "1", "owner": "me", "tmp": "1"})
    (plan, _), _ = run(
        lambda first: {"": TagPage({"r-bp1a": current})}, key_glob="*", keep=["owner"]
    )
    [untag] = plan.calls
    assert [key for name, key in untag.params.items() if name.startswith("TagKey")] == ["tmp"]
    view = plan.resources[0]
    assert [tag.key for tag in view.protected] == ["acs:rm:rgId", "aliyun-x"]
    assert [tag.key for tag in view.kept] == ["owner"]
