"""Huawei ECS batch tag delete: idempotent 204s, the seed's key/value rules, nested errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tagstrip_testkit.fakecloud import FakeCloud

from . import vendors

PROJECT = "0605767ea3000fd42f0cc00a2fa4d5d8"
SERVER = "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8"


def delete(cloud: FakeCloud, tags: Any, action: str = "delete") -> httpx.Response:
    return vendors.server_tags_action(cloud, PROJECT, SERVER, {"action": action, "tags": tags})


def server_tags(cloud: FakeCloud) -> dict[str, str]:
    return cloud.backends.huawei_ecs.show_server_tags(PROJECT, SERVER)


def assert_ecs_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {
        "error": {"code": code, "message": response.json()["error"]["message"]}
    }
    assert response.headers["X-Request-Id"]


def test_sample_request_deletes_matching_pairs(seeded_cloud: FakeCloud) -> None:
    """The seed document's example: key2=value3 matches; both go, 204 with no body."""
    response = delete(
        seeded_cloud, [{"key": "key1", "value": "value1"}, {"key": "key2", "value": "value3"}]
    )
    assert response.status_code == 204
    assert response.content == b""
    assert server_tags(seeded_cloud) == {"cost-center": "cc-1042", "env": "prod"}


def test_key_without_value_deletes_whatever_value(seeded_cloud: FakeCloud) -> None:
    assert delete(seeded_cloud, [{"key": "cost-center"}]).status_code == 204
    assert "cost-center" not in server_tags(seeded_cloud)


def test_delete_is_idempotent(seeded_cloud: FakeCloud) -> None:
    for _ in range(2):
        assert (
            delete(seeded_cloud, [{"key": "absent"}, {"key": "env", "value": "other"}]).status_code
            == 204
        )
    assert server_tags(seeded_cloud)["env"] == "prod"


def test_limits_from_the_seed_are_accepted(seeded_cloud: FakeCloud) -> None:
    long_ok = [{"key": "k" * 128, "value": "v." * 127 + "v"}, {"key": "中文-键_1", "value": ""}]
    assert delete(seeded_cloud, long_ok).status_code == 204
    assert delete(seeded_cloud, [{"key": f"k{n}"} for n in range(10)]).status_code == 204


def test_show_server_tags(seeded_cloud: FakeCloud) -> None:
    path = f"/v1/{PROJECT}/cloudservers/{SERVER}/tags"
    response = vendors.huawei(seeded_cloud, "GET", path)
    assert response.json() == {"tags": [
        {"key": "key1", "value": "value1"}, {"key": "key2", "value": "value3"},
        {"key": "cost-center", "value": "cc-1042"}, {"key": "env", "value": "prod"},
    ]}  # fmt: skip


@pytest.mark.parametrize(
    "tags",
    [
        [{"key": "a=b"}],
        [{"key": "a/b"}],
        [{"key": ""}],
        [{"key": "k" * 129}],
        [{"key": "k", "value": "x:y"}],
        [{"key": "k", "value": "x*y"}],
        [{"key": "k", "value": "v" * 256}],
        [{"key": "dup", "value": "1"}, {"key": "dup", "value": "2"}],
        [{"key": f"k{n}"} for n in range(11)],
        [],
        [{"value": "no key"}],
        "not a list",
    ],
    ids=lambda tags: str(tags)[:30],
)
def test_refused_tags_are_ecs_0005(seeded_cloud: FakeCloud, tags: Any) -> None:
    assert_ecs_error(delete(seeded_cloud, tags), 400, "Ecs.0005")
    assert server_tags(seeded_cloud)["key1"] == "value1"


def test_action_must_be_lowercase_delete(seeded_cloud: FakeCloud) -> None:
    assert_ecs_error(delete(seeded_cloud, [{"key": "key1"}], action="Delete"), 400, "Ecs.0005")


def test_body_must_be_json(seeded_cloud: FakeCloud) -> None:
    path = f"/v1/{PROJECT}/cloudservers/{SERVER}/tags/action"
    assert_ecs_error(vendors.huawei(seeded_cloud, "POST", path, "{not json"), 400, "Ecs.0005")
    assert seeded_cloud.journal.entries()[-1].body == "{not json"


@pytest.mark.parametrize(
    ("project", "server"), [(PROJECT, "no-such-server"), ("otherproject", SERVER)]
)
def test_unknown_server_is_ecs_0114(seeded_cloud: FakeCloud, project: str, server: str) -> None:
    response = vendors.server_tags_action(
        seeded_cloud, project, server, {"action": "delete", "tags": [{"key": "a"}]}
    )
    assert_ecs_error(response, 404, "Ecs.0114")
    assert response.json()["error"]["message"] == f"Instance[{server}] could not be found."


def test_unknown_api_is_the_gateways_flat_404(seeded_cloud: FakeCloud) -> None:
    response = vendors.huawei(seeded_cloud, "GET", f"/v1/{PROJECT}/cloudservers/{SERVER}/metadata")
    assert response.status_code == 404
    assert response.json()["error_code"] == "APIGW.0101"


def test_a_server_carries_at_most_twenty_tags(fake_cloud: FakeCloud) -> None:
    with pytest.raises(ValueError, match="at most 20"):
        fake_cloud.seed({"huawei-ecs": {"servers": [
            {"project_id": PROJECT, "id": "s", "tags": {f"k{n}": "v" for n in range(21)}}
        ]}})  # fmt: skip
