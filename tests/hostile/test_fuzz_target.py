"""The fuzz target stays runnable: every sample event and a few hundred hypothesis inputs.

The coverage-guided run is ``make fuzz`` (atheris), kept out of ``make test``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.e2e.conftest import EVENTS, ROOT
from tests.hostile.conftest import HOSTILE, any_body, encode


def load_target() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "tagstrip_fuzz_targets", ROOT / "fuzz" / "targets.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TARGET = load_target()
SAMPLES = sorted(EVENTS.rglob("*.json"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(EVENTS)))
def test_every_sample_event(path: Path) -> None:
    TARGET.one_input(path.read_bytes())


@HOSTILE
@given(data=st.binary(max_size=300) | any_body.map(lambda v: encode(v, False)))
def test_arbitrary_input(data: bytes) -> None:
    TARGET.one_input(data)
