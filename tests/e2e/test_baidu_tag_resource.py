"""baidu-tag-resource end to end: the real app (webhook, queue) and handler() as Baidu CFC
calls it -> validation and plan -> bce-auth-v1 calls -> the seeded fake cloud's state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import Client, load_event, tags_of
from tests.e2e.sweeps_support import single_result

Post = Callable[..., Any]
DISKS = load_event("canonical/baidu-tag-resource-cds.json")


def test_webhook_unbinds_from_the_listed_resources_only(
    post_signed: Post, cloud: FakeCloud
) -> None:
    """No account-scope consent needed: the tag stays on the instance and in the account."""
    result = single_result(post_signed(DISKS), "ok")
    assert (result["scope"], result["request_id"]) == ("resources", "OPS-118")
    assert [call["outcome"] for call in result["calls"]] == ["removed"]
    for disk in ("v-Nq3jxkSm", "v-7Hd2kLq0"):
        assert "project" not in tags_of(cloud, "baidu", disk)
    assert tags_of(cloud, "baidu", "i-YufwpQAe")["project"] == "legacy-crm"
    assert tags_of(cloud, "baidu", "eip-gz01abcd")["project"] == "legacy-crm"
    assert {"key": "project", "value": "legacy-crm"} in cloud.state()["baidu"]["tags"]
    [entry] = cloud.journal.entries(provider="baidu-tag-resource")
    assert (entry.operation, entry.signature, entry.outcome) == (
        "DeleteAssociationsByTag",
        "bce-auth-v1",
        "ok",
    )


def test_webhook_takes_the_native_body(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed(load_event("native/baidu-tag-resource-delete-associations.json"))
    assert response.status_code == 200, response.json
    assert tags_of(cloud, "baidu", "eip-gz01abcd") == {"project": "legacy-crm", "team": "net"}


def test_webhook_dry_run_makes_no_call(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed({**DISKS, "dry_run": True})
    assert (response.status_code, response.json["status"]) == (200, "dry_run")
    assert len(cloud.journal) == 0


def test_selector_reads_once_then_removes_what_matches(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed(load_event("selectors/baidu-tag-resource-tmp-glob.json"))
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    assert [(c["operation"], c["outcome"]) for c in result["calls"]] == [
        ("TagsResources", "read"),
        ("DeleteAssociationsByTag", "removed"),
    ]
    assert tags_of(cloud, "baidu", "v-7Hd2kLq0") == {"project": "legacy-crm", "team": "web"}
    assert [tag["key"] for r in result["resources"] for tag in r["remove"]] == ["tmp-snap"]


def test_invalid_request_is_a_located_400(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed({**DISKS, "resource_type": "cds", "region": None})
    assert response.status_code == 400
    errors = {error["path"]: error["type"] for error in response.json["errors"]}
    assert errors == {"resource_type": "invalid_resource_type", "region": "missing"}
    assert len(cloud.journal) == 0


def test_a_refused_call_is_reported_for_its_resources(post_signed: Post, cloud: FakeCloud) -> None:
    cloud.seed({"baidu": {"resources_per_request": 1}})
    response = post_signed(DISKS)
    assert response.status_code == 502, response.json
    [call] = response.json["results"][0]["calls"]
    assert (call["outcome"], call["error_code"], call["resource_ids"]) == (
        "failed",
        "TagExceptions.LimitExceeded",
        ["v-Nq3jxkSm", "v-7Hd2kLq0"],
    )
    assert tags_of(cloud, "baidu", "v-Nq3jxkSm")["project"] == "legacy-crm"


def test_queue_delivery_is_carried_out(queue_client: Client, cloud: FakeCloud) -> None:
    response = queue_client.post("/", json=DISKS)
    assert response.status_code == 200, response.json
    assert "project" not in tags_of(cloud, "baidu", "v-7Hd2kLq0")


def test_cfc_handler_event_context(cloud: FakeCloud, main: Any) -> None:
    """Baidu CFC calls handler(event, context) with the parsed event."""
    result = main.handler(load_event("native/baidu-tag-resource-delete-associations.json"), None)
    assert result["events"][0]["status"] == "ok"
    assert "tmp-owner" not in tags_of(cloud, "baidu", "eip-gz01abcd")
