"""Webhook mappings: presets, mapping files, and requests that bypass the mapping."""

from __future__ import annotations

import copy
from importlib.resources import files

import pytest

from tagstrip.domain.errors import ConfigurationError, InvalidRequest
from tagstrip.domain.outcomes import Accepted, Ignored
from tagstrip.sources import webhook
from tests.sources.helpers import admitted

from .helpers import CANONICAL_ECS, EVENTS, load, paths

JIRA = {"TAGSTRIP_WEBHOOK_MAPPING": "preset:jira"}


def test_presets_ship_with_the_package() -> None:
    for name in webhook.PRESETS:
        assert files("tagstrip.sources").joinpath("presets", f"{name}.yaml").is_file()
        assert webhook.load_mapping(f"preset:{name}").rules


def test_jira_issue_moved_to_done_acts() -> None:
    payload = load("jira/issue-moved-to-done.json")
    outcome = admitted(webhook.adapt(payload, event_id="wh-9", environ=JIRA))
    assert isinstance(outcome, Accepted)
    assert (outcome.source, outcome.event_id) == ("webhook", "wh-9")
    [request] = outcome.requests
    assert (request.id, request.region, request.resource_ids) == (
        "OPS-42",
        "cn-hangzhou",
        ["i-bp1abc"],
    )
    assert outcome.matched == ("jira-issue-done",)


@pytest.mark.parametrize(
    "sample",
    ["jira/issue-moved-to-in-progress.json", "jira/done-issue-labels-edited.json"],
)
def test_other_jira_updates_are_ignored(sample: str) -> None:
    outcome = admitted(webhook.adapt(load(sample), environ=JIRA))
    assert isinstance(outcome, Ignored)
    assert "preset:jira" in outcome.reason


def test_jira_resolved_counts_as_done_and_other_events_do_not() -> None:
    payload = load("jira/issue-moved-to-done.json")
    payload["issue"]["fields"]["status"]["name"] = "Resolved"
    assert isinstance(admitted(webhook.adapt(payload, environ=JIRA)), Accepted)
    payload["webhookEvent"] = "jira:issue_created"
    assert isinstance(admitted(webhook.adapt(payload, environ=JIRA)), Ignored)


def test_jira_done_without_a_resource_is_located_at_the_mapping_field() -> None:
    payload = copy.deepcopy(load("jira/issue-moved-to-done.json"))
    del payload["issue"]["fields"]["customfield_10050"]
    with pytest.raises(InvalidRequest) as caught:
        admitted(webhook.adapt(payload, environ=JIRA))
    assert paths(caught.value) == ["mappings.jira-issue-done.resource_ids"]


def test_mapping_file_from_events() -> None:
    env = {"TAGSTRIP_WEBHOOK_MAPPING": str(EVENTS / "mapping-jira.yaml")}
    payload = load("jira/issue-moved-to-done.json")
    assert isinstance(admitted(webhook.adapt(payload, environ=env)), Ignored)
    fields = payload["issue"]["fields"]
    fields["labels"] = ["cloud-huawei"]
    fields |= {
        "customfield_10210": {"value": "cn-north-4"},
        "customfield_10211": "0605767ea3000fd42f0cc00a2fa4d5d8",
        "customfield_10212": "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8",
        "customfield_10213": "owner",
    }
    outcome = admitted(webhook.adapt(payload, environ=env))
    assert isinstance(outcome, Accepted)
    assert outcome.requests[0].provider == "huawei-ecs"


@pytest.mark.usefixtures("allow_account_scope")
@pytest.mark.parametrize(
    "body",
    [
        CANONICAL_ECS,
        [CANONICAL_ECS],
        load("native/aliyun-ecs-removetags.json"),
        load("native/baidu-tag-delete.json"),
    ],
)
def test_requests_bypass_the_mapping(body: object) -> None:
    outcome = admitted(webhook.adapt(body, environ=JIRA))
    assert isinstance(outcome, Accepted)
    assert (outcome.source, outcome.matched) == ("request", ())


def test_without_a_mapping_a_payload_must_be_a_request() -> None:
    with pytest.raises(InvalidRequest) as caught:
        admitted(webhook.adapt(load("jira/issue-moved-to-done.json"), environ={}))
    assert paths(caught.value) == ["provider"]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("preset:github", "unknown preset 'github'; presets: preset:jira, preset:servicenow"),
        ("/nonexistent/mapping.yaml", "cannot read /nonexistent/mapping.yaml"),
        (" , ", "names no mapping file or preset"),
    ],
)
def test_bad_mapping_setting(spec: str, expected: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        admitted(webhook.adapt({"webhookEvent": "x"}, environ={"TAGSTRIP_WEBHOOK_MAPPING": spec}))
    assert expected in str(caught.value)
    assert caught.value.variable == "TAGSTRIP_WEBHOOK_MAPPING"


def test_a_rules_file_is_not_a_mapping_file() -> None:
    with pytest.raises(ConfigurationError, match="mappings"):
        webhook.load_mapping(str(EVENTS / "rules.yaml"))


def test_split_trims_and_drops_blanks() -> None:
    payload = load("jira/issue-moved-to-done.json")
    payload["issue"]["fields"]["customfield_10052"] = " owner ,, on-call ,"
    outcome = admitted(webhook.adapt(payload, environ=JIRA))
    assert isinstance(outcome, Accepted)
    assert [t.key for t in outcome.requests[0].tags] == ["owner", "on-call"]


def test_several_mappings_combine_in_order() -> None:
    spec = f"preset:jira, preset:servicenow,{EVENTS / 'mapping-cmdb.yaml'}"
    env = {"TAGSTRIP_WEBHOOK_MAPPING": spec}
    for sample, name in [
        ("jira/issue-moved-to-done.json", "jira-issue-done"),
        ("servicenow/change-implement-alibaba.json", "servicenow-change-implement"),
        ("webhook/cmdb-decommissioned.json", "cmdb-decommissioned"),
    ]:
        outcome = admitted(webhook.adapt(load(sample), environ=env))
        assert isinstance(outcome, Accepted)
        assert outcome.matched == (name,)
    ignored = admitted(webhook.adapt(load("servicenow/change-authorize.json"), environ=env))
    assert isinstance(ignored, Ignored)
    assert "preset:jira, preset:servicenow, " in ignored.reason


def test_combined_mappings_keep_names_unique() -> None:
    with pytest.raises(ConfigurationError, match="must be unique: jira-issue-done"):
        webhook.load_mapping("preset:jira,preset:jira")
