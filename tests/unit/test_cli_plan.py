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
