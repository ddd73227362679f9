"""baidu-tag-resource sweeps through the webhook and the queue: one tagResources query of the
fake cloud's index in the request's region, then one unbind call per service type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import Client, load_event, tags_of
from tests.e2e.sweeps_support import (
    assert_dry_run,
    assert_refused,
    single_result,
    sweep_through_queue,
)

Post = Callable[..., Any]
#: The seed's bj resources carrying tmp-campaign=spring-sale, as the sweep names them.
SPRING = {"BCC:bj:i-Cmp4nBcc": "i-Cmp4nBcc", "CDS:bj:v-Cmp4nCds": "v-Cmp4nCds"}
AUTUMN = "sg-Cmp4nGrp"  # tmp-campaign=autumn-sale, bj
GZ = "eip-Cmp4nGz"  # tmp-campaign=spring-sale, gz
SWEEP = load_event("sweeps/baidu-tag-resource-campaign.json")
DRY = {key: value for key, value in SWEEP.items() if key != "dry_run"}


def campaign(cloud: FakeCloud, resource_id: str) -> str | None:
    return tags_of(cloud, "baidu", resource_id).get("tmp-campaign")


def journal(cloud: FakeCloud) -> list[tuple[str | None, dict[str, Any]]]:
    return [(entry.operation, dict(entry.params)) for entry in cloud.journal.entries()]


def test_a_sweep_is_a_dry_run_listing_every_resource_found(
    post_signed: Post, cloud: FakeCloud
) -> None:
    assert_dry_run(single_result(post_signed(DRY), "dry_run"), SPRING)
    [(operation, params)] = journal(cloud)
    assert operation == "TagsResources"
    assert (params["tagKey"], params["tagValue"], params["region"]) == (
        "tmp-campaign",
        "spring-sale",
        "bj",
    )
    assert all(campaign(cloud, rid) == "spring-sale" for rid in [*SPRING.values(), GZ])


def test_dry_run_false_unbinds_exactly_the_tag_per_service_type(
    post_signed: Post, cloud: FakeCloud
) -> None:
    response = post_signed(SWEEP)
    result = single_result(response, "ok")
    writes = [e for e in cloud.journal.entries() if e.operation == "DeleteAssociationsByTag"]
    assert sorted(entry.resource_ids for entry in writes) == [("i-Cmp4nBcc",), ("v-Cmp4nCds",)]
    assert {entry.outcome for entry in writes} == {"ok"}
    assert tags_of(cloud, "baidu", "i-Cmp4nBcc") == {"team": "web", "Default tag": ""}
    assert tags_of(cloud, "baidu", "v-Cmp4nCds") == {}
    assert campaign(cloud, AUTUMN) == "autumn-sale"
    assert campaign(cloud, GZ) == "spring-sale"
    removed = {view["resource_id"]: view["remove"] for view in result["resources"]}
    assert removed == {ref: [{"key": "tmp-campaign", "value": "spring-sale"}] for ref in SPRING}


def test_any_value_one_type_and_a_selector_seeing_only_the_swept_key(
    post_signed: Post, cloud: FakeCloud
) -> None:
    """No value: the key whatever its value; one type: the index filters by it. The index
    lists only the swept key's bindings, so a selector matches among those alone."""
    where = {"tag": {"key": "tmp-campaign"}, "resource_types": ["BCC"]}
    response = post_signed({**SWEEP, "where": where, "selector": {"key_glob": "*"}})
    assert response.status_code == 200, response.json
    [(_, params), *_] = journal(cloud)
    assert (params["resourceType"], "tagValue" in params) == ("BCC", False)
    assert tags_of(cloud, "baidu", "i-Cmp4nBcc") == {"team": "web", "Default tag": ""}
    assert campaign(cloud, "v-Cmp4nCds") == "spring-sale"


def test_several_types_are_one_query_sorted_out_by_type(
    post_signed: Post, cloud: FakeCloud
) -> None:
    where = {"tag": {"key": "tmp-campaign"}, "resource_types": ["CDS", "SECURITY_GROUP"]}
    response = post_signed({**SWEEP, "where": where})
    assert response.status_code == 200, response.json
    [(_, params), *writes] = journal(cloud)
    assert "resourceType" not in params
    assert len(writes) == 2
    assert campaign(cloud, "v-Cmp4nCds") is None
    assert campaign(cloud, AUTUMN) is None
    assert campaign(cloud, "i-Cmp4nBcc") == "spring-sale"


def test_writes_past_the_call_budget_are_not_sent(
    post_signed: Post, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One read and two writes (two service types) against a budget of two."""
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "2")
    response = post_signed(SWEEP)
    [result] = response.json["results"]
    assert [operation for operation, _ in journal(cloud)] == ["TagsResources"]
    assert {c["error_code"] for c in result["calls"] if c["outcome"] == "failed"} == {
        "limit_exceeded"
    }
    assert all(campaign(cloud, rid) == "spring-sale" for rid in SPRING.values())


def test_the_sample_sweep_through_the_queue(queue_client: Client, cloud: FakeCloud) -> None:
    sweep_through_queue(queue_client, SWEEP)
    assert all(campaign(cloud, rid) is None for rid in SPRING.values())
    assert campaign(cloud, GZ) == "spring-sale"


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"region": None}, "region"),
        ({"resource_type": "BCC"}, "resource_type"),
        ({"resource_ids": ["i-Cmp4nBcc"]}, "resource_ids"),
        ({"where": {"tag": {"key": "k"}, "resource_types": ["bcc"]}}, "where.resource_types.0"),
        ({"tags": [{"key": "tmp-campaign"}]}, "tags.0.value"),
        ({"tags": [{"key": "team", "value": "web"}]}, "tags.0.key"),
    ],
)
def test_bad_sweeps_are_refused_with_a_field_path(
    post_signed: Post, cloud: FakeCloud, changes: dict[str, Any], path: str
) -> None:
    assert_refused(post_signed({**SWEEP, **changes}), path)
    assert len(cloud.journal) == 0
