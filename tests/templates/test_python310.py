"""The function zip built for Python 3.10 runs on Python 3.10: Baidu CFC offers nothing newer.

tagstrip is developed on 3.11+, but what the zip executes (main.py, core, providers, sources,
handlers) keeps to what 3.10 has. The zip is built as `make package PACKAGE_PYTHON=3.10`
builds it, unpacked, and driven by a real 3.10 interpreter through ``handler(event,
context)`` against the fake cloud of this test process: real signed calls, real removals.
Its bytecode is 3.10's, so CFC's cold starts compile nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from scripts.package import interpreter_for
from tagstrip_testkit.fakecloud import FakeCloud
from tests.templates.helpers import ROOT
from tests.templates.packaging import assert_bytecode_for, build_zip

_DRIVER = """
import json, sys
import main
events = json.loads(sys.stdin.read())
answers = []
for event in events:
    try:
        answers.append(main.handler(event, None))
    except Exception as exc:
        answers.append({"raised": type(exc).__name__})
print(json.dumps({"version": list(sys.version_info[:2]), "answers": answers}))
"""


@pytest.fixture(scope="module")
def zip_310(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_zip(tmp_path_factory.mktemp("dist310"), "--python", "3.10")


@pytest.fixture(scope="module")
def unpacked_310(zip_310: Path) -> Path:
    code = zip_310.parent / "code"
    with zipfile.ZipFile(zip_310) as archive:
        archive.extractall(code)
    return code


def test_the_310_zip_carries_310_bytecode(zip_310: Path) -> None:
    assert_bytecode_for(zip_310, "3.10")


def test_the_310_zip_removes_tags_on_python_310(
    unpacked_310: Path, seeded_cloud: FakeCloud
) -> None:
    request = json.loads((ROOT / "events" / "canonical" / "aliyun-ecs-snapshot.json").read_text())
    pubsub = json.loads((ROOT / "events" / "pubsub" / "push-canonical.json").read_text())
    headers = {"Content-Type": "application/json"}
    webhook = {"httpMethod": "POST", "path": "/", "headers": headers, "body": json.dumps(request)}
    events = [request, pubsub, {**request, "tags": []}, webhook]
    environment = {
        "PATH": os.environ["PATH"],
        "TAGSTRIP_WEBHOOK_SECRET": "secret-for-the-310-test",
        **seeded_cloud.environment(),
    }
    result = subprocess.run(
        [interpreter_for("3.10"), "-c", _DRIVER],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        cwd=unpacked_310,
        env=environment,
        timeout=120,
        check=True,
    )
    output = json.loads(result.stdout)
    assert output["version"] == [3, 10]
    removed, delivered, invalid, unsigned = output["answers"]
    assert removed["events"][0]["status"] == "ok"
    assert delivered["events"][0]["status"] == "ok"
    assert invalid["events"][0]["status"] == "rejected"
    assert unsigned["statusCode"] == 401
    calls = seeded_cloud.journal.entries(provider="aliyun-ecs", operation="RemoveTags")
    assert len(calls) == 2
    assert all(entry.outcome == "ok" for entry in calls)
