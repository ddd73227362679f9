"""Every `tagstrip` command against a table of ordinary mistakes: exit 2 and one line on
stderr naming the file, option or variable, never a traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagstrip.cli import main
from tests.e2e.conftest import EVENTS

SAMPLE = str(EVENTS / "native" / "aliyun-ecs-removetags.json")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Broken inputs: a file that is not JSON, a folder holding one, a seed of a bad shape."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "event.json").write_text('{"provider": ')
    (tmp_path / "seed.json").write_text('{"aliyun-ecs": {"resources": [{"id": 3}]}}')
    (tmp_path / "empty").mkdir()
    return {
        "MISSING": str(tmp_path / "missing.json"),
        "NOT_JSON": str(broken / "event.json"),
        "BROKEN_DIR": str(broken),
        "EMPTY_DIR": str(tmp_path / "empty"),
        "BAD_SEED": str(tmp_path / "seed.json"),
    }


@pytest.fixture
def taken_port() -> Iterator[str]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield str(held.getsockname()[1])


@pytest.fixture
def closed_port() -> str:
    """A port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


#: (command line, environment, what the one line must name). Upper-case words are filled in
#: from the fixtures.
MISTAKES = [
    (["plan", "MISSING"], {}, "MISSING"),
    (["plan", "NOT_JSON"], {}, "NOT_JSON"),
    (["plan", SAMPLE], {"TAGSTRIP_MAX_BODY_BYTES": "100"}, "TAGSTRIP_MAX_BODY_BYTES"),
    (["plan", SAMPLE], {"TAGSTRIP_RULES": "MISSING"}, "TAGSTRIP_RULES"),
    (["invoke", "MISSING"], {}, "MISSING"),
    (["invoke", "NOT_JSON"], {}, "NOT_JSON"),
    (["invoke", SAMPLE], {"TAGSTRIP_WEBHOOK_MAPPING": "preset:nope"}, "TAGSTRIP_WEBHOOK_MAPPING"),
    (["replay", "MISSING"], {}, "MISSING"),
    (["replay", "BROKEN_DIR"], {}, "NOT_JSON"),
    (["replay", "EMPTY_DIR"], {}, "EMPTY_DIR"),
    (["replay", SAMPLE, "--seed", "BAD_SEED"], {}, "--seed BAD_SEED"),
    (["replay", SAMPLE, "--seed", "MISSING"], {}, "--seed MISSING"),
    (["replay", SAMPLE], {"TAGSTRIP_MAX_TAGS": "0"}, "TAGSTRIP_MAX_TAGS"),
    (["replay", SAMPLE, "--against", "localhost:8080"], {}, "--against localhost:8080"),
    (["replay", SAMPLE, "--webhook", "ftp://x"], {}, "--webhook ftp://x"),
    (["replay", SAMPLE, "--queue", "http://127.0.0.1:9"], {}, "--webhook"),
    (["replay", SAMPLE, "--against", "http://127.0.0.1:CLOSED_PORT/"], {}, "CLOSED_PORT"),
    (
        ["replay", SAMPLE, "--against", "http://127.0.0.1:9"],
        {"TAGSTRIP_WEBHOOK_SECRET": ""},
        "TAGSTRIP_WEBHOOK_SECRET",
    ),
    (["demo", "MISSING"], {}, "MISSING"),
    (["demo", "BROKEN_DIR"], {}, "NOT_JSON"),
    (["demo", str(EVENTS), "--seed", "BAD_SEED"], {}, "--seed BAD_SEED"),
    (["demo", str(EVENTS)], {"TAGSTRIP_CONCURRENCY": "many"}, "TAGSTRIP_CONCURRENCY"),
    (["serve", "--port", "0"], {"TAGSTRIP_MAX_BODY_BYTES": "100"}, "TAGSTRIP_MAX_BODY_BYTES"),
    (["serve", "--port", "0", "--seed", "BAD_SEED"], {}, "--seed BAD_SEED"),
    (["serve", "--port", "TAKEN_PORT"], {}, "--port"),
    (["fake-cloud", "--port", "0", "--seed", "BAD_SEED"], {}, "--seed BAD_SEED"),
    (["fake-cloud", "--port", "TAKEN_PORT"], {}, "--port"),
    (["fake-cloud", "--port", "70000"], {}, "--port 70000"),
    (["serve", "--port", "-1"], {}, "--port -1"),
    (["serve", "--port", "65534"], {}, "--port 65534"),  # its queue and event ports: 65536
]


@pytest.mark.parametrize(("argv", "env", "named"), MISTAKES)
def test_a_mistake_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    taken_port: str,
    closed_port: str,
    argv: list[str],
    env: dict[str, str],
    named: str,
) -> None:
    words = files | {"TAKEN_PORT": taken_port, "CLOSED_PORT": closed_port}

    def filled(text: str) -> str:
        for word, value in words.items():
            text = text.replace(word, value)
        return text

    monkeypatch.setenv("TAGSTRIP_WEBHOOK_SECRET", "whsec-mistakes-0123456789")
    for name, value in env.items():
        monkeypatch.setenv(name, filled(value))
    status = main([filled(arg) for arg in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert status == 2, captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert filled(named) in captured.err
