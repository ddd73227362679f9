"""No secret ever leaves tagstrip: every log line and every answer of many scenarios, read.

The scenarios run with temporary credentials (security tokens holding characters that get
percent-encoded), two webhook secrets (rotation), an incoming ``Authorization`` header and
Alibaba FC's credential headers on every request. The Authorization headers tagstrip itself
signs are recorded on the way out. None of these values may appear in any log record (as
logged, before the JSON formatter's redaction), in any formatted line, or in any response.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tagstrip.handlers.flows import DeliverAgain
from tagstrip.runtime import calls
from tagstrip.runtime.logging import JsonFormatter
from tagstrip.runtime.settings import reset_settings
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import EVENTS, SECRET, Client, signed_headers

OLD_SECRET = "whsec-old-rotated-out-987"
TOKENS = {
    "ALIBABA_CLOUD_SECURITY_TOKEN": "CAIS+aliyun/sts=token&secret",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN": "huawei-sts-token+/=secret",
    "BAIDUCLOUD_SECURITY_TOKEN": "baidu-sts-token+/=secret",
}
INCOMING = {
    "Authorization": "Bearer incoming-bearer-token-5150",
    "x-fc-access-key-id": "LTAIfcaccesskeyid",
    "x-fc-access-key-secret": "fc-access-key-secret-4242",
    "x-fc-security-token": "fc-security-token-2424",
}
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message"}


@dataclass(eq=False)
class Capture(logging.Handler):
    """Every log record of the process, every answer, every Authorization header sent."""

    records: list[logging.LogRecord] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    sent_authorizations: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        super().__init__(logging.DEBUG)

    def emit(self, record: logging.LogRecord) -> None:
        if record not in self.records:
            self.records.append(record)

    def answer(self, response: Any) -> Any:
        self.answers.append(f"{response.status_code} {dict(response.headers)} ")
        self.answers.append(response.get_data(as_text=True))
        return response

    def texts(self) -> Iterator[tuple[str, str]]:
        formatter = JsonFormatter()
        for record in self.records:
            extra = {k: v for k, v in vars(record).items() if k not in _STANDARD}
            raw = f"{record.getMessage()} {extra!r} {record.exc_text or ''}"
            yield f"raw log record {record.name}", raw
            yield "formatted log line", formatter.format(record)
        for answer in self.answers:
            yield "answer", answer


@pytest.fixture
def capture(cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> Iterator[Capture]:
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_SECRET", f"{SECRET},{OLD_SECRET}")
    mappings = f"preset:jira,preset:servicenow,{EVENTS / 'mapping-cmdb.yaml'}"
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_MAPPING", mappings)
    monkeypatch.setenv("TAGSTRIP_READ_TIMEOUT", "0.3")
    reset_settings()
    found = Capture()

    class Recording(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            found.sent_authorizations.add(request.headers.get("authorization", ""))
            return super().handle_request(request)

    transport = Recording()
    monkeypatch.setattr(calls, "shared_transport", lambda: transport)
    loggers = [logging.getLogger(), logging.getLogger("tagstrip")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(found)
        logger.setLevel(logging.DEBUG)
    yield found
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(found)
        logger.setLevel(level)
    transport.close()


def assert_nothing_leaked(found: Capture, cloud: FakeCloud) -> None:
    secrets = {
        *TOKENS.values(),
        SECRET,
        OLD_SECRET,
        *INCOMING.values(),
        *(found.sent_authorizations - {""}),
        *(pair.secret for pair in (cloud.credentials.aliyun, cloud.credentials.huawei)),
        cloud.credentials.baidu.secret,
    } - {INCOMING["x-fc-access-key-id"]}
    forms = {form for s in secrets for form in (s, quote(s, safe=""), quote(quote(s, safe="")))}
    assert found.records, "nothing was logged: the capture is not wired"
    assert found.sent_authorizations, "no call was signed: the scenarios did not reach a cloud"
    for where, text in found.texts():
        leaked = sorted(form for form in forms if form in text)
        assert not leaked, f"{where} leaks {leaked}: {text[:500]}"


def sample_events() -> list[Path]:
    return sorted(p for p in EVENTS.rglob("*.json") if p.parent.name != "fixtures")


def send_everywhere(
    found: Capture,
    body: Any,
    webhook: Client,
    queue: Client,
    event: Client,
    handler: Callable[..., Any],
) -> None:
    """One payload through every entry point that could receive it."""
    data = json.dumps(body).encode()
    found.answer(webhook.post("/", data=data, headers={**signed_headers(data), **INCOMING}))
    json_headers = {"Content-Type": "application/json", **INCOMING}
    found.answer(queue.post("/", data=data, headers=json_headers))
    structured = {**INCOMING, "Content-Type": "application/cloudevents+json"}
    for element in body if isinstance(body, list) else [body]:
        if isinstance(element, dict) and "specversion" in element:
            found.answer(event.post("/", data=json.dumps(element), headers=structured))
    found.answer(event.post("/", data=data, headers=json_headers))  # the FC trap
    try:
        found.answers.append(json.dumps(handler(body, None)))
    except DeliverAgain as exc:
        found.answers.append(str(exc))
    proxy = {"httpMethod": "POST", "path": "/", "body": data.decode(), "headers": {}}
    proxy["headers"] = {**signed_headers(data), **INCOMING}
    found.answers.append(json.dumps(handler(proxy, None)))


def test_every_sample_event_through_every_entry_point(
    capture: Capture,
    cloud: FakeCloud,
    webhook_client: Client,
    queue_client: Client,
    event_client: Client,
    main: Any,
) -> None:
    for path in sample_events():
        body = json.loads(path.read_text(encoding="utf-8"))
        send_everywhere(capture, body, webhook_client, queue_client, event_client, main.handler)
    assert_nothing_leaked(capture, cloud)


@pytest.mark.parametrize(
    "signature",
    [
        {},
        {"X-Tagstrip-Signature": "t=1,v1=zz"},
        {"X-Tagstrip-Signature": f"t=1,v1={'a' * 64}"},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature": "sha1=deadbeef"},
    ],
)
def test_signature_failures(
    capture: Capture, cloud: FakeCloud, webhook_client: Client, signature: dict[str, str]
) -> None:
    data = (EVENTS / "canonical" / "aliyun-ecs-snapshot.json").read_bytes()
    headers = {"Content-Type": "application/json", **INCOMING, **signature}
    response = capture.answer(webhook_client.post("/", data=data, headers=headers))
    assert response.status_code == 401
    # One good request, so there is an Authorization header of our own to look for.
    capture.answer(webhook_client.post("/", data=data, headers=signed_headers(data)))
    assert_nothing_leaked(capture, cloud)


FAULTS: dict[str, Callable[[FakeCloud], object]] = {
    "throttled": lambda cloud: cloud.faults.throttle(),
    "5xx": lambda cloud: cloud.faults.server_error(status=503),
    "dropped": lambda cloud: cloud.faults.drop(),
    "slow": lambda cloud: cloud.faults.latency(1.0, times=3),
    "some resources": lambda cloud: cloud.faults.server_error(resource_id="i-bp1def"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_provider_faults(
    capture: Capture,
    cloud: FakeCloud,
    webhook_client: Client,
    queue_client: Client,
    event_client: Client,
    main: Any,
    fault: str,
) -> None:
    FAULTS[fault](cloud)
    for name in ("canonical/aliyun-ecs-2018-profile.json", "canonical/batch.json"):
        body = json.loads((EVENTS / name).read_text(encoding="utf-8"))
        send_everywhere(capture, body, webhook_client, queue_client, event_client, main.handler)
    if fault == "slow":
        time.sleep(1.1)  # the stalled requests finish on the fake cloud before it is reset
    assert_nothing_leaked(capture, cloud)


@pytest.mark.parametrize("signature", ["HMAC-SHA1", "ACS3-HMAC-SHA256"])
def test_provider_refuses_our_signature_and_echoes_the_string_to_sign(
    capture: Capture,
    cloud: FakeCloud,
    webhook_client: Client,
    monkeypatch: pytest.MonkeyPatch,
    signature: str,
) -> None:
    """Alibaba answers SignatureDoesNotMatch with the string it signed: the STS token in it."""
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "a-wrong-aliyun-secret-777")
    monkeypatch.setenv("TAGSTRIP_ALIYUN_SIGNATURE", signature)
    reset_settings()
    data = (EVENTS / "canonical" / "aliyun-ecs-snapshot.json").read_bytes()
    response = capture.answer(webhook_client.post("/", data=data, headers=signed_headers(data)))
    assert response.json["results"][0]["calls"][0]["error_code"] == "SignatureDoesNotMatch"
    assert_nothing_leaked(capture, cloud)
    text = "\n".join(text for _, text in capture.texts())
    assert "a-wrong-aliyun-secret-777" not in text


def test_unreachable_provider(
    capture: Capture, cloud: FakeCloud, webhook_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAGSTRIP_HUAWEI_ECS_ENDPOINT", "http://127.0.0.1:9")
    reset_settings()
    for name, status in (("huawei-ecs.json", 503), ("aliyun-ecs-snapshot.json", 200)):
        data = (EVENTS / "canonical" / name).read_bytes()
        headers = {**signed_headers(data), **INCOMING}
        response = capture.answer(webhook_client.post("/", data=data, headers=headers))
        assert response.status_code == status, response.json
    assert_nothing_leaked(capture, cloud)
