"""remove_tags_http under hostile input, signed and unsigned (TAGSTRIP_ALLOW_UNSIGNED)."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagstrip.sources.webhook_auth import sign
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import SECRET
from tests.hostile.conftest import (
    FC_HEADERS,
    HOSTILE,
    MAX_BODY,
    Client,
    Journal,
    answer_json,
    any_body,
    assert_refused_without_calls,
    edge_text,
    encode,
)


@pytest.fixture(params=["signed", "unsigned"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "unsigned":
        monkeypatch.delenv("TAGSTRIP_WEBHOOK_SECRET", raising=False)
        monkeypatch.setenv("TAGSTRIP_ALLOW_UNSIGNED", "true")
    return str(request.param)


def post(client: Client, mode: str, body: bytes, **headers: str) -> Any:
    sent = {"Content-Type": "application/json", **FC_HEADERS, **headers}
    if mode == "signed":
        sent["X-Tagstrip-Signature"] = sign(SECRET, body, int(time.time()))
    return client.post("/", data=body, headers=sent)


@HOSTILE
@given(value=any_body, ascii_only=st.booleans())
def test_arbitrary_json(
    webhook: Client, hostile_env: FakeCloud, mode: str, value: Any, ascii_only: bool
) -> None:
    journal = Journal(hostile_env)
    journal.mark()
    assert_refused_without_calls(post(webhook, mode, encode(value, ascii_only)), journal)


@HOSTILE
@given(body=st.binary(max_size=200) | edge_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes(webhook: Client, hostile_env: FakeCloud, mode: str, body: bytes) -> None:
    journal = Journal(hostile_env)
    journal.mark()
    response = post(webhook, mode, body)
    assert_refused_without_calls(response, journal)
    assert not journal.grew


@HOSTILE
@given(
    content_type=st.sampled_from(
        [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/xml",
            "application/octet-stream",
            "application/jsonx",
            "",
        ]
    )
    | edge_text.filter(lambda t: t.isascii() and t.isprintable()),
    value=any_body,
)
def test_content_types_other_than_json_are_415(
    webhook: Client, hostile_env: FakeCloud, mode: str, content_type: str, value: Any
) -> None:
    journal = Journal(hostile_env)
    journal.mark()
    response = post(webhook, mode, encode(value, True), **{"Content-Type": content_type})
    body = assert_refused_without_calls(response, journal)
    if content_type.split(";")[0].strip().lower() not in ("application/json", "text/json"):
        assert response.status_code in (413, 415), body  # a body too large is refused unread


@HOSTILE
@given(
    method=st.sampled_from(["GET", "PUT", "PATCH", "DELETE", "OPTIONS"]),
    path=st.sampled_from(["/", "/healthz", "/x/../healthz", "/%00", "/" + "a" * 500]),
)
def test_other_methods_and_paths(
    webhook: Client, hostile_env: FakeCloud, method: str, path: str
) -> None:
    journal = Journal(hostile_env)
    journal.mark()
    response = webhook.open(path, method=method, headers=FC_HEADERS, data=b"{}")
    assert response.status_code in (200, 405), response.data
    if method != "OPTIONS":
        answer_json(response)
    assert not journal.grew


HUGE = {
    "many resource ids": {
        "provider": "aliyun-ecs",
        "region": "cn-hangzhou",
        "resource_type": "instance",
        "resource_ids": [f"i-{n}" for n in range(600)],
        "tags": [{"key": "k"}],
    },
    "many tags": {
        "provider": "baidu-tag",
        "tags": [{"key": f"k{n}", "value": ""} for n in range(300)],
    },
    "a long batch": [{"provider": "baidu-tag", "tags": [{"key": "k", "value": "v"}]}] * 150,
    "deep nesting": json.loads("[" * 30 + "]" * 30),
}


@pytest.mark.parametrize("name", sorted(HUGE))
def test_huge_arrays_are_refused_with_the_limit(
    webhook: Client, hostile_env: FakeCloud, mode: str, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_BODY_BYTES", str(1 << 20))
    journal = Journal(hostile_env)
    journal.mark()
    response = post(webhook, mode, json.dumps(HUGE[name]).encode())
    body = assert_refused_without_calls(response, journal)
    assert response.status_code == 400, body
    if name != "deep nesting":
        assert body["errors"][0]["type"] == "limit_exceeded"
    assert not journal.grew


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
        b"[" * 33 + b"]" * 33,
    ],
)
def test_deep_nesting_is_refused(
    webhook: Client, hostile_env: FakeCloud, mode: str, monkeypatch: pytest.MonkeyPatch, body: bytes
) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_BODY_BYTES", str(1 << 20))
    response = post(webhook, mode, body)
    assert (response.status_code, answer_json(response)["error"]) == (400, "json_too_deep")


@pytest.mark.parametrize("chunked", [False, True])
def test_oversize_bodies_are_413_before_reading_them(
    webhook: Client, hostile_env: FakeCloud, mode: str, chunked: bool
) -> None:
    body = b'{"pad": "' + b"x" * (MAX_BODY * 4) + b'"}'
    journal = Journal(hostile_env)
    journal.mark()
    if chunked:
        response = webhook.post(  # no Content-Length: read up to the limit, then refused
            "/",
            input_stream=io.BytesIO(body),
            headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},  # as gunicorn says
        )
    else:
        response = post(webhook, mode, body)
    assert (response.status_code, answer_json(response)["error"]) == (413, "payload_too_large")
    assert not journal.grew
