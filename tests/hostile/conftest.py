"""Hostile input against every entry point: what any input must never cause.

Every answer is JSON (or the framework's own short refusal, through our error handler),
never a 5xx, never a traceback, never an echo of a credential header; and input that is
refused makes no call to the cloud (the fake cloud's journal does not grow).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from tagstrip.domain.models import PROVIDERS
from tagstrip.runtime.settings import reset_settings
from tagstrip.sources.webhook_auth import DELIVERIES
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import EVENTS, SECRET, app_client
from tests.e2e.conftest import Client as Client

#: Hypothesis settings for every hostile test: modest, no deadline, fixtures reused, and no
#: shrinking (each example is an HTTP exchange; a failure is reported as generated).
#: TAGSTRIP_HOSTILE_EXAMPLES=1000 explores further on demand.
HOSTILE = settings(
    max_examples=int(os.environ.get("TAGSTRIP_HOSTILE_EXAMPLES", "60")),
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MAX_BODY = 8192
FC_HEADERS = {
    "x-fc-access-key-id": "LTAIhostilefcid",
    "x-fc-access-key-secret": "hostile-fc-secret-31337",
    "x-fc-security-token": "hostile-fc-token-73313",
    "Authorization": "Bearer hostile-bearer-4711",
}
LEAKABLE = tuple(v for k, v in FC_HEADERS.items() if k != "x-fc-access-key-id")

#: Characters that break naive text handling: lone surrogates, bidi overrides, zero-width
#: joiners, NUL and other controls, BOM, astral characters, a replacement character.
EDGE_CHARACTERS = (
    "\ud800",
    "\udfff",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\x00",
    "\x1b",
    "\x7f",
    "\ufeff",
    "\ufffd",
    "\U0001f600",
    "\u4e2d",
    "\u0627",
)
edge_text = st.text(
    alphabet=st.characters() | st.sampled_from(EDGE_CHARACTERS), max_size=24
) | st.sampled_from(["", "i-bp1abc", "cn-hangzhou", "acs:x", "http://x", "a" * 300])
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | edge_text
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(edge_text, inner, max_size=6),
    max_leaves=25,
)
#: Field names of the canonical request, the vendors' native forms and the envelopes.
FIELD_NAMES = (
    "provider",
    "region",
    "resource_type",
    "resource_ids",
    "project_id",
    "tags",
    "remove_all",
    "dry_run",
    "api_profile",
    "id",
    "RegionId",
    "ResourceId",
    "ResourceType",
    "Tag.1.Key",
    "Tag.1.Value",
    "Tag.21.Key",
    "ResourceId.1",
    "TagKey.1",
    "All",
    "action",
    "server_id",
    "instanceId",
    "changeTags",
)
request_like = st.dictionaries(
    st.sampled_from(FIELD_NAMES) | edge_text,
    json_values
    | st.sampled_from([*PROVIDERS, "aliyun", "", None])
    | st.lists(st.fixed_dictionaries({"key": json_values}, optional={"value": json_values})),
    max_size=8,
)
any_body = json_values | request_like | st.lists(request_like, max_size=4)


def encode(value: Any, ascii_only: bool) -> bytes:
    """JSON bytes; with non-ASCII kept, a lone surrogate makes the bytes invalid UTF-8."""
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@dataclass
class Journal:
    """Counts the fake cloud's calls around one input."""

    cloud: FakeCloud
    before: int = 0

    def mark(self) -> None:
        self.before = len(self.cloud.journal)

    @property
    def grew(self) -> bool:
        return len(self.cloud.journal) > self.before


def assert_safe_text(text: str) -> None:
    """No traceback and no credential header value in anything we answer."""
    assert "Traceback" not in text
    assert 'File "' not in text
    for value in LEAKABLE:
        assert value not in text
    assert "x-fc-" not in text.lower()


def answer_json(response: Any) -> Any:
    raw = response.get_data()
    text = raw.decode("utf-8")  # our answers are valid UTF-8, whatever came in
    assert_safe_text(text)
    assert response.mimetype == "application/json", (response.status_code, text[:300])
    return json.loads(text)


def assert_refused_without_calls(response: Any, journal: Journal) -> Any:
    """A webhook answer: 4xx and no call, or (a valid request slipped through) a report."""
    body = answer_json(response)
    if journal.grew:
        assert response.status_code in (200, 207, 502), body
        return body
    assert response.status_code < 500, body
    if response.status_code >= 400:
        assert isinstance(body.get("error"), str), body
    return body


@pytest.fixture
def hostile_env(seeded_cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCloud]:
    """The seeded fake cloud, a small body limit, no retries, no faults, no past deliveries."""
    DELIVERIES.reset()
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("TAGSTRIP_MAX_BODY_BYTES", str(MAX_BODY))
    monkeypatch.setenv("TAGSTRIP_RULES", str(EVENTS / "rules.yaml"))
    monkeypatch.setenv("TAGSTRIP_RETRIES", "0")
    reset_settings()
    yield seeded_cloud
    reset_settings()


@pytest.fixture(scope="session")
def webhook() -> Client:
    return app_client("remove_tags_http", "http")


@pytest.fixture(scope="session")
def queue() -> Client:
    return app_client("remove_tags_queue", "http")


@pytest.fixture(scope="session")
def events() -> Client:
    return app_client("remove_tags_event", "cloudevent")
