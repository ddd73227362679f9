"""FunctionGraph's agency keys: taken from its request headers (HTTP functions) or its Python
context (event functions) when TAGSTRIP_FUNCTIONGRAPH_KEYS is on, and never otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import load_event, tags_of

Post = Callable[..., Any]
SERVER = "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8"


@pytest.fixture
def agency_keys(cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The fake cloud's Huawei keys, moved from the environment to where FunctionGraph puts them."""
    environment = cloud.environment()
    for name in ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"):
        monkeypatch.delenv(name)
    return {
        "X-CFF-Security-Access-Key": environment["HUAWEICLOUD_SDK_AK"],
        "X-CFF-Security-Secret-Key": environment["HUAWEICLOUD_SDK_SK"],
        "X-CFF-Security-Token": "agency-security-token-7788",
    }


class FunctionGraphContext:
    """The part of FunctionGraph's Python runtime context tagstrip reads."""

    def __init__(self, keys: dict[str, str]) -> None:
        self._keys = list(keys.values())

    def getSecurityAccessKey(self) -> str:  # noqa: N802 - the runtime's own names
        return self._keys[0]

    def getSecuritySecretKey(self) -> str:  # noqa: N802
        return self._keys[1]

    def getSecurityToken(self) -> str:  # noqa: N802
        return self._keys[2]


def test_webhook_signs_huawei_calls_with_the_agency_keys_it_was_given(
    post_signed: Post,
    cloud: FakeCloud,
    agency_keys: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TAGSTRIP_FUNCTIONGRAPH_KEYS", "true")
    response = post_signed(load_event("canonical/huawei-ecs.json"), **agency_keys)
    assert response.status_code == 200, response.json
    assert "key1" not in tags_of(cloud, "huawei-ecs", SERVER)
    assert agency_keys["X-CFF-Security-Secret-Key"] not in response.get_data(as_text=True)


def test_the_headers_are_ignored_unless_enabled(
    post_signed: Post, cloud: FakeCloud, agency_keys: dict[str, str]
) -> None:
    response = post_signed(load_event("canonical/huawei-ecs.json"), **agency_keys)
    assert response.status_code == 500
    assert response.json["variable"] == "HUAWEICLOUD_SDK_AK"
    assert len(cloud.journal) == 0


def test_wrong_agency_keys_are_refused_by_the_provider_not_retried(
    post_signed: Post,
    cloud: FakeCloud,
    agency_keys: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TAGSTRIP_FUNCTIONGRAPH_KEYS", "true")
    wrong = {**agency_keys, "X-CFF-Security-Secret-Key": "not-the-agency-secret"}
    response = post_signed(load_event("canonical/huawei-ecs.json"), **wrong)
    assert response.status_code == 502, response.json
    call = response.json["results"][0]["calls"][0]
    assert (call["error_code"], call["attempts"]) == ("APIGW.0301", 1)


@pytest.fixture
def keys_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAGSTRIP_FUNCTIONGRAPH_KEYS", "true")


def test_event_function_reads_the_keys_from_its_context(
    cloud: FakeCloud, agency_keys: dict[str, str], keys_enabled: None, main: Any
) -> None:
    """main.py reads its settings when imported: the function starts with the keys enabled."""
    answer = main.handler(
        load_event("canonical/huawei-ecs.json"), FunctionGraphContext(agency_keys)
    )
    assert answer["events"][0]["status"] == "ok"
    assert "key1" not in tags_of(cloud, "huawei-ecs", SERVER)
