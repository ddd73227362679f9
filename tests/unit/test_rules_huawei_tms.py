"""Huawei TMS rules, plans and call counts: both request forms, projects, limits, the native
body, and `resources` refused by every other provider."""

from __future__ import annotations

from typing import Any

import pytest

from tagstrip.domain.rules import chunk_count
from tagstrip.providers import SPECS
from tagstrip.runtime.wiring import validation
from tests.unit.helpers import HUAWEI, error_at, errors_of, plan_of

PROJECT = "0605767ea3000fd42f0cc00a2fa4d5d8"
OTHER = "9f1c2e3d4b5a69788796a5b4c3d2e1f0"
TMS: dict[str, Any] = {
    "provider": "huawei-tms",
    "project_id": PROJECT,
    "resource_type": "disk",
    "resource_ids": ["disk-1"],
    "tags": [{"key": "tmp-owner"}],
}


def resources(count: int, project: str | None = None, kind: str = "disk") -> list[dict[str, Any]]:
    return [
        {"id": f"{kind}-{project or 'g'}-{n}", "type": kind}
        | ({} if project is None else {"project_id": project})
        for n in range(count)
    ]


def test_typed_ids_become_one_call() -> None:
    (call,) = plan_of(TMS, tags=[{"key": "a"}, {"key": "b", "value": "v"}]).calls
    assert (call.method, call.path, call.operation) == (
        "POST",
        "/v1.0/resource-tags/batch-delete",
        "DeleteResourceTag",
    )
    assert call.body == {
        "project_id": PROJECT,
        "resources": [{"resource_id": "disk-1", "resource_type": "disk"}],
        "tags": [{"key": "a"}, {"key": "b", "value": "v"}],
    }
    assert call.region is None


@pytest.mark.parametrize(
    ("items", "tags", "calls"),
    [
        (resources(20, PROJECT), 10, 1),
        (resources(21, PROJECT), 10, 2),
        (resources(21, PROJECT), 11, 4),
        (resources(3, PROJECT) + resources(3, OTHER) + resources(2, None, "cdn"), 1, 3),
        (resources(41, PROJECT) + resources(1, OTHER), 25, 12),
    ],
)
def test_fewest_calls_one_project_a_call_and_count_agrees(
    items: list[dict[str, Any]], tags: int, calls: int
) -> None:
    """20 resources (the SDK's limit, below the docs' 50) and 10 tags a call, one project."""
    payload = {
        "provider": "huawei-tms",
        "resources": items,
        "tags": [{"key": f"k{n}"} for n in range(tags)],
    }
    plan = plan_of(payload)
    assert len(plan.calls) == calls
    assert validation().count_calls(validation().request(payload)) == calls
    for call in plan.calls:
        assert call.body is not None
        assert len(call.body["resources"]) <= 20
        assert len(call.body["tags"]) <= 10
    covered = {(rid, str(call.tags[0])) for call in plan.calls for rid in call.resource_ids}
    assert len(covered) == len(items) * chunk_count(tags, 10)


def test_a_resource_project_overrides_the_requests() -> None:
    payload = {**TMS, "resource_type": None, "resource_ids": []}
    payload["resources"] = [
        {"id": "vm-1", "type": "ecs", "project_id": OTHER},
        {"id": "d", "type": "disk"},
    ]
    bodies = [call.body for call in plan_of(payload).calls]
    assert [body["project_id"] for body in bodies if body] == [OTHER, PROJECT]


@pytest.mark.parametrize(
    ("changes", "path", "kind", "code"),
    [
        ({"resource_type": None}, "resource_type", "missing", "TMS.5027"),
        ({"resource_type": "Disk volume"}, "resource_type", "invalid_resource_type", "TMS.5027"),
        ({"project_id": None}, "project_id", "missing", "TMS.2011"),
        ({"project_id": "../x"}, "project_id", "invalid_project_id", "TMS.2011"),
        ({"resource_ids": []}, "resource_ids", "missing", None),
        ({"resource_ids": ["a/b"]}, "resource_ids.0", "invalid_resource_id", None),
        ({"tags": []}, "tags", "missing", "TMS.0012"),
        ({"tags": [{"key": "k" * 37}]}, "tags.0.key", "too_long", "TMS.0009"),
        ({"tags": [{"key": "a:b"}]}, "tags.0.key", "invalid_character", "TMS.0009"),
        (
            {"tags": [{"key": "_sys_enterprise_project_id"}]},
            "tags.0.key",
            "reserved_key",
            "TMS.0009",
        ),
        ({"tags": [{"key": "k", "value": "v" * 44}]}, "tags.0.value", "too_long", "TMS.0010"),
        ({"tags": [{"key": "k", "value": "a b"}]}, "tags.0.value", "invalid_character", "TMS.0010"),
        ({"region": "cn-north-4"}, "region", "not_applicable", None),
        ({"resources": [{"id": "x", "type": "ecs"}]}, "resource_ids", "conflicting_fields", None),
    ],
)
def test_rules_with_the_vendors_codes(
    changes: dict[str, Any], path: str, kind: str, code: str | None
) -> None:
    error = error_at(TMS, path, **changes)
    assert (error.type, error.provider_code) == (kind, code)


def test_resources_are_checked_one_by_one() -> None:
    items = [
        {"id": "vm-1", "type": "ecs"},
        {"id": "vm 2", "type": "ecs", "project_id": PROJECT},
        {"id": "cdn-1", "type": "cdn", "project_id": "a/b"},
        {"id": "vm-1", "type": "disk", "project_id": PROJECT},
        {"id": "x", "type": "two words"},
    ]
    payload = {"provider": "huawei-tms", "resources": items, "tags": [{"key": "k"}]}
    found = {(e.path, e.type) for e in errors_of(payload)}
    assert found == {
        ("resources.0.project_id", "missing"),
        ("resources.1.id", "invalid_resource_id"),
        ("resources.2.project_id", "invalid_project_id"),
        ("resources.3.id", "duplicate_resource_id"),
        ("resources.4.type", "invalid_resource_type"),
    }


def test_resources_are_refused_by_every_other_provider() -> None:
    extra = {"resources": [{"id": "i-1", "type": "ecs"}]}
    for name, spec in SPECS.items():
        if name != "huawei-tms":
            assert "resources" not in spec.accepts
    error = error_at(HUAWEI, "resources", **extra)
    assert error.type == "not_applicable"


def test_the_resources_limit_is_the_resource_ids_limit() -> None:
    payload = {
        "provider": "huawei-tms",
        "resources": resources(501, PROJECT),
        "tags": [{"key": "k"}],
    }
    assert error_at(payload, "resources").type == "limit_exceeded"


def test_native_body_is_accepted() -> None:
    native = {
        "project_id": PROJECT,
        "resources": [{"resource_id": "disk-1", "resource_type": "disk"}],
        "tags": [{"key": "tmp-owner", "value": "alice"}],
        "dry_run": True,
    }
    request = validation().request(native)
    assert request.provider == "huawei-tms"
    assert request.dry_run
    (call,) = validation().plan(request).calls
    assert call.body == {key: native[key] for key in ("project_id", "resources", "tags")}


def test_native_body_errors_are_located() -> None:
    native: dict[str, Any] = {
        "resources": [{"resource_id": "d"}, {"resource_type": "disk", "resource_id": "e"}],
        "tags": [{"key": "k"}],
        "region": "cn-north-4",
    }
    found = {(e.path, e.type) for e in errors_of(native)}
    assert found == {("resources.0", "invalid_resource"), ("region", "extra_forbidden")}


def test_selector_reads_each_resource_first() -> None:
    payload = {**TMS, "tags": [], "selector": {"key_glob": "tmp-*"}}
    (read,) = plan_of(payload).calls
    assert (read.kind, read.method, read.path, read.params) == (
        "read",
        "GET",
        "/v2.0/resources/disk-1/tags",
        {"resource_type": "disk", "project_id": PROJECT},
    )
