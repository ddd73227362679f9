"""Garbage in: adapters answer with InvalidRequest (or a Rejected result), never a traceback."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from tagstrip.domain.errors import InvalidRequest, Unauthorized
from tagstrip.domain.outcomes import Accepted, Ignored, Rejected
from tagstrip.sources import cloudevent, mns, pubsub, webhook
from tagstrip.sources.envelopes import adapt_delivery
from tagstrip.sources.webhook_auth import DeliveryLog, Verified, WebhookVerifier, sign
from tests.sources.helpers import admitted, validated

from .helpers import RULES_ENV

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
#: Keys the adapters look for, so garbage reaches past the shape checks.
known_keys = st.sampled_from(
    [
        "specversion", "id", "source", "type", "data", "data_base64", "message",
        "subscription", "TopicName", "MessageId", "Message", "body", "attrs", "cts",
        "provider", "region", "resource_ids", "tags", "messageBody", "request",
        "trace_id", "trace_name", "trace_type", "service_type", "webhookEvent",
    ]
)  # fmt: skip
shaped = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(known_keys, inner, max_size=6),
    max_leaves=25,
)
event_types = st.sampled_from(
    [
        cloudevent.REQUEST_TYPE,
        pubsub.EVENTARC_TYPE,
        mns.QUEUE_EVENT_TYPE,
        "ecs:Instance:StateChange",
        "ECS:CloudTrace:ApiCall",
    ]
)
cloudevents = st.fixed_dictionaries(
    {"specversion": st.just("1.0"), "id": st.text(max_size=5), "source": st.just("s")},
    optional={"type": event_types, "data": shaped, "data_base64": st.text(max_size=30)},
)
RESULTS = (Accepted, Ignored, Rejected)
T = TypeVar("T")


def attempt(call: Callable[[], T]) -> T | InvalidRequest | Unauthorized:
    """The result of `call`, or the one kind of error it may raise on purpose."""
    try:
        return call()
    except (InvalidRequest, Unauthorized) as exc:
        return exc


@settings(max_examples=300)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_any_bytes(body: bytes | str) -> None:
    assert all(isinstance(r, RESULTS) for r in validated(adapt_delivery(body, environ=RULES_ENV)))


@settings(max_examples=300)
@given(json_values | shaped | cloudevents | st.lists(cloudevents | shaped, max_size=3))
def test_any_parsed_json(body: Any) -> None:
    assert all(isinstance(r, RESULTS) for r in validated(adapt_delivery(body, environ=RULES_ENV)))


@given(st.dictionaries(st.sampled_from(["ce-id", "ce-type", "ce-source"]), st.text(max_size=8)))
def test_any_binary_cloudevent(headers: dict[str, str]) -> None:
    [result] = validated(
        adapt_delivery(b"{}", {**headers, "ce-specversion": "1.0"}, environ=RULES_ENV)
    )
    assert isinstance(result, RESULTS)


@given(st.binary(max_size=60) | json_values.map(lambda v: repr(v).encode()))
def test_pubsub_data_that_is_valid_base64_of_garbage(raw: bytes) -> None:
    body = {"message": {"data": base64.b64encode(raw).decode()}, "subscription": "s"}
    result = attempt(lambda: admitted(pubsub.adapt_push(body)))
    assert isinstance(result, Accepted | InvalidRequest)


@given(shaped, st.sampled_from(["preset:jira", "preset:servicenow"]))
def test_mapped_webhooks(body: Any, preset: str) -> None:
    result = attempt(
        lambda: admitted(webhook.adapt(body, environ={"TAGSTRIP_WEBHOOK_MAPPING": preset}))
    )
    assert isinstance(result, Accepted | Ignored | InvalidRequest)


header_names = st.sampled_from(
    [
        "X-Tagstrip-Signature",
        "X-Hub-Signature",
        "X-Hub-Signature-256",
        "X-Atlassian-Webhook-Identifier",
    ]
)
signature_like = st.text(max_size=80) | st.builds(
    lambda t, junk: f"t={t},v1={junk}", st.text(max_size=14), st.text(max_size=70)
)


@settings(max_examples=300)
@given(st.dictionaries(header_names, signature_like, max_size=4), st.binary(max_size=40))
def test_webhook_signatures(headers: dict[str, str], body: bytes) -> None:
    check = WebhookVerifier.from_env({"TAGSTRIP_WEBHOOK_SECRET": "k1,k2"})
    result = attempt(lambda: check.verify(headers, body))
    assert isinstance(result, Verified | Unauthorized)
    assert "k1" not in str(result)


@given(st.binary(max_size=40), st.integers(min_value=0, max_value=2**39))
def test_signed_requests_verify_whatever_the_body(body: bytes, stamp: int) -> None:
    check = WebhookVerifier([SecretStr("k")], deliveries=DeliveryLog(), clock=lambda: stamp)
    assert check.verify({"X-Tagstrip-Signature": sign("k", body, stamp)}, body).scheme
