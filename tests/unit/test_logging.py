"""tagstrip.runtime.logging: JSON lines with severity and message, context fields, redaction."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import threading

import pytest

from tagstrip.domain import pipeline
from tagstrip.domain.outcomes import Accepted
from tagstrip.providers import VENDORS
from tagstrip.runtime.logging import JsonFormatter, configure_logging, log_context, redact
from tagstrip.runtime.settings import reset_settings
from tagstrip.runtime.wiring import validation, wiring


def record(message: str, level: int = logging.INFO, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("tagstrip.test", level, __file__, 1, message, (), None)
    made.__dict__.update(extra)
    return made


def test_one_json_object_with_severity_message_and_fields() -> None:
    line = JsonFormatter().format(record("call done", logging.WARNING, attempts=2, provider="x"))
    data = json.loads(line)
    assert "\n" not in line
    assert (data["severity"], data["level"], data["message"]) == ("WARNING", "warning", "call done")
    assert (data["attempts"], data["provider"], data["logger"]) == (2, "x", "tagstrip.test")
    assert data["time"].endswith("+00:00")


def test_none_fields_are_left_out_and_exceptions_are_named() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        made = record("failed", error_code=None)
        made.exc_info = sys.exc_info()
    data = json.loads(JsonFormatter().format(made))
    assert "error_code" not in data
    assert data["error_type"] == "ValueError"
    assert "boom" in data["exception"]


def test_context_fields_reach_lines_of_other_threads_started_with_the_context() -> None:
    lines: list[str] = []
    with log_context(event_id="evt-9", source="pubsub", ignored=None):
        context = contextvars.copy_context()
    thread = threading.Thread(
        target=context.run, args=(lambda: lines.append(JsonFormatter().format(record("x"))),)
    )
    thread.start()
    thread.join()
    data = json.loads(lines[0])
    assert (data["event_id"], data["source"]) == ("evt-9", "pubsub")
    assert "ignored" not in data
    assert "event_id" not in json.loads(JsonFormatter().format(record("outside")))


def test_configured_secrets_are_redacted_in_every_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "CAIS+tok/en=")
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_SECRET", "new-secret-1,old-secret-2")
    text = "CAIS+tok/en= CAIS%2Btok%2Fen%3D CAIS%252Btok%252Fen%253D new-secret-1 old-secret-2"
    assert redact(text) == "*** *** *** *** ***"
    line = JsonFormatter().format(record('said "CAIS+tok/en="', detail=["old-secret-2"]))
    assert "tok" not in line
    assert "old-secret" not in line


@pytest.mark.parametrize(
    "variable",
    [v for vendor in VENDORS for v in vendor.access_key.secrets] + ["TAGSTRIP_WEBHOOK_SECRET"],
)
def test_every_declared_secret_is_scrubbed_by_the_json_handler(
    variable: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A credential a vendor package declares is redacted without being listed anywhere else."""
    value = f"value-of-{variable}"
    monkeypatch.setenv(variable, value)
    reset_settings()
    [handler] = [h for h in configure_logging().handlers if isinstance(h.formatter, JsonFormatter)]
    handler.handle(record(f"echoed {value}", said=value))
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert (line["message"], line["said"]) == ("echoed ***", "***")


def test_secrets_are_read_once_like_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line would otherwise read seven variables; a new value counts after a reset."""
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_SECRET", "first-secret")
    assert redact("first-secret rotated-secret") == "*** rotated-secret"
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_SECRET", "rotated-secret")
    assert redact("first-secret rotated-secret") == "*** rotated-secret"
    reset_settings()
    assert redact("first-secret rotated-secret") == "first-secret ***"


def test_configure_is_idempotent_and_stops_propagation() -> None:
    logger = logging.getLogger("tagstrip")
    propagate = logger.propagate
    try:
        configure_logging()
        handlers = list(logger.handlers)
        configure_logging()
        assert logger.handlers == handlers
        assert sum(isinstance(h.formatter, JsonFormatter) for h in logger.handlers) == 1
        assert logger.propagate is False
    finally:
        logger.propagate = propagate


def test_the_handler_writes_json_lines_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    logger = configure_logging()
    logger.info("hello", extra={"event_id": "e-1"})
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert json.loads(line)["event_id"] == "e-1"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_one_event_line_carries_the_status_of_each_request() -> None:
    """No separate line per request: the event line lists each one's id and status."""
    base = {"provider": "aliyun-ecs", "region": "cn-shenzhen", "resource_type": "instance"}
    requests = tuple(
        validation().request(
            {**base, "id": rid, "resource_ids": ["i-1"], "tags": [{"key": "k"}], "dry_run": True}
        )
        for rid in ("OPS-1", "OPS-2")
    )
    found = _Records()
    logger = logging.getLogger("tagstrip")
    logger.addHandler(found)
    try:
        pipeline.carry_out([Accepted("request", "evt-1", requests)], wiring())
    finally:
        logger.removeHandler(found)
    [line] = [json.loads(JsonFormatter().format(r)) for r in found.records]
    assert line["message"] == "event request dry_run"
    assert line["request_ids"] == ["OPS-1", "OPS-2"]
    assert line["statuses"] == ["dry_run", "dry_run"]
    assert (line["requests"], line["calls"], line["event_id"]) == (2, 2, "evt-1")
