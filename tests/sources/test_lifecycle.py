"""Lifecycle rules: file format, compilation and caching, matching, CTS traces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tagstrip.domain.errors import ConfigurationError, InvalidRequest
from tagstrip.domain.outcomes import Accepted, Ignored
from tagstrip.sources import lifecycle
from tests.sources.helpers import admitted

from .helpers import RULES, RULES_ENV, load, paths

STOPPED_RULE = """
rules:
  - name: stopped
    type: "ecs:Instance:StateChange"
    when: "data.state == 'Stopped'"
    provider: aliyun-ecs
    resource_type: instance
    region: {path: aliyunregionid}
    resource_ids: {path: data.resourceId}
    tags: [owner]
"""


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> dict[str, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return {"TAGSTRIP_RULES": str(path)}


def stopped(**data: Any) -> dict[str, Any]:
    event: dict[str, Any] = load("eventbridge/ecs-instance-stopped.json")
    event["data"] = {**event["data"], **data}
    return event


def test_rules_are_compiled_once_per_file_version(tmp_path: Path) -> None:
    env = write(tmp_path, STOPPED_RULE)
    first = lifecycle.load_rules(env["TAGSTRIP_RULES"])
    assert lifecycle.load_rules(env["TAGSTRIP_RULES"]) is first
    path = Path(env["TAGSTRIP_RULES"])
    path.write_text(STOPPED_RULE.replace("[owner]", "[owner, env]"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    changed = lifecycle.load_rules(path)
    assert changed is not first
    outcome = admitted(lifecycle.adapt_cloudevent(stopped(), environ={"TAGSTRIP_RULES": str(path)}))
    assert isinstance(outcome, Accepted)
    assert [t.key for t in outcome.requests[0].tags] == ["owner", "env"]


def test_json_rules_file(tmp_path: Path) -> None:
    import yaml

    env = write(tmp_path, json.dumps(yaml.safe_load(STOPPED_RULE)), "rules.json")
    assert isinstance(admitted(lifecycle.adapt_cloudevent(stopped(), environ=env)), Accepted)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rules: [", "not valid YAML"),
        ("rules:\n  - name: a\n    provider: aliyun-ecs\n    colour: red\n", "rule 'a'"),
        ("rules:\n  - provider: aliyun-ecs\n", "rule #1"),
        ("rules:\n  - name: a\n    provider: aliyun-ecs\n    when: 'data.['\n", "rule 'a': when"),
        (
            "rules:\n  - name: a\n    provider: aliyun-ecs\n    resource_ids: {path: 'a..b'}\n",
            "rule 'a': resource_ids",
        ),
        ("rules:\n  - {name: a, provider: x}\n  - {name: a, provider: y}\n", "unique: a"),
        ("rules: {name: a}\n", "rules"),
        ("mappings: []\n", "rules"),
        ("{}\n", "rules: Field required"),
        ("rules: []\n", "at least 1 item"),
        ("", "Input should be a valid dictionary"),
    ],
)
def test_invalid_rules_files_name_the_file_and_rule(
    tmp_path: Path, text: str, expected: str
) -> None:
    env = write(tmp_path, text)
    with pytest.raises(ConfigurationError) as caught:
        admitted(lifecycle.adapt_cloudevent(stopped(), environ=env))
    assert expected in str(caught.value)
    assert env["TAGSTRIP_RULES"] in str(caught.value)
    assert caught.value.variable == "TAGSTRIP_RULES"


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"cannot read .*absent\.yaml"):
        lifecycle.load_rules(tmp_path / "absent.yaml")


def test_rules_not_set() -> None:
    with pytest.raises(ConfigurationError, match="set TAGSTRIP_RULES"):
        admitted(lifecycle.adapt_cloudevent(stopped(), environ={"TAGSTRIP_RULES": " "}))


def test_no_matching_rule_is_ignored_not_an_error() -> None:
    outcome = admitted(lifecycle.adapt_cloudevent(stopped(state="Starting"), environ=RULES_ENV))
    assert isinstance(outcome, Ignored)
    assert str(RULES) in outcome.reason


def test_a_matching_rule_that_renders_a_bad_request_is_located_at_the_rule() -> None:
    event = stopped()
    del event["data"]["resourceId"]
    with pytest.raises(InvalidRequest) as caught:
        admitted(lifecycle.adapt_cloudevent(event, environ=RULES_ENV))
    assert paths(caught.value) == ["rules.ecs-stopped-drop-on-call.resource_ids"]


def test_every_matching_rule_adds_a_request(tmp_path: Path) -> None:
    second = STOPPED_RULE.replace("rules:\n", "").replace("name: stopped", "name: also")
    env = write(tmp_path, STOPPED_RULE + second.replace("[owner]", "[env]"))
    outcome = admitted(lifecycle.adapt_cloudevent(stopped(), environ=env))
    assert isinstance(outcome, Accepted)
    assert outcome.matched == ("stopped", "also")
    assert [str(r.tags[0]) for r in outcome.requests] == ["owner", "env"]


def test_source_filter_and_condition_errors_do_not_match(tmp_path: Path) -> None:
    env = write(
        tmp_path,
        STOPPED_RULE.replace("when:", "source: acs.other\n    when:")
        + "  - {name: typed, provider: aliyun-ecs, when: \"starts_with(data.state, 'S')\"}\n",
    )
    outcome = admitted(lifecycle.adapt_cloudevent(stopped(state=7), environ=env))
    assert isinstance(outcome, Ignored)


def test_a_path_that_fails_to_evaluate_is_an_invalid_request(tmp_path: Path) -> None:
    env = write(
        tmp_path,
        STOPPED_RULE.replace("{path: data.resourceId}", "{path: 'split(data.resourceId, `1`)'}"),
    )
    with pytest.raises(InvalidRequest) as caught:
        admitted(lifecycle.adapt_cloudevent(stopped(), environ=env))
    assert paths(caught.value) == ["rules.stopped.resource_ids"]
    assert "could not be evaluated" in caught.value.errors[0].message


def test_path_map_translates_and_drops_unknown_values(tmp_path: Path) -> None:
    mapped = STOPPED_RULE.replace(
        "resource_type: instance",
        "resource_type: {path: data.resourceType, map: {'ALIYUN::ECS::Instance': instance}}",
    )
    env = write(tmp_path, mapped)
    assert isinstance(admitted(lifecycle.adapt_cloudevent(stopped(), environ=env)), Accepted)
    with pytest.raises(InvalidRequest) as caught:
        admitted(lifecycle.adapt_cloudevent(stopped(resourceType="ALIYUN::ECS::Disk"), environ=env))
    assert paths(caught.value) == ["rules.stopped.resource_type"]


def test_cts_request_given_as_json_text_or_object_matches_the_same_rule() -> None:
    event = load("cts/create-server-ci.json")
    as_text = admitted(lifecycle.adapt_cts(event, environ=RULES_ENV))
    event["cts"]["request"] = json.loads(event["cts"]["request"])
    as_object = admitted(lifecycle.adapt_cts(event, environ=RULES_ENV))
    assert isinstance(as_text, Accepted)
    assert as_text == as_object
    event["cts"]["request"] = json.dumps({"server": {"name": "prod-db-1"}})
    assert isinstance(admitted(lifecycle.adapt_cts(event, environ=RULES_ENV)), Ignored)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"request": "{nope"}, ["cts.request"]),
        ({"response": "[1,"}, ["cts.response"]),
        ({"trace_id": None}, ["cts.trace_id"]),
        ({"service_type": 3}, ["cts.service_type"]),
    ],
)
def test_cts_refusals_are_located(change: dict[str, object], expected: list[str]) -> None:
    event = load("cts/create-server-ci.json")
    event["cts"] |= change
    with pytest.raises(InvalidRequest) as caught:
        admitted(lifecycle.adapt_cts(event, environ=RULES_ENV))
    assert paths(caught.value) == expected


def test_eventgrid_cloudtrace_event_is_read_like_a_cts_trigger() -> None:
    trace = load("cts/create-server-ci.json")["cts"]
    event = {
        "specversion": "1.0",
        "id": "eg-1",
        "source": "HC.ECS",
        "type": "ECS:CloudTrace:ApiCall",
        "data": trace,
    }
    outcome = admitted(lifecycle.adapt_cloudevent(event, environ=RULES_ENV))
    assert isinstance(outcome, Accepted)
    assert outcome.matched == ("huawei-ci-server-created-drop-ci-run",)
    with pytest.raises(InvalidRequest) as caught:
        admitted(
            lifecycle.adapt_cloudevent(
                {**event, "data": {**trace, "request": "{"}}, environ=RULES_ENV
            )
        )
    assert paths(caught.value) == ["data.request"]


def test_importing_the_adapters_does_not_load_jmespath_or_yaml() -> None:
    code = (
        "import sys, tagstrip.sources.envelopes, tagstrip.sources.webhook, "
        "tagstrip.sources.webhook_auth; "
        "print(sorted(m for m in ('jmespath', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
