"""Shared fixtures: the embedded fake cloud, started once and reset around every test.

``fake_cloud`` is an empty fake with every ``TAGSTRIP_*_ENDPOINT`` and the vendors'
credential variables pointed at it; ``seeded_cloud`` also holds events/fixtures/seed.json,
the state that makes the sample events meaningful.
"""

from __future__ import annotations

import logging
import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagstrip.runtime.settings import SECRET_VARIABLES, reset_settings
from tagstrip_testkit.fakecloud import FakeCloud

SEED_FILE = Path(__file__).resolve().parents[1] / "events" / "fixtures" / "seed.json"
#: A test CA and a certificate it signed for 127.0.0.1 and localhost.
CERTS = Path(__file__).resolve().parent / "unit" / "certs"


@pytest.fixture(scope="session")
def fake_cloud_server() -> Iterator[FakeCloud]:
    """One fake cloud server for the whole session (starting one per test is slower)."""
    with FakeCloud() as cloud:
        yield cloud


@pytest.fixture(scope="session")
def https_cloud_server() -> Iterator[FakeCloud]:
    """A fake cloud serving HTTPS with the test CA's certificate: a client reaches it only
    through a trust store holding ``CERTS / "ca.pem"``, as real endpoints are reached."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERTS / "server.pem", CERTS / "server.key")
    with FakeCloud(tls=context) as cloud:
        yield cloud


@pytest.fixture
def fake_cloud(
    fake_cloud_server: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeCloud]:
    """The fake cloud, empty, with tagstrip's environment pointed at it."""
    fake_cloud_server.reset()
    monkeypatch.setattr(fake_cloud_server, "clock", fake_cloud_server.clock)
    for name, value in fake_cloud_server.environment().items():
        monkeypatch.setenv(name, value)
    yield fake_cloud_server
    fake_cloud_server.reset()


@pytest.fixture
def seeded_cloud(fake_cloud: FakeCloud) -> FakeCloud:
    """The fake cloud holding the seed state of the sample events."""
    fake_cloud.seed(SEED_FILE)
    return fake_cloud


@pytest.fixture
def allow_account_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    """Consent to account-wide removals (baidu-tag) for the tests that make them; the
    default, refusing them, is what every other test sees."""
    monkeypatch.setenv("TAGSTRIP_ALLOW_ACCOUNT_SCOPE", "true")


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Settings are cached per process (a warm function keeps them); tests change the
    environment, so every test starts and ends with the cache cleared."""
    reset_settings()
    yield
    reset_settings()


class _SecretGuard(logging.Handler):
    """Notes every ``tagstrip`` log record that holds a secret configured in the environment
    (raw, before the JSON formatter's redaction), so each test of the suite is checked."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        secrets = [
            part.strip()
            for name in SECRET_VARIABLES
            for part in os.environ.get(name, "").split(",")
            if len(part.strip()) >= 4
        ]
        text = f"{record.getMessage()} {vars(record)!r}"
        self.leaks += [f"{record.name}: {name!r}" for name in secrets if name in text]


@pytest.fixture(autouse=True)
def _no_secret_in_any_log_line() -> Iterator[None]:
    guard = _SecretGuard()
    logger = logging.getLogger("tagstrip")
    logger.addHandler(guard)
    yield
    logger.removeHandler(guard)
    assert not guard.leaks, f"secrets logged: {guard.leaks}"


@pytest.fixture(autouse=True)
def _tagstrip_logs_reach_caplog() -> Iterator[None]:
    """Deployed, the ``tagstrip`` logger writes its own JSON lines and does not propagate
    (see tagstrip.runtime.logging); in tests its records must still reach pytest's caplog."""
    logger = logging.getLogger("tagstrip")
    propagate, logger.propagate = logger.propagate, True
    yield
    logger.propagate = propagate
