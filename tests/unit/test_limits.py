"""Resource limits: requests per list, resource ids and tags per request, each configurable."""

from __future__ import annotations

from typing import Any

import pytest

from tagstrip.domain.errors import ConfigurationError, InvalidRequest
from tagstrip.runtime.settings import Settings, get_settings
from tagstrip.runtime.wiring import validation

ECS = {"provider": "aliyun-ecs", "region": "cn-hangzhou", "resource_type": "instance"}


def ecs(resources: int = 1, tags: int = 1) -> dict[str, Any]:
    return {
        **ECS,
        "resource_ids": [f"i-{n:06d}" for n in range(resources)],
        "tags": [{"key": f"k{n}"} for n in range(tags)],
    }


def refusal(payload: object, settings: Settings | None = None) -> list[dict[str, Any]]:
    with pytest.raises(InvalidRequest) as caught:
        validation(settings).batch(payload)
    return [error.to_dict() for error in caught.value.errors]


def test_defaults_accept_the_limit_and_refuse_one_more() -> None:
    settings = get_settings()
    assert (settings.max_batch, settings.max_resources, settings.max_tags) == (100, 500, 200)
    validation().request(ecs(resources=500, tags=200))
    [error] = refusal(ecs(resources=501))
    assert error["path"] == "resource_ids"
    assert error["type"] == "limit_exceeded"
    assert error["message"] == (
        "501 resource ids in one request; the limit is 500 (set by TAGSTRIP_MAX_RESOURCES)"
    )
    [error] = refusal(ecs(tags=201))
    assert (error["path"], error["type"]) == ("tags", "limit_exceeded")
    assert "the limit is 200 (set by TAGSTRIP_MAX_TAGS)" in error["message"]


def test_each_limit_is_set_by_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_BATCH", "2")
    monkeypatch.setenv("TAGSTRIP_MAX_RESOURCES", "3")
    monkeypatch.setenv("TAGSTRIP_MAX_TAGS", "4")
    assert len(validation().batch([ecs(3, 4), ecs(3, 4)])) == 2
    [error] = refusal([ecs(), ecs(), ecs()])
    assert (error["path"], error["type"]) == ("(root)", "limit_exceeded")
    assert error["message"] == "3 requests in one list; the limit is 2 (set by TAGSTRIP_MAX_BATCH)"
    errors = refusal([ecs(), ecs(resources=4, tags=5)])
    assert [e["path"] for e in errors] == ["1.resource_ids", "1.tags"]


def test_an_oversize_request_is_refused_before_anything_else_is_checked() -> None:
    """Past a limit nothing else is validated: the refusal costs no more than counting."""
    payload = {**ecs(tags=201), "region": "Not A Region", "unknown": True}
    assert [e["path"] for e in refusal(payload)] == ["tags"]


def test_limits_apply_to_provider_native_forms_after_translation() -> None:
    native = {"action": "delete", "tags": [{"key": f"k{n}"} for n in range(201)]}
    native |= {"project_id": "0605767ea3000fd42f0cc00a2fa4d5d8", "server_id": "s-1"}
    native |= {"region": "cn-north-4"}
    assert [e["path"] for e in refusal(native)] == ["tags"]


def test_a_bad_limit_is_a_configuration_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_TAGS", "0")
    with pytest.raises(ConfigurationError) as caught:
        get_settings()
    assert caught.value.variable == "TAGSTRIP_MAX_TAGS"


def test_explicit_settings_win_over_the_environment() -> None:
    tight = Settings(max_resources=1)
    assert [e["path"] for e in refusal(ecs(resources=2), tight)] == ["resource_ids"]
