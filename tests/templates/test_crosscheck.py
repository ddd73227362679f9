"""Templates against the code: entry points, signature types, variable names, exposure.

A rename in functions/ that the templates do not follow (or the reverse) fails here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tagstrip.entrypoints import ENTRY_POINTS, PLAIN_HANDLER
from tagstrip.runtime.settings import Settings
from tests.templates.helpers import (
    ENV_NAME,
    ROOT,
    TEMPLATE,
    entry_point,
    knative_documents,
    locals_,
    resources,
    s_yaml,
    source_text,
    strip_interpolation,
)

_ASSIGNMENT = re.compile(r'(\w+)\s*=\s*"([^"$]*)"')


def _config_files() -> list[Path]:
    """Files whose variable names must exist in the code: templates, their docs, the image."""
    files = [path for path in TEMPLATE.rglob("*") if path.suffix in {".tf", ".yaml", ".md"}]
    return sorted([*files, ROOT / "Dockerfile"])


def _assignments(expression: str) -> dict[str, str]:
    """KEY = "literal" pairs inside an HCL expression such as jsonencode({...})."""
    return dict(_ASSIGNMENT.findall(expression))


def deployed_targets() -> dict[str, set[str]]:
    """platform -> entry points its templates deploy, read from each template."""
    fc = {spec["target"] for spec in locals_("alibaba-fc3")["functions"].values()}
    devs = {
        resource["props"]["environmentVariables"]["FUNCTION_TARGET"]
        for resource in s_yaml()["resources"].values()
    }
    huawei: set[str] = set()
    for function in resources("huawei-functiongraph", "huaweicloud_fgs_function").values():
        if function["runtime"] == "http":
            huawei.add(_assignments(function["user_data"])["FUNCTION_TARGET"])
        else:
            huawei.add(function["handler"].removeprefix("main."))
    baidu = {
        function["handler"].removeprefix("main.")
        for function in resources("baidu-cfc", "baiducloud_cfc_function").values()
    }
    google = {
        spec["entry_point"] for spec in locals_("google-cloud-run-functions")["functions"].values()
    }
    knative = {_env(document)["FUNCTION_TARGET"] for document in _knative_services()}
    return {
        "alibaba-fc3": fc,
        "s.yaml": devs,
        "huawei-functiongraph": huawei,
        "baidu-cfc": baidu,
        "google-cloud-run-functions": google,
        "knative": knative,
    }


def _knative_services() -> list[dict[str, Any]]:
    return [doc for doc in knative_documents() if doc["kind"] == "Service"]


def _env(service: dict[str, Any]) -> dict[str, Any]:
    (container,) = service["spec"]["template"]["spec"]["containers"]
    return {item["name"]: item.get("value", item.get("valueFrom")) for item in container["env"]}


def test_every_variable_named_in_templates_is_read_by_the_code() -> None:
    named = {name for path in _config_files() for name in ENV_NAME.findall(path.read_text())}
    assert "TAGSTRIP_WEBHOOK_SECRET" in named
    settings = {Settings.variable(name) for name in Settings.model_fields}  # TAGSTRIP_<FIELD>
    missing = sorted(name for name in named if name not in settings and name not in source_text())
    assert not missing, (
        f"named in template/ or Dockerfile but absent from functions/tagstrip: {missing}"
    )


def test_no_template_allows_unsigned_webhooks() -> None:
    setting = re.compile(r"TAGSTRIP_ALLOW_UNSIGNED\s*[:=]")
    for path in _config_files():
        assert not setting.search(path.read_text()), f"{path} sets TAGSTRIP_ALLOW_UNSIGNED"
    for service in _knative_services():
        assert "TAGSTRIP_ALLOW_UNSIGNED" not in _env(service)


def test_every_deployed_target_is_an_entry_point() -> None:
    for platform, targets in deployed_targets().items():
        for target in targets:
            entry_point(target)  # fails with the platform's unknown name
        assert "remove_tags_http" in targets or PLAIN_HANDLER in targets, platform


def test_every_entry_point_is_deployed_somewhere() -> None:
    deployed = set().union(*deployed_targets().values())
    assert deployed == set(ENTRY_POINTS)


def test_signature_types_match_the_entry_points() -> None:
    for spec in locals_("alibaba-fc3")["functions"].values():
        assert spec["signature_type"] == entry_point(spec["target"]).signature_type
    for resource in s_yaml()["resources"].values():
        env = resource["props"]["environmentVariables"]
        assert env["FUNCTION_SIGNATURE_TYPE"] == entry_point(env["FUNCTION_TARGET"]).signature_type
    for function in resources("huawei-functiongraph", "huaweicloud_fgs_function").values():
        if function["runtime"] == "http":
            env = _assignments(function["user_data"])
            assert (
                env["FUNCTION_SIGNATURE_TYPE"] == entry_point(env["FUNCTION_TARGET"]).signature_type
            )
        else:
            assert entry_point(function["handler"].removeprefix("main.")).signature_type == "plain"
    for service in _knative_services():
        env = _env(service)
        assert (
            env["FUNCTION_SIGNATURE_TYPE"]
            == entry_point(str(env["FUNCTION_TARGET"])).signature_type
        )


def test_google_event_trigger_only_on_a_cloudevent_entry_point() -> None:
    functions = locals_("google-cloud-run-functions")["functions"]
    (function,) = resources(
        "google-cloud-run-functions", "google_cloudfunctions2_function"
    ).values()
    (dynamic,) = function["dynamic"]
    (trigger,) = dynamic["event_trigger"]["content"]
    assert trigger["retry_policy"] == "RETRY_POLICY_RETRY"
    assert '"events"' in dynamic["event_trigger"]["for_each"]
    assert entry_point(functions["events"]["entry_point"]).signature_type == "cloudevent"
    assert entry_point(functions["webhook"]["entry_point"]).signature_type == "http"
    assert functions["events"]["ingress"] == "ALLOW_INTERNAL_ONLY"


def test_only_public_entry_points_get_public_triggers() -> None:
    # Alibaba: HTTP triggers only in front of public targets.
    fc_targets = {key: spec["target"] for key, spec in locals_("alibaba-fc3")["functions"].items()}
    for trigger in resources("alibaba-fc3", "alicloud_fcv3_trigger").values():
        key = re.search(r'\["(\w+)"\]', trigger["function_name"])
        assert key, trigger["function_name"]
        if trigger["trigger_type"] == "http":
            assert entry_point(fc_targets[key.group(1)]).public
    # Serverless Devs: the same rule.
    for resource in s_yaml()["resources"].values():
        target = resource["props"]["environmentVariables"]["FUNCTION_TARGET"]
        for trigger in resource["props"].get("triggers", []):
            if trigger["triggerType"] == "http":
                assert entry_point(target).public, target
    # Huawei: the API Gateway route fronts the webhook only.
    functions = resources("huawei-functiongraph", "huaweicloud_fgs_function")
    for trigger in resources("huawei-functiongraph", "huaweicloud_fgs_function_trigger").values():
        function = strip_interpolation(trigger["function_urn"]).split(".")[1]
        if trigger["type"] in {"APIG", "DEDICATEDGATEWAY"}:
            env = _assignments(functions[function]["user_data"])
            assert entry_point(env["FUNCTION_TARGET"]).public
    # Baidu: one anonymous HTTP trigger, for the function holding the webhook secret.
    cfc = resources("baidu-cfc", "baiducloud_cfc_function")
    anonymous = [
        strip_interpolation(trigger["target"]).split(".")[1]
        for trigger in resources("baidu-cfc", "baiducloud_cfc_trigger").values()
        if trigger["auth_type"] == "anonymous"
    ]
    assert anonymous == ["webhook"]
    assert "TAGSTRIP_WEBHOOK_SECRET" in str(cfc["webhook"]["environment"])
    # Google: allUsers may invoke the webhook's service only.
    google = locals_("google-cloud-run-functions")["functions"]
    for member in resources(
        "google-cloud-run-functions", "google_cloud_run_service_iam_member"
    ).values():
        if member["member"] in {"allUsers", "allAuthenticatedUsers"}:
            key = re.search(r'\["(\w+)"\]', member["service"])
            assert key, member["service"]
            assert entry_point(google[key.group(1)]["entry_point"]).public
    # Knative: only cluster-local Services may run non-public targets.
    for service in _knative_services():
        labels = service["metadata"].get("labels", {})
        if labels.get("networking.knative.dev/visibility") != "cluster-local":
            assert entry_point(str(_env(service)["FUNCTION_TARGET"])).public


def test_vendor_variables_are_ones_tagstrip_reads() -> None:
    """A vendor variable a template sets (credentials, the account id) is one Settings reads."""
    named = {name for path in _config_files() for name in ENV_NAME.findall(path.read_text())}
    vendor = {name for name in named if not name.startswith("TAGSTRIP_")}
    known = {Settings.variable(name) for name in Settings.model_fields}
    assert vendor <= known, vendor - known
