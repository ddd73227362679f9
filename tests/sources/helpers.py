"""Shared bits of the event-source tests: sample paths and environments."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tagstrip.domain import pipeline
from tagstrip.domain.outcomes import Adapted, Rejected
from tagstrip.domain.pipeline import Admitted
from tagstrip.runtime.wiring import validation

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
RULES = EVENTS / "rules.yaml"
#: The environment of a deployment that uses the sample rules file.
RULES_ENV = {"TAGSTRIP_RULES": str(RULES)}

CANONICAL_ECS = {
    "provider": "aliyun-ecs",
    "region": "cn-hangzhou",
    "resource_type": "instance",
    "resource_ids": ["i-bp1abc"],
    "tags": [{"key": "owner"}],
}


def load(relative: str) -> Any:
    return json.loads((EVENTS / relative).read_text(encoding="utf-8"))


def raw(relative: str) -> bytes:
    return (EVENTS / relative).read_bytes()


def paths(errors: Any) -> list[str]:
    """The field paths of an InvalidRequest, in order."""
    return [error.path for error in errors.errors]


def admitted(event: Adapted | Rejected) -> Admitted:
    """An adapted event validated as the pipeline validates it (sources only unwrap);
    InvalidRequest, located in the envelope, when its payloads are not valid requests."""
    outcome = pipeline.admit(event, validation())
    if isinstance(outcome, Rejected) and not isinstance(event, Rejected):
        raise outcome.error
    return outcome


def validated(delivery: Sequence[Adapted | Rejected]) -> list[Admitted]:
    """The events of a delivery validated as the pipeline validates them."""
    return pipeline.validate(delivery, validation())
