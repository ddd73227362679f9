"""template/alibaba-fc3/s.yaml: a Serverless Devs 3 project for FC 3.0, checked field by field."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.templates.helpers import SECRET_NAMES, entry_point, s_yaml

# Serverless Devs reads a value from the deployer's environment with ${env('NAME')}.
_FROM_ENVIRONMENT = re.compile(r"^\$\{env\('([A-Z0-9_]+)'\)\}$")
_REQUIRED_PROPS = ("region", "functionName", "runtime", "handler", "code", "role", "timeout")


def _resources() -> dict[str, dict[str, Any]]:
    resources = s_yaml()["resources"]
    assert isinstance(resources, dict)
    return resources


def test_project_header() -> None:
    project = s_yaml()
    assert project["edition"] == "3.0.0"
    assert project["name"]
    assert project["access"]
    assert set(_resources()) == {"webhook", "events"}


@pytest.mark.parametrize("name", ["webhook", "events"])
def test_function_is_a_custom_runtime_on_port_9000(name: str) -> None:
    resource = _resources()[name]
    assert resource["component"] == "fc3"
    props = resource["props"]
    for field in _REQUIRED_PROPS:
        assert props.get(field), f"{name}: {field} missing"
    assert props["runtime"] == "${vars.runtime}"
    assert s_yaml()["vars"]["runtime"] == "custom.debian12"  # CPython 3.11
    assert isinstance(props["timeout"], int)
    assert 0 < props["timeout"] <= 900
    runtime_config = props["customRuntimeConfig"]
    assert runtime_config["port"] == 9000
    assert runtime_config["command"] == ["/code/bootstrap"]
    env = props["environmentVariables"]
    assert env["PORT"] == "9000"
    assert entry_point(env["FUNCTION_TARGET"]).signature_type == env["FUNCTION_SIGNATURE_TYPE"]
    assert env["FUNCTION_SIGNATURE_TYPE"] == "http"  # FC calls an HTTP server


def test_code_is_the_packaged_zip() -> None:
    assert s_yaml()["vars"]["code"] == "../../dist/tagstrip-functions.zip"


@pytest.mark.parametrize("name", ["webhook", "events"])
def test_secrets_come_from_the_deployers_environment(name: str) -> None:
    env = _resources()[name]["props"]["environmentVariables"]
    for key, value in env.items():
        if key in SECRET_NAMES:
            match = _FROM_ENVIRONMENT.match(str(value))
            assert match, f"{name}: {key} is a plain value"
            assert match.group(1) == key


def test_webhook_has_the_only_http_trigger() -> None:
    (trigger,) = _resources()["webhook"]["props"]["triggers"]
    assert trigger["triggerType"] == "http"
    assert trigger["triggerConfig"]["authType"] == "anonymous"
    assert set(trigger["triggerConfig"]["methods"]) == {"GET", "POST"}
    assert "TAGSTRIP_WEBHOOK_SECRET" in _resources()["webhook"]["props"]["environmentVariables"]


def test_events_come_from_eventbridge_with_a_dead_letter_queue() -> None:
    (trigger,) = _resources()["events"]["props"]["triggers"]
    assert trigger["triggerType"] == "eventbridge"
    config = trigger["triggerConfig"]
    assert config["eventSinkConfig"]["deliveryOption"]["eventSchema"] == "CloudEvents"
    assert config["runOptions"]["retryStrategy"]["PushRetryStrategy"] == "BACKOFF_RETRY"
    assert config["runOptions"]["deadLetterQueue"]["Arn"].startswith("acs:mns:")


@pytest.mark.parametrize("name", ["webhook", "events"])
def test_account_scope_is_off(name: str) -> None:
    env = _resources()[name]["props"]["environmentVariables"]
    assert env["TAGSTRIP_ALLOW_ACCOUNT_SCOPE"] == "${vars.allowAccountScope}"
    assert s_yaml()["vars"]["allowAccountScope"] == "false"
