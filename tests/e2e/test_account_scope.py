"""Account-wide removal (baidu-tag) is opt-in: every entry point refuses it by default.

Each test drives the real functions-framework app (or handler(), or the tagstrip command)
against the seeded fake cloud and checks that a refused request makes no call at all.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tagstrip.cli import main as tagstrip
from tagstrip.runtime.settings import reset_settings
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import EVENTS, Client, load_event, tags_of

Post = Callable[..., Any]
VARIABLE = "TAGSTRIP_ALLOW_ACCOUNT_SCOPE"
BAIDU_TAG = load_event("canonical/baidu-tag.json")
#: A rule that, mistyped, names the account-wide provider for an ECS lifecycle event.
ACCOUNT_WIDE_RULE = """
rules:
  - name: stopped-strips-the-account
    source: acs.ecs
    provider: baidu-tag
    tags: [{key: project, value: legacy-crm}]
"""


def assert_refused(error: dict[str, Any], path: str) -> None:
    """The refusal names the variable that allows it and the per-resource providers."""
    assert (error["path"], error["type"]) == (path, "account_scope_disabled")
    assert VARIABLE in error["message"]
    assert "baidu-tag-resource" in error["message"]
    assert "baidu-bcc" in error["message"]


def assert_untouched(cloud: FakeCloud) -> None:
    assert len(cloud.journal) == 0
    assert tags_of(cloud, "baidu", "i-YufwpQAe")["project"] == "legacy-crm"


def delivered_error(reply: dict[str, Any]) -> dict[str, Any]:
    """The one error of the one event a delivery answer reports, acknowledged as rejected."""
    [event] = reply["events"]
    assert event["status"] == "rejected"
    [error] = event["errors"]
    assert isinstance(error, dict)
    return error


def pubsub_push(request: Any) -> dict[str, Any]:
    data = base64.b64encode(json.dumps(request).encode()).decode()
    return {"message": {"data": data, "messageId": "m-1"}, "subscription": "projects/p/s/x"}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (BAIDU_TAG, "provider"),
        ({"provider": "baidu-tag", "selector": {"key_glob": "*"}}, "provider"),
        (load_event("native/baidu-tag-delete.json"), "tags"),
    ],
    ids=["canonical", "every-tag", "native"],
)
def test_webhook_refuses_account_scope_by_default(
    post_signed: Post, cloud: FakeCloud, body: Any, path: str
) -> None:
    response = post_signed(body)
    assert response.status_code == 400, response.json
    [error] = response.json["errors"]
    assert_refused(error, path)
    assert_untouched(cloud)


def test_native_baidu_body_is_refused_on_a_jira_webhook(
    post_signed: Post, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_MAPPING", "preset:jira")
    response = post_signed(load_event("native/baidu-tag-delete.json"))
    assert response.status_code == 400, response.json
    assert_refused(response.json["errors"][0], "tags")
    assert_untouched(cloud)


def test_a_mapping_that_yields_baidu_tag_is_refused(
    post_signed: Post, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_MAPPING", str(EVENTS / "mapping-cmdb.yaml"))
    ticket = {
        "action": "decommissioned",
        "resource": {"cloud": "baidu-tag"},
        "strip_tags": [{"key": "project", "value": "legacy-crm"}],
    }
    response = post_signed(ticket)
    assert response.status_code == 400, response.json
    assert_refused(response.json["errors"][0], "mappings.cmdb-decommissioned.provider")
    assert_untouched(cloud)


def test_a_lifecycle_rule_that_yields_baidu_tag_is_refused(
    queue_client: Client, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(ACCOUNT_WIDE_RULE, encoding="utf-8")
    monkeypatch.setenv("TAGSTRIP_RULES", str(rules))
    event = load_event("eventbridge/ecs-instance-stopped.json")
    response = queue_client.post("/", json=event)
    assert response.status_code == 200, response.json
    assert_refused(delivered_error(response.json), "rules.stopped-strips-the-account.provider")
    assert_untouched(cloud)


def test_queue_delivery_is_acknowledged_as_rejected(queue_client: Client, cloud: FakeCloud) -> None:
    response = queue_client.post("/", json=pubsub_push(BAIDU_TAG))
    assert response.status_code == 200, response.json
    assert_refused(delivered_error(response.json), "message.data.provider")
    assert_untouched(cloud)


def test_cloudevent_is_acknowledged_not_retried(
    event_client: Client, cloud: FakeCloud, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {
        "ce-specversion": "1.0",
        "ce-id": "evt-1",
        "ce-source": "//tagstrip/tests",
        "ce-type": "tagstrip.request",
    }
    response = event_client.post("/", json=BAIDU_TAG, headers=headers)
    assert response.status_code == 200
    [record] = [r for r in caplog.records if r.getMessage() == "event cloudevent rejected"]
    assert VARIABLE in str(getattr(record, "reason", ""))
    assert_untouched(cloud)


def test_plain_handler_rejects_it(cloud: FakeCloud, main: Any) -> None:
    assert_refused(delivered_error(main.handler(BAIDU_TAG, None)), "provider")
    assert_untouched(cloud)


def test_a_dry_run_is_allowed_without_consent(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed({**BAIDU_TAG, "dry_run": True})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "dry_run"
    assert post_signed(BAIDU_TAG).status_code == 400
    assert_untouched(cloud)


def test_with_consent_the_tags_leave_the_whole_account(
    post_signed: Post, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    native = load_event("native/baidu-tag-delete.json")
    assert post_signed(native).status_code == 400
    monkeypatch.setenv(VARIABLE, "true")
    reset_settings()
    response = post_signed({**native, "id": "sent-again"})  # a new delivery, not a duplicate
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ok"
    assert "key1" not in tags_of(cloud, "baidu", "i-YufwpQAe")


def test_invoke_refuses_it_unless_dry_run(
    cloud: FakeCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    event = str(EVENTS / "canonical" / "baidu-tag.json")
    assert tagstrip(["invoke", event]) == 2
    assert VARIABLE in capsys.readouterr().err
    assert tagstrip(["invoke", event, "--dry-run"]) == 0
    [report] = json.loads(capsys.readouterr().out)
    assert report["status"] == "dry_run"
    assert_untouched(cloud)
