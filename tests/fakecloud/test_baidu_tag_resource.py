"""Baidu tag service per resource: ``PUT /v1/resource`` (unbind one tag from listed resources
of one service type) and ``GET /v1/tag/tagResources``, signed by bce-python-sdk, with every
error row."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tagstrip_testkit.fakecloud import FakeCloud, KeyPair

from . import vendors
from .test_baidu import assert_error, tags_of


def resource(rid: str, service_type: str = "CDS", region: str = "bj") -> dict[str, str]:
    return {"resourceId": rid, "serviceType": service_type, "region": region}


def body(*resources: dict[str, str], key: str = "project", value: str = "legacy-crm") -> Any:
    service_type = resources[0]["serviceType"] if resources else "CDS"
    return {
        "tagKey": key,
        "tagValue": value,
        "serviceType": service_type,
        "resources": list(resources),
    }


def unbind(cloud: FakeCloud, payload: Any) -> httpx.Response:
    return vendors.baidu(cloud, "/v1/resource", "", payload)


def test_unbinds_from_the_listed_resources_only(seeded_cloud: FakeCloud) -> None:
    response = unbind(seeded_cloud, body(resource("v-Nq3jxkSm"), resource("v-7Hd2kLq0")))
    assert response.status_code == 200
    assert (response.content, bool(response.headers["x-bce-request-id"])) == (b"", True)
    assert "project" not in tags_of(seeded_cloud, "v-Nq3jxkSm")
    assert "project" not in tags_of(seeded_cloud, "v-7Hd2kLq0")
    assert tags_of(seeded_cloud, "i-YufwpQAe")["project"] == "legacy-crm"
    assert tags_of(seeded_cloud, "v-7Hd2kLq0")["team"] == "web"
    assert ("project", "legacy-crm") in seeded_cloud.backends.baidu.tags
    entry = seeded_cloud.journal.entries()[-1]
    assert (entry.provider, entry.operation) == ("baidu-tag-resource", "DeleteAssociationsByTag")
    assert entry.resource_ids == ("v-Nq3jxkSm", "v-7Hd2kLq0")
    assert entry.result == {
        "v-Nq3jxkSm": {"project": "legacy-crm"},
        "v-7Hd2kLq0": {"project": "legacy-crm"},
    }


@pytest.mark.parametrize(
    "target",
    [
        resource("v-Nq3jxkSm", "BCC"),  # another service type
        resource("v-Nq3jxkSm", "CDS", "gz"),  # another region
        resource("v-missing"),  # no such resource
    ],
    ids=["type", "region", "missing"],
)
def test_a_resource_not_there_is_left_alone(seeded_cloud: FakeCloud, target: Any) -> None:
    assert unbind(seeded_cloud, body(target)).status_code == 200
    assert tags_of(seeded_cloud, "v-Nq3jxkSm")["project"] == "legacy-crm"
    assert seeded_cloud.journal.entries()[-1].result == {}


def test_the_value_must_match(seeded_cloud: FakeCloud) -> None:
    assert unbind(seeded_cloud, body(resource("v-Nq3jxkSm"), value="other")).status_code == 200
    assert tags_of(seeded_cloud, "v-Nq3jxkSm")["project"] == "legacy-crm"


def test_limit_on_resources_a_call(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.seed({"baidu": {"resources_per_request": 2}})
    many = [resource(f"v-{n}") for n in range(3)]
    assert_error(unbind(seeded_cloud, body(*many)), 413, "TagExceptions.LimitExceeded")
    assert unbind(seeded_cloud, body(*many[:2])).status_code == 200


ERRORS: list[tuple[Any, int, str]] = [
    (body(resource("v-1"), key=""), 400, "TagExceptions.TagKeyEmpty"),
    ({**body(resource("v-1")), "tagKey": None}, 400, "TagExceptions.TagKeyEmpty"),
    (body(resource("v-1"), key="bad*key"), 400, "TagExceptions.TagKeyInvalid"),
    (body(resource("v-1"), value="v" * 66), 400, "TagExceptions.TagValueInvalid"),
    ({k: v for k, v in body(resource("v-1")).items() if k != "tagValue"}, 400, "InappropriateJSON"),
    ({**body(resource("v-1")), "serviceType": ""}, 400, "InappropriateJSON"),
    (body(), 400, "InappropriateJSON"),
    ({**body(resource("v-1")), "resources": "v-1"}, 400, "InappropriateJSON"),
    ({**body(resource("v-1")), "resources": ["v-1"]}, 400, "InappropriateJSON"),
    ({**body(resource("v-1")), "serviceType": "BCC"}, 400, "InappropriateJSON"),
    (body({"resourceId": "v-1", "serviceType": "CDS"}), 400, "InappropriateJSON"),
    (b"{nope", 400, "MalformedJSON"),
]


@pytest.mark.parametrize(("payload", "status", "code"), ERRORS, ids=lambda v: str(v)[:40])
def test_unbind_errors(seeded_cloud: FakeCloud, payload: Any, status: int, code: str) -> None:
    assert_error(unbind(seeded_cloud, payload), status, code)
    assert tags_of(seeded_cloud, "v-Nq3jxkSm")["project"] == "legacy-crm"


def test_wrong_version_and_method(seeded_cloud: FakeCloud) -> None:
    response = vendors.baidu(seeded_cloud, "/v2/resource", "", body(resource("v-1")))
    assert_error(response, 404, "InvalidVersion")
    response = vendors.baidu(seeded_cloud, "/v1/resource", "", body(resource("v-1")), method="POST")
    assert response.status_code == 404


def test_a_wrong_signature_is_refused(seeded_cloud: FakeCloud) -> None:
    key = KeyPair(seeded_cloud.credentials.baidu.access_key_id, "wrong")
    response = vendors.baidu(seeded_cloud, "/v1/resource", "", body(resource("v-1")), key=key)
    assert_error(response, 400, "SignatureDoesNotMatch")


def bound(cloud: FakeCloud, query: str) -> list[dict[str, Any]]:
    response = vendors.baidu(cloud, "/v1/tag/tagResources", query, None, method="GET")
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()["tagResources"]
    return listed


def test_tag_resources_lists_each_tag_with_its_resources(seeded_cloud: FakeCloud) -> None:
    [entry] = bound(seeded_cloud, "tagKey=tmp-owner")
    assert entry == {
        "tagKey": "tmp-owner",
        "tagValue": "alice",
        "resources": [{"resourceType": "EIP", "resourceId": "eip-gz01abcd", "region": "gz"}],
    }


def test_tag_resources_filters_by_type_and_region(seeded_cloud: FakeCloud) -> None:
    listed = bound(seeded_cloud, "tagKey=project&region=bj&resourceType=CDS")
    assert [[r["resourceId"] for r in e["resources"]] for e in listed] == [
        ["v-Nq3jxkSm", "v-7Hd2kLq0"]
    ]
    assert bound(seeded_cloud, "tagKey=project&region=gz&resourceType=CDS") == []
    every = {
        (e["tagKey"], r["resourceId"]) for e in bound(seeded_cloud, "") for r in e["resources"]
    }
    assert ("tmp-owner", "eip-gz01abcd") in every
    assert ("Default tag", "i-SeLq9mZ2") in every


def test_tag_resources_empty_value_means_only_the_empty_value(seeded_cloud: FakeCloud) -> None:
    assert [e["tagKey"] for e in bound(seeded_cloud, "tagValue=")] == ["Default tag"]
    assert bound(seeded_cloud, "tagKey=unused") == []  # a tag bound to nothing is left out
