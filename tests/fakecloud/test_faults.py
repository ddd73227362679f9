"""Fault injection: throttling, 5xx, latency, dropped connections, N failures then success,
per provider and per resource, each answered in the vendor's own error format."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tagstrip_testkit.fakecloud import FakeCloud

from . import vendors

SNAPSHOT = {"RegionId": "cn-shenzhen", "ResourceId": "s-946ntx4wr", "ResourceType": "snapshot"}
REDIS = {"RegionId": "cn-hangzhou", "ResourceType": "INSTANCE", "TagKey.1": "owner"}
PROJECT, SERVER = "0605767ea3000fd42f0cc00a2fa4d5d8", "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8"
BAIDU_TAGS = [{"tagKey": "key1", "tagValue": "value1"}]


def remove_tags(cloud: FakeCloud) -> httpx.Response:
    return vendors.ecs(cloud, "RemoveTags", **SNAPSHOT, **{"Tag.1.Key": "Finance"})


def huawei_delete(cloud: FakeCloud) -> httpx.Response:
    body = {"action": "delete", "tags": [{"key": "key1"}]}
    return vendors.server_tags_action(cloud, PROJECT, SERVER, body)


@pytest.mark.parametrize("status", [400, 429])
def test_aliyun_throttling_status_is_configurable(seeded_cloud: FakeCloud, status: int) -> None:
    seeded_cloud.faults.throttle("aliyun-ecs", status=status, times=1)
    response = remove_tags(seeded_cloud)
    assert (response.status_code, response.json()["Code"]) == (status, "Throttling.User")
    assert "Finance" in seeded_cloud.backends.aliyun_ecs.tags_of("cn-shenzhen", "s-946ntx4wr")


def test_n_failures_then_success(seeded_cloud: FakeCloud) -> None:
    fault = seeded_cloud.faults.throttle("aliyun-ecs", times=2)
    statuses = [remove_tags(seeded_cloud).status_code for _ in range(3)]
    assert statuses == [400, 400, 200]
    assert fault.hits == 2
    assert [e.outcome for e in seeded_cloud.journal.entries()] == ["fault", "fault", "ok"]
    assert seeded_cloud.faults.active() == []


def test_retry_after_header(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.faults.throttle(retry_after=2)
    assert remove_tags(seeded_cloud).headers["Retry-After"] == "2"
    assert huawei_delete(seeded_cloud).headers["Retry-After"] == "2"


def test_faults_match_one_provider_only(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.faults.server_error("aliyun-redis")
    assert remove_tags(seeded_cloud).status_code == 200
    response = vendors.redis(seeded_cloud, **REDIS, **{"ResourceId.1": "r-bp1zxszhcgatnx"})
    assert (response.status_code, response.json()["Code"]) == (500, "InternalError")


def test_faults_match_one_resource(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.faults.server_error(resource_id="r-bp1zxszhcgatny", status=503)
    ok = vendors.redis(seeded_cloud, **REDIS, **{"ResourceId.1": "r-bp1zxszhcgatnx"})
    assert ok.status_code == 200
    both = {"ResourceId.1": "r-bp1zxszhcgatnx", "ResourceId.2": "r-bp1zxszhcgatny"}
    failed = vendors.redis(seeded_cloud, **REDIS, **both)
    assert (failed.status_code, failed.json()["Code"]) == (503, "ServiceUnavailable")


def test_huawei_throttling_and_server_error(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.faults.throttle("huawei-ecs", times=1)
    seeded_cloud.faults.server_error("huawei-ecs", times=1, status=502)
    throttled = huawei_delete(seeded_cloud)
    assert throttled.status_code == 429
    assert throttled.json()["error_code"] == "APIGW.0308"
    failed = huawei_delete(seeded_cloud)
    assert failed.status_code == 502
    assert failed.json()["error"]["code"] == "Ecs.0000"
    assert huawei_delete(seeded_cloud).status_code == 204


@pytest.mark.parametrize(("status", "expected"), [(None, 429), (400, 400), (503, 503)])
def test_baidu_throttling_status_is_configurable(
    seeded_cloud: FakeCloud, status: int | None, expected: int
) -> None:
    seeded_cloud.faults.throttle("baidu-tag", status=status)
    response = vendors.delete_tags(seeded_cloud, BAIDU_TAGS)
    assert response.status_code == expected
    assert response.json()["code"] == "RequestRateLimitExceeded"
    assert response.json()["requestId"] == response.headers["x-bce-request-id"]


def test_baidu_server_error(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.faults.server_error("baidu-tag")
    response = vendors.delete_tags(seeded_cloud, BAIDU_TAGS)
    assert (response.status_code, response.json()["code"]) == (500, "InternalError")


def test_latency_delays_then_answers(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.faults.latency(0.3, "aliyun-ecs", times=1)
    started = time.monotonic()
    assert remove_tags(seeded_cloud).status_code == 200
    assert time.monotonic() - started >= 0.3
    assert seeded_cloud.journal.entries()[-1].outcome == "ok"


def test_slow_requests_are_served_concurrently(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.faults.latency(0.4, "huawei-ecs")
    path = f"/v1/{PROJECT}/cloudservers/{SERVER}/tags"
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(lambda _: vendors.huawei(seeded_cloud, "GET", path), range(5)))
    assert [r.status_code for r in responses] == [200] * 5
    assert time.monotonic() - started < 1.5


def test_dropped_connection(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.faults.drop("baidu-tag", times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        vendors.delete_tags(seeded_cloud, BAIDU_TAGS)
    entry = seeded_cloud.journal.entries()[-1]
    assert (entry.outcome, entry.fault, entry.status) == ("dropped", "drop", None)
    assert ("key1", "value1") in seeded_cloud.backends.baidu.tags
    assert vendors.delete_tags(seeded_cloud, BAIDU_TAGS).status_code == 200


def test_a_bad_signature_does_not_use_up_a_fault(seeded_cloud: FakeCloud) -> None:
    fault = seeded_cloud.faults.throttle("aliyun-ecs", times=1)
    bad = {"Action": "RemoveTags", "Version": vendors.ECS_VERSION, **SNAPSHOT}
    key = type(seeded_cloud.credentials.aliyun)("unknown", "secret")
    assert vendors.aliyun_v1(seeded_cloud, bad, key=key).status_code == 404
    assert fault.hits == 0


def test_faults_from_a_seed(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.seed(
        {"faults": [{"kind": "throttle", "provider": "aliyun-ecs", "times": 1, "status": 429}]}
    )
    assert remove_tags(seeded_cloud).status_code == 429
    assert remove_tags(seeded_cloud).status_code == 200
