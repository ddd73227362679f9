"""What functions-framework raises around our functions: 400 if unreadable, 500 if ours."""

from __future__ import annotations

import json
import logging

import pytest

from tagstrip.handlers import framework, queue
from tagstrip_testkit.fakecloud import FakeCloud
from tests.hostile.conftest import FC_HEADERS, Client, Journal, answer_json

EVENT = {"ce-id": "e-1", "ce-source": "//t", "ce-specversion": "1.0", "ce-type": "tagstrip.request"}


def test_an_error_raised_before_our_code_ran_is_a_400() -> None:
    try:
        json.loads(b"\xff")
    except UnicodeDecodeError as exc:
        answer = framework.unhandled(exc)
    assert (answer.status, answer.payload["error"]) == (400, "unreadable_event")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"[1, 2]", "application/json"),
        (b'"text"', "application/json"),
        (b"\xff\xfe", "application/json"),
    ],
)
def test_unreadable_events_are_refused_without_echo(
    events: Client, hostile_env: FakeCloud, body: bytes, content_type: str
) -> None:
    journal = Journal(hostile_env)
    journal.mark()
    headers = {**FC_HEADERS, "Content-Type": content_type}
    response = events.post("/", data=body, headers=headers)
    assert response.status_code == 400
    assert answer_json(response)["error"] in ("unreadable_event", "bad_request")
    assert not journal.grew


def test_a_bug_of_ours_is_500_so_the_event_is_delivered_again(
    events: Client,
    hostile_env: FakeCloud,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("a bug with a detail that must stay in the logs")

    monkeypatch.setattr(queue, "deliver_cloud_event", broken)
    with caplog.at_level(logging.ERROR, logger="tagstrip"):
        response = events.post(
            "/", data=b"{}", headers={**EVENT, "Content-Type": "application/json"}
        )
    body = answer_json(response)
    assert (response.status_code, body["error"]) == (500, "internal_error")
    assert "detail" not in json.dumps(body)
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
