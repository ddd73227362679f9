"""remove_tags_http end to end: functions-framework app -> core -> signed calls -> fake cloud."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest

from tagstrip.runtime.settings import reset_settings
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import Client, load_event, signed_headers, tags_of

Post = Callable[..., Any]


def test_health_check_touches_no_cloud(webhook_client: Client, cloud: FakeCloud) -> None:
    response = webhook_client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})
    assert len(cloud.journal) == 0


def test_canonical_request_removes_the_tag(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed(load_event("canonical/aliyun-ecs-snapshot.json"))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "ok"
    [result] = body["results"]
    assert result["request_id"] == "OPS-101"
    assert result["calls"][0]["outcome"] == "removed"
    assert "Finance" not in tags_of(cloud, "aliyun-ecs", "s-946ntx4wr")
    assert tags_of(cloud, "aliyun-ecs", "s-946ntx4wr")["owner"] == "finance-team"


@pytest.mark.parametrize(
    ("event", "provider", "resource", "gone"),
    [
        ("native/aliyun-ecs-removetags.json", "aliyun-ecs", "s-946ntx4wr", "Finance"),
        ("native/aliyun-redis-untagresources.json", "aliyun-redis", "r-bp1zxszhcgatnx", "demokey"),
        (
            "native/huawei-ecs-tags-action.json",
            "huawei-ecs",
            "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8",
            "key1",
        ),
        ("canonical/aliyun-redis.json", "aliyun-redis", "r-bp1zxszhcgatny", "project"),
    ],
)
def test_every_provider_through_the_webhook(
    post_signed: Post, cloud: FakeCloud, event: str, provider: str, resource: str, gone: str
) -> None:
    assert gone in tags_of(cloud, provider, resource)
    response = post_signed(load_event(event))
    assert response.status_code == 200, response.json
    assert gone not in tags_of(cloud, provider, resource)


@pytest.mark.usefixtures("allow_account_scope")
def test_baidu_deletes_account_wide_and_skips_the_default_tag(
    post_signed: Post, cloud: FakeCloud
) -> None:
    response = post_signed(load_event("canonical/baidu-tag.json"))
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    assert result["scope"] == "account"
    assert [s["tag"]["key"] for s in result["skipped"]] == ["Default tag"]
    tags = {(t["key"], t["value"]) for t in cloud.state()["baidu"]["tags"]}
    assert ("project", "legacy-crm") not in tags
    assert ("Default tag", "") in tags


def test_a_list_of_requests(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed(load_event("canonical/batch.json"))
    assert response.status_code == 200, response.json
    assert [r["status"] for r in response.json["results"]] == ["ok", "dry_run"]
    assert "backup" not in tags_of(cloud, "aliyun-ecs", "d-2ze1abc")
    assert "temp" in tags_of(cloud, "huawei-ecs", "3b6f1a52-0c43-4b5e-9f4e-1d2c3b4a5f60")


def test_dry_run_makes_no_call(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed({**load_event("canonical/huawei-ecs.json"), "dry_run": True})
    assert response.json["status"] == "dry_run"
    assert len(cloud.journal) == 0


def test_invalid_request_is_400_with_every_field_error_and_no_call(
    post_signed: Post, cloud: FakeCloud
) -> None:
    response = post_signed(load_event("invalid/huawei-ecs-bad-key.json"))
    assert response.status_code == 400
    assert [e["path"] for e in response.json["errors"]] == ["tags.0.key", "tags.0.value"]
    assert len(cloud.journal) == 0


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing"),
        ({"X-Tagstrip-Signature": "garbage"}, "malformed"),
        ({"X-Hub-Signature-256": "sha256=" + "0" * 64}, "bad"),
    ],
)
def test_bad_or_missing_signature_is_401(
    webhook_client: Client, cloud: FakeCloud, headers: dict[str, str], reason: str
) -> None:
    body = json.dumps(load_event("canonical/aliyun-ecs-snapshot.json")).encode()
    response = webhook_client.post(
        "/", data=body, headers={"Content-Type": "application/json", **headers}
    )
    assert response.status_code == 401
    assert response.json["reason"] == reason
    assert len(cloud.journal) == 0


def test_no_secret_configured_refuses_and_says_how(
    webhook_client: Client, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TAGSTRIP_WEBHOOK_SECRET")
    reset_settings()
    body = json.dumps(load_event("canonical/aliyun-ecs-snapshot.json")).encode()
    response = webhook_client.post("/", data=body, headers=signed_headers(body))
    assert response.status_code == 401
    assert "TAGSTRIP_WEBHOOK_SECRET" in response.json["message"]
    monkeypatch.setenv("TAGSTRIP_ALLOW_UNSIGNED", "true")
    reset_settings()  # a warm function keeps its settings; a new one reads the change
    response = webhook_client.post("/", data=body, content_type="application/json")
    assert response.status_code == 200, response.json


def test_wrong_method_content_type_and_size(
    webhook_client: Client, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert webhook_client.get("/").status_code == 405
    assert webhook_client.get("/").headers["Allow"] == "POST"
    body = b"{}"
    response = webhook_client.post(
        "/", data=body, headers={**signed_headers(body), "Content-Type": "text/plain"}
    )
    assert (response.status_code, response.json["error"]) == (415, "unsupported_media_type")
    monkeypatch.setenv("TAGSTRIP_MAX_BODY_BYTES", "2048")
    reset_settings()
    big = json.dumps({"pad": "x" * 4096}).encode()
    response = webhook_client.post("/", data=big, headers=signed_headers(big))
    assert (response.status_code, response.json["error"]) == (413, "payload_too_large")


def test_malformed_json_is_400(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed(b'{"provider": ')
    assert (response.status_code, response.json["error"]) == (400, "invalid_json")
    deep = b"[" * 100 + b"]" * 100
    response = post_signed(deep)
    assert (response.status_code, response.json["error"]) == (400, "json_too_deep")


def test_throttled_then_success_is_retried_once(post_signed: Post, cloud: FakeCloud) -> None:
    cloud.faults.throttle("aliyun-ecs", times=1)
    response = post_signed(load_event("canonical/aliyun-ecs-snapshot.json"))
    assert response.status_code == 200, response.json
    assert response.json["results"][0]["calls"][0]["attempts"] == 2


def test_exhausted_retries_answer_503_with_retry_after(post_signed: Post, cloud: FakeCloud) -> None:
    cloud.faults.throttle("huawei-ecs")
    response = post_signed(load_event("canonical/huawei-ecs.json"))
    assert response.status_code == 503, response.json
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json["status"] == "failed"
    assert response.json["results"][0]["calls"][0]["retryable"] is True


def test_partial_retryable_failure_is_503_and_keeps_the_successes(
    post_signed: Post, cloud: FakeCloud
) -> None:
    """Some calls done, the others may pass later: the sender must resend it all."""
    cloud.faults.server_error("aliyun-ecs", resource_id="i-bp1def")
    response = post_signed(load_event("canonical/aliyun-ecs-2018-profile.json"))
    assert response.status_code == 503, response.json
    assert int(response.headers["Retry-After"]) >= 1
    calls = response.json["results"][0]["calls"]
    by_resource = {(c["resource_ids"][0], c["outcome"]) for c in calls}
    assert by_resource == {("i-bp1abc", "removed"), ("i-bp1def", "failed")}
    assert "env" not in tags_of(cloud, "aliyun-ecs", "i-bp1abc")
    assert "env" in tags_of(cloud, "aliyun-ecs", "i-bp1def")


def test_permanent_provider_error_is_502_and_not_retried(
    post_signed: Post, cloud: FakeCloud
) -> None:
    snapshot = load_event("canonical/aliyun-ecs-snapshot.json")
    event = {
        **snapshot,
        "region": "cn-beijing",
        "resource_type": "image",
        "resource_ids": ["m-2zeimage"],
    }
    response = post_signed(event)
    assert response.status_code == 502, response.json
    call = response.json["results"][0]["calls"][0]
    assert (call["error_code"], call["attempts"]) == ("InvalidResourceId.NotSupported", 1)
    assert "Retry-After" not in response.headers
    assert len(cloud.journal) == 1


def test_a_resource_that_is_gone_is_skipped_not_failed(post_signed: Post, cloud: FakeCloud) -> None:
    event = {**load_event("canonical/aliyun-ecs-snapshot.json"), "resource_ids": ["s-gone"]}
    response = post_signed(event)
    assert response.status_code == 200, response.json
    call = response.json["results"][0]["calls"][0]
    assert (call["outcome"], call["error_code"]) == ("skipped", "InvalidResourceId.NotFound")


def test_missing_credentials_is_a_configuration_error_naming_the_variable(
    webhook_client: Client, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = os.environ["HUAWEICLOUD_SDK_SK"]
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK")
    body = json.dumps(load_event("canonical/huawei-ecs.json")).encode()
    headers = signed_headers(body)
    response = webhook_client.post("/", data=body, headers=headers)
    assert response.status_code == 500
    assert response.json["variable"] == "HUAWEICLOUD_SDK_SK"
    assert len(cloud.journal) == 0
    # The error released the delivery's claim: once fixed, the sender's resend is carried out.
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", secret)
    reset_settings()
    resent = webhook_client.post("/", data=body, headers=headers)
    assert (resent.status_code, resent.json["status"]) == (200, "ok"), resent.json


def test_jira_preset_acts_on_done_and_ignores_other_transitions(
    post_signed: Post, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_MAPPING", "preset:jira")
    response = post_signed(load_event("jira/issue-moved-to-in-progress.json"))
    assert (response.status_code, response.json["status"]) == (200, "ignored")
    assert len(cloud.journal) == 0
    response = post_signed(
        load_event("jira/issue-moved-to-done.json"), **{"X-Atlassian-Webhook-Identifier": "d-1"}
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] in ("ok", "partial")
    assert len(cloud.journal) >= 1
    again = post_signed(
        load_event("jira/issue-moved-to-done.json"), **{"X-Atlassian-Webhook-Identifier": "d-1"}
    )
    assert again.json["status"] == "duplicate"


def test_a_jira_webhook_without_a_mapping_says_how_to_map_it(
    post_signed: Post, cloud: FakeCloud
) -> None:
    """A ticketing payload sent while no mapping is set is not a request missing a field:
    the refusal names the variable that maps it."""
    response = post_signed(load_event("jira/issue-moved-to-done.json"))
    assert response.status_code == 400, response.json
    [error] = response.json["errors"]
    assert error["path"] == "provider"
    assert error["message"].startswith("the body is neither a canonical request")
    assert "set TAGSTRIP_WEBHOOK_MAPPING (e.g. preset:jira) to map it" in error["message"]
    assert "is required" not in error["message"]
    assert len(cloud.journal) == 0
