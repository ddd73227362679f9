"""Baidu tag service delete (account-wide) and BCC instance unbind, with every error row."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tagstrip_testkit.fakecloud import FakeCloud

from . import vendors


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


def tags_of(cloud: FakeCloud, resource_id: str) -> dict[str, str]:
    return cloud.backends.baidu.resources[resource_id].tags


def test_delete_is_account_wide(seeded_cloud: FakeCloud) -> None:
    """Deleting project=legacy-crm unbinds it from every instance and disk carrying it."""
    response = vendors.delete_tags(seeded_cloud, [{"tagKey": "project", "tagValue": "legacy-crm"}])
    assert response.status_code == 200
    assert all("project" not in r.tags for r in seeded_cloud.backends.baidu.resources.values())
    assert ("project", "legacy-crm") not in seeded_cloud.backends.baidu.tags
    assert seeded_cloud.journal.entries()[-1].result == [("project", "legacy-crm")]


def test_absent_tags_and_the_default_tag_are_skipped(seeded_cloud: FakeCloud) -> None:
    tags = [
        {"tagKey": "never", "tagValue": "there"},
        {"tagKey": "Default tag", "tagValue": ""},
        {"tagKey": "key1", "tagValue": "value1"},
    ]
    assert vendors.delete_tags(seeded_cloud, tags).status_code == 200
    assert seeded_cloud.journal.entries()[-1].result == [("key1", "value1")]
    assert ("Default tag", "") in seeded_cloud.backends.baidu.tags


def test_a_tag_no_resource_carries_can_be_deleted(seeded_cloud: FakeCloud) -> None:
    assert (
        vendors.delete_tags(seeded_cloud, [{"tagKey": "unused", "tagValue": "tag"}]).status_code
        == 200
    )
    assert ("unused", "tag") not in seeded_cloud.backends.baidu.tags


def test_the_value_must_match(seeded_cloud: FakeCloud) -> None:
    vendors.delete_tags(seeded_cloud, [{"tagKey": "key1", "tagValue": "other"}])
    assert tags_of(seeded_cloud, "i-YufwpQAe")["key1"] == "value1"


ERRORS: list[tuple[Any, int, str]] = [
    ([{"tagKey": "bad*key", "tagValue": "v"}], 400, "TagExceptions.TagKeyInvalid"),
    ([{"tagKey": "k" * 66, "tagValue": "v"}], 400, "TagExceptions.TagKeyInvalid"),
    ([{"tagKey": "k", "tagValue": "bad|value"}], 400, "TagExceptions.TagValueInvalid"),
    ([{"tagKey": "k", "tagValue": "v" * 66}], 400, "TagExceptions.TagValueInvalid"),
    ([{"tagKey": "", "tagValue": "v"}], 400, "TagExceptions.TagKeyEmpty"),
    ([{"tagValue": "v"}], 400, "TagExceptions.TagKeyEmpty"),
    ([], 400, "TagExceptions.TagEmpty"),
    ([{"tagKey": f"k{n}", "tagValue": "v"} for n in range(21)], 413, "TagExceptions.LimitExceeded"),
]


@pytest.mark.parametrize(("tags", "status", "code"), ERRORS, ids=lambda v: str(v)[:30])
def test_delete_errors(seeded_cloud: FakeCloud, tags: Any, status: int, code: str) -> None:
    assert_error(vendors.delete_tags(seeded_cloud, tags), status, code)
    assert tags_of(seeded_cloud, "i-YufwpQAe")["project"] == "legacy-crm"


def test_missing_tag_list_is_tag_empty(seeded_cloud: FakeCloud) -> None:
    assert_error(
        vendors.baidu(seeded_cloud, "/v1/tag", "delete", {}), 400, "TagExceptions.TagEmpty"
    )


def test_twenty_tags_and_names_with_spaces_slashes_dots_are_accepted(
    seeded_cloud: FakeCloud,
) -> None:
    tags = [{"tagKey": f"team a/b.{n}", "tagValue": "值-1_x"} for n in range(20)]
    assert vendors.delete_tags(seeded_cloud, tags).status_code == 200


def test_malformed_json(seeded_cloud: FakeCloud) -> None:
    response = vendors.baidu(seeded_cloud, "/v1/tag", "delete", b"{nope")
    assert_error(response, 400, "MalformedJSON")


def test_unknown_version_and_operation(seeded_cloud: FakeCloud) -> None:
    body = {"tags": [{"tagKey": "k", "tagValue": "v"}]}
    assert_error(vendors.baidu(seeded_cloud, "/v2/tag", "delete", body), 404, "InvalidVersion")
    assert_error(vendors.baidu(seeded_cloud, "/v1/tag", "create", body), 400, "InvalidURI")


def unbind(cloud: FakeCloud, instance: str, body: Any, query: str = "unbind") -> httpx.Response:
    return vendors.baidu(cloud, f"/v2/instance/{instance}/tag", query, body)


def test_bcc_unbind_touches_one_instance_only(seeded_cloud: FakeCloud) -> None:
    body = {"changeTags": [{"tagKey": "project", "tagValue": "legacy-crm"}]}
    response = unbind(seeded_cloud, "i-YufwpQAe", body)
    assert response.status_code == 200
    assert response.headers["x-bce-request-id"]
    assert "project" not in tags_of(seeded_cloud, "i-YufwpQAe")
    assert tags_of(seeded_cloud, "v-Nq3jxkSm")["project"] == "legacy-crm"
    assert tags_of(seeded_cloud, "i-8Kp2xQ1z")["project"] == "legacy-crm"
    assert ("project", "legacy-crm") in seeded_cloud.backends.baidu.tags


def test_bcc_unbind_can_include_related_resources(seeded_cloud: FakeCloud) -> None:
    body = {
        "changeTags": [{"tagKey": "project", "tagValue": "legacy-crm"}],
        "attachRelatedResourceTag": True,
    }
    assert unbind(seeded_cloud, "i-YufwpQAe", body).status_code == 200
    assert "project" not in tags_of(seeded_cloud, "v-Nq3jxkSm")
    assert tags_of(seeded_cloud, "i-8Kp2xQ1z")["project"] == "legacy-crm"


def test_bcc_unbind_errors(seeded_cloud: FakeCloud) -> None:
    body = {"changeTags": [{"tagKey": "k", "tagValue": "v"}]}
    assert_error(unbind(seeded_cloud, "i-missing", body), 404, "NoSuchObject")
    assert_error(unbind(seeded_cloud, "i-YufwpQAe", body, query="bind"), 400, "InvalidURI")
    assert_error(
        unbind(seeded_cloud, "i-YufwpQAe", {"changeTags": []}), 400, "TagExceptions.TagEmpty"
    )
    assert_error(
        unbind(seeded_cloud, "i-YufwpQAe", {"changeTags": ["x"]}), 400, "InappropriateJSON"
    )
