"""Per-platform Terraform facts: ports, runtimes, secrets, least privilege, dead letters."""

from __future__ import annotations

import re

import pytest

from tagstrip.providers import spec_for
from tagstrip.runtime.wiring import validation
from tests.templates.helpers import (
    REFERENCE,
    SECRET_NAMES,
    TERRAFORM_DIRS,
    locals_,
    resources,
    variables,
)

FC = "alibaba-fc3"
HUAWEI = "huawei-functiongraph"
BAIDU = "baidu-cfc"
GOOGLE = "google-cloud-run-functions"
_FUNCTION_TYPES = {
    FC: ("alicloud_fcv3_function", "timeout"),
    HUAWEI: ("huaweicloud_fgs_function", "timeout"),
    BAIDU: ("baiducloud_cfc_function", "time_out"),
}


@pytest.mark.parametrize("platform", sorted(_FUNCTION_TYPES))
def test_every_function_sets_a_timeout(platform: str) -> None:
    resource_type, argument = _FUNCTION_TYPES[platform]
    for name, function in resources(platform, resource_type).items():
        assert function.get(argument), f"{platform} {name}: no {argument}"


def test_google_functions_set_a_timeout() -> None:
    for function in resources(GOOGLE, "google_cloudfunctions2_function").values():
        (service,) = function["service_config"]
        assert service["timeout_seconds"]


def test_fc_custom_runtime_listens_on_9000() -> None:
    (function,) = resources(FC, "alicloud_fcv3_function").values()
    assert function["runtime"] == "custom.debian12"  # ships CPython 3.11
    (runtime,) = function["custom_runtime_config"]
    assert runtime["port"] == 9000
    assert runtime["command"] == ["/code/bootstrap"]
    assert 'PORT = "9000"' in function["environment_variables"]


def test_functiongraph_http_function_starts_bootstrap_on_8000() -> None:
    webhook = resources(HUAWEI, "huaweicloud_fgs_function")["webhook"]
    assert webhook["runtime"] == "http"
    assert webhook["handler"] == "bootstrap"
    assert 'PORT = "8000"' in webhook["user_data"]


#: The RAM service whose actions each Alibaba API's operations are.
_RAM_SERVICES = {"aliyun-ecs": "ecs", "aliyun-redis": "kvstore", "aliyun-tag": "tag"}
#: One request per Alibaba API, made a write (tags), a selector's read and a sweep below.
_ALIYUN_REQUESTS = {
    "aliyun-ecs": {"resource_type": "instance", "resource_ids": ["i-bp1"]},
    "aliyun-redis": {"resource_ids": ["r-bp1"]},
    "aliyun-tag": {"resource_ids": ["arn:acs:ecs:cn-hangzhou:1234:instance/i-bp1"]},
}


def _aliyun_actions() -> set[str]:
    """Every RAM action the Alibaba providers can call: in each API profile, the writes of
    named tags, the reads of a selector and, on the Tag API, a sweep's reads."""
    check = validation()
    actions: set[str] = set()
    for provider, request in _ALIYUN_REQUESTS.items():
        base = {"provider": provider, "region": "cn-hangzhou", **request}
        for profile in spec_for(provider).profiles:
            shapes = [
                {"tags": [{"key": "team"}]},
                {"selector": {"key_glob": "tmp-*"}},
            ]
            if provider == "aliyun-tag":
                where = {"tag": {"key": "team", "value": "a"}}
                shapes.append({"where": where, "resource_ids": []})
            for shape in shapes:
                plan = check.plan(check.request({**base, "api_profile": profile, **shape}))
                actions |= {f"{_RAM_SERVICES[provider]}:{c.operation}" for c in plan.calls}
    return actions


def test_fc_role_allows_exactly_the_actions_the_alibaba_providers_call() -> None:
    (role,) = resources(FC, "alicloud_ram_role").values()
    assert "fc.aliyuncs.com" in role["assume_role_policy_document"]
    (policy,) = resources(FC, "alicloud_ram_policy").values()
    actions = re.findall(r'"([a-z]+:[A-Za-z]+)"', policy["policy_document"])
    assert sorted(actions) == sorted(_aliyun_actions())
    (attachment,) = resources(FC, "alicloud_ram_role_policy_attachment").values()
    assert attachment["policy_type"] == "Custom"
    for function in resources(FC, "alicloud_fcv3_function").values():
        assert function["role"] == "${alicloud_ram_role.tagstrip.arn}"


#: The IAM action that authorises each Huawei API tagstrip calls (the APIs' reference pages).
_HUAWEI_ACTIONS = {
    "BatchDeleteServerTags": "ecs:cloudServers:batchSetServerTags",
    "ShowServerTags": "ecs:cloudServers:showServerTags",
    "DeleteResourceTag": "tms:resourceTags:delete",
    "ShowResourceTag": "tms:resourceTags:list",
    "ListResource": "tms:resources:list",
}
_PROJECT = "0605767ea3000fd42f0cc00a2fa4d5d8"


def _huawei_actions(provider: str, request: dict[str, object]) -> list[str]:
    """The actions of every call `provider` can plan: named tags, a selector's reads and, on
    TMS, a sweep's reads (an operation missing from `_HUAWEI_ACTIONS` fails the test)."""
    check = validation()
    shapes: list[dict[str, object]] = [
        {**request, "tags": [{"key": "team"}]},
        {**request, "selector": {"key_glob": "tmp-*"}},
    ]
    if provider == "huawei-tms":
        where = {"tag": {"key": "team"}, "resource_types": ["ecs"]}
        shapes.append({"where": where, "project_id": _PROJECT})
    operations = {
        call.operation
        for shape in shapes
        for call in check.plan(check.request({"provider": provider, **shape})).calls
    }
    return sorted(_HUAWEI_ACTIONS[operation] for operation in operations)


def test_huawei_execution_agency_has_only_the_rights_of_the_calls_made() -> None:
    """ECS tags in the region's project; TMS, a global service, on the account."""
    roles = resources(HUAWEI, "huaweicloud_identity_role")
    ecs = {"region": "cn-north-4", "project_id": _PROJECT, "resource_ids": ["s-1"]}
    assert sorted(re.findall(r'"(\w+:[\w:]+)"', roles["ecs_tags"]["policy"])) == (
        _huawei_actions("huawei-ecs", ecs)
    )
    tms = {"resources": [{"id": "v-1", "type": "vpcs", "project_id": _PROJECT}]}
    assert sorted(re.findall(r'"(\w+:[\w:]+)"', roles["tms_tags"]["policy"])) == (
        _huawei_actions("huawei-tms", tms)
    )
    assert (roles["ecs_tags"]["type"], roles["tms_tags"]["type"]) == ("XA", "AX")
    execution = resources(HUAWEI, "huaweicloud_identity_agency")["execution"]
    assert execution["delegated_service_name"] == "op_svc_cff"
    (project_role,) = execution["project_role"]
    assert project_role["roles"] == ["${huaweicloud_identity_role.ecs_tags.name}"]
    assert execution["domain_roles"] == ["${huaweicloud_identity_role.tms_tags.name}"]
    for function in resources(HUAWEI, "huaweicloud_fgs_function").values():
        assert function["app_agency"] == "${huaweicloud_identity_agency.execution.name}"


def test_fc_webhook_secret_comes_from_kms_secrets_manager() -> None:
    secret_env = locals_(FC)["functions"]["webhook"]["secret_env"]
    assert secret_env["TAGSTRIP_WEBHOOK_SECRET"].startswith(
        "${data.alicloud_kms_secret_versions.webhook."
    )


def test_huawei_secrets_only_in_encrypted_user_data() -> None:
    for name, function in resources(HUAWEI, "huaweicloud_fgs_function").items():
        for secret in SECRET_NAMES:
            assert secret not in function.get("user_data", ""), (
                f"{name}: {secret} in plain user_data"
            )
    webhook = resources(HUAWEI, "huaweicloud_fgs_function")["webhook"]
    assert (
        "data.huaweicloud_csms_secret_version.webhook.secret_text" in webhook["encrypted_user_data"]
    )


def test_baidu_secrets_are_sensitive_inputs_without_defaults() -> None:
    for name in ("baidu_access_key", "baidu_secret_key", "webhook_secret"):
        spec = variables(BAIDU)[name]
        assert spec["sensitive"] is True
        assert "default" not in spec


def test_google_secrets_are_mounted_from_secret_manager() -> None:
    (function,) = resources(GOOGLE, "google_cloudfunctions2_function").values()
    (service,) = function["service_config"]
    assert service["environment_variables"] == "${local.settings}"
    (dynamic,) = service["dynamic"]
    assert "secret_environment_variables" in dynamic
    webhook = locals_(GOOGLE)["functions"]["webhook"]
    assert "TAGSTRIP_WEBHOOK_SECRET = var.webhook_secret_id" in webhook["secrets"]


_ENVIRONMENTS = {
    FC: [("alicloud_fcv3_function", "environment_variables")],
    HUAWEI: [("huaweicloud_fgs_function", "user_data")],
    BAIDU: [("baiducloud_cfc_function", "environment")],
}


@pytest.mark.parametrize("platform", sorted(TERRAFORM_DIRS))
def test_account_scope_is_an_input_that_defaults_to_off(platform: str) -> None:
    spec = variables(platform)["allow_account_scope"]
    assert (spec["type"], spec["default"]) == ("bool", False)
    setting = "TAGSTRIP_ALLOW_ACCOUNT_SCOPE = tostring(var.allow_account_scope)"
    assert setting in locals_(platform)["settings"]
    for resource_type, argument in _ENVIRONMENTS.get(platform, []):
        for name, function in resources(platform, resource_type).items():
            assert "local.settings" in function[argument], name


@pytest.mark.parametrize("platform", sorted(TERRAFORM_DIRS))
def test_extra_environment_refuses_secrets(platform: str) -> None:
    spec = variables(platform)["extra_environment"]
    (validation,) = spec["validation"]
    assert "SECRET" in validation["condition"]
    assert spec["default"] == {}


@pytest.mark.parametrize("platform", [FC, BAIDU])
def test_secret_environment_values_are_references(platform: str) -> None:
    """FC and CFC only have an environment map: secret values must be references."""
    resource_type, _ = _FUNCTION_TYPES[platform]
    texts = [str(locals_(platform))]
    texts += [str(function) for function in resources(platform, resource_type).values()]
    seen = set()
    for text in texts:
        # Parsed maps read {'NAME': 'value'}; HCL expressions read NAME = "value" or NAME = ref.
        pairs = re.findall(r"'(\w+)': '([^']*)'", text)
        pairs += [(key, f'"{value}"') for key, value in re.findall(r'(\w+) = "([^"]*)"', text)]
        for secret, value in pairs:
            if secret in SECRET_NAMES:
                seen.add(secret)
                assert REFERENCE.match(value), f"{platform}: {secret} = {value!r}"
    assert seen, f"{platform}: no secret found to check"


def test_dead_letter_destinations() -> None:
    (events,) = [
        trigger
        for trigger in resources(FC, "alicloud_fcv3_trigger").values()
        if trigger["trigger_type"] == "eventbridge"
    ]
    assert "deadLetterQueue" in events["trigger_config"]
    assert resources(FC, "alicloud_message_service_queue")
    (async_config,) = resources(HUAWEI, "huaweicloud_fgs_async_invoke_configuration").values()
    (on_failure,) = async_config["on_failure"]
    assert on_failure["destination"] == "SMN"
    assert "dead_letter" in on_failure["param"]
