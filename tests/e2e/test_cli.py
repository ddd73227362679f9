"""The tagstrip command as a user runs it: invoke, replay, demo, serve."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import httpx
import pytest

from tagstrip.cli import main
from tagstrip_testkit.fakecloud import FakeCloud
from tagstrip_testkit.harness.events import find_events
from tagstrip_testkit.harness.replay import InProcess, Remote, default_source, replay
from tagstrip_testkit.harness.serve import serve
from tests.e2e.conftest import EVENTS, ROOT, tags_of


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_invoke_succeeds_and_prints_the_result(
    cloud: FakeCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run_cli(capsys, "invoke", str(EVENTS / "pubsub" / "push-canonical.json"))
    assert status == 0
    [report] = json.loads(out)
    assert report["status"] == "ok"
    assert "owner" not in tags_of(cloud, "aliyun-ecs", "i-bp1abc")


def test_invoke_dry_run_makes_no_call(cloud: FakeCloud, capsys: pytest.CaptureFixture[str]) -> None:
    event = str(EVENTS / "canonical" / "huawei-ecs.json")
    status, out, _ = run_cli(capsys, "invoke", event, "--dry-run")
    assert (status, json.loads(out)[0]["status"]) == (0, "dry_run")
    assert len(cloud.journal) == 0


def test_invoke_exit_1_when_a_call_failed(
    cloud: FakeCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    cloud.faults.server_error("aliyun-ecs")
    status, out, _ = run_cli(
        capsys, "invoke", str(EVENTS / "canonical" / "aliyun-ecs-snapshot.json")
    )
    assert status == 1
    assert json.loads(out)[0]["status"] == "failed"


@pytest.mark.parametrize(
    ("event", "path"),
    [
        ("invalid/huawei-ecs-bad-key.json", "tags.0.key"),
        ("invalid/pubsub-broken-base64.json", "message.data"),
    ],
)
def test_invoke_exit_2_when_invalid_with_errors_on_stderr(
    cloud: FakeCloud, capsys: pytest.CaptureFixture[str], event: str, path: str
) -> None:
    status, _, err = run_cli(capsys, "invoke", str(EVENTS / event))
    assert status == 2
    assert f"{path}:" in err
    assert len(cloud.journal) == 0


@pytest.mark.usefixtures("allow_account_scope")
def test_replay_in_process_sends_each_kind_to_its_target(cloud: FakeCloud) -> None:
    events = find_events([EVENTS / "canonical", EVENTS / "eventbridge", EVENTS / "mns"])
    rows = replay(
        events, InProcess(default_source()), count_calls=lambda: len(cloud.journal), progress=None
    )
    by_name = {row.event: row for row in rows}
    assert by_name["aliyun-ecs-snapshot.json"].kind == "webhook"
    assert by_name["ecs-instance-stopped.json"].kind == "event"
    assert by_name["ecs-instance-stopped.json"].outcome == "acknowledged"
    assert by_name["queue-cloudevents.json"].kind == "queue"
    assert by_name["aliyun-ecs-2018-profile.json"].calls == 4
    assert all(row.http_status == 200 for row in rows)


@pytest.mark.usefixtures("allow_account_scope")
def test_replay_command_prints_a_table_or_json(
    cloud: FakeCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run_cli(capsys, "replay", str(EVENTS / "native"))
    assert status == 0
    assert out.splitlines()[0].split() == [
        "event",
        "source",
        "provider",
        "calls",
        "outcome",
        "http",
        "ms",
        "reason",
    ]
    status, out, _ = run_cli(
        capsys, "replay", "--json", str(EVENTS / "canonical" / "baidu-tag.json")
    )
    [row] = json.loads(out)
    assert (row["provider"], row["outcome"], row["http_status"]) == ("baidu-tag", "ok", 200)


@contextmanager
def served(port: int = 0) -> Iterator[list[str]]:
    """`tagstrip serve` in a thread (next to the test's fake cloud): its three URLs.
    Port 0 puts each function on any free port, so the layout holds only for a real port."""
    stop, out = threading.Event(), StringIO()
    thread = threading.Thread(
        target=serve,
        args=("127.0.0.1", port),
        kwargs={"seed": None, "fake_cloud": False, "out": out, "stop": stop},
    )
    thread.start()
    try:
        for _ in range(100):
            if "Ctrl-C" in out.getvalue():
                break
            threading.Event().wait(0.05)
        urls = [line.split()[1] for line in out.getvalue().splitlines() if "http://" in line]
        assert len(urls) == 3
        yield urls
    finally:
        stop.set()
        thread.join(timeout=10)


def test_serve_and_replay_against_the_served_function(cloud: FakeCloud) -> None:
    with served() as urls:
        assert httpx.get(urls[0] + "/healthz").json() == {"status": "ok"}
        [row] = replay(
            find_events([EVENTS / "native" / "aliyun-ecs-removetags.json"]),
            Remote({"webhook": urls[0]}),
            progress=None,
        )
        assert (row.outcome, row.http_status) == ("ok", 200)
        assert "Finance" not in tags_of(cloud, "aliyun-ecs", "s-946ntx4wr")


def three_free_ports() -> int:
    """A port that is free, and the two after it (the `tagstrip serve` layout)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        try:
            with socket.socket() as one, socket.socket() as two:
                one.bind(("127.0.0.1", base + 1))
                two.bind(("127.0.0.1", base + 2))
        except OSError:
            continue
        return base


MIXED = [
    EVENTS / "native" / "aliyun-ecs-removetags.json",  # webhook
    EVENTS / "pubsub" / "push-canonical.json",  # queue
    EVENTS / "eventbridge" / "ecs-instance-stopped.json",  # CloudEvent
]


@pytest.mark.parametrize("layout", ["per-target", "serve-layout"])
def test_replay_of_a_mixed_folder_against_served_functions(
    cloud: FakeCloud, capsys: pytest.CaptureFixture[str], layout: str
) -> None:
    with served(0 if layout == "per-target" else three_free_ports()) as (webhook, queue, event):
        options = (
            ["--webhook", webhook, "--queue", queue, "--event", event]
            if layout == "per-target"
            else ["--against", webhook]
        )
        status, out, _ = run_cli(capsys, "replay", "--json", *options, *map(str, MIXED))
    rows = json.loads(out)
    assert status == 0
    assert [(r["kind"], r["outcome"], r["as_expected"]) for r in rows] == [
        ("webhook", "ok", True),
        ("queue", "ok", True),
        ("event", "acknowledged", True),
    ]
    assert "owner" not in tags_of(cloud, "aliyun-ecs", "i-bp1abc")


def test_replay_of_a_fresh_shell_sets_up_what_the_samples_need(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [*os.environ]:
        if name.startswith("TAGSTRIP_"):
            monkeypatch.delenv(name)
    status, out, err = run_cli(capsys, "replay", "--json", str(EVENTS))
    rows = json.loads(out)
    assert status == 0, err
    assert len(rows) == len(find_events([EVENTS]))
    assert [r["event"] for r in rows if not r["as_expected"]] == []
    assert {r["http_status"] for r in rows} <= {200, 400}


@pytest.mark.parametrize(
    ("sample", "folder", "reason"),
    [
        # a lifecycle event where no rules file is set or found
        ("eventbridge/ecs-instance-stopped.json", "events", "expected success: lifecycle"),
        ("invalid/huawei-ecs-bad-key.json", "events", "expected success: tags.0.key:"),
        ("canonical/huawei-ecs.json", "invalid", "expected a refusal"),
    ],
)
def test_replay_exits_1_with_the_reason_when_a_sample_does_not_end_as_expected(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sample: str,
    folder: str,
    reason: str,
) -> None:
    monkeypatch.delenv("TAGSTRIP_RULES", raising=False)
    (tmp_path / folder).mkdir()
    shutil.copy(EVENTS / sample, tmp_path / folder)
    status, out, err = run_cli(capsys, "replay", str(tmp_path / folder))
    assert status == 1
    [row] = out.splitlines()[2:]
    assert reason in row
    assert "did not end as their samples expect" in err


def test_demo_runs_any_folder_with_or_without_a_seed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copy(EVENTS / "native" / "aliyun-ecs-removetags.json", tmp_path)
    status, out, _ = run_cli(capsys, "demo", str(tmp_path))
    assert status == 0
    assert "tags removed from the fake cloud:\n  (none)" in out  # nothing seeded to remove
    seed = str(EVENTS / "fixtures" / "seed.json")
    status, out, _ = run_cli(capsys, "demo", str(tmp_path), "--seed", seed)
    assert status == 0
    assert "aliyun-ecs s-946ntx4wr: Finance=FinanceJoshua" in out


def test_serve_checks_the_whole_configuration_at_start(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_BODY_BYTES", "100")
    status, out, err = run_cli(capsys, "serve", "--port", "0")
    assert (status, out) == (2, "")
    assert err.startswith("configuration error: TAGSTRIP_MAX_BODY_BYTES is not valid")
    assert err.count("\n") == 1


def test_demo_runs_as_a_console_script_without_credentials(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("tagstrip")
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path)}
    result = subprocess.run(
        [str(script), "demo", str(EVENTS)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["event", "source", "provider"]
    assert any(
        line.startswith("native/aliyun-ecs-removetags.json") and " ok " in line for line in lines
    )
    assert any(
        line.startswith("invalid/huawei-ecs-bad-key.json") and "rejected" in line for line in lines
    )
    assert "tags removed from the fake cloud:" in result.stdout
    assert "aliyun-ecs s-946ntx4wr: Finance=FinanceJoshua" in result.stdout
    # The demo consents to the account-wide removals its baidu-tag samples make.
    assert "baidu (account): key1=value1, key2=value2, project=legacy-crm" in result.stdout


_COLLECTOR_AFTER = """
import gc, sys
from tagstrip.__main__ import console
status = console()
print(status, gc.isenabled(), gc.get_freeze_count() > 0)
"""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # One event: run without collecting, every object frozen before the exit.
        (["plan", str(EVENTS / "canonical" / "huawei-ecs.json")], "0 False True"),
        # A command that runs for a while collects again before it starts (here: it refuses
        # a port out of range, after that point).
        (["fake-cloud", "--port", "70000"], "2 True True"),
        (["serve", "--port", "65534"], "2 True True"),
    ],
)
def test_the_command_process_collects_only_when_it_runs_for_a_while(
    args: list[str], expected: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _COLLECTOR_AFTER, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.stdout.splitlines()[-1] == expected, result.stderr


def test_python_m_tagstrip_is_the_command(cloud: FakeCloud) -> None:
    event = str(EVENTS / "canonical" / "aliyun-ecs-snapshot.json")
    result = subprocess.run(
        [sys.executable, "-m", "tagstrip", "invoke", "--dry-run", event],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["status"] == "dry_run"
    assert len(cloud.journal) == 0


def test_invoke_without_credentials_names_the_variable_without_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("BAIDUCLOUD_ACCESS_KEY", "BAIDUCLOUD_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    status, out, err = run_cli(capsys, "invoke", str(EVENTS / "canonical" / "baidu-bcc.json"))
    assert (status, out) == (2, "")
    assert err == (
        "configuration error: baidu-bcc needs credentials: "
        "set BAIDUCLOUD_ACCESS_KEY and BAIDUCLOUD_SECRET_KEY\n"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"a": ', "not valid JSON (Expecting value at line 1 column 7)"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_invoke_of_a_file_that_is_not_json_exits_2_without_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, expected: str
) -> None:
    event = tmp_path / "event.json"
    event.write_bytes(content)
    status, out, err = run_cli(capsys, "invoke", str(event))
    assert (status, out) == (2, "")
    assert err.startswith(f"{event}: {expected}")
    assert "Traceback" not in err


def test_missing_event_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run_cli(capsys, "invoke", str(tmp_path / "missing.json"))
    assert status == 2
    assert err == f"cannot read {tmp_path / 'missing.json'}: No such file or directory\n"


def test_echoed_input_cannot_rewrite_the_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"provider": "aliyun-ecs", "x\u001b[2J\u202e\nkey": 1}))
    status, _, err = run_cli(capsys, "plan", str(event))
    assert status == 2
    assert "\u001b" not in err
    assert "\u202e" not in err
    assert "x\\x1b[2J\\u202e\\nkey: Extra inputs are not permitted" in err
