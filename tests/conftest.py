"""Shared fixtures: the embedded fake cloud, started once and reset around every test.

``fake_cloud`` is an empty fake with every ``TAGSTRIP_*_ENDPOINT`` and the vendors'
credential variables pointed at it; ``seeded_cloud`` also holds events/fixtures/seed.json,
the state that makes the sample events meaningful.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagstrip.core.settings import reset_settings
from tagstrip.fakecloud import FakeCloud

SEED_FILE = Path(__file__).resolve().parents[1] / "events" / "fixtures" / "seed.json"


@pytest.fixture(scope="session")
def fake_cloud_server() -> Iterator[FakeCloud]:
    """One fake cloud server for the whole session (starting one per test is slower)."""
    with FakeCloud() as cloud:
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


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Settings are cached per process (a warm function keeps them); tests change the
    environment, so every test starts and ends with the cache cleared."""
    reset_settings()
    yield
    reset_settings()


@pytest.fixture(autouse=True)
def _tagstrip_logs_reach_caplog() -> Iterator[None]:
    """Deployed, the ``tagstrip`` logger writes its own JSON lines and does not propagate
    (see tagstrip.core.logging); in tests its records must still reach pytest's caplog."""
    logger = logging.getLogger("tagstrip")
    propagate, logger.propagate = logger.propagate, True
    yield
    logger.propagate = propagate
