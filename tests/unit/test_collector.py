"""The collector pause around a cold start: ours to end, nobody else's."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tagstrip.runtime import collector


@pytest.fixture(autouse=True)
def _restored() -> Iterator[None]:
    collector.resume()  # end a pause functions/main.py may have left in this process
    was_on = gc.isenabled()
    yield
    collector.resume()
    gc.unfreeze()
    if was_on:
        gc.enable()
    else:
        gc.disable()


def test_paused_until_resumed_then_the_heap_so_far_is_frozen() -> None:
    gc.enable()
    gc.unfreeze()
    collector.pause()
    assert not gc.isenabled()
    collector.resume()
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    gc.disable()  # the host's choice from now on
    made_since: list[list[int]] = [[] for _ in range(1000)]
    collector.resume()
    assert not gc.isenabled()
    assert gc.get_freeze_count() <= frozen  # not frozen again (frozen objects may be freed)
    assert made_since


def test_a_host_running_without_the_collector_keeps_it_off() -> None:
    gc.disable()
    gc.unfreeze()
    collector.pause()
    collector.resume()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_two_pauses_end_with_one_resume() -> None:
    gc.enable()
    collector.pause()
    collector.pause()  # functions/main.py loaded twice
    collector.resume()
    assert gc.isenabled()
