"""Selectors end to end: the entry points read tags from the fake cloud, then remove by pattern."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tagstrip.domain import readphase
from tagstrip.handlers import plain
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import Client, load_event, tags_of

Post = Callable[..., Any]
SERVER = "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
ECS_TMP = "selectors/aliyun-ecs-tmp-glob.json"


def result_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    return dict(result)


def operations(cloud: FakeCloud) -> list[str]:
    return [str(entry.operation) for entry in cloud.journal.entries()]


def keys(tags: list[dict[str, Any]]) -> list[str]:
    return [str(tag["key"]) for tag in tags]


@pytest.mark.parametrize(
    ("event", "provider", "resource", "gone", "stay"),
    [
        (ECS_TMP, "aliyun-ecs", "i-bp1sel", {"tmp-build-1", "tmp-build-6"},
         {"owner", "cost-center", "acs:rm:rgId", "aliyun-ack-cluster"}),
        ("selectors/aliyun-redis-keep-only.json", "aliyun-redis", "r-bp1sel", {"app", "env"},
         {"owner", "cost-center", "acs:rm:rgId"}),
        ("selectors/aliyun-tag-tmp-glob.json", "aliyun-tag",
         "arn:acs:vpc:cn-hangzhou:1234567890123456:vpc/vpc-bp1tagvpc", {"tmp-owner"},
         {"env", "acs:rm:rgId"}),
        ("selectors/huawei-ecs-regex-and-absent.json", "huawei-ecs", SERVER,
         {"ci-run-1", "ci-run-2"}, {"ci-run-3", "owner", "_sys_enterprise_project_id"}),
        ("selectors/baidu-bcc-value-regex.json", "baidu", "i-SeLq9mZ2", {"tmp-load", "tmp-perf"},
         {"team", "Default tag"}),
    ],
)  # fmt: skip
def test_every_provider_removes_what_matches_and_nothing_else(
    post_signed: Post,
    cloud: FakeCloud,
    event: str,
    provider: str,
    resource: str,
    gone: set[str],
    stay: set[str],
) -> None:
    assert gone | stay <= set(tags_of(cloud, provider, resource))
    result = result_of(post_signed(load_event(event)))
    assert result["status"] == "ok"
    left = set(tags_of(cloud, provider, resource))
    assert not gone & left
    assert stay <= left
    [view] = result["resources"]
    assert set(keys(view["remove"])) >= gone
    assert next(call["outcome"] for call in result["calls"]) == "read"


def test_protected_and_kept_tags_are_listed(post_signed: Post, cloud: FakeCloud) -> None:
    result = result_of(post_signed(load_event("selectors/aliyun-redis-keep-only.json")))
    [view] = result["resources"]
    assert keys(view["protected"]) == ["acs:rm:rgId"]
    assert keys(view["kept"]) == ["owner", "cost-center"]
    assert keys(view["remove"]) == ["app", "env"]


def test_more_tags_than_one_page(post_signed: Post, cloud: FakeCloud) -> None:
    cloud.backends.aliyun_ecs.list_page_size = 2
    result = result_of(post_signed(load_event(ECS_TMP)))
    assert operations(cloud) == ["ListTagResources"] * 5 + ["RemoveTags"]
    tokens = [e.params.get("NextToken") for e in cloud.journal.entries()][:5]
    assert tokens[0] is None
    assert all(tokens[1:])
    [view] = result["resources"]
    assert len(view["current"]) == 10
    assert not any(key.startswith("tmp-") for key in tags_of(cloud, "aliyun-ecs", "i-bp1sel"))


def test_nothing_matches_no_write(post_signed: Post, cloud: FakeCloud) -> None:
    request = {**load_event(ECS_TMP), "selector": {"key_glob": "nothing-*"}}
    result = result_of(post_signed(request))
    assert (result["status"], set(operations(cloud))) == ("ok", {"ListTagResources"})
    assert result["resources"][0]["remove"] == []


def test_a_tag_removed_between_read_and_write_is_still_a_success(
    post_signed: Post, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_writes = readphase.plan_writes

    def someone_else_was_faster(*args: Any) -> Any:
        del cloud.backends.huawei_ecs.servers[("0605767ea3000fd42f0cc00a2fa4d5d8", SERVER)].tags[
            "ci-run-1"
        ]
        return plan_writes(*args)

    monkeypatch.setattr(readphase, "plan_writes", someone_else_was_faster)
    result = result_of(post_signed(load_event("selectors/huawei-ecs-regex-and-absent.json")))
    assert result["status"] == "ok"
    assert [call["outcome"] for call in result["calls"]] == ["read", "removed"]
    assert keys(result["calls"][1]["tags"]) == ["ci-run-1", "ci-run-2"]
    assert "ci-run-2" not in tags_of(cloud, "huawei-ecs", SERVER)


def test_explicit_tags_the_resource_lacks_are_absent_not_sent(
    post_signed: Post, cloud: FakeCloud
) -> None:
    result = result_of(post_signed(load_event("selectors/huawei-ecs-regex-and-absent.json")))
    [view] = result["resources"]
    assert view["absent"] == [{"key": "build-cache", "value": None}]
    [delete] = [e for e in cloud.journal.entries() if e.operation == "BatchDeleteServerTags"]
    assert "build-cache" not in str(delete.body)


@pytest.mark.parametrize(
    ("event", "reads"),
    [
        ("selectors/huawei-ecs-dry-run.json", ["ShowServerTags"]),
        ("selectors/baidu-tag-account-dry-run.json", ["ListTags"]),
    ],
)
def test_dry_run_reads_and_shows_but_writes_nothing(
    post_signed: Post, cloud: FakeCloud, event: str, reads: list[str]
) -> None:
    before = cloud.state()
    result = result_of(post_signed(load_event(event)))
    assert result["status"] == "dry_run"
    assert operations(cloud) == reads
    assert cloud.state() == before
    [view] = result["resources"]
    assert view["current"]
    assert view["remove"]
    assert keys(view["protected"]) in (["_sys_enterprise_project_id"], ["Default tag"])
    assert [call["outcome"] for call in result["calls"]][1:] == ["skipped"] * (
        len(result["calls"]) - 1
    )


def test_invalid_pattern_is_a_400_and_no_call(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed(load_event("invalid/selector-nested-regex.json"))
    assert response.status_code == 400
    [error] = response.json["errors"]
    assert (error["path"], error["type"]) == ("selector.key_regex", "unsafe_pattern")
    assert len(cloud.journal) == 0


def test_a_failed_read_writes_nothing_and_asks_for_a_retry(
    post_signed: Post, cloud: FakeCloud
) -> None:
    cloud.faults.server_error("aliyun-ecs")
    response = post_signed(load_event(ECS_TMP))
    assert response.status_code == 503
    [result] = response.json["results"]
    assert result["retryable"] is True
    assert set(operations(cloud)) == {"ListTagResources"}
    assert "tmp-build-1" in tags_of(cloud, "aliyun-ecs", "i-bp1sel")


def test_a_server_gone_before_the_read_is_skipped(post_signed: Post, cloud: FakeCloud) -> None:
    request = {**load_event("selectors/huawei-ecs-dry-run.json"), "resource_ids": ["gone-1"]}
    result = result_of(post_signed(request | {"dry_run": False}))
    assert result["status"] == "ok"
    [read] = result["calls"]
    assert (read["outcome"], read["error_code"]) == ("skipped", "Ecs.0114")
    assert result["resources"] == []


def test_queue_delivery_and_plain_handler(queue_client: Client, cloud: FakeCloud) -> None:
    response = queue_client.post("/", json=load_event("selectors/baidu-bcc-value-regex.json"))
    assert response.status_code == 200, response.json
    assert "tmp-load" not in tags_of(cloud, "baidu", "i-SeLq9mZ2")
    answer = plain.handle(load_event("selectors/aliyun-redis-keep-only.json"))
    [event] = answer["events"]
    assert event["results"][0]["resources"][0]["kept"]


def test_a_webhook_mapping_can_render_a_selector(
    post_signed: Post, cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "mappings:\n"
        "  - name: cleanup\n"
        "    when: \"action == 'cleanup'\"\n"
        "    provider: aliyun-ecs\n"
        "    region: cn-hangzhou\n"
        "    resource_type: instance\n"
        "    resource_ids: {path: resource}\n"
        "    selector: {key_glob: 'tmp-build-*', keep: [tmp-build-1]}\n"
    )
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_MAPPING", str(mapping))
    before = tags_of(cloud, "aliyun-ecs", "i-bp1sel")
    result = result_of(post_signed({"action": "cleanup", "resource": "i-bp1sel"}))
    assert result["status"] == "ok"
    after = tags_of(cloud, "aliyun-ecs", "i-bp1sel")
    removed = set(before) - set(after)
    assert removed == {k for k in before if k.startswith("tmp-build-")} - {"tmp-build-1"}
    assert "tmp-build-1" in after
