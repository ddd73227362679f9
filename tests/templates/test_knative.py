"""template/knative: Services and the Eventing Trigger, checked field by field."""

from __future__ import annotations

from typing import Any

import pytest

from tagstrip.sources.cloudevent import REQUEST_TYPE
from tests.templates.helpers import (
    SECRET_NAMES,
    TEMPLATE,
    entry_point,
    knative_documents,
    yaml_documents,
)


def _by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in knative_documents() if doc["kind"] == kind}


def _container(service: dict[str, Any]) -> dict[str, Any]:
    (container,) = service["spec"]["template"]["spec"]["containers"]
    assert isinstance(container, dict)
    return container


SERVICES = sorted(_by_kind("Service"))


def test_manifests_are_the_expected_objects() -> None:
    kinds = {(doc["apiVersion"], doc["kind"]) for doc in knative_documents() if "kind" in doc}
    assert ("serving.knative.dev/v1", "Service") in kinds
    assert ("eventing.knative.dev/v1", "Trigger") in kinds
    assert SERVICES == ["tagstrip-events", "tagstrip-webhook"]
    for doc in knative_documents():
        if doc["kind"] != "Kustomization":
            assert doc["metadata"]["namespace"] == "tagstrip", doc["metadata"]["name"]


def test_kustomization_lists_every_manifest() -> None:
    (kustomization,) = yaml_documents(TEMPLATE / "knative" / "kustomization.yaml")
    listed = set(kustomization["resources"])
    on_disk = {path.name for path in (TEMPLATE / "knative").glob("*.yaml")}
    assert listed == on_disk - {"kustomization.yaml"}
    assert [image["name"] for image in kustomization["images"]] == ["tagstrip"]


@pytest.mark.parametrize("name", SERVICES)
def test_service_runs_an_entry_point_on_the_image_port(name: str) -> None:
    service = _by_kind("Service")[name]
    container = _container(service)
    assert container["image"] == "tagstrip"
    assert [port["containerPort"] for port in container["ports"]] == [8080]
    env = {item["name"]: item for item in container["env"]}
    target = env["FUNCTION_TARGET"]["value"]
    assert entry_point(target).signature_type == env["FUNCTION_SIGNATURE_TYPE"]["value"]
    assert service["spec"]["template"]["spec"]["timeoutSeconds"] > 0


@pytest.mark.parametrize("name", SERVICES)
def test_service_is_non_root_and_read_only(name: str) -> None:
    spec = _by_kind("Service")[name]["spec"]["template"]["spec"]
    assert spec["automountServiceAccountToken"] is False
    container = _container(_by_kind("Service")[name])
    security = container["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] != 0
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    assert container["resources"]["limits"]["memory"]


@pytest.mark.parametrize("name", SERVICES)
def test_secrets_come_from_kubernetes_secrets(name: str) -> None:
    container = _container(_by_kind("Service")[name])
    for item in container["env"]:
        if item["name"] in SECRET_NAMES:
            assert "value" not in item, item["name"]
            assert item["valueFrom"]["secretKeyRef"]["key"] == item["name"]
    for source in container.get("envFrom", []):
        assert "secretRef" in source


def test_only_the_webhook_is_reachable_from_outside() -> None:
    for name, service in _by_kind("Service").items():
        visibility = service["metadata"]["labels"].get("networking.knative.dev/visibility")
        target = _container(service)["env"][0]["value"]
        if entry_point(target).public:
            assert visibility is None, name
            assert _container(service)["readinessProbe"]["httpGet"]["path"] == "/healthz"
        else:
            assert visibility == "cluster-local", name


def test_trigger_delivers_to_the_event_service_with_a_dead_letter_sink() -> None:
    (trigger,) = _by_kind("Trigger").values()
    subscriber = trigger["spec"]["subscriber"]["ref"]
    assert subscriber["kind"] == "Service"
    service = _by_kind("Service")[subscriber["name"]]
    target = _container(service)["env"][0]["value"]
    assert entry_point(target).signature_type == "cloudevent"
    # The shipped filter passes what the event target carries out as is: request events.
    assert trigger["spec"]["filter"]["attributes"]["type"] == REQUEST_TYPE
    delivery = trigger["spec"]["delivery"]
    assert delivery["retry"] > 0
    sink = delivery["deadLetterSink"]["ref"]
    assert sink["name"] in _by_kind(sink["kind"])


def _template_labels(service: dict[str, Any]) -> dict[str, str]:
    """The labels Knative puts on the Service's pods (its revision template's labels)."""
    labels = service["spec"]["template"].get("metadata", {}).get("labels", {})
    assert isinstance(labels, dict)
    return labels


def _selects(selector: dict[str, Any], service: dict[str, Any]) -> bool:
    wanted = selector["matchLabels"].items()
    return bool(wanted) and wanted <= _template_labels(service).items()


def test_only_knative_may_reach_the_event_pods() -> None:
    (policy,) = _by_kind("NetworkPolicy").values()
    services = _by_kind("Service")
    assert _selects(policy["spec"]["podSelector"], services["tagstrip-events"])
    assert not _selects(policy["spec"]["podSelector"], services["tagstrip-webhook"])
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    (rule,) = policy["spec"]["ingress"]
    assert "ports" not in rule
    admitted = set()
    for peer in rule["from"]:
        assert set(peer) == {"namespaceSelector"}, peer  # no pod-only or IP-block peers
        (name,) = peer["namespaceSelector"]["matchLabels"].items()
        assert name[0] == "kubernetes.io/metadata.name"
        admitted.add(name[1])
    assert admitted == {"knative-serving", "knative-eventing"}


def test_the_activator_stays_in_the_event_path() -> None:
    """Else the gateway, whose namespace the policy does not admit, would reach the pods."""
    template = _by_kind("Service")["tagstrip-events"]["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    assert annotations["autoscaling.knative.dev/target-burst-capacity"] == "-1"


@pytest.mark.parametrize("name", SERVICES)
def test_account_scope_is_off(name: str) -> None:
    env = {item["name"]: item.get("value") for item in _container(_by_kind("Service")[name])["env"]}
    assert env["TAGSTRIP_ALLOW_ACCOUNT_SCOPE"] == "false"


# --- the optional Istio authorization (template/knative/istio) ---------------------------

ISTIO = TEMPLATE / "knative" / "istio"


def _istio_policies() -> dict[str, dict[str, Any]]:
    (kustomization,) = yaml_documents(ISTIO / "kustomization.yaml")
    assert "namespace" not in kustomization  # the policies live in two namespaces
    assert set(kustomization["resources"]) == {p.name for p in ISTIO.glob("*.yaml")} - {
        "kustomization.yaml"
    }
    policies = [doc for name in kustomization["resources"] for doc in yaml_documents(ISTIO / name)]
    assert {(doc["apiVersion"], doc["kind"]) for doc in policies} == {
        ("security.istio.io/v1", "AuthorizationPolicy")
    }
    return {doc["metadata"]["namespace"]: doc for doc in policies}


def _namespaces(rule: dict[str, Any], field: str) -> set[str]:
    (peer,) = rule["from"]
    assert set(peer["source"]) == {field}, peer
    return set(peer["source"][field])


def test_istio_admits_only_knative_to_the_event_pods() -> None:
    """Deliveries reach the pods through the activator (knative-serving), so its namespace
    is admitted on every path; nothing else but knative-eventing is."""
    policy = _istio_policies()["tagstrip"]["spec"]
    services = _by_kind("Service")
    assert _selects(policy["selector"], services["tagstrip-events"])
    assert not _selects(policy["selector"], services["tagstrip-webhook"])
    assert policy["action"] == "ALLOW"
    assert all(set(rule) == {"from"} for rule in policy["rules"])  # no path or method limit
    admitted = [_namespaces(rule, "namespaces") for rule in policy["rules"]]
    assert set().union(*admitted) == {"knative-serving", "knative-eventing"}


def _istio_match(pattern: str, value: str) -> bool:
    """Istio's string match: exact, prefix (``abc*``) or suffix (``*abc``)."""
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return value.endswith(pattern[1:])
    return value == pattern


def test_the_cluster_local_gateway_serves_the_event_service_to_knative_eventing_only() -> None:
    policy = _istio_policies()["istio-system"]["spec"]
    assert policy["action"] == "DENY"
    assert policy["selector"]["matchLabels"] == {"istio": "ingressgateway"}
    (rule,) = policy["rules"]
    assert _namespaces(rule, "notNamespaces") == {"knative-eventing"}
    (target,) = rule["to"]
    hosts = target["operation"]["hosts"]
    service = _by_kind("Service")["tagstrip-events"]["metadata"]
    name = f"{service['name']}.{service['namespace']}"
    for host in (name, f"{name}:80", f"{name}.svc", f"{name}.svc.cluster.local:8080"):
        assert any(_istio_match(pattern, host) for pattern in hosts), host
    for host in ("tagstrip-webhook.tagstrip.svc.cluster.local", f"{name}x.svc", "x" + name):
        assert not any(_istio_match(pattern, host) for pattern in hosts), host
