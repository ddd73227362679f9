"""Small helpers shared by the core tests: build requests and read their errors."""

from __future__ import annotations

from typing import Any

import pytest

from tagstrip.domain.errors import FieldError, InvalidRequest
from tagstrip.domain.models import Plan
from tagstrip.runtime.wiring import validation

ECS: dict[str, Any] = {
    "provider": "aliyun-ecs",
    "region": "cn-shenzhen",
    "resource_type": "snapshot",
    "resource_ids": ["s-946ntx4wr"],
    "tags": [{"key": "Finance", "value": "FinanceJoshua"}],
}
REDIS: dict[str, Any] = {
    "provider": "aliyun-redis",
    "region": "cn-hangzhou",
    "resource_ids": ["r-bp1zxszhcgatnx"],
    "tags": [{"key": "project"}],
}
HUAWEI: dict[str, Any] = {
    "provider": "huawei-ecs",
    "region": "cn-north-4",
    "project_id": "0605767ea3000fd42f0cc00a2fa4d5d8",
    "resource_ids": ["8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8"],
    "tags": [{"key": "key1", "value": "value1"}],
}
BAIDU: dict[str, Any] = {"provider": "baidu-tag", "tags": [{"key": "key1", "value": "value1"}]}


def plan_of(payload: dict[str, Any], **changes: Any) -> Plan:
    return validation().plan(validation().request({**payload, **changes}))


def errors_of(payload: object, **changes: Any) -> list[FieldError]:
    body = {**payload, **changes} if isinstance(payload, dict) else payload
    with pytest.raises(InvalidRequest) as caught:
        validation().request(body)
    return list(caught.value.errors)


def error_at(payload: object, path: str, **changes: Any) -> FieldError:
    """The single error located at `path` (fails if there is none)."""
    errors = errors_of(payload, **changes)
    found = [e for e in errors if e.path == path]
    assert found, f"no error at {path}: {[e.to_dict() for e in errors]}"
    return found[0]
