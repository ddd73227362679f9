"""The `tagstrip plan` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagstrip.cli import main

EVENTS = Path(__file__).resolve().parents[2] / "events"


def test_plan_prints_json_plans(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(EVENTS / "native" / "aliyun-ecs-removetags.json")]) == 0
    [plan] = json.loads(capsys.readouterr().out)
    assert plan["calls"][0]["params"]["Tag.1.Value"] == "FinanceJoshua"


def test_plan_of_invalid_event_exits_2_with_paths_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["plan", str(EVENTS / "invalid" / "huawei-ecs-bad-key.json")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "tags.0.key:" in captured.err
    assert "tags.0.value:" in captured.err


@pytest.mark.parametrize(
    "sample",
    [
        "pubsub/push-canonical.json",
        "mns/topic-json.json",
        "cts/create-server-ci.json",
        "jira/issue-moved-to-done.json",
        "canonical/baidu-tag.json",  # account scope: plan makes no call, as a dry run
    ],
)
def test_plan_takes_every_delivery_invoke_takes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, sample: str
) -> None:
    monkeypatch.setenv("TAGSTRIP_RULES", str(EVENTS / "rules.yaml"))
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_MAPPING", "preset:jira")
    monkeypatch.delenv("TAGSTRIP_ALLOW_ACCOUNT_SCOPE", raising=False)
    status = main(["plan", str(EVENTS / sample)])
    captured = capsys.readouterr()
    assert (status, captured.err) == (0, "")
    [plan] = json.loads(captured.out)
    assert plan["calls"]


def test_plan_of_several_files_is_one_json_list(capsys: pytest.CaptureFixture[str]) -> None:
    native = EVENTS / "native"
    files = [native / "aliyun-ecs-removetags.json", native / "huawei-ecs-tags-action.json"]
    assert main(["plan", *map(str, files)]) == 0
    plans = json.loads(capsys.readouterr().out)
    assert [plan["provider"] for plan in plans] == ["aliyun-ecs", "huawei-ecs"]
